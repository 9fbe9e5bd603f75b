#!/usr/bin/env python3
"""The project's commands, runnable on a fresh machine with only Python >= 3.10 and pip.

    python3 tools/dev.py demo     run aiobyte's demo against the embedded fake Airbyte
    python3 tools/dev.py test     lint, type-check, check generated code, run the tests
    python3 tools/dev.py bench    run the benchmarks (add --quick for a smoke run)

Each command first makes sure a virtual environment at ``.venv`` holds aiobyte and
what the command needs (installed once, then again only when pyproject.toml changes).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"


def _python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def _run(*args: str | Path, env: dict[str, str] | None = None) -> int:
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.call([str(a) for a in args], cwd=ROOT, env=env)


def ensure_environment(extra: str) -> Path:
    """A virtual environment with aiobyte installed (editable) with ``extra``."""
    python = _python()
    if not python.exists():
        print(f"creating a virtual environment in {VENV.name}/", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    stamp = VENV / f".aiobyte-{extra}"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != wanted:
        pip = [python, "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
        if _run(*pip, "--upgrade", "pip") != 0:
            sys.exit("could not upgrade pip in the virtual environment")
        target = f".[{extra}]" if extra else "."
        if _run(*pip, "--editable", target) != 0:
            sys.exit("could not install aiobyte and its dependencies")
        stamp.write_text(wanted)
    return python


def test(args: list[str]) -> int:
    python = ensure_environment("dev")
    steps: list[tuple[str | Path, ...]] = [
        (python, "-m", "ruff", "check", "."),
        (python, "-m", "ruff", "format", "--check", "."),
        (python, "-m", "mypy"),
        (python, "tools/check_readme_types.py"),  # the README's examples, mypy --strict
        (python, "tools/generate_models.py", "--check"),
        (python, "tools/generate_connectors.py", "--check"),
        (python, "-m", "pytest", *args),
    ]
    failed = [step for step in steps if _run(*step) != 0]
    for step in failed:
        print("FAILED:", " ".join(str(a) for a in step[1:]), file=sys.stderr)
    return 1 if failed else 0


def demo(args: list[str]) -> int:
    python = ensure_environment("")
    return _run(python, "-m", "aiobyte", "demo", *args)


def bench(args: list[str]) -> int:
    python = ensure_environment("bench")
    return _run(python, "benchmarks/run.py", *args)


COMMANDS = {"test": test, "demo": demo, "bench": bench}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__.strip())
        return 2
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
