"""Groups of an organization: their members and permissions."""

from __future__ import annotations

import uuid

from aiohttp import web

from .._problems import bad_request, conflict, json_response, not_found
from .._requests import (
    JSON,
    Call,
    body_str,
    choice,
    no_content,
    page_answer,
    query_page,
    query_uuid,
    required_str,
    required_uuid,
)
from .._routing import Route, Scope
from .organizations import PERMISSION_TYPES, permission_scope


def _group_id(call: Call) -> str:
    group_id = call.path_uuid("groupId")
    call.store.groups.get(group_id)
    return group_id


def _unique_name(call: Call, organization_id: str, name: str, group_id: str = "") -> None:
    for group in call.store.groups.where("organizationId", organization_id):
        if group["name"] == name and group["groupId"] != group_id:
            raise conflict(
                f"A group named {name!r} already exists in the organization.",
                title="group-already-exists",
            )


def list_groups(call: Call) -> web.Response:
    """GET /groups?organizationId=...: paged with limit and offset."""
    organization_id = query_uuid(call, "organizationId", required=True)
    assert organization_id is not None
    limit, offset = query_page(call, call.default_limit)
    groups = [
        call.store.group(g["groupId"])
        for g in call.store.groups.where("organizationId", organization_id)
    ]
    filters = [("organizationId", organization_id)]
    return page_answer(call, "/groups", groups[offset : offset + limit], filters, limit, offset)


def create_group(call: Call) -> web.Response:
    """POST /groups (409 for a name the organization has already)."""
    body = call.json()
    name = required_str(body, "name")
    organization_id = required_uuid(body, "organizationId")
    if organization_id not in call.store.organizations:
        raise bad_request(f"No organization with id {organization_id}.")
    _unique_name(call, organization_id, name)
    group_id = str(uuid.uuid4())
    group = {
        "groupId": group_id,
        "name": name,
        "description": body_str(body, "description", required=False),
        "organizationId": organization_id,
    }
    call.store.groups.add(group)
    return json_response(call.store.group(group_id))


def get_group(call: Call) -> web.Response:
    """GET /groups/{groupId}"""
    return json_response(call.store.group(_group_id(call)))


def patch_group(call: Call) -> web.Response:
    """PATCH /groups/{groupId}: ``"description": null`` clears the description."""
    group_id = _group_id(call)
    body = call.json()
    changes: JSON = {}
    name = body_str(body, "name", required=False)
    if name is not None:
        organization_id = call.store.groups.get(group_id)["organizationId"]
        _unique_name(call, organization_id, name, group_id)
        changes["name"] = name
    if "description" in body:
        changes["description"] = body_str(body, "description", required=False)
    call.store.groups.update(group_id, changes)
    return json_response(call.store.group(group_id))


def delete_group(call: Call) -> web.Response:
    """DELETE /groups/{groupId}: its members and permissions go with it."""
    call.store.delete_group(_group_id(call))
    return no_content()


def list_members(call: Call) -> web.Response:
    """GET /groups/{groupId}/members: paged with limit and offset."""
    group_id = _group_id(call)
    limit, offset = query_page(call, call.default_limit)
    members = call.store.group_members.where("groupId", group_id)[offset : offset + limit]
    return page_answer(call, f"/groups/{group_id}/members", members, [], limit, offset)


def add_member(call: Call) -> web.Response:
    """POST /groups/{groupId}/members: 201; 409 for a member already there."""
    group_id = _group_id(call)
    user = call.store.users.get(required_uuid(call.json(), "userId"))
    if any(m["userId"] == user["id"] for m in call.store.group_members.where("groupId", group_id)):
        raise conflict(
            f"User {user['id']} is already a member of this group.",
            title="group-member-already-exists",
        )
    member = {
        "memberId": str(uuid.uuid4()),
        "groupId": group_id,
        "userId": user["id"],
        "userEmail": user["email"],
        "userName": user["name"],
    }
    return json_response(call.store.group_members.add(member), status=201)


def remove_member(call: Call) -> web.Response:
    """DELETE /groups/{groupId}/members/{userId}: 404 if the user is not a member."""
    group_id = _group_id(call)
    user_id = call.path_uuid("userId")
    for member in call.store.group_members.where("groupId", group_id):
        if member["userId"] == user_id:
            call.store.group_members.delete(member["memberId"])
            return no_content()
    raise not_found("group member", user_id)


def list_group_permissions(call: Call) -> web.Response:
    """GET /groups/{groupId}/permissions: at once."""
    group_id = _group_id(call)
    return json_response({"data": call.store.group_permissions.where("groupId", group_id)})


def create_group_permission(call: Call) -> web.Response:
    """POST /groups/{groupId}/permissions: 201; 409 for one the group has already."""
    group_id = _group_id(call)
    body = call.json()
    kind = choice(body.get("permissionType"), PERMISSION_TYPES, "permissionType")
    permission = {"groupId": group_id, "permissionType": kind, **permission_scope(call, body)}
    for existing in call.store.group_permissions.where("groupId", group_id):
        if {k: existing.get(k) for k in permission} == permission:
            raise conflict(
                "The group has this permission already.",
                title="group-permission-already-exists",
            )
    permission = {"permissionId": str(uuid.uuid4()), **permission}
    return json_response(call.store.group_permissions.add(permission), status=201)


def delete_group_permission(call: Call) -> web.Response:
    """DELETE /groups/{groupId}/permissions/{permissionId}"""
    group_id = _group_id(call)
    permission_id = call.path_uuid("permissionId")
    permission = call.store.group_permissions.get(permission_id)
    if permission["groupId"] != group_id:
        raise not_found("group permission", permission_id)
    call.store.group_permissions.delete(permission_id)
    return no_content()


_OUT = Scope.NONE
ROUTES = (
    Route("GET", "/groups", list_groups, _OUT),
    Route("POST", "/groups", create_group, _OUT),
    Route("GET", "/groups/{groupId}", get_group, _OUT),
    Route("PATCH", "/groups/{groupId}", patch_group, _OUT),
    Route("DELETE", "/groups/{groupId}", delete_group, _OUT),
    Route("GET", "/groups/{groupId}/members", list_members, _OUT),
    Route("POST", "/groups/{groupId}/members", add_member, _OUT),
    Route("DELETE", "/groups/{groupId}/members/{userId}", remove_member, _OUT),
    Route("GET", "/groups/{groupId}/permissions", list_group_permissions, _OUT),
    Route("POST", "/groups/{groupId}/permissions", create_group_permission, _OUT),
    Route("DELETE", "/groups/{groupId}/permissions/{permissionId}", delete_group_permission, _OUT),
)
