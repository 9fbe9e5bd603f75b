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
- ``aiobyte/connectors/_types.py``: the same classes as imports, read only by type
  checkers (``aiobyte.connectors`` imports it under ``TYPE_CHECKING``).

Naming follows the official SDK (Speakeasy): the schema name in PascalCase with common
initialisms in capitals (``source-google-analytics-data-api`` -> ``SourceGoogleAnalyticsDataAPI``).
Nested classes are the connector's class name followed by the PascalCase title of the
object (a ``oneOf`` variant's own title, else its property's title or name).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "aiobyte" / "connectors"
SCHEMAS_DIR = PACKAGE / "_schemas"
CONFIGS_DIR = PACKAGE / "_configs"
SPEC_NAME = "api_sdk.yaml"
DIR_ENV = "AIOBYTE_API_DIR"
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
    """``api_sdk.yaml``: ``explicit``, else ``$AIOBYTE_API_DIR``, else the shared folder.

    Raises ``FileNotFoundError`` naming where it looked and how to point elsewhere.
    """
    if explicit is not None:
        candidate = Path(explicit)
    elif os.environ.get(DIR_ENV):
        candidate = Path(os.environ[DIR_ENV]) / SPEC_NAME
    else:
        candidate = REPO.parent / "shared" / "airbyte-api" / SPEC_NAME
    if not candidate.is_file():
        raise FileNotFoundError(
            f"{SPEC_NAME} not found at {candidate}; pass --spec PATH or set ${DIR_ENV}"
        )
    return candidate


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
    additional = node.get("additionalProperties")
    if additional is False:
        out["additionalProperties"] = False
    elif isinstance(additional, Mapping):
        out["additionalProperties"] = describe(additional)
    properties = node.get("properties")
    if isinstance(properties, Mapping) and properties:
        out["properties"] = {str(k): describe(v) for k, v in properties.items()}
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
    return files


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
    parser.add_argument("--spec", help=f"api_sdk.yaml (default: ${DIR_ENV} or the shared copy)")
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
