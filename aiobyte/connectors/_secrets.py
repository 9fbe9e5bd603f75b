"""What in a configuration is a secret: the one source of truth for every repr and message.

A key holds a secret when the connector's schema marks it ``airbyte_secret`` (anywhere in
the configuration: inside every ``oneOf`` choice and array item), or when its name says so
(the floor, for every connector, known or not: ``password``, ``secret``, ``token``,
``credentials``, ``api_key``, ...). A secret's value is shown as ``MASK``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from ._catalog import Kind, description, is_known

__all__ = ["MASK", "SERVER_MASK", "is_secret_name", "mask_configuration", "secret_paths"]

#: What a repr shows instead of a secret.
MASK = "***"
#: What the server answers instead of a stored secret (a configuration read back and sent
#: again carries it; the server then keeps the secret it has).
SERVER_MASK = "**********"

_FLOOR = re.compile(
    r"pass(word|wd|phrase)|secret|token|credential|api_?key|private_?key|access_?key"
    r"|(^|_)(ssh|client|shared|account|application|app|consumer|auth|signing)_?key($|_)"
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    """Whether a key's name alone says it holds a secret (the floor, for every connector)."""
    normal = _CAMEL.sub("_", name).lower().replace("-", "_").replace(" ", "_")
    return _FLOOR.search(normal) is not None


def _walk(node: Mapping[str, Any], path: str, out: list[str]) -> None:
    for key, sub in (node.get("properties") or {}).items():
        here = f"{path}.{key}" if path else key
        if sub.get("airbyte_secret"):
            out.append(here)
        _walk(sub, here, out)
    for choice in node.get("oneOf") or ():
        _walk(choice, path, out)
    items = node.get("items")
    if isinstance(items, Mapping):
        _walk(items, f"{path}[]", out)
    extra = node.get("additionalProperties")
    if isinstance(extra, Mapping):
        _walk(extra, f"{path}.*", out)


@lru_cache(maxsize=1024)
def secret_paths(kind: Kind, connector: str) -> tuple[str, ...]:
    """The dotted paths the connector's schema marks ``airbyte_secret``, sorted.

    A key inside a ``oneOf`` choice is under its parent (``tunnel_method.ssh_key``), an
    array item's under ``[]``. Raises ``KeyError`` for an unknown connector.
    """
    out: list[str] = []
    _walk(description(kind, connector), "", out)
    return tuple(sorted(set(out)))


@lru_cache(maxsize=1024)
def _secret_names(kind: Kind, connector: str) -> frozenset[str]:
    return frozenset(
        path.rpartition(".")[2].removesuffix("[]") for path in secret_paths(kind, connector)
    )


def mask_configuration(
    configuration: Any, kind: Kind | None = None, connector: object = None
) -> Any:
    """A copy of ``configuration`` with every secret value replaced by ``MASK``.

    ``kind`` and ``connector`` name the connector whose schema says what is secret; when
    the connector is unknown (or not given), the names decide, and everything under a key
    whose name says secret (``credentials: {...}``) is masked.
    """
    names: frozenset[str] | None = None
    if kind is not None and isinstance(connector, str) and is_known(kind, connector):
        names = _secret_names(kind, connector)
    return _mask(configuration, names, False)


def mask_with(configuration: Any, names: frozenset[str]) -> Any:
    """A copy with the values of keys in ``names`` (or named like a secret) masked."""
    return _mask(configuration, names, False)


def _mask(value: Any, names: frozenset[str] | None, inside: bool) -> Any:
    if isinstance(value, Mapping):
        out = {}
        for key, sub in value.items():
            key_text = str(key)
            marked = names is not None and key_text in names
            secret = marked or is_secret_name(key_text)
            if secret and not isinstance(sub, (Mapping, list, tuple)):
                out[key] = _masked(sub)
            else:
                # All under a key the schema marks, or (unknown connector) whose name says
                # secret, is secret.
                out[key] = _mask(sub, names, inside or marked or (secret and names is None))
        return out
    if isinstance(value, (list, tuple)):
        return [_mask(item, names, inside) for item in value]
    return _masked(value) if inside else value


def _masked(value: Any) -> Any:
    """``MASK`` for a value that can hold a secret; ``None`` and booleans stay (they cannot)."""
    return value if value is None or isinstance(value, bool) else MASK
