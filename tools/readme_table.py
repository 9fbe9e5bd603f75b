#!/usr/bin/env python3
"""Write the README's table of resources and methods from ``aiobyte/_operations.py`` and the spec.

Usage::

    python tools/readme_table.py [--spec PATH] [--check]

It replaces what stands between ``<!-- resources:start -->`` and ``<!-- resources:end -->``
in README.md. ``--check`` writes nothing and exits 1 when the README is not what it would
write (a test runs that check). The spec is found as ``tools/generate_models.py`` finds it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from generate_models import find_spec, load_spec  # beside this script

from aiobyte._operations import EXCLUDED, OPERATIONS

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
START, END = "<!-- resources:start -->", "<!-- resources:end -->"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")


def operations_by_id(spec: dict[str, Any]) -> dict[str, str]:
    """``operationId`` -> ``"METHOD /path"`` for every operation of the spec."""
    return {
        op["operationId"]: f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS
    }


def table(spec: dict[str, Any]) -> str:
    """The README section: one row per method, then the operations left out."""
    requests = operations_by_id(spec)
    lines = [
        "Every operation of the API has a method. This table is generated from",
        "`aiobyte/_operations.py` and the spec by `python tools/readme_table.py`.",
        "",
        "| resource | method | request |",
        "| --- | --- | --- |",
    ]
    previous = None
    for operation, target in OPERATIONS.items():
        resource, method = target.split(".")
        shown = f"`client.{resource}`" if resource != previous else ""
        previous = resource
        lines.append(f"| {shown} | `{method}` | `{requests[operation]}` |")
    lines += ["", "Left out, because a browser calls them, not a client:", ""]
    for operation, reason in EXCLUDED.items():
        lines.append(f"- `{requests[operation]}` ({operation}): {reason}.")
    return "\n".join(lines)


def render(readme: str, section: str) -> str:
    """``readme`` with ``section`` between the markers."""
    head, start, rest = readme.partition(START)
    _, end, tail = rest.partition(END)
    if not start or not end:
        raise ValueError(f"README.md lacks the {START} ... {END} markers")
    return f"{head}{START}\n{section}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--spec", help="OpenAPI file (default: as tools/generate_models.py)")
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is stale")
    args = parser.parse_args(argv)
    spec = load_spec(find_spec(args.spec))
    current = README.read_text(encoding="utf-8")
    wanted = render(current, table(spec))
    if args.check:
        if current == wanted:
            return 0
        print("README.md's resources table is stale: run python tools/readme_table.py")
        return 1
    README.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
