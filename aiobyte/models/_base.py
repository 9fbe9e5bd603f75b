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
from collections.abc import Mapping
from typing import Any

import msgspec
from msgspec import UNSET, UnsetType

__all__ = ["UNSET", "OpenEnum", "Request", "Response", "UnsetType", "masked_repr"]

_MASK = "***"


def masked_repr(
    obj: msgspec.Struct,
    *,
    secrets: tuple[str, ...] = (),
    configurations: Mapping[str, str | None] | None = None,
) -> str:
    """``repr(obj)`` with its secrets masked: the ``secrets`` attributes whole, and in each
    connector configuration of ``configurations`` (attribute -> ``"source"``,
    ``"destination"``, or ``None`` when ``actor_type`` says) what is secret there.

    What is secret in a configuration is decided by ``aiobyte.connectors`` (the connector's
    schema, and names like ``password``); the data itself is never changed.
    """
    configurations = configurations or {}
    parts = []
    for name in obj.__struct_fields__:
        value = getattr(obj, name)
        if name in secrets and value is not None and value is not UNSET:
            shown = repr(_MASK)
        elif name in configurations and isinstance(value, Mapping):
            shown = repr(_masked_configuration(obj, value, configurations[name]))
        else:
            shown = repr(value)
        parts.append(f"{name}={shown}")
    return f"{type(obj).__name__}({', '.join(parts)})"


def _masked_configuration(obj: Any, value: Mapping[str, Any], kind: str | None) -> Any:
    from ..connectors import connector_of, mask_configuration  # only when a repr is made

    if kind is None:
        actor = getattr(obj, "actor_type", None)
        kind = str(getattr(actor, "value", actor)) if actor is not None else None
    if kind not in ("source", "destination"):
        return mask_configuration(value)
    connector = connector_of(kind, value, getattr(obj, "definition_id", None))  # type: ignore[arg-type]
    if connector is None:
        named = getattr(obj, f"{kind}_type", None)
        connector = named if isinstance(named, str) else None
    return mask_configuration(value, kind, connector)  # type: ignore[arg-type]


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
