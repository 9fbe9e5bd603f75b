"""The bases every model is built on, configured once.

- :class:`Response`: what the server sends. camelCase on the wire, snake_case in
  Python, frozen, unknown fields ignored, every field the server may omit has a default.
- :class:`Request`: what we send. Optional fields default to ``UNSET`` and are not
  sent at all; ``None`` is sent as ``null`` (so a PATCH can clear a field).
- :class:`OpenEnum`: an enum of values the server owns (job status, job type, ...).
  A value this version does not know decodes to a member named ``UNKNOWN`` that keeps
  the value the server sent, so nothing is lost and nothing fails.
"""

from __future__ import annotations

import enum
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

__all__ = ["UNSET", "OpenEnum", "Request", "Response", "UnsetType"]


class Response(
    msgspec.Struct, rename="camel", kw_only=True, omit_defaults=True, frozen=True, gc=False
):
    """A body the server sends. Unknown fields are ignored, never an error.

    ``gc=False``: decoded JSON holds no reference cycles, and untracked objects make
    listing thousands of items cheaper for the garbage collector.
    """


class Request(msgspec.Struct, rename="camel", kw_only=True, omit_defaults=True):
    """A body we send. Fields left ``UNSET`` are not sent."""


class OpenEnum(str, enum.Enum):
    """An enum that decodes values it does not know instead of failing.

    ``JobStatus("paused")`` (a status added to the server after this release) gives a
    member whose ``name`` is ``"UNKNOWN"`` and whose ``value`` is ``"paused"``; it compares
    equal to the string the server sent and encodes back to it.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        member = str.__new__(cls, value)
        member._name_ = "UNKNOWN"
        member._value_ = value
        return member

    @property
    def is_known(self) -> bool:
        """False for a value this version of aiobyte does not know."""
        return self._name_ != "UNKNOWN"

    def __str__(self) -> str:
        return str(self.value)
