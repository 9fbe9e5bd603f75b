"""GET /health."""

from __future__ import annotations

from aiohttp import web

from .._requests import Call
from .._routing import Route, Scope


def health(call: Call) -> web.Response:
    """GET /health: 200 with an empty body, no credentials needed."""
    return web.Response(status=200)


ROUTES = (Route("GET", "/health", health, Scope.NONE, auth=False),)
