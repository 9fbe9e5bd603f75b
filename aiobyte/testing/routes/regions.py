"""Regions and dataplanes of an organization."""

from __future__ import annotations

import secrets
import uuid

from aiohttp import web

from .._problems import bad_request, json_response
from .._requests import (
    JSON,
    Call,
    body_bool,
    body_str,
    query_uuid,
    query_uuids,
    required_str,
    required_uuid,
)
from .._routing import Route, Scope
from .._store import Collection


def _switch(call: Call, collection: Collection, *, delete: bool = False) -> JSON:
    """PATCH (name, enabled) or DELETE a region or dataplane; the object answered."""
    item_id = call.path_uuid(collection.id_field)
    current = collection.get(item_id)
    if delete:
        collection.delete(item_id)
        return current
    body = call.json()
    changes: JSON = {"updatedAt": call.store.now_iso()}
    name = body_str(body, "name", required=False)
    if name is not None:
        changes["name"] = name
    enabled = body_bool(body, "enabled")
    if enabled is not None:
        changes["enabled"] = enabled
    return collection.update(item_id, changes)


def _stamped(call: Call, collection: Collection, fields: JSON) -> JSON:
    now = call.store.now_iso()
    return collection.add(
        {collection.id_field: str(uuid.uuid4()), **fields, "createdAt": now, "updatedAt": now}
    )


def list_regions(call: Call) -> web.Response:
    """GET /regions?organizationId=...: all at once."""
    organization_id = query_uuid(call, "organizationId", required=True)
    return json_response({"data": call.store.regions.where("organizationId", organization_id)})


def create_region(call: Call) -> web.Response:
    """POST /regions (400 for an unknown organization: the spec has no 404 here)."""
    body = call.json()
    name = required_str(body, "name")
    organization_id = required_uuid(body, "organizationId")
    if organization_id not in call.store.organizations:
        raise bad_request(f"No organization with id {organization_id}.")
    enabled = body_bool(body, "enabled")
    fields = {
        "name": name,
        "organizationId": organization_id,
        "enabled": True if enabled is None else enabled,
    }
    return json_response(_stamped(call, call.store.regions, fields))


def get_region(call: Call) -> web.Response:
    """GET /regions/{regionId}"""
    return json_response(call.store.regions.get(call.path_uuid("regionId")))


def patch_region(call: Call) -> web.Response:
    """PATCH /regions/{regionId}"""
    return json_response(_switch(call, call.store.regions))


def delete_region(call: Call) -> web.Response:
    """DELETE /regions/{regionId}: answers the region deleted."""
    return json_response(_switch(call, call.store.regions, delete=True))


def list_dataplanes(call: Call) -> web.Response:
    """GET /dataplanes?regionIds=...: all at once."""
    region_ids = query_uuids(call, "regionIds")
    dataplanes = [
        d for d in call.store.dataplanes.query() if not region_ids or d["regionId"] in region_ids
    ]
    return json_response({"data": dataplanes})


def create_dataplane(call: Call) -> web.Response:
    """POST /dataplanes: the ids and the new dataplane's client credentials."""
    body = call.json()
    name = required_str(body, "name")
    region_id = required_uuid(body, "regionId")
    call.store.regions.get(region_id)
    enabled = body_bool(body, "enabled")
    fields = {"name": name, "regionId": region_id, "enabled": enabled is not False}
    dataplane = _stamped(call, call.store.dataplanes, fields)
    return json_response(
        {
            "dataplaneId": dataplane["dataplaneId"],
            "regionId": region_id,
            "clientId": str(uuid.uuid4()),
            "clientSecret": secrets.token_urlsafe(32),
        }
    )


def get_dataplane(call: Call) -> web.Response:
    """GET /dataplanes/{dataplaneId}"""
    return json_response(call.store.dataplanes.get(call.path_uuid("dataplaneId")))


def patch_dataplane(call: Call) -> web.Response:
    """PATCH /dataplanes/{dataplaneId}"""
    return json_response(_switch(call, call.store.dataplanes))


def delete_dataplane(call: Call) -> web.Response:
    """DELETE /dataplanes/{dataplaneId}: answers the dataplane deleted."""
    return json_response(_switch(call, call.store.dataplanes, delete=True))


_OUT = Scope.NONE
ROUTES = (
    Route("GET", "/regions", list_regions, _OUT),
    Route("POST", "/regions", create_region, _OUT),
    Route("GET", "/regions/{regionId}", get_region, _OUT),
    Route("PATCH", "/regions/{regionId}", patch_region, _OUT),
    Route("DELETE", "/regions/{regionId}", delete_region, _OUT),
    Route("GET", "/dataplanes", list_dataplanes, _OUT),
    Route("POST", "/dataplanes", create_dataplane, _OUT),
    Route("GET", "/dataplanes/{dataplaneId}", get_dataplane, _OUT),
    Route("PATCH", "/dataplanes/{dataplaneId}", patch_dataplane, _OUT),
    Route("DELETE", "/dataplanes/{dataplaneId}", delete_dataplane, _OUT),
)
