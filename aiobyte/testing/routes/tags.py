"""Tags of a workspace."""

from __future__ import annotations

import uuid

from aiohttp import web

from .._problems import conflict, json_response
from .._requests import Call, no_content, query_uuids, required_str, required_uuid
from .._routing import Route, Scope


def list_tags(call: Call) -> web.Response:
    """GET /tags: every tag in one answer (no pagination)."""
    tags = call.store.tags.query(workspace_ids=query_uuids(call, "workspaceIds"))
    return json_response({"data": tags})


def create_tag(call: Call) -> web.Response:
    """POST /tags: 409 for a name the workspace has already."""
    body = call.json()
    name = required_str(body, "name")
    color = required_str(body, "color")
    workspace_id = required_uuid(body, "workspaceId")
    call.store.workspaces.get(workspace_id)
    if any(t["name"] == name for t in call.store.tags.query(workspace_ids=(workspace_id,))):
        raise conflict(
            f"A tag named {name!r} already exists in this workspace.",
            title="tag-already-exists",
        )
    tag = {"tagId": str(uuid.uuid4()), "name": name, "color": color, "workspaceId": workspace_id}
    return json_response(call.store.tags.add(tag))


def get_tag(call: Call) -> web.Response:
    """GET /tags/{tagId}"""
    return json_response(call.store.tags.get(call.path_uuid("tagId")))


def patch_tag(call: Call) -> web.Response:
    """PATCH /tags/{tagId}"""
    tag_id = call.path_uuid("tagId")
    call.store.tags.get(tag_id)
    body = call.json()
    changes = {"name": required_str(body, "name"), "color": required_str(body, "color")}
    return json_response(call.store.tags.update(tag_id, changes))


def delete_tag(call: Call) -> web.Response:
    """DELETE /tags/{tagId}"""
    tag_id = call.path_uuid("tagId")
    call.store.tags.delete(tag_id)
    return no_content()


_IN = Scope.WORKSPACE
ROUTES = (
    Route("GET", "/tags", list_tags, _IN),
    Route("POST", "/tags", create_tag, _IN),
    Route("GET", "/tags/{tagId}", get_tag, _IN),
    Route("PATCH", "/tags/{tagId}", patch_tag, _IN),
    Route("DELETE", "/tags/{tagId}", delete_tag, _IN),
)
