"""The streams a source offers."""

from __future__ import annotations

from aiohttp import web

from .._problems import bad_request, json_response
from .._requests import Call, path_uuid
from .._routing import Route, Scope


def get_streams(call: Call) -> web.Response:
    """GET /streams?sourceId=...: the streams the source offers."""
    raw = call.query.get("sourceId")
    if not raw:
        raise bad_request("sourceId is required.")
    source = call.store.sources.get(path_uuid(raw))
    names = {
        stream["name"]
        for connection in call.store.connections.where("sourceId", source["sourceId"])
        for stream in connection["configurations"].get("streams", ())
    } or {"users", "orders", "products"}
    streams = [
        {
            "streamName": name,
            "syncModes": [
                "full_refresh_overwrite",
                "full_refresh_append",
                "incremental_append",
                "incremental_deduped_history",
            ],
            "defaultCursorField": ["updated_at"],
            "sourceDefinedCursorField": False,
            "sourceDefinedPrimaryKey": [["id"]],
            "propertyFields": [["id"], ["created_at"], ["updated_at"], ["name"]],
        }
        for name in sorted(names)
    ]
    return json_response(streams)


ROUTES = (Route("GET", "/streams", get_streams, Scope.WORKSPACE),)
