#!/usr/bin/env python3
"""The project's commands, runnable on a fresh machine with only Python >= 3.10 and pip.

    python3 tools/dev.py test [PYTEST ARGS]   lint, format, types, generated code, the tests
    python3 tools/dev.py test --quick         the same without the slow tests (benchmark smoke)
    python3 tools/dev.py test --python 3.10   the same on another Python (found, not installed)
    python3 tools/dev.py integrations [NAME]  each integrations/NAME's tests in its own venv
    python3 tools/dev.py ci                   what CI runs: the checks once, the tests on the
                                              oldest and newest Python (coverage on one), and
                                              every integration
    python3 tools/dev.py demo                 aiobyte's demo against the embedded fake Airbyte
    python3 tools/dev.py bench                the benchmarks (add --quick for a smoke run)

Each command first makes sure a virtual environment holds aiobyte and what the command
needs: ``.venv`` for the Python running this script, ``.venv-3.10`` and so on for the others,
``integrations/NAME/.venv`` for an integration. It installs once, then again only when what
it was built from (pyproject.toml, constraints.txt) changes. The check tools are pinned in
constraints.txt, so a new release of one cannot change what CI reports.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import glob
import hashlib
import os
import re
import shutil
import subprocess
import sys
import time
import venv
from collections.abc import Sequence
from pathlib import Path

import api_docs  # beside this script: where the API documents are

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints.txt"
INTEGRATIONS = ROOT / "integrations"
LOGS = ROOT / ".venv-logs"  # what the installs and the parallel test runs printed

#: The oldest and the newest Python the project supports (pyproject's requires-python and
#: classifiers): CI runs the tests on both.
PYTHONS = ("3.10", "3.13")
#: The Python whose run also measures coverage (3.12+ traces cheaply with sys.monitoring).
COVERAGE_PYTHON = "3.13"
#: The generators whose output is committed, each with the API document it reads: CI checks
#: that the committed files are what they write.
GENERATORS = {
    "tools/generate_models.py": "api.yaml",
    "tools/generate_connectors.py": "api_sdk.yaml",
}
#: Integration venvs installed at once: installs wait mostly on disk and the index.
PARALLEL_INSTALLS = 3
#: Test suites run at once in CI (2 cores): they mostly wait on sockets and clocks.
PARALLEL_SUITES = 3

PIP = ("-m", "pip", "install", "--disable-pip-version-check", "--quiet")


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _say(*parts: object) -> None:
    print(*parts, flush=True)


def _run(*args: str | Path, cwd: Path = ROOT, log: Path | None = None) -> int:
    """Run a command from ``cwd``; its output goes to ``log`` when given, else to ours."""
    command = [str(a) for a in args]
    if log is None:
        _say("+", " ".join(command))
        return subprocess.call(command, cwd=cwd)
    with log.open("ab") as out:
        out.write(("+ " + " ".join(command) + "\n").encode())
        out.flush()
        return subprocess.call(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)


# -- Pythons ------------------------------------------------------------------------------


def _version_of(python: str | Path) -> str | None:
    """``"3.10"`` for a working interpreter that can make venvs, else None."""
    probe = "import sys, venv, ensurepip; print('%d.%d' % sys.version_info[:2])"
    try:
        done = subprocess.run(
            [str(python), "-c", probe], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def find_python(version: str) -> Path | None:
    """An interpreter for ``version`` ("3.10"): on PATH, under pyenv, or in the usual places.

    A pyenv shim on PATH answers only for the versions pyenv has selected, so the versions
    pyenv installed are looked at directly too; each candidate is run to check it.
    """
    if _version_of(sys.executable) == version:
        return Path(sys.executable)
    candidates: list[str] = []
    on_path = shutil.which(f"python{version}")
    if on_path:
        candidates.append(on_path)
    pyenv_root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    found = glob.glob(os.path.join(pyenv_root, "versions", f"{version}.*", "bin", "python3"))
    # the newest patch release first: 3.10.13 before 3.10.9
    candidates += sorted(found, key=lambda p: [int(x) for x in _patch(p)], reverse=True)
    candidates += [f"/usr/local/bin/python{version}", f"/usr/bin/python{version}"]
    for candidate in candidates:
        if Path(candidate).exists() and _version_of(candidate) == version:
            return Path(candidate)
    return None


def _patch(path: str) -> list[str]:
    name = Path(path).parent.parent.name  # "3.10.13"
    parts = name.split(".")
    return parts if all(p.isdigit() for p in parts) else ["0"]


# -- virtual environments -------------------------------------------------------------------


def _venv_python(venv_dir: Path) -> Path:
    if os.name == "nt":
        return venv_dir / "Scripts" / "python.exe"
    return venv_dir / "bin" / "python"


def _fingerprint(*files: Path) -> str:
    digest = hashlib.sha256()
    for file in files:
        digest.update(str(file.relative_to(ROOT)).encode() + b"\0")
        digest.update(file.read_bytes() if file.is_file() else b"(absent)")
        digest.update(b"\0")
    return digest.hexdigest()


def ensure_venv(
    venv_dir: Path,
    interpreter: Path,
    targets: Sequence[str],
    constraints: Sequence[Path],
    inputs: Sequence[Path],
    log: Path | None = None,
) -> Path:
    """A venv at ``venv_dir`` made by ``interpreter``, with ``targets`` installed editable.

    Installs again only when one of ``inputs`` (or the interpreter) changed since the last
    install. Raises SystemExit saying what failed.
    """
    python = _venv_python(venv_dir)
    wanted = _fingerprint(*inputs) + " " + str(interpreter)
    stamp = venv_dir / ".aiobyte-stamp"
    # The stamp's first line is what the venv was built from, the others the targets
    # installed since (``.[test]``, then ``.[bench]``: one venv serves both).
    lines = stamp.read_text().splitlines() if python.exists() and stamp.is_file() else []
    installed = set(lines[1:]) if lines[:1] == [wanted] else set()
    if installed.issuperset(targets):
        return python
    where = venv_dir.relative_to(ROOT)
    _say(f"installing into {where}/ (made by {interpreter})")
    if not python.exists() or _version_of(python) != _version_of(interpreter):
        if interpreter == Path(sys.executable) and venv_dir == ROOT / ".venv":
            venv.EnvBuilder(with_pip=True, clear=True).create(venv_dir)
        elif _run(interpreter, "-m", "venv", "--clear", venv_dir, log=log) != 0:
            raise SystemExit(f"could not create the virtual environment {where}/")
    stamp.unlink(missing_ok=True)
    if _run(python, *PIP, "--upgrade", "pip", log=log) != 0:
        raise SystemExit(f"could not upgrade pip in {where}/" + _see(log))
    args: list[str | Path] = []
    for target in targets:
        args += ["--editable", target]
    for file in constraints:
        if file.is_file():
            args += ["--constraint", file]
    if _run(python, *PIP, *args, log=log) != 0:
        raise SystemExit(f"could not install {' '.join(targets)} into {where}/" + _see(log))
    stamp.write_text("\n".join([wanted, *sorted(installed.union(targets))]) + "\n")
    return python


def _see(log: Path | None) -> str:
    return f" (see {log.relative_to(ROOT)})" if log is not None else ""


def core_venv(extra: str, version: str | None = None, log: Path | None = None) -> Path:
    """The venv with aiobyte and ``extra`` on ``version`` (default: the Python running us)."""
    if version is None:
        interpreter, venv_dir = Path(sys.executable), ROOT / ".venv"
    else:
        found = find_python(version)
        if found is None:
            raise SystemExit(f"Python {version} not found")
        interpreter = found
        same = interpreter == Path(sys.executable)
        venv_dir = ROOT / (".venv" if same else f".venv-{version}")
    target = f".[{extra}]" if extra else "."
    inputs = [ROOT / "pyproject.toml", CONSTRAINTS]
    return ensure_venv(venv_dir, interpreter, [target], [CONSTRAINTS], inputs, log=log)


# -- the checks -----------------------------------------------------------------------------


def _checks(python: Path) -> list[tuple[str, tuple[str | Path, ...]]]:
    """Every check but the tests, each runnable alone (CONTRIBUTING.md lists them)."""
    checks: list[tuple[str, tuple[str | Path, ...]]] = [
        ("lint", (python, "-m", "ruff", "check", ".")),
        ("format", (python, "-m", "ruff", "format", "--check", ".")),
        ("types", (python, "-m", "mypy")),
        ("README types", (python, "tools/check_readme_types.py")),  # its examples, mypy --strict
    ]
    for script, document in GENERATORS.items():
        if (ROOT / script).is_file() and _have_api_document(script, document):
            checks.append((f"{script} --check", (python, script, "--check")))
    return checks


def _have_api_document(script: str, name: str) -> bool:
    """The document is there; without it, the check skips (in CI it runs, and fails)."""
    try:
        api_docs.document(name)
    except FileNotFoundError as missing:
        if _in_ci():
            return True
        _say(f"skipped: {script} --check ({missing})")
        return False
    return True


def _pytest(python: Path, args: Sequence[str], coverage: bool = False) -> tuple[str | Path, ...]:
    if not coverage:
        return (python, "-m", "pytest", *args)
    return (python, "-m", "coverage", "run", "-m", "pytest", *args)


def _coverage_report(python: Path) -> list[tuple[str, tuple[str | Path, ...]]]:
    # the floor (fail_under) and what is measured are in pyproject's [tool.coverage]
    return [("coverage report", (python, "-m", "coverage", "report"))]


def _run_steps(steps: Sequence[tuple[str, tuple[str | Path, ...]]]) -> list[str]:
    """Run every step even after a failure (to see all that is wrong); the failed names."""
    failed = []
    for name, command in steps:
        started = time.monotonic()
        code = _run(*command)
        _say(f"  ({name}: {time.monotonic() - started:.0f} s, exit {code})")
        if code != 0:
            failed.append(name)
    return failed


def _report(failed: Sequence[str]) -> int:
    for name in failed:
        print("FAILED:", name, file=sys.stderr)
    return 1 if failed else 0


def test(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="dev.py test", add_help=False, allow_abbrev=False)
    parser.add_argument("--quick", action="store_true", help="skip the tests marked slow")
    parser.add_argument("--python", help="run on this Python version (3.10, 3.13...)")
    parser.add_argument("--coverage", action="store_true", help="measure and report coverage")
    known, pytest_args = parser.parse_known_args(argv)
    if known.quick:
        pytest_args = ["-m", "not slow", *pytest_args]
    python = core_venv("dev", known.python)
    steps = [*_checks(python), ("pytest", _pytest(python, pytest_args, known.coverage))]
    if known.coverage:
        steps += _coverage_report(python)
    return _report(_run_steps(steps))


# -- integrations ---------------------------------------------------------------------------


def _integrations(names: Sequence[str]) -> list[Path]:
    found = sorted(p.parent for p in INTEGRATIONS.glob("*/pyproject.toml"))
    if names:
        missing = set(names) - {p.name for p in found}
        if missing:
            raise SystemExit(f"no integrations/{'/, integrations/'.join(sorted(missing))}/")
        found = [p for p in found if p.name in names]
    return found


def _install_log(directory: Path) -> Path:
    LOGS.mkdir(exist_ok=True)
    return LOGS / f"install-{directory.name}.log"


def _install_integration(directory: Path) -> Path:
    """integrations/NAME/.venv with aiobyte and NAME[test] (its constraints.txt if any)."""
    log = _install_log(directory)
    log.unlink(missing_ok=True)
    inputs = [
        ROOT / "pyproject.toml",
        directory / "pyproject.toml",
        directory / "constraints.txt",
    ]
    rel = directory.relative_to(ROOT)
    return ensure_venv(
        directory / ".venv",
        Path(sys.executable),
        [".", f"{rel}[test]"],
        [directory / "constraints.txt"],
        inputs,
        log=log,
    )


def install_integrations(directories: Sequence[Path]) -> dict[Path, Path | str]:
    """Each integration's venv, installed concurrently: its python, or why it failed."""
    results: dict[Path, Path | str] = {}
    with concurrent.futures.ThreadPoolExecutor(PARALLEL_INSTALLS) as pool:
        futures = {pool.submit(_install_integration, d): d for d in directories}
        for future in concurrent.futures.as_completed(futures):
            directory = futures[future]
            try:
                results[directory] = future.result()
            except SystemExit as failure:
                results[directory] = str(failure)
    return results


