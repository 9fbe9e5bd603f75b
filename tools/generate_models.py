#!/usr/bin/env python3
"""Generate ``aiobyte/models/_generated.py`` (msgspec models) from the Airbyte OpenAPI spec.

Usage::

    python tools/generate_models.py [--spec PATH] [--output PATH] [--check]

The spec is ``--spec``, else ``api.yaml`` in ``$AIOBYTE_API_DIR``, else in the shared folder
beside the repository, ``../shared/airbyte-api`` (see ``tools/api_docs.py``). ``--check``
writes nothing: it exits 1 and prints a unified diff when the file on disk is not what this
generator would write (CI runs it).

The output is deterministic (sorted, no timestamps, no paths) and already in
``ruff format`` style, so the generator needs nothing but PyYAML and msgspec.

How the spec becomes Python (the rules, in the order they are applied):

- Role. Schemas reachable (through ``$ref``, transitively) from a response body are
  server-owned: structs subclass ``Response``, enums ``OpenEnum``. Schemas reachable only
  from request bodies subclass ``Request``; their enums are strict ``(str, enum.Enum)``.
  Schemas reachable from neither are treated as server-owned (the tolerant choice).
- Kind. An enum schema becomes an enum class; an object with ``properties`` becomes a
  struct; everything else (strings, free-form objects, ``oneOf``, arrays, a ``$ref`` to
  another schema) is an alias for its underlying type and gets no class. Connector
  configurations and polymorphic objects are ``dict[str, Any]``: lossless, never structs.
- Names. ``CLASS_NAMES`` first, then ``SAME_CLASS`` merges, then a trailing ``Response``
  is stripped, then a trailing ``Request``, then a trailing ``Enum`` (enum schemas only).
  A stripped name that is another schema's name, or that two schemas would both get,
  is not used: those schemas keep their spec names.
- Fields. snake_case attributes over the wire names (the bases rename to camelCase; a
  field whose wire name is not the camelCase of its attribute gets an explicit name).
  Response fields default to ``None``/``[]``/``{}`` unless they are required identifiers
  (a wire name ending in ``Id``, or ``id``/``name``) or listed in ``ALWAYS_SENT``;
  request fields that are not required default to ``UNSET`` (not sent).
- Gaps. A schema the spec references but does not define comes from ``MISSING_SCHEMAS``
  (what the server sends); it gets a class but no ``SCHEMA_NAMES`` entry.
- Secrets. Attributes in ``SECRET_FIELDS`` are masked in the class's ``repr``, and so are
  the secrets inside the connector configurations of ``CONFIGURATION_FIELDS``.
"""

from __future__ import annotations

import argparse
import difflib
import keyword
import os
import re
import sys
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import api_docs  # beside this script

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO / "aiobyte" / "models" / "_generated.py"

# -- overrides -----------------------------------------------------------------------------

#: Spec schema -> Python class name, where the generic rules give a wrong or clashing name.
CLASS_NAMES: dict[str, str] = {
    # The public job type (sync, reset, ...) is the one users meet; the platform's
    # internal worker job type (get_spec, check_connection, ...) yields the name.
    "JobTypeEnum": "JobType",
    "JobType": "WorkerJobType",
    # List wrappers with data/next/previous: one page of a paginated list.
    "ConnectionsResponse": "ConnectionsPage",
    "DeclarativeSourceDefinitionsResponse": "DeclarativeSourceDefinitionsPage",
    "DefinitionsResponse": "DefinitionsPage",
    "DestinationsResponse": "DestinationsPage",
    "GroupMembersResponse": "GroupMembersPage",
    "GroupsResponse": "GroupsPage",
    "JobsResponse": "JobsPage",
    "SourcesResponse": "SourcesPage",
    "WorkspacesResponse": "WorkspacesPage",
    # List wrappers with only data: the whole list in one body (the spec's own
    # ApplicationReadList / EmbeddedOrganizationsList naming).
    "ConnectorDefinitionsResponse": "ConnectorDefinitionsList",
    "DataplanesResponse": "DataplanesList",
    "GroupPermissionsResponse": "GroupPermissionsList",
    "OrganizationsResponse": "OrganizationsList",
    "PermissionsResponse": "PermissionsList",
    "RegionsResponse": "RegionsList",
    "TagsResponse": "TagsList",
    "UsersResponse": "UsersList",
    # Not in the spec (MISSING_SCHEMAS): what POST /dataplanes answers.
    "DataplaneCreateResponseBody": "DataplaneCreated",
}

#: Enum schemas that are the same enum under another name (identical values; they differ
#: only by a ``default`` that means nothing to a Python caller): one class for both, so a
#: caller does not need one enum to create a connection and another to patch it.
SAME_CLASS: dict[str, str] = {
    "NamespaceDefinitionEnumNoDefault": "NamespaceDefinitionEnum",
    "NonBreakingSchemaUpdatesBehaviorEnumNoDefault": "NonBreakingSchemaUpdatesBehaviorEnum",
}

