"""What the command line and the demo share to print for people: sizes, terminals, text.

Text from the server (names, error details) is printed through :func:`printable`: a
name holding an ANSI escape or a carriage return must not recolour, move the cursor on
or overwrite the terminal it is printed on.
"""

from __future__ import annotations

import re
from typing import TextIO

__all__ = ["format_bytes", "isatty", "printable", "printable_json"]

# C0 controls and DEL, C1 controls, and the Unicode bidirectional overrides and isolates
# (which reorder what is displayed after them: "Trojan Source").
_RAW_IN_JSON = "\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNPRINTABLE = re.compile(f"[\x00-\x1f{_RAW_IN_JSON}]")
# What JSON text may hold unescaped (it escapes C0 controls in strings itself; outside
# strings they are its whitespace).
_UNPRINTABLE_IN_JSON = re.compile(f"[{_RAW_IN_JSON}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``), so that it
    can be written to a terminal as it is: nothing is dropped, nothing is interpreted."""
    return _UNPRINTABLE.sub(_escape, text)


def printable_json(text: str) -> str:
    """JSON text with the control characters it may hold raw (DEL, C1, bidirectional
    controls; JSON itself escapes the rest) as ``\\u`` escapes: the same JSON value."""
    return _UNPRINTABLE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def format_bytes(count: int | None) -> str:
    """A byte count for people, in decimal units: ``512 B``, ``6.0 MB``."""
    size = float(count or 0)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def isatty(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (False for anything that cannot say)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
