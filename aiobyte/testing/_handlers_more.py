"""The fake's endpoints beyond the core resources: applications, regions, dataplanes,
connector definitions, permissions, organizations, users, groups and Embedded.

Like :mod:`._handlers`: plain functions of a :class:`~._requests.Call` over the state in
:class:`~._state_more.AdminState`, answering with the spec's status codes (201 where it
says 201, 204 for the deletes that say 204, the deleted object where a delete answers
with it) and problem details for errors.
"""

from __future__ import annotations

import base64
import functools
import secrets
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from msgspec import json as msgjson

from ._data import DEFINITION_IDS
from ._problems import ApiError, bad_request, conflict, json_response, not_found, problem_response
from ._requests import (
    Call,
    Handler,
    body_object,
    body_str,
    body_uuid,
    no_content,
    page_answer,
    path_uuid,
    query_page,
    query_uuids,
)
from ._state import Collection, NotFound
from ._state_more import CATALOG_VERSION, AdminState, catalog_definition

__all__ = ["AdminResources"]

JSON = dict[str, Any]

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
_DEFINITION_KINDS = ("sources", "destinations", "declarative_sources")


def _get(collection: Collection, resource_id: str) -> JSON:
    try:
        return collection.get(resource_id)
    except NotFound as exc:
        raise not_found(exc.resource_type, exc.resource_id) from None


def _body_bool(body: JSON, name: str) -> bool | None:
    value = body.get(name)
    if value is not None and not isinstance(value, bool):
        raise bad_request(f"{name} must be true or false.")
    return value


def _required(body: JSON, name: str) -> str:
    value = body_str(body, name)
    assert value is not None
    return value


def _required_uuid(body: JSON, name: str) -> str:
    value = body_uuid(body, name)
    assert value is not None
    return value


def _query_uuid(call: Call, name: str, *, required: bool) -> str | None:
    raw = call.query.get(name)
    if not raw:
        if required:
            raise bad_request(f"The query parameter {name} is required.")
        return None
    return path_uuid(raw)


