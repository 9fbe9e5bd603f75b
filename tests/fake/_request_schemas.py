"""The request bodies of api.yaml, cut to what the fake checks: generated, then shipped.

``python tests/fake/_request_schemas.py`` writes ``aiobyte/testing/_request_schemas.json``
from the spec in the shared folder (``AIOBYTE_API_DIR`` to point elsewhere);
``test_request_schemas.py`` fails when the shipped file is not what this makes. The
package never reads the spec: the spec is not shipped.

Each operation's JSON body schema is inlined (``$ref`` resolved; a schema that refers to
itself becomes ``{}``, anything) and cut to the keywords the checker uses: ``type``,
``properties``, ``required``, ``additionalProperties``, ``items``, ``enum``, ``const``,
``oneOf``, bounds and ``minLength``/``maxLength``. Descriptions, examples, formats and
``x-`` extensions are dropped. ``nullable: true`` becomes a ``type`` that allows null.
A ``required`` key that is not among the ``properties`` is a defect of the spec (the
server's models have no such field: ``CreateDeclarativeSourceDefinitionRequest``
requires a ``workspaceId`` it does not define) and is dropped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUTPUT = ROOT / "aiobyte" / "testing" / "_request_schemas.json"
METHODS = ("post", "put", "patch", "delete")
KEPT = (
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "oneOf",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
)
# The token request's schema requires "grant_type" but names "grant-type" in its
# properties (a typo of the spec; the server ignores the grant): not checked.
SKIPPED = frozenset({"POST /applications/token"})


def _inline(spec: dict[str, Any], node: Any, seen: tuple[str, ...]) -> Any:
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref in seen or not ref.startswith("#/components/schemas/"):
            return {}
        target = spec["components"]["schemas"].get(ref.rsplit("/", 1)[1])
        if target is None:
            return {}  # a dangling reference of the spec (see NOTES.md): anything
        return _inline(spec, target, (*seen, ref))
    if "allOf" in node:
        merged: dict[str, Any] = {}
        for part in node["allOf"]:
            part = _inline(spec, part, seen)
            for key, value in part.items():
                if key == "properties":
                    merged.setdefault("properties", {}).update(value)
                elif key == "required":
                    merged["required"] = sorted({*merged.get("required", ()), *value})
                else:
                    merged.setdefault(key, value)
        node = {**{k: v for k, v in node.items() if k != "allOf"}, **merged}
    out: dict[str, Any] = {}
    for key in KEPT:
        if key not in node:
            continue
        value = node[key]
        if key == "properties":
            value = {name: _inline(spec, sub, seen) for name, sub in value.items()}
        elif key in ("items", "additionalProperties") and isinstance(value, dict):
            value = _inline(spec, value, seen)
        elif key == "oneOf":
            value = [_inline(spec, sub, seen) for sub in value]
        out[key] = value
    if "required" in out:
        defined = out.get("properties") or {}
        out["required"] = [key for key in out["required"] if key in defined]
        if not out["required"]:
            del out["required"]
    if node.get("nullable") is True and "type" in out:
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = [*types, "null"]
    return out


def build(spec: dict[str, Any]) -> dict[str, Any]:
    """``{"METHOD /template": schema}`` for every operation with a JSON body."""
    bodies: dict[str, Any] = {}
    for template, item in spec["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            key = f"{method.upper()} {template}"
            content = (operation.get("requestBody") or {}).get("content") or {}
            schema = (content.get("application/json") or {}).get("schema")
            if schema is None or key in SKIPPED:
                continue
            bodies[key] = _inline(spec, schema, ())
    return dict(sorted(bodies.items()))


def render(spec: dict[str, Any]) -> str:
    """The shipped file's text."""
    return json.dumps(build(spec), separators=(",", ":"), sort_keys=True) + "\n"


def load_spec() -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "tools"))
    import api_docs  # where the API documents are (raises saying how to get them)

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    text = api_docs.document("api.yaml").read_text("utf-8")
    loaded: dict[str, Any] = yaml.load(text, Loader=loader)
    return loaded


if __name__ == "__main__":
    OUTPUT.write_text(render(load_spec()), encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