#: Wire name -> Python attribute name, where the mechanical snake_case is ugly.
FIELD_NAMES: dict[str, str] = {
    "oAuthInputConfiguration": "oauth_input_configuration",
}

#: Required response fields that stay required although they are not identifiers: the
#: server always sends them, and a caller should not have to test a job's status for None.
ALWAYS_SENT: frozenset[tuple[str, str]] = frozenset(
    {("JobResponse", "status"), ("JobResponse", "jobType")}
)

#: (spec schema, property) -> class name for an inline enum (default: ``<Parent><Field>``).
INLINE_ENUM_NAMES: dict[tuple[str, str], str] = {}

#: Schemas the spec references but does not define, as the server sends them; used only
#: while the spec lacks them (a spec that defines one wins). Not in ``SCHEMA_NAMES``,
#: which lists the spec's own schemas.
MISSING_SCHEMAS: dict[str, dict[str, Any]] = {
    # POST /dataplanes answers the server's DataplaneCreateResponseBody (see
    # DataplaneCreateResponseMapper in airbyte-platform): the new dataplane's ids and the
    # credentials it authenticates with.
    "DataplaneCreateResponseBody": {
        "description": "The dataplane just created, with the credentials it authenticates with.",
        "type": "object",
        "required": ["dataplaneId", "regionId", "clientId", "clientSecret"],
        "properties": {
            "dataplaneId": {"type": "string", "format": "uuid"},
            "regionId": {"type": "string", "format": "uuid"},
            "clientId": {"type": "string"},
            "clientSecret": {"type": "string"},
        },
    },
}

#: Spec schema -> attributes that hold a secret: left out of the class's ``repr`` (and so of
#: log lines and tracebacks that show the object).
SECRET_FIELDS: dict[str, tuple[str, ...]] = {
    "ApplicationRead": ("client_secret",),
    "ApplicationTokenRequestWithGrant": ("client_secret",),
    "DataplaneCreateResponseBody": ("client_secret",),
    "EmbeddedScopedTokenResponse": ("token",),
    "EmbeddedWidgetResponse": ("token",),
    "PublicAccessTokenResponse": ("access_token",),
}

#: Spec schema -> why its class is generated but not exported (left out of ``__all__``, so
#: of ``aiobyte.models``). The list envelopes (``data``, ``next``, ``previous``) are not
#: exported either: the pager decodes every page as ``PageBody[Item]`` (aiobyte/_pagination.py)
#: and hands out the items, so no user ever holds one.
UNEXPORTED_SCHEMAS: dict[str, str] = {
    "ApplicationReadList": "a whole list in one body: the pager hands out its items",
    "EmbeddedOrganizationsList": "a whole list in one body: the pager hands out its items",
    "PublicAccessTokenResponse": "the token cache decodes the token answer itself",
}

#: Spec schema -> attributes holding a connector configuration, with the kind of connector
#: (``None``: the object's ``actor_type`` says). Their secrets (what the connector's schema
#: marks ``airbyte_secret``, and keys named like secrets) are masked in the ``repr``; see
#: ``aiobyte.connectors.mask_configuration``, the one source of truth for what is secret.
CONFIGURATION_FIELDS: dict[str, tuple[tuple[str, str | None], ...]] = {
    "SourceResponse": (("configuration", "source"),),
    "SourceCreateRequest": (("configuration", "source"),),
    "SourcePatchRequest": (("configuration", "source"),),
    "SourcePutRequest": (("configuration", "source"),),
    "DestinationResponse": (("configuration", "destination"),),
    "DestinationCreateRequest": (("configuration", "destination"),),
    "DestinationPatchRequest": (("configuration", "destination"),),
    "DestinationPutRequest": (("configuration", "destination"),),
    "InitiateOauthRequest": (("oauth_input_configuration", "source"),),
    "WorkspaceOAuthCredentialsRequest": (("configuration", None),),
    "OrganizationOAuthCredentialsRequest": (("configuration", None),),
    "ConfiguredStreamMapper": (("mapper_configuration", None),),
}

#: Names the generated module defines or imports itself.
RESERVED_NAMES = frozenset(
    {"Any", "Model", "OpenEnum", "Request", "Response", "UNSET", "UnsetType", "enum", "msgspec"}
    | {"masked_repr"}
    | {"SCHEMA_NAMES", "ALIAS_SCHEMAS"}
)

#: Attribute names that would shadow a name used in the generated annotations.
SHADOWING = frozenset({"Any", "None", "bool", "dict", "float", "int", "list", "str"})

#: Repeated on every generated class, though the bases already set them: type checkers do
#: not inherit ``frozen``/``kw_only`` through msgspec's ``dataclass_transform``, and without
#: them mypy rejects required fields after optional ones and frozen bases.
CLASS_KEYWORDS = {"Response": ", frozen=True, kw_only=True", "Request": ", kw_only=True"}

