"""Organizations, their users, and permissions (of users on workspaces and organizations)."""

from __future__ import annotations

from aiohttp import web

from .._problems import bad_request, json_response
from .._requests import (
    JSON,
    Call,
    body_object,
    body_uuid,
    choice,
    no_content,
    query_uuid,
    query_uuids,
    required_str,
    required_uuid,
)
from .._routing import Route, Scope

#: PermissionType values, and those the public API lets a caller grant (PublicPermissionType).
PERMISSION_TYPES = (
    "instance_admin",
    "organization_admin",
    "organization_editor",
    "organization_runner",
    "organization_reader",
    "organization_member",
    "workspace_owner",
    "workspace_admin",
    "workspace_runner",
    "workspace_editor",
    "workspace_reader",
)
PUBLIC_PERMISSION_TYPES = tuple(
    t for t in PERMISSION_TYPES if t not in ("instance_admin", "workspace_owner")
)
_CONNECTOR_TYPES = ("source", "destination")


def permission_scope(call: Call, body: JSON) -> JSON:
    """The workspaceId or organizationId of a permission: exactly one, and it exists."""
    workspace_id = body_uuid(body, "workspaceId", required=False)
    organization_id = body_uuid(body, "organizationId", required=False)
    if (workspace_id is None) == (organization_id is None):
        raise bad_request("Give exactly one of workspaceId and organizationId.")
    if workspace_id is not None:
        call.store.workspaces.get(workspace_id)
        return {"workspaceId": workspace_id}
    assert organization_id is not None
    call.store.organizations.get(organization_id)
    return {"organizationId": organization_id}


def list_permissions(call: Call) -> web.Response:
    """GET /permissions[?userId=...&organizationId=...]: each with its scope."""
    user_id = query_uuid(call, "userId", required=False)
    organization_id = query_uuid(call, "organizationId", required=False)
    store = call.store
    data = []
    for permission in store.permissions.query():
        scope = "organization" if "organizationId" in permission else "workspace"
        scope_id = permission.get("organizationId") or permission.get("workspaceId")
        if user_id is not None and permission["userId"] != user_id:
            continue
        if organization_id is not None and organization_id not in (
            permission.get("organizationId"),
            store.organization_of(permission.get("workspaceId", "")),
        ):
            continue
        data.append(
            {
                "permissionId": permission["permissionId"],
                "permissionType": permission["permissionType"],
                "userId": permission["userId"],
                "scope": scope,
                "scopeId": scope_id,
            }
        )
    return json_response({"data": data})


def create_permission(call: Call) -> web.Response:
    """POST /permissions"""
    body = call.json()
    kind = choice(body.get("permissionType"), PUBLIC_PERMISSION_TYPES, "permissionType")
    user_id = required_uuid(body, "userId")
    call.store.users.get(user_id)
    scope = permission_scope(call, body)
    permission = call.fake.add_permission(
        user_id,
        kind,
        workspace_id=scope.get("workspaceId"),
        organization_id=scope.get("organizationId"),
    )
    return json_response(permission)


def get_permission(call: Call) -> web.Response:
    """GET /permissions/{permissionId}"""
    return json_response(call.store.permissions.get(call.path_uuid("permissionId")))


def patch_permission(call: Call) -> web.Response:
    """PATCH /permissions/{permissionId}"""
    permission_id = call.path_uuid("permissionId")
    call.store.permissions.get(permission_id)
    kind = choice(call.json().get("permissionType"), PERMISSION_TYPES, "permissionType")
    return json_response(call.store.permissions.update(permission_id, {"permissionType": kind}))


def delete_permission(call: Call) -> web.Response:
    """DELETE /permissions/{permissionId}"""
    call.store.permissions.delete(call.path_uuid("permissionId"))
    return no_content()


def list_organizations(call: Call) -> web.Response:
    """GET /organizations: every organization, at once."""
    return json_response({"data": call.store.organizations.query()})


def _organization(call: Call) -> str:
    organization_id = call.path_uuid("organizationId")
    call.store.organizations.get(organization_id)
    return organization_id


def put_oauth(call: Call) -> web.Response:
    """PUT /organizations/{organizationId}/oauthCredentials: 200, no body."""
    organization_id = _organization(call)
    body = call.json()
    actor_type = choice(body.get("actorType"), _CONNECTOR_TYPES, "actorType")
    configuration = body_object(body, "configuration")
    assert configuration is not None
    key = (organization_id, actor_type, required_str(body, "name"))
    call.store.oauth_credentials[key] = configuration
    return web.Response(status=200)


def delete_oauth(call: Call) -> web.Response:
    """DELETE /organizations/{organizationId}/oauthCredentials/{actorType}/{name}"""
    organization_id = _organization(call)
    actor_type = choice(call.params["actorType"], _CONNECTOR_TYPES, "actorType")
    call.store.oauth_credentials.pop((organization_id, actor_type, call.params["name"]), None)
    return no_content()


def list_users(call: Call) -> web.Response:
    """GET /users?organizationId=...[&ids=...][&emails=...]: at once."""
    organization_id = query_uuid(call, "organizationId", required=True)
    assert organization_id is not None
    call.store.organizations.get(organization_id)
    ids = query_uuids(call, "ids")
    emails = {e.lower() for e in call.query.getall("emails", [])}
    users = [
        u
        for u in call.store.members(organization_id)
        if (not ids or u["id"] in ids) and (not emails or u["email"].lower() in emails)
    ]
    return json_response({"data": users})


_OUT = Scope.NONE
ROUTES = (
    Route("GET", "/permissions", list_permissions, _OUT),
    Route("POST", "/permissions", create_permission, _OUT),
    Route("GET", "/permissions/{permissionId}", get_permission, _OUT),
    Route("PATCH", "/permissions/{permissionId}", patch_permission, _OUT),
    Route("DELETE", "/permissions/{permissionId}", delete_permission, _OUT),
    Route("GET", "/organizations", list_organizations, _OUT),
    Route("PUT", "/organizations/{organizationId}/oauthCredentials", put_oauth, _OUT),
    Route(
        "DELETE",
        "/organizations/{organizationId}/oauthCredentials/{actorType}/{name}",
        delete_oauth,
        _OUT,
    ),
    Route("GET", "/users", list_users, _OUT),
)
