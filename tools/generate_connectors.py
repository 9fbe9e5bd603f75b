#!/usr/bin/env python3
"""Generate ``aiobyte/connectors/`` (connector descriptions and typed models) from the spec.

Usage::

    python tools/generate_connectors.py [--spec PATH] [--check]

The spec is ``--spec``, else ``$AIOBYTE_API_DIR/api_sdk.yaml``, else
``shared/airbyte-api/api_sdk.yaml`` next to the repository: the official SDKs' spec, which
holds one JSON schema per connector configuration (``source-postgres``,
``destination-bigquery``, ...; the ``*-update`` twins are not used). ``--check`` writes
nothing: it exits 1 naming the files that differ from what this generator writes (CI runs
it).

What it writes (deterministic: sorted, no timestamps, no paths):

- ``aiobyte/connectors/_schemas/sources.json`` and ``destinations.json``: the description
  of every connector's configuration, one connector per line, keyed by its
  ``sourceType``/``destinationType`` (``"postgres"``). Each is the connector's schema cut
  down to what validation and masking need (see ``KEEP``): a JSON Schema subset.
- ``aiobyte/connectors/_configs/<kind>_<connector>.py``: one typed model module per
  connector (``SourcePostgres``, with its nested objects and ``oneOf`` variants).
- ``aiobyte/connectors/_index.py``: class name -> module, for the lazy imports.
- ``aiobyte/connectors/_types.pyi``: every class as an import, for type checkers only
  (``aiobyte.connectors`` imports it under ``TYPE_CHECKING``; a stub: never run).

Naming follows the official SDK (Speakeasy): the schema name in PascalCase with common
initialisms in capitals (``source-google-analytics-data-api`` -> ``SourceGoogleAnalyticsDataAPI``).
Nested classes are the connector's class name followed by the PascalCase title of the
object (a ``oneOf`` variant's own title, else its property's title or name).
"""

from __future__ import annotations

import argparse
import json
import keyword
import os
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import api_docs  # beside this script

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "aiobyte" / "connectors"
SCHEMAS_DIR = PACKAGE / "_schemas"
CONFIGS_DIR = PACKAGE / "_configs"
SPEC_NAME = "api_sdk.yaml"
KINDS = ("source", "destination")

#: The JSON Schema keywords a description keeps: what validation, masking and the typed
#: models need. Titles, descriptions, ordering hints, examples and defaults are dropped.
KEEP = (
    "type",
    "const",
    "enum",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "required",
    "additionalProperties",
    "airbyte_secret",
)

#: Connector definition ids of the Airbyte catalog (the same on Cloud and self-managed).
#: The spec names no definition ids; these are the catalog's, for the connectors users
#: create most. A configuration that names none of ``sourceType``/``destinationType``
#: but one of these ids is checked against that connector.
DEFINITION_IDS: dict[tuple[str, str], str] = {
    ("source", "postgres"): "decd338e-5647-4c0b-adf4-da0e75f5a750",
    ("source", "mysql"): "435bb9a5-7887-4809-aa58-28c27df0d7ad",
    ("source", "s3"): "69589781-7828-43c5-9f63-8925b1c1ccc2",
    ("source", "google-ads"): "253487c0-2246-43ba-a21f-5116b20a2c50",
    ("source", "github"): "ef69ef6e-aa7f-4af1-a01d-ef775033524e",
    ("source", "shopify"): "9da77001-af33-4bcd-be46-6252bf9342b9",
    ("source", "salesforce"): "b117307c-14b6-41aa-9422-947e34922962",
    ("source", "google-analytics-data-api"): "3cc2eafd-84aa-4dca-93af-322d9dfeec1a",
    ("destination", "bigquery"): "22f6c74f-5699-40ff-833c-4a879ea40133",
    ("destination", "snowflake"): "424892c4-daac-4491-b35d-c6688ba547ba",
    ("destination", "postgres"): "25c5221d-dce2-4163-ade9-739ef790f503",
    ("destination", "s3"): "4816b78f-1489-44c1-9060-4b19d5fa9362",
}

