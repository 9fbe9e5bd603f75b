"""Workspaces and their OAuth overrides."""

from __future__ import annotations

from aiohttp import web

from .._problems import bad_request, json_response
from .._requests import (
    JSON,
    Call,
    body_object,
    body_str,
    body_uuid,
    list_page,
    merge_patch,
    no_content,
    required_str,
)
from .._routing import Route, Scope

ACTOR_TYPES = ("source", "destination")


def list_workspaces(call: Call) -> web.Response:
    """GET /workspaces"""
    return list_page(call, call.store.workspaces, "/workspaces")


def create_workspace(call: Call) -> web.Response:
    """POST /workspaces: in ``organizationId``, its data residency the name of
    ``regionId``'s region (400 for either unknown: the spec has no 404 here)."""
    body = call.json()
    name = required_str(body, "name")
    organization_id = body_uuid(body, "organizationId", required=False)
    if organization_id is not None and organization_id not in call.store.organizations:
        raise bad_request(f"No organization with id {organization_id}.")
    extra: JSON = {}
    region_id = body_uuid(body, "regionId", required=False)
    if region_id is not None:
        extra["dataResidency"] = _region_name(call, region_id)
    workspace = call.fake.add_workspace(name, organization_id=organization_id, **extra)
    notifications = body_object(body, "notifications", required=False)
    if notifications:
        workspace = call.store.workspaces.update(
            workspace["workspaceId"],
            {"notifications": merge_patch(workspace["notifications"], notifications)},
        )
    return json_response(workspace)


def get_workspace(call: Call) -> web.Response:
    """GET /workspaces/{workspaceId}"""
    return json_response(call.store.workspaces.get(call.path_uuid("workspaceId")))


def update_workspace(call: Call) -> web.Response:
    """PATCH /workspaces/{workspaceId}"""
    workspace_id = call.path_uuid("workspaceId")
    workspace = call.store.workspaces.get(workspace_id)
    body = call.json()
    changes: JSON = {}
    name = body_str(body, "name", required=False)
    if name is not None:
        changes["name"] = name
    notifications = body_object(body, "notifications", required=False)
    if notifications is not None:
        changes["notifications"] = merge_patch(workspace["notifications"], notifications)
    region_id = body_uuid(body, "regionId", required=False)
    if region_id is not None:
        changes["dataResidency"] = _region_name(call, region_id)
    return json_response(call.store.workspaces.update(workspace_id, changes))


def _region_name(call: Call, region_id: str) -> str:
    """A workspace's data residency in a region: its name, lower case (400 if unknown)."""
    if region_id not in call.store.regions:
        raise bad_request(f"No region with id {region_id}.")
    return str(call.store.regions.get(region_id)["name"]).lower()


def delete_workspace(call: Call) -> web.Response:
    """DELETE /workspaces/{workspaceId}"""
    workspace_id = call.path_uuid("workspaceId")
    call.store.workspaces.delete(workspace_id)
    return no_content()


def put_oauth_credentials(call: Call) -> web.Response:
    """PUT /workspaces/{workspaceId}/oauthCredentials"""
    workspace_id = call.path_uuid("workspaceId")
    call.store.workspaces.get(workspace_id)
    body = call.json()
    actor_type = body_str(body, "actorType")
    name = required_str(body, "name")
    configuration = body_object(body, "configuration")
    if actor_type not in ACTOR_TYPES:
        raise bad_request("actorType must be 'source' or 'destination'.")
    assert configuration is not None
    call.store.oauth_credentials[(workspace_id, actor_type, name)] = configuration
    return web.Response(status=200)


def delete_oauth_credentials(call: Call) -> web.Response:
    """DELETE /workspaces/{workspaceId}/oauthCredentials/{actorType}/{name}"""
    workspace_id = call.path_uuid("workspaceId")
    call.store.workspaces.get(workspace_id)
    actor_type = call.params["actorType"]
    if actor_type not in ACTOR_TYPES:
        raise bad_request("actorType must be 'source' or 'destination'.")
    call.store.oauth_credentials.pop((workspace_id, actor_type, call.params["name"]), None)
    return no_content()


_IN = Scope.WORKSPACE
ROUTES = (
    Route("GET", "/workspaces", list_workspaces, _IN),
    Route("POST", "/workspaces", create_workspace, _IN),
    Route("GET", "/workspaces/{workspaceId}", get_workspace, _IN),
    Route("PATCH", "/workspaces/{workspaceId}", update_workspace, _IN),
    Route("DELETE", "/workspaces/{workspaceId}", delete_workspace, _IN),
    Route("PUT", "/workspaces/{workspaceId}/oauthCredentials", put_oauth_credentials, _IN),
    Route(
        "DELETE",
        "/workspaces/{workspaceId}/oauthCredentials/{actorType}/{name}",
        delete_oauth_credentials,
        _IN,
    ),
)
