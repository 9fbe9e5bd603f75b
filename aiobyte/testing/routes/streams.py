"""The streams a source offers."""

from __future__ import annotations

from aiohttp import web

from .._data import catalog_streams
from .._problems import bad_request, json_response
from .._requests import Call, path_uuid
from .._routing import Route, Scope


def get_streams(call: Call) -> web.Response:
    """GET /streams?sourceId=...: the streams the source offers (its catalog, which a
    connection's streams are checked against)."""
    raw = call.query.get("sourceId")
    if not raw:
        raise bad_request("sourceId is required.")
    source = call.store.sources.get(path_uuid(raw))
    names = catalog_streams(str(source["sourceType"]))
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
        for name in names
    ]
    return json_response(streams)


ROUTES = (Route("GET", "/streams", get_streams, Scope.WORKSPACE),)