def _integration_steps(
    installed: dict[Path, Path | str],
) -> tuple[list[tuple[str, tuple[str | Path, ...]]], list[str]]:
    steps: list[tuple[str, tuple[str | Path, ...]]] = []
    failed: list[str] = []
    for directory, python in sorted(installed.items()):
        rel = directory.relative_to(ROOT).as_posix()
        if isinstance(python, str):
            log = _install_log(directory)
            if log.is_file():
                sys.stdout.write(log.read_text(errors="replace")[-6000:])
            print(f"FAILED to install {rel}: {python}", file=sys.stderr)
            failed.append(f"install {rel}")
        elif not (directory / "tests").is_dir():
            print(f"{rel} has no tests/ folder", file=sys.stderr)
            failed.append(f"{rel} (no tests)")
        else:
            steps.append((f"{rel} tests", (python, "-m", "pytest", f"{rel}/tests")))
    return steps, failed


def integrations(argv: list[str]) -> int:
    directories = _integrations(argv)
    if not directories:
        _say("no integrations/*/pyproject.toml: no integration tests to run")
        return 0
    started = time.monotonic()
    installed = install_integrations(directories)
    _say(f"  (integration installs: {time.monotonic() - started:.0f} s)")
    steps, failed = _integration_steps(installed)
    return _report(failed + _run_steps(steps))


