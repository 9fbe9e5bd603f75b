"""Checks of the caller's arguments, made before anything is sent.

A malformed UUID sent to Airbyte comes back as a 500 (an uncaught exception on the
server), which a client would retry in vain; an empty id turns ``/sources/{id}`` into
``/sources/`` (a different endpoint). Both are the caller's mistakes and get a
``ValueError`` that says which argument and why.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import re
import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TypeVar

from . import _config
from .models._base import UNSET, OpenEnum

__all__ = [
    "check_datetime",
    "check_enum",
    "check_int_id",
    "check_json",
    "check_name",
    "check_page_size",
    "check_segment",
    "check_uuid",
    "check_uuids",
    "optional_bool",
    "optional_name",
    "optional_uuid",
]

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

E = TypeVar("E", bound=enum.Enum)


def check_uuid(value: Any, argument: str) -> str:
    """``value`` as a UUID string (a ``uuid.UUID`` is accepted too)."""
    if type(value) is str and _UUID.fullmatch(value) is not None:
        return value  # the common case, first: one test and the pattern
    if isinstance(value, uuid.UUID):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"{argument} must be a UUID string; got {type(value).__name__} {value!r}")
    if not value:
        raise ValueError(f"{argument} must not be empty")
    if _UUID.fullmatch(value) is None:
        raise ValueError(
            f"{argument} must be a UUID like '18dccc91-0ab1-4f72-9ed7-0b8fc27c5826'; got {value!r}"
        )
    return value


def check_uuids(values: Iterable[Any] | None, argument: str) -> list[str] | None:
    """A list of UUID strings, or None when the caller gave none."""
    if values is None:
        return None
    if isinstance(values, (str, bytes, uuid.UUID)):
        raise ValueError(f"{argument} must be a list of ids, not a single {type(values).__name__}")
    return [check_uuid(value, f"{argument}[{i}]") for i, value in enumerate(values)]


def check_int_id(value: Any, argument: str) -> int:
    """A non-negative integer id (job ids are integers)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{argument} must be an integer; got {type(value).__name__} {value!r}")
    if value < 0:
        raise ValueError(f"{argument} must not be negative; got {value}")
    return value


def check_name(value: Any, argument: str) -> str:
    """A non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{argument} must be a non-empty string; got {value!r}")
    return value


def check_segment(value: Any, argument: str) -> str:
    """A non-empty string for a path segment: not ``.`` or ``..``, which every server
    and proxy reads as "this folder" and "the folder above", not as a name."""
    check_name(value, argument)
    if value in (".", ".."):
        raise ValueError(f"{argument} cannot be {value!r}: in a URL path it names no item")
    return str(value)


_BYTES = "bytes would be sent as base64 text; decode them to a str"
_SET = "a set would be sent as a list in no fixed order; give a list"
_NOT_JSON: dict[type, str] = {bytes: _BYTES, bytearray: _BYTES, set: _SET, frozenset: _SET}


def check_json(value: Any, argument: str) -> None:
    """Refuse what JSON cannot carry faithfully, naming where it is.

    ``configuration.replication.max_lag``: msgspec would send NaN and infinity as
    ``null``, bytes as base64, a set as a list and a naive datetime as a string
    without a zone, so the server would store something other than what was given.
    Accepted: dicts with string keys, lists and tuples, strings, booleans, integers,
    finite floats and decimals, None, timezone-aware datetimes, dates, UUIDs and
    enums of strings or integers. The walk is a loop: any depth is fine.
    """
    stack: list[tuple[Any, str]] = [(value, argument)]
    while stack:
        item, path = stack.pop()
        if item is None or isinstance(item, (str, bool, int, uuid.UUID)):
            continue
        if isinstance(item, dict):
            for key, child in item.items():
                if not isinstance(key, str):
                    raise ValueError(
                        f"{path} has the key {key!r} ({type(key).__name__}); JSON keys are "
                        "strings, and the server would give back a different key"
                    )
                where = f"{path}.{key}" if key.isidentifier() else f"{path}[{key!r}]"
                stack.append((child, where))
        elif isinstance(item, (list, tuple)):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(item))
        elif isinstance(item, (float, Decimal)):
            if not (item.is_finite() if isinstance(item, Decimal) else math.isfinite(item)):
                raise ValueError(f"{path} is {item!r}, which JSON has no number for")
        elif isinstance(item, (dt.datetime, dt.time)):
            if item.tzinfo is None:
                raise ValueError(
                    f"{path} is a {type(item).__name__} without a timezone, which would be "
                    "sent as a local time the server cannot place; give tzinfo= or a string"
                )
        elif not (
            isinstance(item, dt.date)
            or (isinstance(item, enum.Enum) and isinstance(item.value, (str, int)))
        ):
            hint = _NOT_JSON.get(
                type(item), "give JSON values: dict, list, str, int, float, bool or None"
            )
            raise ValueError(f"{path} is of type {type(item).__name__}: {hint}")


def check_page_size(value: Any) -> int:
    """A page size the server accepts: 1 to 100."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"page_size must be an integer; got {value!r}")
    if not 1 <= value <= _config.PAGE_SIZE_MAX:
        raise ValueError(f"page_size must be between 1 and {_config.PAGE_SIZE_MAX}; got {value}")
    return value


def check_enum(kind: type[E], value: Any, argument: str) -> E:
    """A known member of an enum, from a member or its string value; strict.

    What we send must be a value the server knows, even for enums that decode
    unknown values in answers.
    """
    if isinstance(value, kind) and not (isinstance(value, OpenEnum) and not value.is_known):
        return value
    if isinstance(value, str):
        member = kind._value2member_map_.get(value)
        if member is not None:
            return member  # type: ignore[return-value]
    allowed = ", ".join(repr(m.value) for m in kind)
    raise ValueError(f"{argument} must be one of {allowed}; got {value!r}")


def check_datetime(value: Any, argument: str) -> str:
    """An ISO 8601 date-time for a query: from a timezone-aware ``datetime`` or a string."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError(
                f"{argument} must be timezone-aware (e.g. tzinfo=datetime.timezone.utc)"
            )
        return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, str) and value:
        try:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{argument} must be an ISO 8601 date-time; got {value!r}") from None
        return value
    raise ValueError(f"{argument} must be a datetime or an ISO 8601 string; got {value!r}")


# An optional argument: ``UNSET`` (the default: not sent) passes as it is, anything else
# is checked as the required argument would be.


def optional_uuid(value: Any, argument: str) -> Any:
    """``UNSET`` (not sent) as it is, else a checked UUID. Raises ``ValueError``."""
    return value if value is UNSET else check_uuid(value, argument)


def optional_name(value: Any, argument: str) -> Any:
    """``UNSET`` (not sent) as it is, else a checked non-empty string. Raises ``ValueError``."""
    return value if value is UNSET else check_name(value, argument)


def optional_bool(value: Any, argument: str) -> Any:
    """``UNSET`` (not sent) as it is, else ``True`` or ``False``. Raises ``ValueError``."""
    if value is UNSET or isinstance(value, bool):
        return value
    raise ValueError(f"{argument} must be True or False; got {value!r}")
