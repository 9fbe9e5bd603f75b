"""Configurations for every connector, made from the shipped descriptions (seeded).

``valid`` follows the description (every required key, some optional ones, a random
``oneOf`` choice, strings that match their patterns); ``mutations`` breaks a valid
configuration in one place at a time and says which path the problem must name.
"""

from __future__ import annotations

import random
import re
import string
from collections.abc import Iterator, Mapping
from typing import Any

try:  # Python 3.11+
    from re import _constants as sre_constants  # type: ignore[attr-defined]  # private, not in typeshed
    from re import _parser as sre_parse  # type: ignore[attr-defined]  # private, not in typeshed
except ImportError:  # Python 3.10
    import sre_constants
    import sre_parse

JSON = dict[str, Any]

_ALPHABET = string.ascii_letters + string.digits + "_-"
_CATEGORY = {
    sre_constants.CATEGORY_DIGIT: string.digits,
    sre_constants.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    sre_constants.CATEGORY_SPACE: " ",
    sre_constants.CATEGORY_NOT_DIGIT: string.ascii_letters,
    sre_constants.CATEGORY_NOT_WORD: "-. ",
    sre_constants.CATEGORY_NOT_SPACE: string.ascii_letters + string.digits,
}


def matching(pattern: str, rng: random.Random, tries: int = 30) -> str | None:
    """A string ``re.search(pattern, s)`` accepts, or ``None`` if none was found."""
    try:
        parsed = sre_parse.parse(pattern)
    except Exception:
        return None
    compiled = re.compile(pattern)
    for _ in range(tries):
        try:
            text = _emit(parsed, rng, {})
        except _Give_up:
            return None
        if compiled.search(text):
            return text
    return None


class _Give_up(Exception):
    pass


def _emit(items: Any, rng: random.Random, groups: dict[int, str]) -> str:
    out = []
    for op, arg in items:
        out.append(_one(op, arg, rng, groups))
    return "".join(out)


def _one(op: Any, arg: Any, rng: random.Random, groups: dict[int, str]) -> str:
    c = sre_constants
    if op is c.LITERAL:
        return chr(arg)
    if op is c.NOT_LITERAL:
        return rng.choice([ch for ch in _ALPHABET if ord(ch) != arg])
    if op is c.ANY:
        return rng.choice(string.ascii_letters)
    if op is c.IN:
        return _in(arg, rng)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
        low, high, sub = arg
        high = min(high, low + 3) if high is not c.MAXREPEAT else low + 3
        return "".join(_emit(sub, rng, groups) for _ in range(rng.randint(low, max(low, high))))
    if op is c.SUBPATTERN:
        group, _, _, sub = arg
        text = _emit(sub, rng, groups)
        if group:
            groups[group] = text
        return text
    if op is c.BRANCH:
        _, branches = arg
        return _emit(rng.choice(branches), rng, groups)
    if op is c.GROUPREF:
        return groups.get(arg, "")
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return ""  # anchors; lookarounds are checked by the final re.search
    raise _Give_up(op)


def _in(arg: Any, rng: random.Random) -> str:
    c = sre_constants
    negate = any(op is c.NEGATE for op, _ in arg)
    chars: set[str] = set()
    for op, value in arg:
        if op is c.LITERAL:
            chars.add(chr(value))
        elif op is c.RANGE:
            low, high = value
            chars.update(chr(x) for x in range(low, min(high, low + 200) + 1))
        elif op is c.CATEGORY:
            chars.update(_CATEGORY.get(value, "a"))
    pool = [ch for ch in _ALPHABET if ch not in chars] if negate else sorted(chars)
    if not pool:
        raise _Give_up("empty class")
    return rng.choice(pool)


# -- valid configurations ------------------------------------------------------------------


class Unsatisfiable(Exception):
    """A required value this generator cannot make (a pattern it cannot satisfy)."""


