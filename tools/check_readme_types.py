#!/usr/bin/env python3
"""Type-check the README's Python examples with ``mypy --strict``, as a user's would be.

Usage::

    python tools/check_readme_types.py [--readme PATH]

Every ```` ```python ```` block of the README becomes a module of its own in a temporary
directory, and mypy checks them all (``tools/dev.py test`` runs this). A block with
``await`` or ``async with`` at its top level (a snippet, as typed in an asyncio REPL or a
notebook) is checked as the body of an ``async def`` whose parameters are the names the
README's snippets take as given (``client``, ``workspace_id``, ... with their types, in
``GIVEN``). A block with a function that carries no annotations (pytest fixtures and
tests, written as most test files are) is not refused for that: its unannotated
functions are checked as mypy checks untyped code (``check_untyped_defs``), its
annotated ones as strictly as the rest. Errors are reported at their README line.
The files of ``tests/typing/`` (``assert_type`` checks of what a type checker must infer
for the documented patterns) are checked in the same run. Exit status: mypy's (0 when
every example type-checks).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TYPING_TESTS = REPO / "tests" / "typing"

#: The names the README's snippets use without defining them, with their types.
GIVEN = {
    "client": "aiobyte.AirbyteClient",
    "workspace_id": "str",
    "workspace_ids": "list[str]",
    "connection_id": "str",
    "connection_ids": "list[str]",
    "a": "str",
    "b": "str",
}

_TOP_LEVEL_ASYNC = re.compile(r"^(async (with|for)\b|.*\bawait\b)", re.M)
_DEF = re.compile(r"^\s*(async )?def \w+\((?P<params>[^)]*)\)(?P<returns>\s*->)?", re.M)


@dataclass(frozen=True)
class Block:
    line: int  # the README line of the block's first line of code
    code: str

    @property
    def module(self) -> str:
        return f"readme_line_{self.line}"


def python_blocks(text: str) -> list[Block]:
    """Every ```` ```python ```` block, with the README line its code starts on."""
    return [
        Block(text.count("\n", 0, found.start(1)) + 1, found.group(1))
        for found in re.finditer(r"^```python\n(.*?)^```$", text, re.M | re.S)
    ]


def is_snippet(block: Block) -> bool:
    """Top-level await or async with/for: only valid inside a coroutine."""
    top_level = "\n".join(line for line in block.code.splitlines() if not line[:1].isspace())
    return bool(_TOP_LEVEL_ASYNC.search(top_level))


def is_untyped(block: Block) -> bool:
    """A function without annotations (a fixture or a test, as usually written)."""
    return any(not (d["returns"] or ":" in d["params"]) for d in _DEF.finditer(block.code))


def source(block: Block) -> tuple[str, int]:
    """The module's text, and how many lines come before the block's first line."""
    if not is_snippet(block):
        return block.code, 0
    params = ", ".join(f"{name}: {kind}" for name, kind in GIVEN.items())
    header = f"import aiobyte\n\n\nasync def _example({params}) -> None:\n"
    return header + textwrap.indent(block.code, "    "), header.count("\n")


def config(blocks: list[Block], cache: Path) -> str:
    lines = [
        "[mypy]",
        "strict = True",
        "warn_unreachable = True",
        f"cache_dir = {cache}",
        "",
        "[mypy-yaml]",
        "ignore_missing_imports = True",
    ]
    for block in blocks:
        if is_untyped(block):
            lines += [
                "",
                f"[mypy-{block.module}]",
                "disallow_untyped_defs = False",
                "disallow_incomplete_defs = False",
                "check_untyped_defs = True",
            ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readme", type=Path, default=REPO / "README.md")
    args = parser.parse_args()
    blocks = python_blocks(args.readme.read_text(encoding="utf-8"))
    if not blocks:
        print(f"no python blocks in {args.readme}", file=sys.stderr)
        return 1
    offsets: dict[str, tuple[int, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for block in blocks:
            text, offset = source(block)
            (directory / f"{block.module}.py").write_text(text, encoding="utf-8")
            offsets[block.module] = (block.line, offset)
        cfg = directory / "mypy.ini"
        cfg.write_text(config(blocks, REPO / ".mypy_cache" / "readme"), encoding="utf-8")
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--config-file",
                str(cfg),
                *(f"{module}.py" for module in sorted(offsets)),
                *(str(path) for path in sorted(TYPING_TESTS.glob("*.py"))),
            ],
            cwd=directory,
            capture_output=True,
            text=True,
            check=False,
        )

    def at_readme_line(found: re.Match[str]) -> str:
        start, offset = offsets[found["module"]]
        return f"{args.readme.name}:{start + int(found['line']) - 1 - offset}:"

    report = re.sub(r"(?P<module>readme_line_\d+)\.py:(?P<line>\d+):", at_readme_line, done.stdout)
    print(report.replace(f"{REPO}/", ""), end="")
    print(done.stderr, end="", file=sys.stderr)
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
