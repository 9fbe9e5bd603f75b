"""Sources and destinations (and a source's OAuth consent)."""

from __future__ import annotations

import secrets

from aiohttp import web

from aiobyte import connectors

from .._data import (
    catalog,
    connector_type,
    definition_id,
    keep_stored_secrets,
    masked_secrets,
    secret_coordinates,
)
from .._problems import ApiError, bad_request, json_response, not_found, problem_response
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
    query_bool,
    required_str,
    required_uuid,
)
from .._routing import Route, Scope
from .._store import Collection
from .._validation import check_configuration


def _connector(
    call: Call, actor: str, configuration: JSON, definition: str | None
) -> tuple[str, str]:
    """``(sourceType or destinationType, definition id)`` of a new source or destination.

    As the server: a ``definitionId`` wins (one of the catalog, or a custom one; 404
    otherwise), else the configuration's type names a connector of the catalog (400
    ``value-not-found`` otherwise); neither is 400. With ``check_configurations`` off, any
    type and any definition id go.
    """
    strict = call.fake.check_configurations
    if definition is not None:
        kind = catalog(actor).get(definition)
        if kind is not None:
            return connector_type(kind), definition
        segments = (f"{actor}s", "declarative_sources") if actor == "source" else (f"{actor}s",)
        if not strict or any(definition in call.store.definitions[s] for s in segments):
            named = configuration.get(f"{actor}Type")
            return (named if isinstance(named, str) and not strict else "custom"), definition
        raise not_found(f"{actor} definition", definition)
    named = configuration.get(f"{actor}Type")
    if not isinstance(named, str):
        raise bad_request(f"One of configuration.{actor}Type or definitionId must be provided.")
    if strict and not connectors.is_known(actor, named):  # type: ignore[arg-type]
        raise ApiError(problem_response("value-not-found", data={"value": named}))
    return named, definition_id(f"{actor}-{named}")


def _shown(call: Call, actor: str, obj: JSON) -> JSON:
    """A source or destination as the server answers it: its secrets masked (unless the
    fake was made with ``mask_secrets=False``)."""
    if not call.fake.mask_secrets:
        return obj
    mask = masked_secrets(actor, obj[f"{actor}Type"])
    return {**obj, "configuration": mask(obj["configuration"])}


def _create_actor(call: Call, actor: str) -> web.Response:
    body = call.json()
    name = required_str(body, "name")
    workspace_id = required_uuid(body, "workspaceId")
    configuration = body_object(body, "configuration")
    definition = body_uuid(body, "definitionId", required=False)
    assert configuration is not None
    actor_type, definition = _connector(call, actor, configuration, definition)
    call.store.workspaces.get(workspace_id)
    if call.fake.check_configurations:
        check_configuration(actor, actor_type, configuration)
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
    return json_response(_shown(call, actor, obj))


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
        # A secret sent back as the server showed it ("**********") keeps the stored one.
        configuration = keep_stored_secrets(current["configuration"], configuration)
        merged = configuration if replace else merge_patch(current["configuration"], configuration)
        if call.fake.check_configurations:
            actor = collection.resource_type
            check_configuration(actor, current[f"{actor}Type"], merged)
        changes["configuration"] = merged
    allocation = body_object(body, "resourceAllocation", required=False)
    if allocation is not None:
        changes["resourceAllocation"] = allocation
    if not replace and collection is call.store.sources:
        workspace_id = body_uuid(body, "workspaceId", required=False)
        if workspace_id is not None:
            call.store.workspaces.get(workspace_id)
            changes["workspaceId"] = workspace_id
    return json_response(
        _shown(call, collection.resource_type, collection.update(resource_id, changes))
    )


def _get_actor(call: Call, collection: Collection) -> web.Response:
    """A source or destination; with ``includeSecretCoordinates=true`` each secret of its
    configuration is replaced by where the server keeps it, ``{"_secret": "..."}``."""
    obj = collection.get(call.path_uuid(collection.id_field))
    if query_bool(call, "includeSecretCoordinates"):
        actor = collection.resource_type
        coordinates = secret_coordinates(
            actor, obj[f"{actor}Type"], obj["workspaceId"], obj[collection.id_field]
        )
        return json_response({**obj, "configuration": coordinates(obj["configuration"])})
    return json_response(_shown(call, collection.resource_type, obj))


def _delete_actor(call: Call, collection: Collection) -> web.Response:
    resource_id = call.path_uuid(collection.id_field)
    collection.get(resource_id)
    call.store.delete_actor(collection, resource_id)
    return no_content()


def list_sources(call: Call) -> web.Response:
    """GET /sources"""
    return list_page(
        call, call.store.sources, "/sources", render=lambda obj: _shown(call, "source", obj)
    )


def create_source(call: Call) -> web.Response:
    """POST /sources"""
    return _create_actor(call, "source")


def get_source(call: Call) -> web.Response:
    """GET /sources/{sourceId}"""
    return _get_actor(call, call.store.sources)


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
    return list_page(
        call,
        call.store.destinations,
        "/destinations",
        render=lambda obj: _shown(call, "destination", obj),
    )


def create_destination(call: Call) -> web.Response:
    """POST /destinations"""
    return _create_actor(call, "destination")


def get_destination(call: Call) -> web.Response:
    """GET /destinations/{destinationId}"""
    return _get_actor(call, call.store.destinations)


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
