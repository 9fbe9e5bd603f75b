"""Quartz cron expressions as the Airbyte server reads a connection's schedule.

The server parses ``schedule.cronExpression`` with cron-utils' Quartz definition (seconds,
minutes, hours, day of month, month, day of week, and an optional year; exactly one of the
two day fields is ``?``), may find a time zone after it (``"0 0 12 * * ? UTC"``), and then
enforces its rules (``AirbyteCatalogHelper.validateCronConfiguration`` and
``ConnectionScheduleHelper`` in airbytehq/airbyte-platform):

- the seconds field (and the minutes field of a seven-field expression) must be a plain
  number: ``*`` there is refused as "less than the one hour minimum";
- without the sub-hour entitlement (the default; the fake has no entitlements) executions
  must be at least an hour apart (``CronExpressionHelper.checkDoesNotExecuteMoreThanOncePerHour``:
  the next three executions, one hour or more apart). With a single second and a single
  minute an expression can fire at most once an hour, and with more it fires sooner, so
  that is the rule checked here;
- the time zone must be a known one and not an ``Etc/...`` zone.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass

__all__ = ["CronError", "ParsedCron", "parse_cron", "split_time_zone", "valid_time_zone"]

_MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
_DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
# (name, low, high, names for values) of each field, in order.
_FIELDS = (
    ("seconds", 0, 59, None),
    ("minutes", 0, 59, None),
    ("hours", 0, 23, None),
    ("day of month", 1, 31, None),
    ("month", 1, 12, _MONTHS),
    ("day of week", 1, 7, _DAYS),
    ("year", 1970, 2099, None),
)
_NUMBER = re.compile(r"^\d+$")
# Day-of-month extras: L, L-3, LW, 15W; day-of-week extras: 6L, 6#3, L.
_DOM_SPECIAL = re.compile(r"^(L(-\d{1,2})?|LW|\d{1,2}W)$")
_DOW_SPECIAL = re.compile(r"^([1-7]|[A-Z]{3})(L|#[1-5])$|^L$")


class CronError(ValueError):
    """The expression is not a Quartz cron expression; the message says why."""


@dataclass(frozen=True)
class ParsedCron:
    """A parsed expression: its fields as written and the values each one allows."""

    fields: tuple[str, ...]
    seconds: frozenset[int]
    minutes: frozenset[int]

    def at_most_hourly(self) -> bool:
        """Whether no two executions can be less than an hour apart."""
        return len(self.seconds) == 1 and len(self.minutes) == 1


def split_time_zone(expression: str) -> tuple[str, str]:
    """``(expression, time zone)``: a trailing zone (``UTC``, ``Europe/Paris``) split off,
    as the server accepts it; ``"UTC"`` when none is given."""
    parts = expression.split()
    if len(parts) > 6 and ("/" in parts[-1] or parts[-1].upper() == "UTC"):
        return " ".join(parts[:-1]), parts[-1]
    return " ".join(parts), "UTC"


def valid_time_zone(name: str) -> bool:
    """Whether the server takes ``name`` as a cron time zone (a known zone, not ``Etc/``)."""
    if name.lower().startswith("etc"):
        return False
    if name.upper() == "UTC":
        return True
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def parse_cron(expression: str) -> ParsedCron:
    """Parse a Quartz expression; ``CronError`` saying what is wrong otherwise."""
    fields = tuple(expression.split())
    if len(fields) not in (6, 7):
        raise CronError(f"expected 6 or 7 fields, got {len(fields)}")
    values: list[frozenset[int]] = []
    for text, (name, low, high, names) in zip(fields, _FIELDS, strict=False):
        values.append(_field(text.upper(), name, low, high, names))
    day_of_month, day_of_week = fields[3], fields[5]
    if (day_of_month == "?") == (day_of_week == "?"):
        raise CronError("exactly one of day of month and day of week must be '?'")
    return ParsedCron(fields, values[0], values[1])


def _field(text: str, name: str, low: int, high: int, names: list[str] | None) -> frozenset[int]:
    if text == "?":
        if name not in ("day of month", "day of week"):
            raise CronError(f"'?' is only allowed in the day fields, not in {name}")
        return frozenset()
    found: set[int] = set()
    for item in text.split(","):
        if name == "day of month" and _DOM_SPECIAL.match(item):
            continue
        if name == "day of week" and _DOW_SPECIAL.match(item):
            continue
        found |= _item(item, name, low, high, names)
    return frozenset(found)


def _item(item: str, name: str, low: int, high: int, names: list[str] | None) -> set[int]:
    base, slash, step_text = item.partition("/")
    step = 1
    if slash:
        if not _NUMBER.match(step_text) or int(step_text) == 0:
            raise CronError(f"bad step {step_text!r} in {name}")
        step = int(step_text)
    if base == "*":
        start, end = low, high
    else:
        first, dash, last = base.partition("-")
        start = _value(first, name, low, high, names)
        end = _value(last, name, low, high, names) if dash else (high if slash else start)
        if end < start:
            raise CronError(f"range {base!r} of {name} runs backwards")
    return set(range(start, end + 1, step))


def _value(text: str, name: str, low: int, high: int, names: list[str] | None) -> int:
    if names is not None and text in names:
        return names.index(text) + low
    if not _NUMBER.match(text):
        raise CronError(f"{text!r} is not a value of {name}")
    value = int(text)
    if not low <= value <= high:
        raise CronError(f"{value} is out of range for {name} ({low}-{high})")
    return value
