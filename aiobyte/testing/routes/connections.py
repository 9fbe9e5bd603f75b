"""Connections."""

from __future__ import annotations

from aiohttp import web

from .._problems import bad_request, json_response
from .._requests import (
    JSON,
    Call,
    body_object,
    body_str,
    list_page,
    no_content,
    required_uuid,
)
from .._routing import Route, Scope
from .._store import CONNECTION_STATUSES
from .._validation import check_schedule, check_streams


def _connection_changes(call: Call, body: JSON, source: JSON, connection_id: str = "") -> JSON:
    """The fields of a create or patch, checked as the server does (schedule, streams)."""
    changes: JSON = {}
    for key in (
        "name",
        "namespaceFormat",
        "prefix",
        "dataResidency",
        "namespaceDefinition",
        "nonBreakingSchemaUpdatesBehavior",
    ):
        value = body_str(body, key, required=False)
        if value is not None:
            changes[key] = value
    for key in ("schedule", "configurations"):
        obj = body_object(body, key, required=False)
        if obj is not None:
            changes[key] = obj
    status = body_str(body, "status", required=False)
    if status is not None:
        if status not in CONNECTION_STATUSES:
            raise bad_request(f"status must be one of {', '.join(CONNECTION_STATUSES)}.")
        changes["status"] = status
    tags = body.get("tags")
    if tags is not None:
        if not isinstance(tags, list) or not all(isinstance(t, dict) for t in tags):
            raise bad_request("tags must be a list of tags.")
        changes["tags"] = [call.store.tags.get(required_uuid(t, "tagId")) for t in tags]
    check_schedule(changes.get("schedule"), connection_id)
    check_streams(changes.get("configurations"), source)
    return changes


def list_connections(call: Call) -> web.Response:
    """GET /connections"""
    return list_page(call, call.store.connections, "/connections", tags=True)


def create_connection(call: Call) -> web.Response:
    """POST /connections"""
    body = call.json()
    source_id = required_uuid(body, "sourceId")
    destination_id = required_uuid(body, "destinationId")
    source = call.store.sources.get(source_id)
    call.store.destinations.get(destination_id)
    changes = _connection_changes(call, body, source)
    connection = call.fake.add_connection(
        source_id,
        destination_id,
        name=changes.pop("name", None),
        status=changes.pop("status", "active"),
        schedule=changes.pop("schedule", None),
        configurations=changes.pop("configurations", None),
    )
    if changes:
        connection = call.store.connections.update(connection["connectionId"], changes)
    return json_response(connection)


def get_connection(call: Call) -> web.Response:
    """GET /connections/{connectionId}"""
    return json_response(call.store.connections.get(call.path_uuid("connectionId")))


def patch_connection(call: Call) -> web.Response:
    """PATCH /connections/{connectionId}"""
    connection_id = call.path_uuid("connectionId")
    connection = call.store.connections.get(connection_id)
    source = call.store.sources.get(connection["sourceId"], include_deleted=True)
    changes = _connection_changes(call, call.json(), source, connection_id)
    return json_response(call.store.connections.update(connection_id, changes))


def delete_connection(call: Call) -> web.Response:
    """DELETE /connections/{connectionId}"""
    connection_id = call.path_uuid("connectionId")
    call.store.connections.get(connection_id)
    call.store.delete_connection(connection_id)
    return no_content()


_IN = Scope.WORKSPACE
ROUTES = (
    Route("GET", "/connections", list_connections, _IN),
    Route("POST", "/connections", create_connection, _IN),
    Route("GET", "/connections/{connectionId}", get_connection, _IN),
    Route("PATCH", "/connections/{connectionId}", patch_connection, _IN),
    Route("DELETE", "/connections/{connectionId}", delete_connection, _IN),
)
