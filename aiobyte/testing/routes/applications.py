"""Applications: their client credentials, and the token endpoint they are used on."""

from __future__ import annotations

from aiohttp import web

from .._problems import json_response
from .._requests import Call, required_str
from .._routing import Route, Scope
from .._tokens import token_endpoint


def list_applications(call: Call) -> web.Response:
    """GET /applications: ``{"applications": [...]}``, all at once."""
    return json_response({"applications": call.store.applications.query()})


def create_application(call: Call) -> web.Response:
    """POST /applications: with fresh client credentials."""
    return json_response(call.fake.add_application(required_str(call.json(), "name")))


def get_application(call: Call) -> web.Response:
    """GET /applications/{applicationId}"""
    return json_response(call.store.applications.get(call.params["applicationId"]))


def delete_application(call: Call) -> web.Response:
    """DELETE /applications/{applicationId}: answers the application deleted."""
    application = call.store.applications.get(call.params["applicationId"])
    call.store.applications.delete(application["id"])
    return json_response(application)


_OUT = Scope.NONE
ROUTES = (
    Route("POST", "/applications/token", token_endpoint, _OUT, auth=False),
    Route("GET", "/applications", list_applications, _OUT),
    Route("POST", "/applications", create_application, _OUT),
    Route("GET", "/applications/{applicationId}", get_application, _OUT),
    Route("DELETE", "/applications/{applicationId}", delete_application, _OUT),
)
