"""Sources and destinations (and a source's OAuth consent)."""

from __future__ import annotations

import secrets

from aiohttp import web

from .._data import DEFINITION_IDS
from .._problems import bad_request, json_response
from .._requests import (
    JSON,
    Call,
    body_object,
    body_str,
    body_uuid,
    link,
    list_page,
    merge_patch,
    no_content,
    required_str,
    required_uuid,
)
from .._routing import Route, Scope
from .._store import Collection


def _create_actor(call: Call, actor: str) -> web.Response:
    body = call.json()
    name = required_str(body, "name")
    workspace_id = required_uuid(body, "workspaceId")
    configuration = body_object(body, "configuration")
    definition = body_uuid(body, "definitionId", required=False)
    assert configuration is not None
    actor_type = configuration.get(f"{actor}Type")
    if not isinstance(actor_type, str) and definition is not None:
        known = {v: k for k, v in DEFINITION_IDS.items()}.get(definition, f"{actor}-custom")
        actor_type = known.split("-", 1)[1]
    if not isinstance(actor_type, str):
        raise bad_request(f"One of configuration.{actor}Type or definitionId must be provided.")
    call.store.workspaces.get(workspace_id)
    collection: Collection
    if actor == "source":
        collection = call.store.sources
        obj = call.fake.add_source(
            workspace_id,
            name=name,
            source_type=actor_type,
            configuration=configuration,
            definition_id=definition,
        )
    else:
        collection = call.store.destinations
        obj = call.fake.add_destination(
            workspace_id,
            name=name,
            destination_type=actor_type,
            configuration=configuration,
            definition_id=definition,
        )
    allocation = body_object(body, "resourceAllocation", required=False)
    if allocation is not None:
        obj = collection.update(obj[f"{actor}Id"], {"resourceAllocation": allocation})
    return json_response(obj)


def _patch_actor(call: Call, collection: Collection, *, replace: bool) -> web.Response:
    resource_id = call.path_uuid(collection.id_field)
    current = collection.get(resource_id)
    body = call.json()
    changes: JSON = {}
    name = body_str(body, "name", required=replace)
    configuration = body_object(body, "configuration", required=replace)
    if name is not None:
        changes["name"] = name
    if configuration is not None:
        changes["configuration"] = (
            configuration if replace else merge_patch(current["configuration"], configuration)
        )
    allocation = body_object(body, "resourceAllocation", required=False)
    if allocation is not None:
        changes["resourceAllocation"] = allocation
    if not replace and collection is call.store.sources:
        workspace_id = body_uuid(body, "workspaceId", required=False)
        if workspace_id is not None:
            call.store.workspaces.get(workspace_id)
            changes["workspaceId"] = workspace_id
    return json_response(collection.update(resource_id, changes))


def _delete_actor(call: Call, collection: Collection) -> web.Response:
    resource_id = call.path_uuid(collection.id_field)
    collection.get(resource_id)
    call.store.delete_actor(collection, resource_id)
    return no_content()


def list_sources(call: Call) -> web.Response:
    """GET /sources"""
    return list_page(call, call.store.sources, "/sources")


def create_source(call: Call) -> web.Response:
    """POST /sources"""
    return _create_actor(call, "source")


def get_source(call: Call) -> web.Response:
    """GET /sources/{sourceId}"""
    return json_response(call.store.sources.get(call.path_uuid("sourceId")))


def patch_source(call: Call) -> web.Response:
    """PATCH /sources/{sourceId}: the configuration is merged (JSON merge patch)."""
    return _patch_actor(call, call.store.sources, replace=False)


def put_source(call: Call) -> web.Response:
    """PUT /sources/{sourceId}: name and configuration replaced."""
    return _patch_actor(call, call.store.sources, replace=True)


def delete_source(call: Call) -> web.Response:
    """DELETE /sources/{sourceId}"""
    return _delete_actor(call, call.store.sources)


def initiate_oauth(call: Call) -> web.Response:
    """POST /sources/initiateOAuth: a consent URL at a (made-up) identity provider."""
    body = call.json()
    redirect_url = required_str(body, "redirectUrl")
    workspace_id = required_uuid(body, "workspaceId")
    source_type = body_str(body, "sourceType", required=False) or body_str(
        body, "name", required=False
    )
    if not source_type:
        raise bad_request("sourceType is required.")
    call.store.workspaces.get(workspace_id)
    consent = link(
        "https://oauth.example.com",
        f"/{source_type}/authorize",
        [
            ("client_id", "airbyte-fake"),
            ("redirect_uri", redirect_url),
            ("response_type", "code"),
            ("state", secrets.token_urlsafe(12)),
        ],
    )
    return json_response({"redirectUrl": consent})


def list_destinations(call: Call) -> web.Response:
    """GET /destinations"""
    return list_page(call, call.store.destinations, "/destinations")


def create_destination(call: Call) -> web.Response:
    """POST /destinations"""
    return _create_actor(call, "destination")


def get_destination(call: Call) -> web.Response:
    """GET /destinations/{destinationId}"""
    return json_response(call.store.destinations.get(call.path_uuid("destinationId")))


def patch_destination(call: Call) -> web.Response:
    """PATCH /destinations/{destinationId}"""
    return _patch_actor(call, call.store.destinations, replace=False)


def put_destination(call: Call) -> web.Response:
    """PUT /destinations/{destinationId}"""
    return _patch_actor(call, call.store.destinations, replace=True)


def delete_destination(call: Call) -> web.Response:
    """DELETE /destinations/{destinationId}"""
    return _delete_actor(call, call.store.destinations)


_IN = Scope.WORKSPACE
ROUTES = (
    Route("GET", "/sources", list_sources, _IN),
    Route("POST", "/sources", create_source, _IN),
    Route("POST", "/sources/initiateOAuth", initiate_oauth, _IN),
    Route("GET", "/sources/{sourceId}", get_source, _IN),
    Route("PATCH", "/sources/{sourceId}", patch_source, _IN),
    Route("PUT", "/sources/{sourceId}", put_source, _IN),
    Route("DELETE", "/sources/{sourceId}", delete_source, _IN),
    Route("GET", "/destinations", list_destinations, _IN),
    Route("POST", "/destinations", create_destination, _IN),
    Route("GET", "/destinations/{destinationId}", get_destination, _IN),
    Route("PATCH", "/destinations/{destinationId}", patch_destination, _IN),
    Route("PUT", "/destinations/{destinationId}", put_destination, _IN),
    Route("DELETE", "/destinations/{destinationId}", delete_destination, _IN),
)
