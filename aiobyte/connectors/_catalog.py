"""The shipped connector descriptions: loaded on first use, one connector decoded at a time."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import msgspec

from ._ids import DEFINITION_IDS

__all__ = [
    "Kind",
    "check_kind",
    "connector_for_definition",
    "connectors",
    "definition_id",
    "description",
    "is_known",
]

Kind = Literal["source", "destination"]

_DIR = Path(__file__).resolve().parent / "_schemas"
_lock = threading.Lock()
_raw: dict[str, dict[str, msgspec.Raw]] = {}
_decoded: dict[tuple[str, str], Mapping[str, Any]] = {}


def check_kind(kind: object) -> Kind:
    """``kind`` itself if it is ``"source"`` or ``"destination"``; else ``ValueError``."""
    if kind == "source":
        return "source"
    if kind == "destination":
        return "destination"
    raise ValueError(f"kind must be 'source' or 'destination'; got {kind!r}")


def _index(kind: str) -> dict[str, msgspec.Raw]:
    index = _raw.get(kind)
    if index is None:
        with _lock:
            index = _raw.get(kind)
            if index is None:
                data = (_DIR / f"{check_kind(kind)}s.json").read_bytes()
                # Raw values: only the connector asked for is decoded (a few µs, not ms).
                index = msgspec.json.decode(data, type=dict[str, msgspec.Raw])
                _raw[kind] = index
    return index


def connectors(kind: Kind) -> tuple[str, ...]:
    """Every connector of ``kind`` the spec describes (``"postgres"``, ...), sorted.

    Raises ``ValueError`` for a kind that is neither ``"source"`` nor ``"destination"``.
    """
    return tuple(sorted(_index(check_kind(kind))))


def is_known(kind: Kind, connector: object) -> bool:
    """Whether ``connector`` (a ``sourceType``/``destinationType``) is described."""
    return isinstance(connector, str) and connector in _index(check_kind(kind))


def description(kind: Kind, connector: str) -> Mapping[str, Any]:
    """The description of one connector's configuration: a JSON Schema subset.

    Keywords kept: ``type``, ``properties``, ``required``, ``additionalProperties``,
    ``items``, ``oneOf`` (each choice with its ``title``), ``const``, ``enum``,
    ``pattern``, the numeric, length and item bounds, ``uniqueItems`` and
    ``airbyte_secret``. Do not modify it (it is shared). Raises ``KeyError`` for an
    unknown connector, ``ValueError`` for an unknown kind.
    """
    key = (check_kind(kind), connector)
    found = _decoded.get(key)
    if found is None:
        raw = _index(kind).get(connector) if isinstance(connector, str) else None
        if raw is None:
            raise KeyError(f"no {kind} connector named {connector!r} is known")
        found = msgspec.json.decode(raw)
        _decoded[key] = found
    return found


def definition_id(kind: Kind, connector: str) -> str | None:
    """The catalog's definition id of a connector, where this release knows it."""
    for known, name in DEFINITION_IDS[check_kind(kind)].items():
        if name == connector:
            return known
    return None


def connector_for_definition(kind: Kind, definition: object) -> str | None:
    """The connector whose catalog definition id is ``definition`` (a string or a
    ``uuid.UUID``), if this release knows it."""
    if isinstance(definition, uuid.UUID):
        definition = str(definition)
    if not isinstance(definition, str):
        return None
    return DEFINITION_IDS[check_kind(kind)].get(definition.lower())
