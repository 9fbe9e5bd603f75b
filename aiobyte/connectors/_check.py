"""Checking a configuration against its connector's description: problems by path.

Pure and fast (a few µs per configuration); used by the client before sending and by
``aiobyte.testing``'s fake to validate writes. Semantics are JSON Schema's for the
keywords a description keeps, with three choices made for real use:

- ``oneOf`` is satisfied by at least one choice (some connectors' choices overlap; the
  server's forms pick one). A choice is found by its discriminator first: a property that
  is a ``const`` in every choice (``ssl_mode.mode``, ``tunnel_method.tunnel_method``).
- The server's mask for a stored secret (``"**********"``) is accepted for any secret
  field: a configuration read back and sent again keeps the stored secret.
- ``sourceType``/``destinationType`` may be absent at the top: a definition id can name
  the connector instead (the API takes either).
- ``null`` is accepted for an optional key: it is how the server answers a key left unset,
  and a configuration read back must be accepted when it is sent again.

``partial=True`` checks a JSON merge patch (PATCH): nothing is required and ``null``
(remove the key) is accepted anywhere.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from ._catalog import Kind, check_kind, connector_for_definition, description, is_known
from ._secrets import SERVER_MASK, is_secret_name

__all__ = ["check_against", "check_configuration", "connector_of"]

_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "object": "an object",
    "array": "an array",
    "null": "null",
}
_BOUNDS = (
    ("minimum", "at least"),
    ("maximum", "at most"),
    ("exclusiveMinimum", "more than"),
    ("exclusiveMaximum", "less than"),
)
_SHOWN = 60  # characters of a value shown in a problem


def connector_of(kind: Kind, configuration: object, definition_id: object = None) -> str | None:
    """The described connector a configuration is for, or ``None`` (custom or unknown).

    ``configuration["sourceType"]`` (``destinationType``) names it; failing that, a
    ``definition_id`` this release knows. Raises ``ValueError`` for an unknown kind.
    """
    kind = check_kind(kind)
    if isinstance(configuration, Mapping):
        named = configuration.get(f"{kind}Type")
        if is_known(kind, named):
            assert isinstance(named, str)
            return named
        if isinstance(named, str):
            return None  # a type we do not describe: custom, or newer than this release
    return connector_for_definition(kind, definition_id)


def check_configuration(
    kind: Kind,
    connector: str,
    configuration: object,
    *,
    partial: bool = False,
    path: str = "configuration",
) -> list[str]:
    """Every problem of ``configuration`` for the connector, each as ``"path: what"``.

    ``[]`` means it follows the connector's schema. Messages never show a secret's value.
    Raises ``KeyError`` for a connector that is not described (see ``connectors``) and
    ``ValueError`` for an unknown kind.
    """
    node = description(kind, connector)
    problems: list[str] = []
    if not isinstance(configuration, Mapping):
        problems.append(f"{path}: expected an object, got {_show(configuration, False)}")
        return problems
    _object(node, configuration, path, problems, partial, top=f"{check_kind(kind)}Type")
    return problems


def check_against(
    schema: Mapping[str, Any], value: object, *, path: str = "value", partial: bool = False
) -> list[str]:
    """Every problem of ``value`` against a schema in the form of a description (the same
    JSON Schema subset, e.g. a part of one), each as ``"path: what"``."""
    problems: list[str] = []
    _check(schema, value, path, problems, partial, False)
    return problems


# The fake's body checks call this walker directly: keep its signature.
def _check(
    node: Mapping[str, Any], value: Any, path: str, out: list[str], partial: bool, secret: bool
) -> None:
    if value is None and partial:
        return
    secret = secret or bool(node.get("airbyte_secret"))
    if secret and value == SERVER_MASK:
        return
    kind = node.get("type")
    if kind is not None and not _is_type(kind, value):
        out.append(f"{path}: expected {_type_words(kind)}, got {_show(value, secret)}")
        return
    if "const" in node and not _same(value, node["const"]):
        out.append(f"{path}: expected {_show(node['const'], False)}, got {_show(value, secret)}")
        return
    enum = node.get("enum")
    if isinstance(enum, list) and not any(_same(value, e) for e in enum):
        choices = ", ".join(_show(e, False) for e in enum)
        out.append(f"{path}: expected one of {choices}; got {_show(value, secret)}")
        return
    if isinstance(value, str):
        _string(node, value, path, out, secret)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        _number(node, value, path, out)
    elif isinstance(value, Mapping):
        _object(node, value, path, out, partial)
    elif isinstance(value, list):
        _array(node, value, path, out, partial, secret)


def _string(node: Mapping[str, Any], value: str, path: str, out: list[str], secret: bool) -> None:
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        compiled = _compile(pattern)
        if compiled is not None and compiled.search(value) is None:
            shown = _show(value, secret)
            out.append(f"{path}: {shown} does not match the pattern {pattern!r}")
    low, high = node.get("minLength"), node.get("maxLength")
    if isinstance(low, int) and len(value) < low:
        out.append(f"{path}: expected at least {low} characters, got {len(value)}")
    if isinstance(high, int) and len(value) > high:
        out.append(f"{path}: expected at most {high} characters, got {len(value)}")


def _number(node: Mapping[str, Any], value: float, path: str, out: list[str]) -> None:
    for key, words in _BOUNDS:
        bound: Any = node.get(key)
        if not _is_number(bound):
            continue
        if key == "minimum":
            holds = value >= bound
        elif key == "maximum":
            holds = value <= bound
        elif key == "exclusiveMinimum":
            holds = value > bound
        else:
            holds = value < bound
        if not holds:
            out.append(f"{path}: expected {words} {bound}, got {value!r}")


def _object(
    node: Mapping[str, Any],
    value: Mapping[str, Any],
    path: str,
    out: list[str],
    partial: bool,
    top: str | None = None,
) -> None:
    properties: Mapping[str, Any] = node.get("properties") or {}
    required = node.get("required") or ()
    if not partial:
        for key in required:
            if key not in value and key != top:
                out.append(f"{path}.{key}: required")
    additional = node.get("additionalProperties")
    for key, sub in value.items():
        if sub is None and key not in required:
            continue  # an optional key left unset: the server itself answers null
        here = f"{path}.{key}"
        schema = properties.get(key)
        if schema is None:
            if additional is False:
                known = ", ".join(properties) or "none"
                out.append(f"{here}: not a field of this object (fields: {known})")
            elif isinstance(additional, Mapping):
                _check(additional, sub, here, out, partial, is_secret_name(str(key)))
            continue
        _check(schema, sub, here, out, partial, is_secret_name(str(key)))
    choices = node.get("oneOf")
    if choices:
        _choice(node, choices, value, path, out, partial)


def _choice(
    node: Mapping[str, Any],
    choices: list[Mapping[str, Any]],
    value: Mapping[str, Any],
    path: str,
    out: list[str],
    partial: bool,
) -> None:
    found = discriminator(node)
    if found is not None:
        key, by_value, always_required = found
        if key in value:
            tag = value[key]
            index = by_value.get(_tag_key(tag))
            if index is None:
                shown = ", ".join(_show(v, False) for v in _tags(choices, key))
                out.append(f"{path}.{key}: expected one of {shown}; got {_show(tag, False)}")
                return
            _object(choices[index], value, path, out, partial)
            return
        if always_required and not partial:
            shown = ", ".join(_show(v, False) for v in _tags(choices, key))
            out.append(f"{path}.{key}: required (one of {shown})")
            return
    best: list[str] | None = None
    for choice in choices:
        attempt: list[str] = []
        _object(choice, value, path, attempt, partial)
        if not attempt:
            return
        if best is None or len(attempt) < len(best):
            best = attempt
    titles = ", ".join(repr(c.get("title") or f"choice {i + 1}") for i, c in enumerate(choices))
    out.append(f"{path}: matches none of its choices ({titles}); the closest:")
    out.extend(best or ())


def _array(
    node: Mapping[str, Any],
    value: list[Any],
    path: str,
    out: list[str],
    partial: bool,
    secret: bool,
) -> None:
    low, high = node.get("minItems"), node.get("maxItems")
    if isinstance(low, int) and len(value) < low:
        out.append(f"{path}: expected at least {low} items, got {len(value)}")
    if isinstance(high, int) and len(value) > high:
        out.append(f"{path}: expected at most {high} items, got {len(value)}")
    if node.get("uniqueItems") and len(value) > 1:
        seen: list[Any] = []
        for index, item in enumerate(value):
            if any(_same(item, other) for other in seen):
                out.append(f"{path}[{index}]: a repeated item (items must be unique)")
                break
            seen.append(item)
    items = node.get("items")
    if isinstance(items, Mapping) and items:
        for index, item in enumerate(value):
            _check(items, item, f"{path}[{index}]", out, False, secret)


# -- helpers -------------------------------------------------------------------------------

_discriminators: dict[int, tuple[str, dict[Any, int], bool] | None] = {}


def discriminator(node: Mapping[str, Any]) -> tuple[str, dict[Any, int], bool] | None:
    """A ``oneOf``'s discriminator: the property that is a distinct ``const`` in every choice.

    Returns ``(key, {tag: choice index}, required in every choice)``, or ``None``.
    Cached by the node's identity (descriptions are decoded once and kept).
    """
    cache_key = id(node)
    if cache_key in _discriminators:
        return _discriminators[cache_key]
    choices = node.get("oneOf") or []
    found = None
    if choices:
        first: Mapping[str, Any] = choices[0].get("properties") or {}
        for key in first:
            tags: dict[Any, int] = {}
            for index, choice in enumerate(choices):
                prop = (choice.get("properties") or {}).get(key)
                if not isinstance(prop, Mapping) or "const" not in prop:
                    break
                tag = _tag_key(prop["const"])
                if tag in tags:
                    break
                tags[tag] = index
            else:
                required = all(key in (c.get("required") or ()) for c in choices)
                found = (key, tags, required)
                break
    _discriminators[cache_key] = found
    return found


def _tags(choices: list[Mapping[str, Any]], key: str) -> list[Any]:
    return [c["properties"][key]["const"] for c in choices]


def _tag_key(value: Any) -> Any:
    """A hashable key that keeps JSON's distinctions (``true`` is not ``1``)."""
    if isinstance(value, (dict, list)):
        return ("json", repr(value))
    return (type(value).__name__ if isinstance(value, bool) else "value", value)


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:
        return None  # a pattern Python cannot read: not checked rather than wrongly refused


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_type(kind: Any, value: Any) -> bool:
    if isinstance(kind, list):
        return any(_is_type(k, value) for k in kind)
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (
            isinstance(value, float) and math.isfinite(value) and value.is_integer()
        )
    if kind == "number":
        if isinstance(value, bool):
            return False
        return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "object":
        return isinstance(value, Mapping)
    if kind == "array":
        return isinstance(value, list)
    if kind == "null":
        return value is None
    return True  # a type this version does not know: not refused


def _type_words(kind: Any) -> str:
    if isinstance(kind, list):
        return " or ".join(_TYPE_WORDS.get(str(k), str(k)) for k in kind)
    return _TYPE_WORDS.get(str(kind), str(kind))


def _same(a: Any, b: Any) -> bool:
    """JSON equality: ``true`` is not ``1``, ``1`` is ``1.0``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return (type(a) is type(b) and a == b) or (_is_number(a) and _is_number(b) and a == b)


def _show(value: Any, secret: bool) -> str:
    """A value for a message: its repr, shortened; for a secret, only what kind it is."""
    if secret and value is not None:
        return f"{_kind_word(value)} (a secret, not shown)"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    if isinstance(value, (Mapping, list)):
        return _kind_word(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 4] + "...'"


def _kind_word(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return f"a {type(value).__name__}"
