"""Connector configurations generated from the connectors' own schemas, for scenario (g).

The official SDKs' spec (``api_sdk.yaml``, outside the repository: ``../shared/airbyte-api``
or ``$AIOBYTE_API_DIR``) holds one JSON schema per connector: ``source-postgres``,
``destination-bigquery``, ... (plus a ``*-update`` twin of each, skipped here). For each
connector this module makes configurations that follow its schema as the server answers
them: every required key, most optional ones, nested ``oneOf`` objects (a variant chosen
at random), arrays, integers and floats within their bounds, booleans, nulls for some
optional keys left unset, secrets masked as the server masks them, and, where a schema
says ``additionalProperties: true``, sometimes a key the schema allows without listing
it (as the server stores what a newer version of the connector's form wrote).

Deterministic given the seed. The spec is read at run time, never copied.
"""

from __future__ import annotations

import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_TOOLS = str(Path(__file__).resolve().parent.parent / "tools")
if _TOOLS not in sys.path:
    sys.path.append(_TOOLS)  # tools/api_docs.py: where the API documents are

import api_docs  # noqa: E402

__all__ = ["ConnectorConfig", "find_spec", "generate", "load_connector_schemas"]

JSON = dict[str, Any]

MASK = "**********"  # how the server answers a secret
SPEC_NAME = "api_sdk.yaml"
MAX_DEPTH = 8
P_OPTIONAL = 0.8  # an optional key is present...
P_NULL = 0.15  # ... and, when present and not a constant, sometimes null (left unset)
P_EXTRA = 0.5  # an object whose schema says ``additionalProperties: true`` gets one more key
EXTRA_KEY = "extra_option"

_DATE_TIMES = ["2021-01-01T00:00:00Z", "2023-06-15T12:30:00Z", "2024-01-01T00:00:00.000Z"]
_DATES = ["2021-01-01", "2023-06-15", "2024-01-01"]
_STRING_CANDIDATES = [
    "2024-01-01T00:00:00Z",
    "2024-01-01T00:00:00.000Z",
    "2024-01-01",
    "2024-01",
    "2024",
    "https://example.com",
    "user@example.com",
    "12345",
    "abc123",
    "us-east-1",
    "value",
    "P30D",
]


@dataclass(frozen=True)
class ConnectorConfig:
    """One generated configuration: the actor (source or destination), type and value."""

    actor: str  # "source" or "destination"
    connector_type: str  # "postgres"; the schema is f"{actor}-{connector_type}"
    configuration: JSON

    @property
    def schema_name(self) -> str:
        return f"{self.actor}-{self.connector_type}"


def find_spec(explicit: Path | None = None) -> Path:
    """``api_sdk.yaml``: ``explicit``, else where ``tools/api_docs.py`` looks (it may not exist)."""
    if explicit is not None:
        return explicit
    return api_docs.api_dir() / SPEC_NAME


def load_connector_schemas(spec: Path) -> dict[str, JSON]:
    """The connector schemas of the spec, by name (``source-postgres``), ``*-update`` skipped."""
    import yaml  # a benchmark dependency (the bench and test extras), read only here

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 2 s, not 30
    with spec.open("rb") as handle:
        document = yaml.load(handle, Loader=loader)  # a safe loader
    schemas: JSON = document["components"]["schemas"]
    return {
        name: schema
        for name, schema in schemas.items()
        if name.startswith(("source-", "destination-"))
        and not name.endswith("-update")
        and isinstance(schema, dict)
    }


def generate(
    schemas: dict[str, JSON], *, per_connector: int, connectors: int | None, seed: int
) -> list[ConnectorConfig]:
    """``per_connector`` configurations for each of the first ``connectors`` schemas.

    With ``connectors`` set, the schemas are sampled (sources and destinations in the
    proportion the spec has them); ``None`` means all of them.
    """
    rng = random.Random(seed)
    names = sorted(schemas)
    if connectors is not None and connectors < len(names):
        names = sorted(rng.sample(names, connectors))
    made: list[ConnectorConfig] = []
    for name in names:
        actor, _, connector_type = name.partition("-")
        schema = schemas[name]
        type_key = f"{actor}Type"  # sourceType, destinationType: always in the server's answer
        type_schema = (schema.get("properties") or {}).get(type_key)
        for _ in range(per_connector):
            generator = _Generator(rng)
            value = generator.value(schema, name, 0)
            if not isinstance(value, dict):
                continue
            if type_key not in value and type_schema is not None:
                value[type_key] = generator.value(type_schema, type_key, 1)
            made.append(ConnectorConfig(actor, connector_type, value))
    return made