# -- CI -------------------------------------------------------------------------------------


def ci(argv: list[str]) -> int:
    """The checks once, the core tests on every Python of PYTHONS, and the integrations."""
    if argv:
        raise SystemExit("dev.py ci takes no arguments")
    started = time.monotonic()
    logs = LOGS
    logs.mkdir(exist_ok=True)
    pythons: dict[str, Path] = {}
    failed: list[str] = []
    for version in PYTHONS:
        found = find_python(version)
        if found is not None:
            pythons[version] = found
        elif _in_ci():
            print(f"FAILED: Python {version} not found (PATH, pyenv, /usr)", file=sys.stderr)
            failed.append(f"find Python {version}")
        else:
            _say(f"Python {version} not found on this machine: its run is skipped (CI fails)")
    # All the installs at once: core venvs and integrations wait on the index and the disk.
    directories = _integrations([])
    with concurrent.futures.ThreadPoolExecutor(PARALLEL_INSTALLS) as pool:
        cores = {v: pool.submit(core_venv, "dev", v, logs / f"core-{v}.log") for v in pythons}
        integration_future = pool.submit(install_integrations, directories)
        venvs: dict[str, Path] = {}
        for version, future in cores.items():
            try:
                venvs[version] = future.result()
            except SystemExit as failure:
                log = logs / f"core-{version}.log"
                if log.is_file():
                    sys.stdout.write(log.read_text(errors="replace")[-6000:])
                print(f"FAILED: {failure}", file=sys.stderr)
                failed.append(f"install Python {version}")
        installed = integration_future.result()
    _say(f"  (installs: {time.monotonic() - started:.0f} s)")

    checker = venvs.get(COVERAGE_PYTHON) or next(iter(venvs.values()), None)
    if checker is not None:
        failed += _run_steps(_checks(checker))
    # The suites wait on sockets and clocks far more than they compute: run at once, they
    # take little more than the longest of them (coverage's first, as it is the longest).
    suites = [
        (f"pytest on {v}", _pytest(p, [], coverage=p == checker))
        for v, p in sorted(venvs.items(), key=lambda item: item[1] != checker)
    ]
    if directories:
        more, broken = _integration_steps(installed)
        suites += more
        failed += broken
    else:
        _say("no integrations/*/pyproject.toml: no integration tests to run")
    broken, counted = _run_concurrently(suites, logs)
    failed += broken
    if checker is not None:
        failed += _run_steps(_coverage_report(checker))
    _say(f"CI took {time.monotonic() - started:.0f} s")
    code = _report(failed)
    # every suite's tests on one line, as a test runner ends: "N passed, N failed, N skipped"
    passed, failures, skipped = counted["passed"], counted["failed"], counted["skipped"]
    _say(f"tests: {passed} passed, {failures} failed, {skipped} skipped")
    return code