def valid(node: Mapping[str, Any], rng: random.Random, name: str = "value", depth: int = 0) -> Any:
    """A value that follows ``node``."""
    if "const" in node:
        return node["const"]
    enum = node.get("enum")
    if isinstance(enum, list) and enum:
        return rng.choice(enum)
    kind = node.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = rng.choice(kinds) if kinds else "null"
    if kind == "object" or (kind is None and ("properties" in node or "oneOf" in node)):
        return _object(node, rng, depth)
    if kind == "array":
        items = node.get("items") or {"type": "string"}
        low = node.get("minItems", 0)
        high = node.get("maxItems", low + 2)
        count = rng.randint(low, max(low, min(high, low + 2)))
        made: list[Any] = []
        for index in range(count * 4):
            if len(made) >= count:
                break
            item = valid(items, rng, f"{name}{index}", depth + 1)
            if node.get("uniqueItems") and item in made:
                continue
            made.append(item)
        return made
    if kind == "integer":
        low, high = _bounds(node, 0, 1000)
        return rng.randint(int(low), int(high))
    if kind == "number":
        low, high = _bounds(node, 0, 100)
        return round(rng.uniform(low, high), 3)
    if kind == "boolean":
        return rng.random() < 0.5
    if kind == "null":
        return None
    return _string(node, rng, name)


def _bounds(node: Mapping[str, Any], low: float, high: float) -> tuple[float, float]:
    low = node.get("minimum", low)
    high = node.get("maximum", max(high, low + 10))
    if "exclusiveMinimum" in node:
        low = node["exclusiveMinimum"] + 1
    if "exclusiveMaximum" in node:
        high = node["exclusiveMaximum"] - 1
    return low, max(low, high)


def _string(node: Mapping[str, Any], rng: random.Random, name: str) -> str:
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        found = matching(pattern, rng)
        if found is None:
            raise Unsatisfiable(pattern)
        return found
    low = node.get("minLength", 1)
    high = node.get("maxLength", max(low, 12))
    size = rng.randint(low, max(low, min(high, low + 12)))
    return "".join(rng.choice(_ALPHABET) for _ in range(size)) or name[:high]


def _object(node: Mapping[str, Any], rng: random.Random, depth: int) -> JSON:
    choices = node.get("oneOf")
    if choices:
        order = list(range(len(choices)))
        rng.shuffle(order)
        for index in order:
            try:
                return _fields(choices[index], rng, depth)
            except Unsatisfiable:
                continue
        raise Unsatisfiable("no choice")
    return _fields(node, rng, depth)


def _fields(node: Mapping[str, Any], rng: random.Random, depth: int) -> JSON:
    required = set(node.get("required") or ())
    out: JSON = {}
    for key, sub in (node.get("properties") or {}).items():
        if key in required or (depth < 4 and rng.random() < 0.6):
            try:
                out[key] = valid(sub, rng, key, depth + 1)
            except Unsatisfiable:
                if key in required:
                    raise
    if node.get("additionalProperties") is not False and rng.random() < 0.3:
        extra = node.get("additionalProperties")
        if isinstance(extra, Mapping):
            out["extra_key"] = valid(extra, rng, "extra", depth + 1)
        else:
            out["extra_key"] = {"kept": [1, 2.5, None, True, "x"]}  # any JSON value
    return out


# -- invalid configurations ----------------------------------------------------------------

_WRONG = {
    "string": 12345,
    "integer": "not-a-number",
    "number": "not-a-number",
    "boolean": "yes",
    "object": ["not", "an", "object"],
    "array": "not-an-array",
}


def mutations(
    node: Mapping[str, Any], value: Any, path: str = "configuration"
) -> Iterator[tuple[Any, str]]:
    """``(a broken copy of value, the path its problem must name)``, one break at a time."""
    if not isinstance(value, dict):
        return
    schema = _resolved(node, value)
    properties = schema.get("properties") or {}
    for key in schema.get("required") or ():
        if key in value and not key.endswith("Type"):
            broken = {k: v for k, v in value.items() if k != key}
            yield broken, f"{path}.{key}"
            break
    for key, sub in value.items():
        prop = properties.get(key)
        if not isinstance(prop, Mapping):
            continue
        kind = prop.get("type")
        if isinstance(kind, str) and kind in _WRONG:
            yield {**value, key: _WRONG[kind]}, f"{path}.{key}"
        if isinstance(prop.get("enum"), list) and "const" not in prop:
            yield {**value, key: "surely-not-an-option"}, f"{path}.{key}"
        if isinstance(sub, dict):
            for broken, where in mutations(prop, sub, f"{path}.{key}"):
                yield {**value, key: broken}, where


def _resolved(node: Mapping[str, Any], value: Mapping[str, Any]) -> Mapping[str, Any]:
    """The ``oneOf`` choice ``value`` follows (the first whose consts match), else ``node``."""
    for choice in node.get("oneOf") or ():
        consts = {
            k: p["const"] for k, p in (choice.get("properties") or {}).items() if "const" in p
        }
        if consts and all(value.get(k) == v for k, v in consts.items()):
            return choice
    return node