class _Generator:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def value(self, schema: Any, name: str, depth: int) -> Any:
        if not isinstance(schema, dict):
            return "value"
        if "const" in schema:
            return schema["const"]
        variants = schema.get("oneOf") or schema.get("anyOf")
        if isinstance(variants, list) and variants:
            return self.value(_with_variant(schema, self.rng.choice(variants)), name, depth)
        if isinstance(schema.get("allOf"), list):
            return self.value(_merge_all_of(schema), name, depth)
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            choices = [v for v in enum if v is not None] or enum
            return self.rng.choice(choices)
        kind = _type_of(schema)
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            return self._array(schema, name, depth)
        if kind == "integer":
            return self._integer(schema)
        if kind == "number":
            return self._number(schema)
        if kind == "boolean":
            default = schema.get("default")
            return default if isinstance(default, bool) else self.rng.random() < 0.5
        if kind == "null":
            return None
        return self._string(schema, name)

    def _object(self, schema: JSON, depth: int) -> JSON:
        properties = schema.get("properties")
        if not isinstance(properties, dict) or not properties:
            if schema.get("additionalProperties") in (None, True) or isinstance(
                schema.get("additionalProperties"), dict
            ):
                return {"key": "value"} if depth < MAX_DEPTH else {}
            return {}
        required = set(schema.get("required") or [])
        result: JSON = {}
        for key, sub in properties.items():
            if key in required:
                result[key] = self.value(sub, key, depth + 1)
                continue
            if self.rng.random() >= P_OPTIONAL or depth >= MAX_DEPTH:
                continue
            constant = isinstance(sub, dict) and "const" in sub
            if not constant and self.rng.random() < P_NULL:
                result[key] = None
            else:
                result[key] = self.value(sub, key, depth + 1)
        if schema.get("additionalProperties") is True and self.rng.random() < P_EXTRA:
            result[EXTRA_KEY] = f"{EXTRA_KEY}-{self.rng.randint(1, 999)}"  # allowed: kept?
        return result

    def _array(self, schema: JSON, name: str, depth: int) -> list[Any]:
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        assert isinstance(items, dict)
        if depth >= MAX_DEPTH:
            return []
        enum = items.get("enum")
        low: int = schema["minItems"] if isinstance(schema.get("minItems"), int) else 0
        count = max(low, self.rng.randint(1, 2))
        if isinstance(enum, list) and enum:
            return self.rng.sample(enum, min(count, len(enum)))
        if not items:
            default = schema.get("default")
            if isinstance(default, list):
                return default
            items = {"type": "string"}
        return [self.value(items, name, depth + 1) for _ in range(count)]

    def _bounds(self, schema: JSON, low: float, high: float) -> tuple[float, float]:
        minimum = schema.get("minimum", schema.get("min"))
        maximum = schema.get("maximum", schema.get("max"))
        if isinstance(minimum, (int, float)) and not isinstance(minimum, bool):
            low = float(minimum)
        if isinstance(maximum, (int, float)) and not isinstance(maximum, bool):
            high = float(maximum)
        if isinstance(schema.get("exclusiveMinimum"), (int, float)):
            low = float(schema["exclusiveMinimum"]) + 1
        return (low, max(low, high))

    def _integer(self, schema: JSON) -> int:
        default = schema.get("default")
        if isinstance(default, int) and not isinstance(default, bool) and self.rng.random() < 0.5:
            return default
        examples = [e for e in schema.get("examples") or [] if isinstance(e, int)]
        if examples and self.rng.random() < 0.5:
            return int(self.rng.choice(examples))
        low, high = self._bounds(schema, 1, 1000)
        return self.rng.randint(int(low), int(high))

    def _number(self, schema: JSON) -> float | int:
        default = schema.get("default")
        plain = not isinstance(default, bool)  # a bool is an int too
        if isinstance(default, (int, float)) and plain and self.rng.random() < 0.5:
            return default
        low, high = self._bounds(schema, 0.0, 100.0)
        value = round(self.rng.uniform(low, high), 2)
        if value == int(value):  # keep it a float literal on the wire
            value += 0.25 if value + 0.25 <= high else -0.25
        return value

    def _string(self, schema: JSON, name: str) -> str:
        if schema.get("airbyte_secret"):
            return MASK
        pattern = schema.get("pattern")
        candidates: list[str] = []
        examples = schema.get("examples")
        if isinstance(examples, list):
            candidates += [str(e) for e in examples if isinstance(e, (str, int, float))]
        default = schema.get("default")
        if isinstance(default, str):
            candidates.append(default)
        fmt = schema.get("format")
        if fmt == "date-time":
            candidates += _DATE_TIMES
        elif fmt == "date":
            candidates += _DATES
        if isinstance(pattern, str):
            matching = [c for c in candidates + _STRING_CANDIDATES if _matches(pattern, c)]
            if matching:
                return self.rng.choice(matching)
        if candidates:
            return self.rng.choice(candidates)
        return f"{name}-{self.rng.randint(1, 999)}"


def _type_of(schema: JSON) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        kind = kinds[0] if kinds else "null"
    if isinstance(kind, str):
        return kind
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    return "string"


def _with_variant(schema: JSON, variant: Any) -> JSON:
    """``schema`` without its ``oneOf``/``anyOf``, with the chosen variant merged in."""
    merged: JSON = {k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}
    if not isinstance(variant, dict):
        return merged
    properties = {**(merged.get("properties") or {}), **(variant.get("properties") or {})}
    required = [*(merged.get("required") or []), *(variant.get("required") or [])]
    merged.pop("default", None)  # the parent's default names a variant, not a value
    merged.update(variant)
    if properties:
        merged["properties"] = properties
    if required:
        merged["required"] = required
    return merged


def _merge_all_of(schema: JSON) -> JSON:
    merged: JSON = {k: v for k, v in schema.items() if k != "allOf"}
    properties: JSON = dict(merged.get("properties") or {})
    required: list[str] = list(merged.get("required") or [])
    for part in schema["allOf"]:
        if isinstance(part, dict):
            properties.update(part.get("properties") or {})
            required += list(part.get("required") or [])
            for key, value in part.items():
                if key not in ("properties", "required"):
                    merged.setdefault(key, value)
    if properties:
        merged["properties"] = properties
        merged.setdefault("type", "object")
    if required:
        merged["required"] = required
    return merged


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False