def _run_concurrently(
    steps: Sequence[tuple[str, tuple[str | Path, ...]]], logs: Path
) -> tuple[list[str], dict[str, int]]:
    """Run the steps PARALLEL_SUITES at a time, each into a log printed whole once it is
    done (in the steps' order); the names of those that failed, and the tests counted."""

    def one(step: tuple[str, tuple[str | Path, ...]]) -> tuple[int, float, Path]:
        name, command = step
        log = logs / (re.sub(r"[^A-Za-z0-9.]+", "-", name).strip("-") + ".log")
        log.unlink(missing_ok=True)
        began = time.monotonic()
        return _run(*command, log=log), time.monotonic() - began, log

    failed = []
    totals = dict.fromkeys(("passed", "failed", "skipped"), 0)
    with concurrent.futures.ThreadPoolExecutor(PARALLEL_SUITES) as pool:
        for (name, _), (code, took, log) in zip(steps, pool.map(one, steps), strict=True):
            text = log.read_text(errors="replace")
            sys.stdout.write(text)
            _say(f"  ({name}: {took:.0f} s, exit {code})")
            if code != 0:
                failed.append(name)
            for count, kind in _SUMMARY.findall(text.strip().rpartition("\n")[2]):
                totals["failed" if kind == "error" else kind] += int(count)
    return failed, totals


#: The counts in pytest's closing line ("== 3 failed, 450 passed, 1 skipped in 9.1s ==").
_SUMMARY = re.compile(r"(\d+) (passed|failed|skipped|error)")


def demo(argv: list[str]) -> int:
    python = core_venv("")
    return _run(python, "-m", "aiobyte", "demo", *argv)


def bench(argv: list[str]) -> int:
    python = core_venv("bench")
    return _run(python, "benchmarks/run.py", *argv)


COMMANDS = {"test": test, "integrations": integrations, "ci": ci, "demo": demo, "bench": bench}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__.strip())
        return 2
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
