"""Airbyte Embedded: widget and scoped tokens, and the organizations of the caller."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

from aiohttp import web
from msgspec import json as msgjson

from .._problems import json_response
from .._requests import Call, required_str, required_uuid
from .._routing import Route, Scope


def widget_token(call: Call) -> web.Response:
    """POST /embedded/widget_token: base64 of ``{"token", "widgetUrl"}``, as Airbyte's.

    The token is scoped to the external user's workspace in the organization, created
    on first use (named after ``externalUserId``), as the server does.
    """
    body = call.json()
    origin = required_str(body, "allowedOrigin")
    external_user = required_str(body, "externalUserId")
    organization_id = required_uuid(body, "organizationId")
    call.store.organizations.get(organization_id)
    workspace_id = call.fake.embedded_workspace(organization_id, external_user)
    query = urlencode(
        {
            "organizationId": organization_id,
            "externalUserId": external_user,
            "workspaceId": workspace_id,
        }
    )
    payload = {
        "token": call.fake.issue_scoped_token(workspace_id),
        "widgetUrl": f"{origin.rstrip('/')}/embedded-widget?{query}",
    }
    token = base64.b64encode(msgjson.encode(payload)).decode("ascii")
    return json_response({"token": token})


def scoped_token(call: Call) -> web.Response:
    """POST /embedded/scoped_token: a bearer token that only reaches that workspace."""
    workspace_id = required_uuid(call.json(), "workspaceId")
    call.store.workspaces.get(workspace_id)
    return json_response({"token": call.fake.issue_scoped_token(workspace_id)})


def embedded_organizations(call: Call) -> web.Response:
    """GET /embedded/organizations: ``{"organizations": [...]}`` with the permission."""
    organizations = [
        {
            "organizationId": o["organizationId"],
            "organizationName": o["organizationName"],
            "permission": "organization_admin",
        }
        for o in call.store.organizations.query()
    ]
    return json_response({"organizations": organizations})


_OUT = Scope.NONE
ROUTES = (
    Route("POST", "/embedded/widget_token", widget_token, _OUT),
    Route("POST", "/embedded/scoped_token", scoped_token, _OUT),
    Route("GET", "/embedded/organizations", embedded_organizations, _OUT),
)