def _choice(value: str | None, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise bad_request(f"{name} must be one of {', '.join(allowed)}; got {value!r}.")
    assert value is not None
    return value


def _public(definition: JSON) -> JSON:
    """A custom definition as answered (without the workspace it is kept under)."""
    return {k: v for k, v in definition.items() if k != "workspaceId"}


class AdminResources:
    """Handlers for everything beyond workspaces, sources, destinations, connections,
    jobs, tags and streams."""

    def __init__(
        self,
        admin: AdminState,
        issue_scoped_token: Callable[[str], str],
        page_default_limit: Callable[[], int],
    ) -> None:
        self.admin = admin
        self.state = admin.state
        self._issue_scoped_token = issue_scoped_token
        self._default_limit = page_default_limit

    def routes(self) -> list[tuple[str, str, Handler]]:
        """``(method, template, handler)`` for every endpoint here (templates as in the spec)."""
        routes: list[tuple[str, str, Handler]] = [
            ("GET", "/applications", self.list_applications),
            ("POST", "/applications", self.create_application),
            ("GET", "/applications/{applicationId}", self.get_application),
            ("DELETE", "/applications/{applicationId}", self.delete_application),
            ("GET", "/regions", self.list_regions),
            ("POST", "/regions", self.create_region),
            ("GET", "/regions/{regionId}", self.get_region),
            ("PATCH", "/regions/{regionId}", self.patch_region),
            ("DELETE", "/regions/{regionId}", self.delete_region),
            ("GET", "/dataplanes", self.list_dataplanes),
            ("POST", "/dataplanes", self.create_dataplane),
            ("GET", "/dataplanes/{dataplaneId}", self.get_dataplane),
            ("PATCH", "/dataplanes/{dataplaneId}", self.patch_dataplane),
            ("DELETE", "/dataplanes/{dataplaneId}", self.delete_dataplane),
            ("GET", "/connector_definitions", self.list_connector_definitions),
            ("GET", "/permissions", self.list_permissions),
            ("POST", "/permissions", self.create_permission),
            ("GET", "/permissions/{permissionId}", self.get_permission),
            ("PATCH", "/permissions/{permissionId}", self.patch_permission),
            ("DELETE", "/permissions/{permissionId}", self.delete_permission),
            ("GET", "/organizations", self.list_organizations),
            ("PUT", "/organizations/{organizationId}/oauthCredentials", self.put_oauth),
            (
                "DELETE",
                "/organizations/{organizationId}/oauthCredentials/{actorType}/{name}",
                self.delete_oauth,
            ),
            ("GET", "/users", self.list_users),
            ("GET", "/groups", self.list_groups),
            ("POST", "/groups", self.create_group),
            ("GET", "/groups/{groupId}", self.get_group),
            ("PATCH", "/groups/{groupId}", self.patch_group),
            ("DELETE", "/groups/{groupId}", self.delete_group),
            ("GET", "/groups/{groupId}/members", self.list_members),
            ("POST", "/groups/{groupId}/members", self.add_member),
            ("DELETE", "/groups/{groupId}/members/{userId}", self.remove_member),
            ("GET", "/groups/{groupId}/permissions", self.list_group_permissions),
            ("POST", "/groups/{groupId}/permissions", self.create_group_permission),
            (
                "DELETE",
                "/groups/{groupId}/permissions/{permissionId}",
                self.delete_group_permission,
            ),
            ("POST", "/embedded/widget_token", self.widget_token),
            ("POST", "/embedded/scoped_token", self.scoped_token),
            ("GET", "/embedded/organizations", self.embedded_organizations),
        ]
        for kind in _DEFINITION_KINDS:
            base = f"/workspaces/{{workspaceId}}/definitions/{kind}"
            item = f"{base}/{{definitionId}}"
            on = functools.partial
            routes += [
                ("GET", base, on(self.list_definitions, kind)),
                ("POST", base, on(self.create_definition, kind)),
                ("GET", item, on(self.get_definition, kind)),
                ("PUT", item, on(self.put_definition, kind)),
                ("DELETE", item, on(self.delete_definition, kind)),
            ]
        return routes

    # -- applications --------------------------------------------------------------------

    def _application(self, call: Call) -> JSON:
        return _get(self.admin.applications, call.params["applicationId"])

    def list_applications(self, call: Call) -> web.Response:
        """GET /applications: ``{"applications": [...]}``, all at once."""
        return json_response({"applications": self.admin.applications.query()})

    def create_application(self, call: Call) -> web.Response:
        """POST /applications"""
        return json_response(self.admin.add_application(_required(call.json(), "name")))

    def get_application(self, call: Call) -> web.Response:
        """GET /applications/{applicationId}"""
        return json_response(self._application(call))

    def delete_application(self, call: Call) -> web.Response:
        """DELETE /applications/{applicationId}: answers the application deleted."""
        application = self._application(call)
        self.admin.applications.delete(application["id"])
        return json_response(application)

    # -- regions and dataplanes ----------------------------------------------------------

    def _switch(self, call: Call, collection: Collection, *, delete: bool = False) -> JSON:
        """PATCH (name, enabled) or DELETE a region or dataplane; the object answered."""
        item_id = call.path_uuid(collection.id_field)
        current = _get(collection, item_id)
        if delete:
            collection.delete(item_id)
            return current
        body = call.json()
        changes: JSON = {"updatedAt": self.admin.now_iso()}
        name = body_str(body, "name", required=False)
        if name is not None:
            changes["name"] = name
        enabled = _body_bool(body, "enabled")
        if enabled is not None:
            changes["enabled"] = enabled
        return collection.update(item_id, changes)

    def _stamped(self, collection: Collection, id_field: str, fields: JSON) -> JSON:
        now = self.admin.now_iso()
        return collection.add(
            {id_field: str(uuid.uuid4()), **fields, "createdAt": now, "updatedAt": now}
        )

    def list_regions(self, call: Call) -> web.Response:
        """GET /regions?organizationId=...: all at once."""
        organization_id = _query_uuid(call, "organizationId", required=True)
        regions = [r for r in self.admin.regions.query() if r["organizationId"] == organization_id]
        return json_response({"data": regions})

    def create_region(self, call: Call) -> web.Response:
        """POST /regions (400 for an unknown organization: the spec has no 404 here)."""
        body = call.json()
        name = _required(body, "name")
        organization_id = _required_uuid(body, "organizationId")
        if organization_id not in self.admin.organizations:
            raise bad_request(f"No organization with id {organization_id}.")
        enabled = _body_bool(body, "enabled")
        fields = {
            "name": name,
            "organizationId": organization_id,
            "enabled": True if enabled is None else enabled,
        }
        return json_response(self._stamped(self.admin.regions, "regionId", fields))

    def get_region(self, call: Call) -> web.Response:
        """GET /regions/{regionId}"""
        return json_response(_get(self.admin.regions, call.path_uuid("regionId")))

    def patch_region(self, call: Call) -> web.Response:
        """PATCH /regions/{regionId}"""
        return json_response(self._switch(call, self.admin.regions))

    def delete_region(self, call: Call) -> web.Response:
        """DELETE /regions/{regionId}: answers the region deleted."""
        return json_response(self._switch(call, self.admin.regions, delete=True))

    def list_dataplanes(self, call: Call) -> web.Response:
        """GET /dataplanes?regionIds=...: all at once."""
        region_ids = query_uuids(call, "regionIds")
        dataplanes = [
            d
            for d in self.admin.dataplanes.query()
            if not region_ids or d["regionId"] in region_ids
        ]
        return json_response({"data": dataplanes})

    def create_dataplane(self, call: Call) -> web.Response:
        """POST /dataplanes: the ids and the new dataplane's client credentials."""
        body = call.json()
        name = _required(body, "name")
        region_id = _required_uuid(body, "regionId")
        _get(self.admin.regions, region_id)
        enabled = _body_bool(body, "enabled")
        fields = {"name": name, "regionId": region_id, "enabled": enabled is not False}
        dataplane = self._stamped(self.admin.dataplanes, "dataplaneId", fields)
        return json_response(
            {
                "dataplaneId": dataplane["dataplaneId"],
                "regionId": region_id,
                "clientId": str(uuid.uuid4()),
                "clientSecret": secrets.token_urlsafe(32),
            }
        )

    def get_dataplane(self, call: Call) -> web.Response:
        """GET /dataplanes/{dataplaneId}"""
        return json_response(_get(self.admin.dataplanes, call.path_uuid("dataplaneId")))

    def patch_dataplane(self, call: Call) -> web.Response:
        """PATCH /dataplanes/{dataplaneId}"""
        return json_response(self._switch(call, self.admin.dataplanes))

    def delete_dataplane(self, call: Call) -> web.Response:
        """DELETE /dataplanes/{dataplaneId}: answers the dataplane deleted."""
        return json_response(self._switch(call, self.admin.dataplanes, delete=True))

    # -- connector definitions -----------------------------------------------------------

    def _workspace(self, call: Call) -> str:
        workspace_id = call.path_uuid("workspaceId")
        _get(self.state.workspaces, workspace_id)
        return workspace_id

    def _customs(self, kind: str, workspace_id: str) -> list[JSON]:
        found = self.admin.definitions[kind].query(workspace_ids=(workspace_id,))
        return [_public(d) for d in found]

    def list_definitions(self, kind: str, call: Call) -> web.Response:
        """GET /workspaces/{workspaceId}/definitions/{kind}: catalog and custom, at once."""
        workspace_id = self._workspace(call)
        catalog = (
            [catalog_definition(k) for k in DEFINITION_IDS if k.startswith(kind[:-1] + "-")]
            if kind != "declarative_sources"
            else []
        )
        return json_response({"data": [*catalog, *self._customs(kind, workspace_id)]})

    def _definition(self, kind: str, call: Call) -> JSON:
        """A definition the workspace can use: one of the catalog's, or its own."""
        workspace_id = self._workspace(call)
        definition_id = call.path_uuid("definitionId")
        catalog = {v: k for k, v in DEFINITION_IDS.items() if k.startswith(kind[:-1] + "-")}
        if definition_id in catalog:
            return catalog_definition(catalog[definition_id])
        definition = _get(self.admin.definitions[kind], definition_id)
        if definition["workspaceId"] != workspace_id:
            raise not_found(self.admin.definitions[kind].resource_type, definition_id)
        return definition

    def _custom(self, kind: str, call: Call) -> JSON:
        """A custom definition of the workspace; 403 for one of the catalog."""
        definition = self._definition(kind, call)
        if "workspaceId" not in definition:
            message = "Definitions of the Airbyte catalog cannot be changed or deleted."
            raise ApiError(problem_response("forbidden", detail=message))
        return definition

    def _definition_fields(self, kind: str, body: JSON, *, create: bool) -> JSON:
        if kind == "declarative_sources":
            fields: JSON = {"manifest": body_object(body, "manifest")}
            if create:
                fields["name"] = _required(body, "name")
            return fields
        fields = {
            "name": _required(body, "name"),
            "dockerImageTag": _required(body, "dockerImageTag"),
        }
        if create:
            fields["dockerRepository"] = _required(body, "dockerRepository")
            url = body_str(body, "documentationUrl", required=False)
            if url is not None:
                fields["documentationUrl"] = url
        return fields

    def create_definition(self, kind: str, call: Call) -> web.Response:
        """POST /workspaces/{workspaceId}/definitions/{kind}"""
        workspace_id = self._workspace(call)
        body = call.json()
        fields = self._definition_fields(kind, body, create=True)
        if kind == "declarative_sources":
            fields["version"] = 1
        definition = {"id": str(uuid.uuid4()), **fields, "workspaceId": workspace_id}
        return json_response(_public(self.admin.definitions[kind].add(definition)))

    def get_definition(self, kind: str, call: Call) -> web.Response:
        """GET /workspaces/{workspaceId}/definitions/{kind}/{definitionId}"""
        return json_response(_public(self._definition(kind, call)))

    def put_definition(self, kind: str, call: Call) -> web.Response:
        """PUT .../{definitionId}: a declarative definition's manifest gets a new version."""
        definition = self._custom(kind, call)
        changes = self._definition_fields(kind, call.json(), create=False)
        if kind == "declarative_sources":
            changes["version"] = definition["version"] + 1
        updated = self.admin.definitions[kind].update(definition["id"], changes)
        return json_response(_public(updated))

    def delete_definition(self, kind: str, call: Call) -> web.Response:
        """DELETE .../{definitionId}: answers the definition deleted."""
        definition = self._custom(kind, call)
        self.admin.definitions[kind].delete(definition["id"])
        return json_response(_public(definition))

    def list_connector_definitions(self, call: Call) -> web.Response:
        """GET /connector_definitions?type=source|destination[&workspaceId=...]"""
        kind = _choice(call.query.get("type"), _CONNECTOR_TYPES, "type")
        workspace_id = _query_uuid(call, "workspaceId", required=False)
        data = [
            {
                "id": d["id"],
                "name": d["name"],
                "connectorDefinitionType": kind,
                "version": d["dockerImageTag"],
            }
            for d in (catalog_definition(k) for k in DEFINITION_IDS if k.startswith(kind + "-"))
        ]
        if workspace_id is not None:
            _get(self.state.workspaces, workspace_id)
            customs = self._customs(kind + "s", workspace_id)
            if kind == "source":
                customs += self._customs("declarative_sources", workspace_id)
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

    # -- permissions, organizations, users -----------------------------------------------

    def _scope(self, body: JSON) -> JSON:
        """The workspaceId or organizationId of a permission: exactly one, and it exists."""
        workspace_id = body_uuid(body, "workspaceId", required=False)
        organization_id = body_uuid(body, "organizationId", required=False)
        if (workspace_id is None) == (organization_id is None):
            raise bad_request("Give exactly one of workspaceId and organizationId.")
        if workspace_id is not None:
            _get(self.state.workspaces, workspace_id)
            return {"workspaceId": workspace_id}
        assert organization_id is not None
        _get(self.admin.organizations, organization_id)
        return {"organizationId": organization_id}

    def list_permissions(self, call: Call) -> web.Response:
        """GET /permissions[?userId=...&organizationId=...]: each with its scope."""
        user_id = _query_uuid(call, "userId", required=False)
        organization_id = _query_uuid(call, "organizationId", required=False)
        data = []
        for permission in self.admin.permissions.query():
            scope = "organization" if "organizationId" in permission else "workspace"
            scope_id = permission.get("organizationId") or permission.get("workspaceId")
            if user_id is not None and permission["userId"] != user_id:
                continue
            if organization_id is not None and organization_id not in (
                permission.get("organizationId"),
                self.admin.organization_of(permission.get("workspaceId", "")),
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

    def create_permission(self, call: Call) -> web.Response:
        """POST /permissions"""
        body = call.json()
        kind = _choice(body.get("permissionType"), PUBLIC_PERMISSION_TYPES, "permissionType")
        user_id = _required_uuid(body, "userId")
        _get(self.admin.users, user_id)
        permission = self.admin.add_permission(user_id, kind)
        permission = self.admin.permissions.update(permission["permissionId"], self._scope(body))
        return json_response(permission)

    def get_permission(self, call: Call) -> web.Response:
        """GET /permissions/{permissionId}"""
        return json_response(_get(self.admin.permissions, call.path_uuid("permissionId")))

    def patch_permission(self, call: Call) -> web.Response:
        """PATCH /permissions/{permissionId}"""
        permission_id = call.path_uuid("permissionId")
        _get(self.admin.permissions, permission_id)
        kind = _choice(call.json().get("permissionType"), PERMISSION_TYPES, "permissionType")
        return json_response(self.admin.permissions.update(permission_id, {"permissionType": kind}))

    def delete_permission(self, call: Call) -> web.Response:
        """DELETE /permissions/{permissionId}"""
        permission_id = call.path_uuid("permissionId")
        _get(self.admin.permissions, permission_id)
        self.admin.permissions.delete(permission_id)
        return no_content()

    def list_organizations(self, call: Call) -> web.Response:
        """GET /organizations: every organization, at once."""
        return json_response({"data": self.admin.organizations.query()})

    def _organization(self, call: Call) -> str:
        organization_id = call.path_uuid("organizationId")
        _get(self.admin.organizations, organization_id)
        return organization_id

    def put_oauth(self, call: Call) -> web.Response:
        """PUT /organizations/{organizationId}/oauthCredentials: 200, no body."""
        organization_id = self._organization(call)
        body = call.json()
        actor_type = _choice(body.get("actorType"), _CONNECTOR_TYPES, "actorType")
        configuration = body_object(body, "configuration")
        assert configuration is not None
        key = (organization_id, actor_type, _required(body, "name"))
        self.admin.oauth_credentials[key] = configuration
        return web.Response(status=200)

    def delete_oauth(self, call: Call) -> web.Response:
        """DELETE /organizations/{organizationId}/oauthCredentials/{actorType}/{name}"""
        organization_id = self._organization(call)
        actor_type = _choice(call.params["actorType"], _CONNECTOR_TYPES, "actorType")
        self.admin.oauth_credentials.pop((organization_id, actor_type, call.params["name"]), None)
        return no_content()

    def list_users(self, call: Call) -> web.Response:
        """GET /users?organizationId=...[&ids=...][&emails=...]: at once."""
        organization_id = _query_uuid(call, "organizationId", required=True)
        assert organization_id is not None
        _get(self.admin.organizations, organization_id)
        ids = query_uuids(call, "ids")
        emails = {e.lower() for e in call.query.getall("emails", [])}
        users = [
            u
            for u in self.admin.members(organization_id)
            if (not ids or u["id"] in ids) and (not emails or u["email"].lower() in emails)
        ]
        return json_response({"data": users})

    # -- groups --------------------------------------------------------------------------

    def _group_id(self, call: Call) -> str:
        group_id = call.path_uuid("groupId")
        _get(self.admin.groups, group_id)
        return group_id

    def _unique_name(self, organization_id: str, name: str, group_id: str = "") -> None:
        for group in self.admin.groups.query():
            same = group["organizationId"] == organization_id and group["name"] == name
            if same and group["groupId"] != group_id:
                raise conflict(
                    f"A group named {name!r} already exists in the organization.",
                    title="group-already-exists",
                )

    def list_groups(self, call: Call) -> web.Response:
        """GET /groups?organizationId=...: paged with limit and offset."""
        organization_id = _query_uuid(call, "organizationId", required=True)
        assert organization_id is not None
        limit, offset = query_page(call, self._default_limit())
        groups = [
            self.admin.group(g["groupId"])
            for g in self.admin.groups.query()
            if g["organizationId"] == organization_id
        ]
        filters = [("organizationId", organization_id)]
        return page_answer(call, "/groups", groups[offset : offset + limit], filters, limit, offset)

    def create_group(self, call: Call) -> web.Response:
        """POST /groups (409 for a name the organization has already)."""
        body = call.json()
        name = _required(body, "name")
        organization_id = _required_uuid(body, "organizationId")
        if organization_id not in self.admin.organizations:
            raise bad_request(f"No organization with id {organization_id}.")
        self._unique_name(organization_id, name)
        group_id = str(uuid.uuid4())
        description = body_str(body, "description", required=False)
        group = {
            "groupId": group_id,
            "name": name,
            "description": description,
            "organizationId": organization_id,
        }
        self.admin.groups.add(group)
        return json_response(self.admin.group(group_id))

    def get_group(self, call: Call) -> web.Response:
        """GET /groups/{groupId}"""
        return json_response(self.admin.group(self._group_id(call)))

    def patch_group(self, call: Call) -> web.Response:
        """PATCH /groups/{groupId}: ``"description": null`` clears the description."""
        group_id = self._group_id(call)
        body = call.json()
        changes: JSON = {}
        name = body_str(body, "name", required=False)
        if name is not None:
            self._unique_name(self.admin.groups.get(group_id)["organizationId"], name, group_id)
            changes["name"] = name
        if "description" in body:
            changes["description"] = body_str(body, "description", required=False)
        self.admin.groups.update(group_id, changes)
        return json_response(self.admin.group(group_id))

    def delete_group(self, call: Call) -> web.Response:
        """DELETE /groups/{groupId}: its members and permissions go with it."""
        group_id = self._group_id(call)
        for collection in (self.admin.group_members, self.admin.group_permissions):
            for item in collection.query():
                if item["groupId"] == group_id:
                    collection.delete(item[collection.id_field])
        self.admin.groups.delete(group_id)
        return no_content()

    def _members(self, group_id: str) -> list[JSON]:
        return [m for m in self.admin.group_members.query() if m["groupId"] == group_id]

    def list_members(self, call: Call) -> web.Response:
        """GET /groups/{groupId}/members: paged with limit and offset."""
        group_id = self._group_id(call)
        limit, offset = query_page(call, self._default_limit())
        members = self._members(group_id)[offset : offset + limit]
        return page_answer(call, f"/groups/{group_id}/members", members, [], limit, offset)

    def add_member(self, call: Call) -> web.Response:
        """POST /groups/{groupId}/members: 201; 409 for a member already there."""
        group_id = self._group_id(call)
        user = _get(self.admin.users, _required_uuid(call.json(), "userId"))
        if any(m["userId"] == user["id"] for m in self._members(group_id)):
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
        return json_response(self.admin.group_members.add(member), status=201)

    def remove_member(self, call: Call) -> web.Response:
        """DELETE /groups/{groupId}/members/{userId}: 404 if the user is not a member."""
        group_id = self._group_id(call)
        user_id = call.path_uuid("userId")
        for member in self._members(group_id):
            if member["userId"] == user_id:
                self.admin.group_members.delete(member["memberId"])
                return no_content()
        raise not_found("group member", user_id)

    def _group_permissions(self, group_id: str) -> list[JSON]:
        return [p for p in self.admin.group_permissions.query() if p["groupId"] == group_id]

    def list_group_permissions(self, call: Call) -> web.Response:
        """GET /groups/{groupId}/permissions: at once."""
        return json_response({"data": self._group_permissions(self._group_id(call))})

    def create_group_permission(self, call: Call) -> web.Response:
        """POST /groups/{groupId}/permissions: 201; 409 for one the group has already."""
        group_id = self._group_id(call)
        body = call.json()
        kind = _choice(body.get("permissionType"), PERMISSION_TYPES, "permissionType")
        permission = {"groupId": group_id, "permissionType": kind, **self._scope(body)}
        for existing in self._group_permissions(group_id):
            if {k: existing.get(k) for k in permission} == permission:
                raise conflict(
                    "The group has this permission already.",
                    title="group-permission-already-exists",
                )
        permission = {"permissionId": str(uuid.uuid4()), **permission}
        return json_response(self.admin.group_permissions.add(permission), status=201)

    def delete_group_permission(self, call: Call) -> web.Response:
        """DELETE /groups/{groupId}/permissions/{permissionId}"""
        group_id = self._group_id(call)
        permission_id = call.path_uuid("permissionId")
        permission = _get(self.admin.group_permissions, permission_id)
        if permission["groupId"] != group_id:
            raise not_found("group permission", permission_id)
        self.admin.group_permissions.delete(permission_id)
        return no_content()

    # -- embedded ------------------------------------------------------------------------

    def widget_token(self, call: Call) -> web.Response:
        """POST /embedded/widget_token: base64 of ``{"token", "widgetUrl"}``, as Airbyte's.

        The token is scoped to the external user's workspace in the organization,
        created on first use (named after ``externalUserId``), as the server does.
        """
        body = call.json()
        origin = _required(body, "allowedOrigin")
        external_user = _required(body, "externalUserId")
        organization_id = _required_uuid(body, "organizationId")
        _get(self.admin.organizations, organization_id)
        workspace_id = self.admin.embedded_workspace(organization_id, external_user)
        query = urlencode(
            {
                "organizationId": organization_id,
                "externalUserId": external_user,
                "workspaceId": workspace_id,
            }
        )
        payload = {
            "token": self._issue_scoped_token(workspace_id),
            "widgetUrl": f"{origin.rstrip('/')}/embedded-widget?{query}",
        }
        token = base64.b64encode(msgjson.encode(payload)).decode("ascii")
        return json_response({"token": token})

    def scoped_token(self, call: Call) -> web.Response:
        """POST /embedded/scoped_token: a bearer token that only reaches that workspace."""
        workspace_id = _required_uuid(call.json(), "workspaceId")
        _get(self.state.workspaces, workspace_id)
        return json_response({"token": self._issue_scoped_token(workspace_id)})

    def embedded_organizations(self, call: Call) -> web.Response:
        """GET /embedded/organizations: ``{"organizations": [...]}`` with the permission."""
        organizations = [
            {
                "organizationId": o["organizationId"],
                "organizationName": o["organizationName"],
                "permission": "organization_admin",
            }
            for o in self.admin.organizations.query()
        ]
        return json_response({"organizations": organizations})