#: Words the SDK's generator writes in capitals inside a PascalCase name (Go's list of
#: common initialisms, which Speakeasy follows: ``SourceCoinAPI``, ``DestinationSftpJSON``).
INITIALISMS = frozenset(
    {
        *("acl", "api", "ascii", "cpu", "css", "dns", "eof", "guid", "html", "http", "https"),
        *("id", "ip", "json", "lhs", "qps", "ram", "rhs", "rpc", "sla", "smtp", "sql", "ssh"),
        *("tcp", "tls", "ttl", "udp", "ui", "uid", "uuid", "uri", "url", "utf8", "vm", "xml"),
        *("xmpp", "xsrf", "xss"),
    }
)

JSON = dict[str, Any]


# -- spec ----------------------------------------------------------------------------------


def find_spec(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``api_sdk.yaml``: ``explicit``, else where ``tools/api_docs.py`` looks.

    Raises ``FileNotFoundError`` naming where it looked and how to get the spec.
    """
    if explicit is None:
        return api_docs.document(SPEC_NAME)
    if not Path(explicit).is_file():
        raise FileNotFoundError(f"{SPEC_NAME} not found at {explicit} (--spec)")
    return Path(explicit)


def load_connectors(path: Path) -> dict[tuple[str, str], JSON]:
    """(kind, connector) -> its configuration schema, for every connector of the spec."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: seconds, not a minute
    with path.open("rb") as handle:
        document = yaml.load(handle, Loader=loader)  # a safe loader
    schemas = document["components"]["schemas"]
    found: dict[tuple[str, str], JSON] = {}
    for name in sorted(schemas):
        kind, _, connector = name.partition("-")
        if kind in KINDS and connector and not name.endswith("-update"):
            found[(kind, connector)] = schemas[name]
    return found


# -- descriptions --------------------------------------------------------------------------


def describe(node: Any) -> JSON:
    """The description of one schema node: ``KEEP`` keywords, recursively, titles of choices."""
    if not isinstance(node, Mapping):
        return {}
    out: JSON = {}
    kind = node.get("type")
    if kind is None:
        if "properties" in node or "oneOf" in node:
            kind = "object"
        elif "items" in node:
            kind = "array"
    if kind is not None:
        out["type"] = kind
    for key in KEEP[1:]:
        if key in node and key != "additionalProperties":
            value = node[key]
            if key == "airbyte_secret" and value is not True:
                continue
            out[key] = value
    if "const" not in out and isinstance(out.get("enum"), list) and len(out["enum"]) == 1:
        out["const"] = out["enum"][0]  # the same constraint, and a discriminator's form
    additional = node.get("additionalProperties")
    if additional is False:
        out["additionalProperties"] = False
    elif isinstance(additional, Mapping):
        out["additionalProperties"] = describe(additional)
    properties = node.get("properties")
    if isinstance(properties, Mapping) and properties:
        out["properties"] = {str(k): describe(v) for k, v in properties.items()}
        if isinstance(out.get("required"), list):
            # A defect of some schemas (destination-customer-io): a key required but not
            # described, which no form can fill. Not required here.
            out["required"] = [k for k in out["required"] if k in properties]
    items = node.get("items")
    if isinstance(items, Mapping):
        out["items"] = describe(items)
    enum = out.get("enum")
    if (
        out.get("type") == "array"
        and isinstance(enum, list)
        and not any(isinstance(v, list) for v in enum)
    ):
        # A defect of some schemas (source-cimis): the choices of the items written on
        # the array itself, which no array can satisfy. The forms mean the items.
        out.setdefault("items", {})["enum"] = out.pop("enum")
    variants = node.get("oneOf")
    if isinstance(variants, list) and variants:
        choices = []
        for variant in variants:
            described = describe(variant)
            if isinstance(variant, Mapping) and variant.get("title"):
                described["title"] = clean(str(variant["title"]))
            choices.append(described)
        out["oneOf"] = choices
    return out


def render_descriptions(connectors: dict[tuple[str, str], JSON], kind: str) -> str:
    """One JSON object, one connector per line (diffs stay readable)."""
    lines = []
    for (k, connector), schema in connectors.items():
        if k != kind:
            continue
        text = json.dumps(describe(schema), separators=(",", ":"), ensure_ascii=False)
        lines.append(f"{json.dumps(connector)}:{text}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


# -- names ---------------------------------------------------------------------------------


def pascal(text: str) -> str:
    """``"google-analytics-data-api"`` -> ``"GoogleAnalyticsDataAPI"`` (the SDK's rule)."""
    words = re.split(r"[^0-9A-Za-z]+", text)
    out = []
    for word in words:
        if not word:
            continue
        if word.lower() in INITIALISMS:
            out.append(word.upper())
        else:
            out.append(word[0].upper() + word[1:])
    return "".join(out)


def class_name(kind: str, connector: str) -> str:
    """The SDK's class name of a connector's configuration (``SourcePostgres``)."""
    return pascal(f"{kind}-{connector}")


def module_name(kind: str, connector: str) -> str:
    return f"{kind}_{re.sub(r'[^0-9a-z]+', '_', connector.lower())}"


def clean(text: str) -> str:
    return " ".join(text.split())


# -- output --------------------------------------------------------------------------------


def outputs(connectors: dict[tuple[str, str], JSON]) -> dict[Path, str]:
    """Every file this generator owns -> its text."""
    files: dict[Path, str] = {}
    for kind in KINDS:
        files[SCHEMAS_DIR / f"{kind}s.json"] = render_descriptions(connectors, kind)
    files[PACKAGE / "_ids.py"] = render_ids(connectors)
    index: dict[str, str] = {}
    for (kind, connector), schema in connectors.items():
        module = module_name(kind, connector)
        writer = ModuleWriter(kind, connector, schema, taken=set(index))
        files[CONFIGS_DIR / f"{module}.py"] = writer.render()
        for name in writer.names:
            index[name] = module
    files[CONFIGS_DIR / "__init__.py"] = (
        '"""Generated typed models, one module per connector (import from aiobyte.connectors)."""\n'
    )
    files[PACKAGE / "_index.py"] = render_index(index, connectors)
    files[PACKAGE / "_types.pyi"] = render_types(index)
    return files


GENERATED = "# Code generated by tools/generate_connectors.py. DO NOT EDIT."
RESERVED_ATTRS = frozenset(
    {"to_dict", "from_dict", "decode", "encode", "replace", "problems", "field", "choice"}
    | {"each", "nested", "UNSET", "UnsetType", "Any", "Literal", "Union", "Configuration"}
    | {"UnknownChoice", "annotations", "list", "dict", "str", "int", "float", "bool", "None"}
)
SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


def render_index(index: Mapping[str, str], connectors: Mapping[tuple[str, str], JSON]) -> str:
    """kind -> connector -> model name. A nested model's name starts with its connector's
    model name, and the longest such prefix finds its module (checked here)."""
    tops = {class_name(k, c): module_name(k, c) for k, c in connectors}
    for name, module in index.items():
        found = next((name[:n] for n in range(len(name), 0, -1) if name[:n] in tops), None)
        if found is None or tops[found] != module:
            raise ValueError(f"{name} (in {module}) would be looked up in the wrong module")
    lines = [
        GENERATED,
        '"""The model of every connector\'s configuration, by kind and connector."""',
        "",
        "from __future__ import annotations",
        "",
        "MODELS: dict[str, dict[str, str]] = {",
    ]
    for kind in KINDS:
        lines.append(f"    {json.dumps(kind)}: {{")
        for k, connector in connectors:
            if k == kind:
                model = class_name(k, connector)
                lines.append(f"        {json.dumps(connector)}: {json.dumps(model)},")
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_types(index: Mapping[str, str]) -> str:
    lines = [
        GENERATED,
        '"""The typed models for type checkers (never imported at run time)."""',
        "",
        "from __future__ import annotations",
        "",
    ]
    by_module: dict[str, list[str]] = {}
    for name, module in sorted(index.items()):
        by_module.setdefault(module, []).append(name)
    for module, names in sorted(by_module.items()):
        lines.append(f"from ._configs.{module} import (")
        lines += [f"    {name} as {name}," for name in names]
        lines.append(")")
    lines.append("")
    lines.append("__all__ = [")
    lines += [f"    {json.dumps(name)}," for name in sorted(index)]
    lines.append("]")
    return "\n".join(lines) + "\n"


def attribute(wire: str, taken: set[str]) -> str:
    """A Python attribute for a wire key: snake_case, not a keyword, not taken."""
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", wire).lower()
    name = re.sub(r"[^0-9a-z_]+", "_", name).strip("_") or "field"
    if name[0].isdigit():
        name = f"field_{name}"
    while keyword.iskeyword(name) or name in RESERVED_ATTRS or name in taken:
        name += "_"
    taken.add(name)
    return name


@dataclass
class _Class:
    name: str
    doc: str
    lines: list[str] = field(default_factory=list)


class ModuleWriter:
    """The typed models of one connector: nested classes first, the connector's last."""

    def __init__(self, kind: str, connector: str, schema: JSON, taken: set[str]) -> None:
        self.kind = kind
        self.connector = connector
        self.schema = schema
        self.top = class_name(kind, connector)
        self.taken = taken
        self.names: list[str] = []
        self.classes: list[_Class] = []
        self.aliases: list[str] = []

    def _name(self, base: str) -> str:
        name = base
        number = 2
        while name in self.taken or name in self.names:
            name = f"{base}{number}"
            number += 1
        self.names.append(name)
        return name

    def render(self) -> str:
        top = self._struct(self.schema, self.top, top=True)
        assert top == self.top, top
        uses = "\n".join(line for c in self.classes for line in c.lines) + "\n".join(self.aliases)
        out = [
            GENERATED,
            f'"""The typed configuration of the {self.kind} ``{self.connector}``."""',
            "",
            "from __future__ import annotations",
            "",
        ]
        typing_names = [n for n in ("Any", "Literal", "Union") if re.search(rf"\b{n}\b", uses)]
        if typing_names:
            out.append(f"from typing import {', '.join(typing_names)}")
            out.append("")
        helpers = [
            n
            for n in ("UNSET", "UnknownChoice", "UnsetType", "choice", "each", "nested")
            if re.search(rf"\b{n}\b", uses)
        ]
        imported = ", ".join(["Configuration", *helpers, "field"])
        out.append(f"from aiobyte.connectors._model import {imported}")
        out.append("")
        out.append(f"__all__ = {json.dumps(sorted(self.names))}")
        for cls in self.classes:
            out += ["", ""]
            out.extend(cls.lines)
        if self.aliases:
            out += ["", ""]
            out += ["# The oneOf attributes' types: the choices, or a value that names none."]
            out += self.aliases
        return "\n".join(out) + "\n"

    def _struct(
        self, node: Mapping[str, Any], name: str, *, top: bool = False, role: str = ""
    ) -> str:
        """A class for an object schema with properties; returns its name."""
        cls_name = name if top else self._name(name)
        if top:
            self.names.append(cls_name)
        described = describe(node)
        properties = node.get("properties") or {}
        required = set(described.get("required") or ())
        title = clean(str(node.get("title") or ""))
        lines = [f"class {cls_name}(Configuration):"]
        if top:
            what = f"the configuration of the {self.kind} ``{self.connector}``"
            doc = f"{title}: {what}" if title else what[0].upper() + what[1:]
        else:
            doc = f"{title}: {role}" if title else role[0].upper() + role[1:]
        lines.append(f"    {json.dumps(sentence(doc))}")
        lines.append("")
        if top:
            lines.append(f"    _kind = {json.dumps(self.kind)}")
            lines.append(f"    _connector = {json.dumps(self.connector)}")
        listed = [str(k) for k in described.get("required") or ()]
        if listed:
            lines.append(
                f"    _required = ({''.join(json.dumps(k) + ', ' for k in listed).strip()})"
            )
        attrs: set[str] = set()
        for wire, prop in properties.items():
            if not isinstance(prop, Mapping):
                continue
            attr = attribute(str(wire), attrs)
            prop_described = described["properties"][wire]
            annotation, wrap = self._type(
                prop, prop_described, f"{self.top}{label(prop.get('title'), str(wire))}", wire
            )
            args = []
            if "const" in prop_described:
                args.append(f"default={json.dumps(prop_described['const'])}")
            elif wire not in required:
                annotation += " | None | UnsetType"
                args.append("default=UNSET")
            if attr != wire:
                args.append(f"name={json.dumps(wire)}")
            if wrap:
                args.append(f"wrap={wrap}")
            if prop.get("airbyte_secret") is True:
                args.append("secret=True")
            lines.append(f"    {attr}: {annotation} = field({', '.join(args)})")
        if not properties:
            lines.append("    pass")
        self.classes.append(_Class(cls_name, doc, lines))
        return cls_name

    def _type(
        self, raw: Mapping[str, Any], node: JSON, name: str, wire: str
    ) -> tuple[str, str | None]:
        """(annotation, reader) of one property."""
        if "const" in node:
            return f"Literal[{json.dumps(node['const'])}]", None
        enum = node.get("enum")
        kind = node.get("type")
        nullable = isinstance(kind, list) and "null" in kind
        if isinstance(kind, list):
            kinds = [k for k in kind if k != "null"]
            kind = kinds[0] if len(kinds) == 1 else None
        suffix = " | None" if nullable else ""
        if isinstance(enum, list) and enum and all(isinstance(v, str) for v in enum):
            return f"Literal[{', '.join(json.dumps(v) for v in enum)}]{suffix}", None
        if isinstance(enum, list) and enum:
            return f"Any{suffix}", None
        if kind in SCALARS:
            return SCALARS[kind] + suffix, None
        if kind == "array":
            items_raw = raw.get("items") if isinstance(raw.get("items"), Mapping) else {}
            items = node.get("items") or {}
            if items:
                item_type, reader = self._type(items_raw or {}, items, name, f"{wire}[]")
                if reader:
                    return f"list[{item_type}]{suffix}", f"each({reader})"
                return f"list[{item_type}]{suffix}", None
            return f"list[Any]{suffix}", None
        if kind == "object" or (kind is None and ("properties" in node or "oneOf" in node)):
            choices = raw.get("oneOf")
            if isinstance(choices, list) and choices:
                names = []
                for variant in choices:
                    tags = [
                        str(p["const"])
                        for p in (describe(variant).get("properties") or {}).values()
                        if "const" in p
                    ]
                    fallback = tags[0] if tags else "Choice"
                    if variant.get("properties"):
                        base = f"{self.top}{label(variant.get('title'), fallback)}"
                        role = f"one of the choices for ``{wire}``"
                        names.append(self._struct(variant, base, role=role))
                if names:
                    alias = self._name(name)
                    members = ", ".join([*names, "UnknownChoice"])
                    self.aliases.append(f"{alias} = Union[{members}]")
                    return alias + suffix, f"choice({', '.join(names)})"
                return f"dict[str, Any]{suffix}", None
            if raw.get("properties"):
                cls = self._struct(raw, name, role=f"the object in ``{wire}``")
                return cls + suffix, f"nested({cls})"
            return f"dict[str, Any]{suffix}", None
        return "Any", None


def label(title: object, fallback: str) -> str:
    """A class name's own part: the title in PascalCase, or ``fallback`` for a long title."""
    text = clean(str(title or ""))
    if not text or len(text.split()) > 6:
        text = fallback
    return pascal(text) or "Choice"


def sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def render_ids(connectors: dict[tuple[str, str], JSON]) -> str:
    lines = [
        "# Code generated by tools/generate_connectors.py. DO NOT EDIT.",
        '"""Connector definition ids this release knows, by kind and connector."""',
        "",
        "from __future__ import annotations",
        "",
        "DEFINITION_IDS: dict[str, dict[str, str]] = {",
    ]
    for kind in KINDS:
        lines.append(f"    {json.dumps(kind)}: {{")
        for (k, connector), value in sorted(DEFINITION_IDS.items()):
            if k == kind and (k, connector) in connectors:
                lines.append(f"        {json.dumps(value)}: {json.dumps(connector)},")
        lines.append("    },")
    lines.append("}")
    return "\n".join(lines) + "\n"


def stale(files: Mapping[Path, str], owned: Iterator[Path]) -> list[str]:
    """Files that differ from what would be written, or that should not exist."""
    problems = []
    for path, text in sorted(files.items()):
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != text:
            problems.append(f"{path.relative_to(REPO)}: {'differs' if current else 'missing'}")
    for path in sorted(owned):
        if path not in files:
            problems.append(f"{path.relative_to(REPO)}: not generated any more")
    return problems


def owned_files() -> Iterator[Path]:
    """Files in the generator's directories (those it may delete)."""
    for directory, pattern in ((SCHEMAS_DIR, "*.json"), (CONFIGS_DIR, "*.py")):
        if directory.is_dir():
            yield from directory.glob(pattern)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--spec", help=f"api_sdk.yaml (default: in ${api_docs.ENV} or the shared copy)"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the output is stale")
    args = parser.parse_args(argv)
    try:
        connectors = load_connectors(find_spec(args.spec))
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    files = outputs(connectors)
    if args.check:
        problems = stale(files, owned_files())
        for problem in problems:
            print(problem)
        if problems:
            print("aiobyte/connectors is out of date: run python tools/generate_connectors.py")
            return 1
        return 0
    for path in owned_files():
        if path not in files:
            path.unlink()
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
