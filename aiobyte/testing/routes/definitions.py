"""Connector definitions: the catalog, and a workspace's custom ones."""

from __future__ import annotations

import functools
import uuid

from aiohttp import web

from .._data import CATALOG_VERSION, catalog, catalog_definition
from .._problems import ApiError, json_response, not_found, problem_response
from .._requests import (
    JSON,
    Call,
    Handler,
    body_object,
    body_str,
    choice,
    query_uuid,
    required_str,
)
from .._routing import Route, Scope
from .._store import DEFINITION_KINDS

_CONNECTOR_TYPES = ("source", "destination")


def _public(definition: JSON) -> JSON:
    """A custom definition as answered (without the workspace it is kept under)."""
    return {k: v for k, v in definition.items() if k != "workspaceId"}


def _workspace(call: Call) -> str:
    workspace_id = call.path_uuid("workspaceId")
    call.store.workspaces.get(workspace_id)
    return workspace_id


def _customs(call: Call, kind: str, workspace_id: str) -> list[JSON]:
    found = call.store.definitions[kind].query(workspace_ids=(workspace_id,))
    return [_public(d) for d in found]


def _catalog(actor: str) -> list[JSON]:
    return [catalog_definition(kind) for kind in catalog(actor).values()]


def list_definitions(kind: str, call: Call) -> web.Response:
    """GET /workspaces/{workspaceId}/definitions/{kind}: catalog and custom, at once."""
    workspace_id = _workspace(call)
    catalog = _catalog(kind[:-1]) if kind != "declarative_sources" else []
    return json_response({"data": [*catalog, *_customs(call, kind, workspace_id)]})


def _definition(kind: str, call: Call) -> JSON:
    """A definition the workspace can use: one of the catalog's, or its own."""
    workspace_id = _workspace(call)
    definition_id = call.path_uuid("definitionId")
    known = catalog(kind[:-1]).get(definition_id) if kind != "declarative_sources" else None
    if known is not None:
        return catalog_definition(known)
    customs = call.store.definitions[kind]
    definition = customs.get(definition_id)
    if definition["workspaceId"] != workspace_id:
        raise not_found(customs.resource_type, definition_id)
    return definition


def _custom(kind: str, call: Call) -> JSON:
    """A custom definition of the workspace; 403 for one of the catalog."""
    definition = _definition(kind, call)
    if "workspaceId" not in definition:
        message = "Definitions of the Airbyte catalog cannot be changed or deleted."
        raise ApiError(problem_response("forbidden", detail=message))
    return definition


def _definition_fields(kind: str, body: JSON, *, create: bool) -> JSON:
    if kind == "declarative_sources":
        fields: JSON = {"manifest": body_object(body, "manifest")}
        if create:
            fields["name"] = required_str(body, "name")
        return fields
    fields = {
        "name": required_str(body, "name"),
        "dockerImageTag": required_str(body, "dockerImageTag"),
    }
    if create:
        fields["dockerRepository"] = required_str(body, "dockerRepository")
        url = body_str(body, "documentationUrl", required=False)
        if url is not None:
            fields["documentationUrl"] = url
    return fields


def create_definition(kind: str, call: Call) -> web.Response:
    """POST /workspaces/{workspaceId}/definitions/{kind}"""
    workspace_id = _workspace(call)
    fields = _definition_fields(kind, call.json(), create=True)
    if kind == "declarative_sources":
        fields["version"] = 1
    definition = {"id": str(uuid.uuid4()), **fields, "workspaceId": workspace_id}
    return json_response(_public(call.store.definitions[kind].add(definition)))


def get_definition(kind: str, call: Call) -> web.Response:
    """GET /workspaces/{workspaceId}/definitions/{kind}/{definitionId}"""
    return json_response(_public(_definition(kind, call)))


def put_definition(kind: str, call: Call) -> web.Response:
    """PUT .../{definitionId}: a declarative definition's manifest gets a new version."""
    definition = _custom(kind, call)
    changes = _definition_fields(kind, call.json(), create=False)
    if kind == "declarative_sources":
        changes["version"] = definition["version"] + 1
    updated = call.store.definitions[kind].update(definition["id"], changes)
    return json_response(_public(updated))


def delete_definition(kind: str, call: Call) -> web.Response:
    """DELETE .../{definitionId}: answers the definition deleted."""
    definition = _custom(kind, call)
    call.store.definitions[kind].delete(definition["id"])
    return json_response(_public(definition))


def list_connector_definitions(call: Call) -> web.Response:
    """GET /connector_definitions?type=source|destination[&workspaceId=...]"""
    kind = choice(call.query.get("type"), _CONNECTOR_TYPES, "type")
    workspace_id = query_uuid(call, "workspaceId", required=False)
    data = [
        {
            "id": d["id"],
            "name": d["name"],
            "connectorDefinitionType": kind,
            "version": d["dockerImageTag"],
        }
        for d in _catalog(kind)
    ]
    if workspace_id is not None:
        call.store.workspaces.get(workspace_id)
        customs = _customs(call, kind + "s", workspace_id)
        if kind == "source":
            customs += _customs(call, "declarative_sources", workspace_id)
        data += [
            {
                "id": d["id"],
                "name": d["name"],
                "connectorDefinitionType": kind,
                "version": str(d.get("dockerImageTag", d.get("version", CATALOG_VERSION))),
            }
            for d in customs
        ]
    return json_response({"data": data})


def _routes() -> tuple[Route, ...]:
    routes = [Route("GET", "/connector_definitions", list_connector_definitions, Scope.WORKSPACE)]
    for kind in DEFINITION_KINDS:
        base = f"/workspaces/{{workspaceId}}/definitions/{kind}"
        item = f"{base}/{{definitionId}}"
        handlers: list[tuple[str, str, Handler]] = [
            ("GET", base, functools.partial(list_definitions, kind)),
            ("POST", base, functools.partial(create_definition, kind)),
            ("GET", item, functools.partial(get_definition, kind)),
            ("PUT", item, functools.partial(put_definition, kind)),
            ("DELETE", item, functools.partial(delete_definition, kind)),
        ]
        routes += [Route(m, t, h, Scope.WORKSPACE) for m, t, h in handlers]
    return tuple(routes)


ROUTES = _routes()