SCHEMA_PREFIX = "#/components/schemas/"
RESPONSE_PREFIX = "#/components/responses/"
FREE_FORM_KEYS = frozenset({"default", "description", "example", "nullable", "title"})
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
LINE_LENGTH = 100
DOC_WIDTH = 92


# -- spec loading --------------------------------------------------------------------------


def find_spec(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The spec to read: ``explicit``, else ``api.yaml`` where ``tools/api_docs.py`` looks.

    Raises ``FileNotFoundError`` naming where it looked and how to get the spec.
    """
    if explicit is None:
        return api_docs.document("api.yaml")
    if not Path(explicit).is_file():
        raise FileNotFoundError(f"Airbyte OpenAPI spec not found at {explicit} (--spec)")
    return Path(explicit)


def load_spec(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse the YAML (or JSON) spec at ``path``."""
    import yaml

    with open(path, encoding="utf-8") as fh:
        spec = yaml.safe_load(fh)
    if not isinstance(spec, dict) or "components" not in spec:
        raise ValueError(f"{path} is not an OpenAPI document with components")
    return spec


# -- the intermediate model ----------------------------------------------------------------


@dataclass(frozen=True)
class PyType:
    """A resolved Python type: its expression and what it is made of."""

    expr: str
    kind: str  # "scalar" | "array" | "mapping" | "any" | "struct" | "enum"
    nullable: bool = False
    note: str | None = None  # why it is what it is, when that is surprising


@dataclass
class FieldModel:
    wire: str
    attr: str
    type: PyType
    required: bool
    doc: str


@dataclass
class ClassModel:
    name: str
    kind: str  # "struct" | "enum"
    role: str  # "response" | "request"
    schemas: list[str]  # spec schema names (empty for an inline enum)
    doc: str
    fields: list[FieldModel] = field(default_factory=list)
    values: list[str] = field(default_factory=list)


class Generator:
    """Turns one parsed spec into the text of ``_generated.py``."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = spec
        self.schemas: dict[str, Any] = dict(spec.get("components", {}).get("schemas", {}))
        self.supplied = {n for n in MISSING_SCHEMAS if n not in self.schemas}
        self.schemas.update((n, MISSING_SCHEMAS[n]) for n in self.supplied)
        self.responses: dict[str, Any] = dict(spec.get("components", {}).get("responses", {}))
        self.dangling: dict[str, set[str]] = {}  # $ref -> where it is used
        self.defects: list[str] = []
        self.kinds = {name: self._kind(schema) for name, schema in self.schemas.items()}
        for alias, target in SAME_CLASS.items():
            self._check_merge(alias, target)
        self.response_reach, self.request_reach = self._reachability()
        self.body_roles = self._body_roles()
        self.names = self._class_names()
        self.classes: dict[str, ClassModel] = {}
        self.alias_types: dict[str, PyType] = {}

    # -- classification --------------------------------------------------------------------

    def _kind(self, schema: Any) -> str:
        if not isinstance(schema, dict):
            return "alias"
        if "enum" in schema and all(isinstance(v, str) for v in schema["enum"]):
            return "enum"
        if schema.get("properties") and not self._is_polymorphic(schema):
            return "struct"
        return "alias"

    @staticmethod
    def _is_polymorphic(schema: Mapping[str, Any]) -> bool:
        """True for a real oneOf/anyOf/allOf of schemas (not just alternative ``required``)."""
        for key in ("oneOf", "anyOf", "allOf"):
            for option in schema.get(key) or ():
                if isinstance(option, dict) and set(option) - {"required", "description"}:
                    return True
        return False

    def _check_merge(self, alias: str, target: str) -> None:
        a, b = self.schemas.get(alias), self.schemas.get(target)
        if a is None or b is None:
            return
        if self.kinds[alias] != "enum" or self.kinds[target] != "enum" or a["enum"] != b["enum"]:
            raise ValueError(f"SAME_CLASS: {alias} and {target} are not the same enum")

    # -- reachability ----------------------------------------------------------------------

    def _refs(self, node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                yield ref
            for key, value in node.items():
                if key not in ("example", "examples", "default", "enum"):
                    yield from self._refs(value)
        elif isinstance(node, list):
            for item in node:
                yield from self._refs(item)

    def _closure(self, roots: list[tuple[Any, str]]) -> set[str]:
        """Schemas reachable from ``roots`` (schema nodes, each with where it is used)."""
        seen: set[str] = set()
        stack = list(roots)
        while stack:
            node, where = stack.pop()
            for ref in self._refs(node):
                name = ref.rpartition("/")[2]
                if ref.startswith(SCHEMA_PREFIX) and name in self.schemas:
                    if name not in seen:
                        seen.add(name)
                        stack.append((self.schemas[name], f"schema {name}"))
                elif ref.startswith(RESPONSE_PREFIX) and name in self.responses:
                    stack.append((self._body_schemas(self.responses[name]), where))
                else:
                    self.dangling.setdefault(ref, set()).add(where)
        return seen

    @staticmethod
    def _body_schemas(body: Any) -> list[Any]:
        if not isinstance(body, dict):
            return []
        if "$ref" in body:
            return [body]
        return [media.get("schema") for media in (body.get("content") or {}).values() if media]

    def _operations(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        for path, item in sorted((self.spec.get("paths") or {}).items()):
            for method in HTTP_METHODS:
                op = (item or {}).get(method)
                if isinstance(op, dict):
                    yield path, method, op

    def _reachability(self) -> tuple[set[str], set[str]]:
        responses: list[tuple[Any, str]] = []
        requests: list[tuple[Any, str]] = []
        for path, method, op in self._operations():
            where = f"{method.upper()} {path}"
            requests += [(s, where) for s in self._body_schemas(op.get("requestBody"))]
            for response in (op.get("responses") or {}).values():
                responses += [(s, where) for s in self._body_schemas(response)]
        return self._closure(responses), self._closure(requests)

    def _body_roles(self) -> dict[str, str]:
        """Schemas used directly as a request or response body, for the default docstring."""
        roles: dict[str, str] = {}
        for _path, _method, op in self._operations():
            for schema in self._body_schemas(op.get("requestBody")):
                if isinstance(schema, dict) and str(schema.get("$ref", "")).startswith(
                    SCHEMA_PREFIX
                ):
                    roles.setdefault(schema["$ref"][len(SCHEMA_PREFIX) :], "Request")
            for response in (op.get("responses") or {}).values():
                for schema in self._body_schemas(response):
                    if isinstance(schema, dict) and str(schema.get("$ref", "")).startswith(
                        SCHEMA_PREFIX
                    ):
                        roles[schema["$ref"][len(SCHEMA_PREFIX) :]] = "Response"
        return roles

    def role(self, names: list[str]) -> str:
        """``request`` only when no response can carry any of ``names``."""
        if any(n in self.request_reach for n in names) and not any(
            n in self.response_reach for n in names
        ):
            return "request"
        return "response"

    # -- naming ----------------------------------------------------------------------------

    def _class_names(self) -> dict[str, str]:
        named = [n for n in self.schemas if self.kinds[n] != "alias" and n not in SAME_CLASS]
        final: dict[str, str] = {n: CLASS_NAMES[n] for n in named if n in CLASS_NAMES}
        # A spec name stays taken unless an override moved its schema elsewhere.
        taken = {n for n in self.schemas if n not in CLASS_NAMES} | set(final.values())
        rules: list[tuple[str, bool]] = [("Response", False), ("Request", False), ("Enum", True)]
        for suffix, enums_only in rules:
            candidates: dict[str, list[str]] = {}
            for n in named:
                if n in final or not n.endswith(suffix) or len(n) == len(suffix):
                    continue
                if enums_only and self.kinds[n] != "enum":
                    continue
                candidates.setdefault(n[: -len(suffix)], []).append(n)
            for stripped, owners in sorted(candidates.items()):
                if len(owners) == 1 and stripped not in taken and stripped not in RESERVED_NAMES:
                    final[owners[0]] = stripped
                    taken.add(stripped)
        for n in named:
            final.setdefault(n, n)
        for alias, target in SAME_CLASS.items():
            if alias in self.schemas and target in final:
                final[alias] = final[target]
        return final

    # -- types -----------------------------------------------------------------------------

    def schema_type(self, name: str) -> PyType:
        """The Python type a ``$ref`` to component schema ``name`` stands for."""
        if name in self.names:
            kind = "enum" if self.kinds[name] == "enum" else "struct"
            return PyType(self.names[name], kind)
        if name not in self.alias_types:
            self.alias_types[name] = PyType("Any", "any")  # a cycle of aliases: give up safely
            self.alias_types[name] = self.resolve(self.schemas[name], owner=None, prop=None)
        return self.alias_types[name]

    def resolve(self, node: Any, *, owner: str | None, prop: str | None) -> PyType:
        """The Python type of an (inline) schema ``node``; ``owner``/``prop`` name inline enums."""
        if not isinstance(node, dict):
            return PyType("Any", "any")
        nullable = bool(node.get("nullable"))
        if "default" in node and node["default"] is None and not nullable:
            # OpenAPI 3.1 rejects ``default: null`` on a non-nullable type; the spec means
            # that null is a value (``namespace_format=None`` is sent as null, not left out).
            nullable = True
            if owner is not None:
                self.defects.append(f"{owner}.{prop}: `default: null` on a non-nullable type")
        types = node.get("type")
        if isinstance(types, list):
            nullable = nullable or "null" in types
            types = [t for t in types if t != "null"]
            types = types[0] if len(types) == 1 else None
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref.startswith(SCHEMA_PREFIX) and ref[len(SCHEMA_PREFIX) :] in self.schemas:
                base = self.schema_type(ref[len(SCHEMA_PREFIX) :])
            else:
                self.dangling.setdefault(ref, set()).add(f"schema {owner}")
                base = PyType("dict[str, Any]", "mapping", note=f"dangling $ref {ref}")
            return PyType(base.expr, base.kind, nullable or base.nullable, base.note)
        if "enum" in node:
            values = [v for v in node["enum"] if v is not None]
            nullable = nullable or None in node["enum"]
            if not values or not all(isinstance(v, str) for v in values):
                return PyType("Any", "any", nullable)
            if len(values) == 1:
                return PyType("str", "scalar", nullable, note=f"always ``{py_str(values[0])}``")
            if owner is None or prop is None:
                return PyType("str", "scalar", nullable)
            return PyType(self._inline_enum(owner, prop, node, values), "enum", nullable)
        if self._is_polymorphic(node):
            options = [o for k in ("oneOf", "anyOf", "allOf") for o in node.get(k) or ()]
            kinds = {self.resolve(o, owner=None, prop=None).kind for o in options}
            if types == "object" or kinds <= {"struct", "mapping"}:
                return PyType("dict[str, Any]", "mapping", nullable)
            return PyType("Any", "any", nullable)
        if types == "string":
            return PyType("str", "scalar", nullable)
        if types == "integer":
            return PyType("int", "scalar", nullable)
        if types == "number":
            return PyType("float", "scalar", nullable)
        if types == "boolean":
            return PyType("bool", "scalar", nullable)
        if types == "array":
            item_prop = None if prop is None else f"{prop}Item"
            item = self.resolve(node.get("items"), owner=owner, prop=item_prop)
            inner = f"{item.expr} | None" if item.nullable and item.expr != "Any" else item.expr
            return PyType(f"list[{inner}]", "array", nullable)
        if types == "object" or "properties" in node or "additionalProperties" in node:
            return PyType("dict[str, Any]", "mapping", nullable)
        if all(k.startswith("x-") or k in FREE_FORM_KEYS for k in node):
            # No type at all: the spec means a free-form (configuration) object.
            return PyType("dict[str, Any]", "mapping", nullable)
        return PyType("Any", "any", nullable)

    def _inline_enum(
        self, owner: str, prop: str, node: Mapping[str, Any], values: list[str]
    ) -> str:
        parent = self.names[owner]
        name = INLINE_ENUM_NAMES.get((owner, prop)) or parent + pascal(prop)
        if name in self.classes:
            if self.classes[name].values != values or not self.classes[name].kind == "enum":
                raise ValueError(f"inline enum name {name} clashes")
            return name
        doc = sentence(node.get("description") or node.get("title") or "")
        if not doc:
            doc = f"The values of ``{owner}.{prop}``."
        self.classes[name] = ClassModel(
            name=name,
            kind="enum",
            role=self.role([owner]),
            schemas=[],
            doc=doc,
            values=values,
        )
        return name

    # -- building --------------------------------------------------------------------------

    def build(self) -> None:
        groups: dict[str, list[str]] = {}
        for schema, py in self.names.items():
            groups.setdefault(py, []).append(schema)
        for py, schemas in sorted(groups.items()):
            schemas.sort(key=lambda s: (s in SAME_CLASS, s))
            primary = schemas[0]
            if any(s not in SAME_CLASS for s in schemas[1:]):
                raise ValueError(f"schemas {schemas} would all be class {py}: fix CLASS_NAMES")
            node = self.schemas[primary]
            role = self.role(schemas)
            doc = self._class_doc(primary, node)
            if py in self.classes:
                raise ValueError(f"class name {py} is used twice")
            if self.kinds[primary] == "enum":
                self.classes[py] = ClassModel(py, "enum", role, schemas, doc, values=node["enum"])
            else:
                model = ClassModel(py, "struct", role, schemas, doc)
                self.classes[py] = model
                model.fields = self._fields(primary, node)
        for name in self.schemas:
            if name not in self.names:
                self.schema_type(name)
        for name in self.classes:
            if name in RESERVED_NAMES or not name.isidentifier() or keyword.iskeyword(name):
                raise ValueError(f"class name {name!r} is not usable")

    def unexported(self) -> set[str]:
        """Classes generated but left out of ``__all__``: see ``UNEXPORTED_SCHEMAS``."""
        names = {self.names[s] for s in UNEXPORTED_SCHEMAS if s in self.names}
        for schema in self.schemas:
            node = self.schemas[schema]
            props = node.get("properties") or {} if isinstance(node, Mapping) else {}
            items = (props.get("data") or {}).get("items") or {}
            if props and set(props) <= {"data", "next", "previous"} and "$ref" in items:
                names.add(self.names[schema])
        return names

    def _class_doc(self, schema: str, node: Mapping[str, Any]) -> str:
        doc = sentence(node.get("description") or "")
        title = clean_text(node.get("title") or "")
        if not doc and title and not title.lower().startswith("root type for"):
            doc = sentence(title)
        if doc:
            return doc
        props = node.get("properties") or {}
        items = (props.get("data") or {}).get("items") or {}
        item_ref = str(items.get("$ref", ""))
        if set(props) <= {"data", "next", "previous"} and item_ref.startswith(SCHEMA_PREFIX):
            item = self.names.get(item_ref[len(SCHEMA_PREFIX) :], "object")
            if "next" in props:
                return f"One page of a list of :class:`{item}`; ``next`` links the following page."
            return f"A whole list of :class:`{item}` in one body."
        if self.kinds[schema] == "enum":
            return f"The values of ``{schema}``."
        kind = self.body_roles.get(schema)
        return f"{kind} body ``{schema}``." if kind else f"The ``{schema}`` object."

    def _fields(self, schema: str, node: Mapping[str, Any]) -> list[FieldModel]:
        props: dict[str, Any] = node.get("properties") or {}
        required = set()
        for wire in node.get("required") or ():
            if wire in props:
                required.add(wire)
                continue
            match = [p for p in props if normalise(p) == normalise(wire)]
            if len(match) == 1:
                required.add(match[0])
                self.defects.append(
                    f"{schema}: `required` names {wire!r}, the property is {match[0]!r}"
                )
            else:
                self.defects.append(f"{schema}: `required` names {wire!r}, no such property")
        fields = []
        attrs: set[str] = set()
        for wire, prop in props.items():
            attr = attribute_name(wire)
            if attr in attrs:
                raise ValueError(f"{schema}: two properties map to attribute {attr!r}")
            attrs.add(attr)
            pytype = self.resolve(prop, owner=schema, prop=wire)
            doc = self._field_doc(prop, pytype)
            fields.append(FieldModel(wire, attr, pytype, wire in required, doc))
        return fields

    def _field_doc(self, prop: Any, pytype: PyType) -> str:
        if not isinstance(prop, dict):
            return ""
        text = sentence(prop.get("description") or "")
        ref = prop.get("$ref")
        if not text and isinstance(ref, str) and ref.startswith(SCHEMA_PREFIX):
            target = ref[len(SCHEMA_PREFIX) :]
            if target in self.schemas and target not in self.names:
                text = sentence((self.schemas[target] or {}).get("description") or "")
        if prop.get("deprecated"):
            message = sentence(prop.get("x-speakeasy-deprecation-message") or "")
            text = " ".join(t for t in ("Deprecated.", message, text) if t)
        if pytype.note and pytype.note.startswith("always"):
            text = " ".join(t for t in (text, sentence(pytype.note)) if t)
        return text

    # -- rendering -------------------------------------------------------------------------

    def render(self) -> str:
        self.build()
        info = self.spec.get("info") or {}
        title = str(info.get("title", "unknown"))
        version = str(info.get("version", "unknown"))
        openapi = str(self.spec.get("openapi", "unknown"))
        enums = [self.classes[n] for n in sorted(self.classes) if self.classes[n].kind == "enum"]
        structs = [
            self.classes[n] for n in sorted(self.classes) if self.classes[n].kind == "struct"
        ]
        strict = any(c.role == "request" for c in enums)
        uses_any = any("Any" in f.type.expr for c in structs for f in c.fields)

        out: list[str] = []
        out.append("# Code generated by tools/generate_models.py. DO NOT EDIT.")
        header = [
            f"Models of the {title} {version} API (OpenAPI {openapi}), generated from its spec.",
            "",
            "Generated by ``tools/generate_models.py``; do not edit by hand. Regenerate with "
            "the command below (CI runs it with ``--check``)::",
            "",
            "    python tools/generate_models.py",
            "",
            "Models the server sends subclass :class:`Response` (frozen, tolerant, with "
            "defaults); models only sent to the server subclass :class:`Request` (fields left "
            "``UNSET`` are not sent). ``SCHEMA_NAMES`` maps every schema of the spec to its "
            "Python name; for a schema in ``ALIAS_SCHEMAS`` that name is a type expression, "
            "not a class. The list envelopes and the token answer are defined but not in "
            "``__all__``: the client never hands them out.",
        ]
        if self.dangling or self.defects or self.supplied:
            header += ["", "Defects of the spec, worked around:", ""]
            for ref, places in sorted(self.dangling.items()):
                header.append(f"- ``{ref}`` (used by {', '.join(sorted(places))}) is not defined.")
            for name in sorted(self.supplied):
                header.append(
                    f"- ``{SCHEMA_PREFIX}{name}`` is not defined: :class:`{self.names[name]}` "
                    "is what the server sends."
                )
            header += [f"- {d}." for d in sorted(set(self.defects))]
        out.append(docstring(header, indent=""))
        out.append("")
        out.append("from __future__ import annotations")
        out.append("")
        if strict:
            out.append("import enum")
        if uses_any:
            out.append("from typing import Any")
        out.append("")
        out.append("import msgspec")
        out.append("")
        base_imports = ["UNSET", "OpenEnum", "Request", "Response", "UnsetType"]
        if any(s in SECRET_FIELDS or s in CONFIGURATION_FIELDS for c in structs for s in c.schemas):
            base_imports.append("masked_repr")
        out.append(f"from aiobyte.models._base import {', '.join(base_imports)}")
        out.append("")
        out.append("__all__ = [")
        exported = [n for n in self.classes if n not in self.unexported()]
        for name in sorted([*exported, "ALIAS_SCHEMAS", "SCHEMA_NAMES"]):
            out.append(f"    {py_str(name)},")
        out.append("]")
        for model in [*enums, *structs]:
            out.append("")
            out.append("")
            out.extend(self._render_class(model))
        out.append("")
        out.append("")
        out.append(
            "#: Every schema of the spec -> its Python name (for an alias: a type expression)."
        )
        out.append("SCHEMA_NAMES: dict[str, str] = {")
        for schema in sorted(set(self.schemas) - self.supplied):
            py = self.names.get(schema) or self.alias_types[schema].expr
            out.append(f"    {py_str(schema)}: {py_str(py)},")
        out.append("}")
        out.append("")
        out.append("#: Schemas that are aliases of another type and have no class of their own.")
        out.append("ALIAS_SCHEMAS: frozenset[str] = frozenset(")
        out.append("    {")
        for schema in sorted(s for s in self.schemas if s not in self.names):
            out.append(f"        {py_str(schema)},")
        out.append("    }")
        out.append(")")
        return "\n".join(out) + "\n"

    def _render_class(self, model: ClassModel) -> list[str]:
        lines: list[str] = []
        if model.kind == "enum":
            base = "OpenEnum" if model.role == "response" else "str, enum.Enum"
        else:
            base = "Response" if model.role == "response" else "Request"
        lines.append(f"class {model.name}({base}{CLASS_KEYWORDS.get(base, '')}):")
        paragraphs = [model.doc]
        documented = [f for f in model.fields if f.doc]
        if model.schemas and not any(f"``{s}``" in model.doc for s in model.schemas):
            spec_names = ", ".join(f"``{s}``" for s in model.schemas)
            paragraphs.append(f"Spec schema: {spec_names}.")
        body: list[str] = []
        for text in paragraphs:
            if body:
                body.append("")
            body.append(text)
        if documented:
            body += ["", "Attributes:"]
            for f in documented:
                body.append(f"    {f.attr}: {f.doc}")
        lines.append(docstring(body, indent="    "))
        lines.append("")
        if model.kind == "enum":
            used: set[str] = set()
            for value in model.values:
                member = member_name(value, model.role == "response")
                while member in used:
                    member += "_"
                used.add(member)
                lines.append(f"    {member} = {py_str(value)}")
            return lines
        for f in model.fields:
            lines.extend(self._render_field(model, f))
        secrets = [a for s in model.schemas for a in SECRET_FIELDS.get(s, ())]
        configurations = [c for s in model.schemas for c in CONFIGURATION_FIELDS.get(s, ())]
        if secrets or configurations:
            args = []
            if secrets:
                names = "".join(f"{py_str(a)}, " for a in secrets).rstrip()  # ("a",), ("a", "b")
                args.append(f"secrets=({names})")
            if configurations:
                pairs = ", ".join(
                    f"{py_str(a)}: {py_str(k) if k else 'None'}" for a, k in configurations
                )
                args.append(f"configurations={{{pairs}}}")
            lines += [
                "",
                "    def __repr__(self) -> str:",
                f"        return masked_repr(self, {', '.join(args)})",
            ]
        return lines

    def _render_field(self, model: ClassModel, f: FieldModel) -> list[str]:
        t = f.type
        name_kw = None if camel(f.attr) == f.wire else py_str(f.wire)
        default: str | None
        factory: str | None = None
        if model.role == "response":
            identifier = f.required and (f.wire.endswith("Id") or f.wire in ("id", "name"))
            always = any((schema, f.wire) in ALWAYS_SENT for schema in model.schemas)
            if identifier or (f.required and always):
                ann, default = optional(t.expr, t.nullable), None
            elif f.required and t.kind == "array":
                ann, default, factory = optional(t.expr, t.nullable), None, "list"
            elif f.required and t.kind == "mapping":
                ann, default, factory = optional(t.expr, t.nullable), None, "dict"
            else:
                ann, default = optional(t.expr, True), "None"
        else:
            ann = optional(t.expr, t.nullable)
            if f.required:
                default = None
            else:
                ann, default = f"{ann} | UnsetType", "UNSET"
        args: list[str] | None = None
        if factory is not None:
            args = [f"default_factory={factory}"] + ([f"name={name_kw}"] if name_kw else [])
        elif name_kw is not None:
            args = ([f"default={default}"] if default else []) + [f"name={name_kw}"]
        value = f"msgspec.field({', '.join(args)})" if args else default
        lines = []
        if t.note and t.note.startswith("dangling"):
            lines.append(f"    # {t.note}: typed as a free-form object")
        lines.append(assignment(f"    {f.attr}: {ann}", value, args))
        return lines


# -- text helpers --------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Collapse the whitespace of a spec description (paragraph breaks become one space)."""
    return " ".join(str(text).split())


def sentence(text: str) -> str:
    """``text`` as a sentence: capitalised, ending with a full stop."""
    text = clean_text(text)
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?:" else text + "."


def normalise(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def snake(name: str) -> str:
    name = re.sub(r"[^0-9A-Za-z]+", "_", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return re.sub(r"_+", "_", name).strip("_").lower() or "field"


def pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake(name).split("_"))


def attribute_name(wire: str) -> str:
    attr = FIELD_NAMES.get(wire) or snake(wire)
    if attr[0].isdigit():
        attr = f"f_{attr}"
    # Soft keywords (match, case, type...) are valid attribute names: only hard keywords
    # are escaped, so the output does not depend on the Python the generator runs on.
    if keyword.iskeyword(attr) or attr in SHADOWING:
        attr += "_"
    return attr


def camel(attr: str) -> str:
    """The wire name msgspec's ``rename="camel"`` gives attribute ``attr``."""
    import msgspec

    struct = msgspec.defstruct("Probe", [(attr, int)], rename="camel")
    return str(struct.__struct_encode_fields__[0])


def member_name(value: str, open_enum: bool) -> str:
    name = snake(value).upper()
    if name[0].isdigit():
        name = f"V_{name}"
    if open_enum and name == "UNKNOWN":
        name = "UNKNOWN_VALUE"  # UNKNOWN is what OpenEnum gives values it does not know
    return name


def optional(expr: str, nullable: bool) -> str:
    return f"{expr} | None" if nullable and expr != "Any" else expr


def py_str(text: str) -> str:
    """A double-quoted Python literal for ``text`` (the quoting ``ruff format`` keeps)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def assignment(target: str, value: str | None, args: list[str] | None = None) -> str:
    """``target = value`` (``value`` is a call of ``args`` when given), split as ruff would."""
    if value is None:
        return target
    line = f"{target} = {value}"
    if len(line) <= LINE_LENGTH or not args:
        return line
    call = value[: value.index("(") + 1]
    joined = ", ".join(args)
    if len(f"        {joined}") <= LINE_LENGTH:
        return f"{target} = {call}\n        {joined}\n    )"
    return f"{target} = {call}\n" + "".join(f"        {a},\n" for a in args) + "    )"


def docstring(lines: list[str], *, indent: str) -> str:
    """A ``\"\"\"docstring\"\"\"`` wrapped to fit, escaped so any description is safe."""
    width = DOC_WIDTH - len(indent)
    wrapped: list[str] = []
    for line in lines:
        if not line:
            wrapped.append("")
            continue
        lead = len(line) - len(line.lstrip(" "))
        if line.lstrip().startswith("- "):
            hanging = " " * (lead + 2)  # a bullet
        else:
            hanging = " " * (lead + 4) if lead else ""  # an "Attributes:" entry
        wrapped += textwrap.wrap(
            line.strip(),
            width=width,
            initial_indent=" " * lead,
            subsequent_indent=hanging,
            break_long_words=False,
            break_on_hyphens=False,
        )
    text = "\n".join(wrapped)
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    if "\n" not in text:
        if text.endswith('"'):
            text = text[:-1] + '\\"'  # keep it from closing the docstring early
        return f'{indent}"""{text}"""'
    body = "\n".join(f"{indent}{ln}" if ln else "" for ln in text.split("\n"))
    return f'{indent}"""{body[len(indent) :]}\n{indent}"""'


# -- entry points --------------------------------------------------------------------------


def generate(spec: Mapping[str, Any]) -> str:
    """The text of ``_generated.py`` for the parsed ``spec``."""
    return Generator(spec).render()


def generate_from_path(path: str | os.PathLike[str] | None = None) -> str:
    """``generate`` for the spec :func:`find_spec` finds (``path`` overrides)."""
    return generate(load_spec(find_spec(path)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--spec", help=f"OpenAPI file (default: api.yaml in ${api_docs.ENV})")
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT), help="the module to write")
    parser.add_argument("--check", action="store_true", help="exit 1 if the output is stale")
    args = parser.parse_args(argv)
    try:
        text = generate_from_path(args.spec)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    output = Path(args.output)
    if args.check:
        current = output.read_text(encoding="utf-8") if output.is_file() else ""
        if current == text:
            return 0
        sys.stdout.writelines(
            difflib.unified_diff(
                current.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"{output} (on disk)",
                tofile=f"{output} (generated)",
            )
        )
        print(f"{output} is out of date: run python tools/generate_models.py", file=sys.stderr)
        return 1
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
