"""Routes: what each endpoint is, whether it needs credentials, how it sits in a workspace.

Every API area declares its table (``routes/<area>.py``: a tuple of :class:`Route`); the
server joins them in a :class:`RouteTable` and matches requests against it. A route's
:class:`Scope` says how an Embedded scoped token is held to its workspace there, as the
server's ``ScopedTokenSecurityRule`` does: on a :attr:`Scope.WORKSPACE` route the request
must resolve to exactly the token's workspace, through the identifiers it names (path
parameters, the ``workspaceIds``/``workspaceId``/``sourceId``/... query parameters and
the same fields of a JSON body); a request that names none, names another workspace, or
names an id that does not exist is refused with 403. A :attr:`Scope.NONE` route
(organizations, users, groups, applications, ...) is outside every workspace: always 403
for a scoped token.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from msgspec import DecodeError

from ._problems import decode_body
from ._requests import UUID_PATTERN, Handler

if TYPE_CHECKING:
    from multidict import MultiMapping

    from ._store import Store

__all__ = ["Route", "RouteTable", "Scope", "requested_workspaces"]


class Scope(enum.Enum):
    """How a route sits in a workspace (what an Embedded scoped token may reach)."""

    #: The workspace's own data: the request must name the token's workspace, only it.
    WORKSPACE = "workspace"
    #: Outside any workspace: a scoped token is refused (403).
    NONE = "none"


@dataclass(frozen=True)
class Route:
    """One endpoint: ``"METHOD /template"`` (as in the API spec), its handler, whether it
    needs credentials and how it is scoped to a workspace."""

    method: str
    template: str
    handler: Handler
    scope: Scope
    auth: bool = True
    pattern: re.Pattern[str] | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        """``"GET /sources/{sourceId}"``: how stats and faults name it."""
        return f"{self.method} {self.template}"


class RouteTable:
    """The routes of the API, matched by method and path (static paths first)."""

    def __init__(self, routes: Iterable[Route]) -> None:
        self._static: dict[tuple[str, str], Route] = {}
        self._dynamic: list[Route] = []
        for route in routes:
            if "{" not in route.template:
                self._static[(route.method, route.template)] = route
                continue
            regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(route.template))
            self._dynamic.append(
                Route(
                    route.method,
                    route.template,
                    route.handler,
                    route.scope,
                    route.auth,
                    re.compile(f"^{regex}$"),
                )
            )

    @property
    def keys(self) -> list[str]:
        """Every route as ``"METHOD /template"``."""
        return [*(r.key for r in self._static.values()), *(r.key for r in self._dynamic)]

    def match(self, method: str, relative: str) -> tuple[Route, dict[str, str]] | None:
        """The route of a request and its path parameters (``None``: no such endpoint)."""
        route = self._static.get((method, relative))
        if route is not None:
            return route, {}
        for route in self._dynamic:
            if route.method == method and route.pattern is not None:
                found = route.pattern.match(relative)
                if found is not None:
                    return route, found.groupdict()
        return None


# Identifiers that say nothing about a workspace once the workspace is known.
_NEUTRAL = frozenset({"actorType", "name", "definitionId"})
_RESOURCE_FIELDS = ("workspaceId", "sourceId", "destinationId", "connectionId", "tagId")


def requested_workspaces(
    store: Store,
    route: Route,
    params: dict[str, str],
    query: MultiMapping[str],
    body: bytes,
) -> set[str] | None:
    """The workspaces a request names; ``None`` when it names something that resolves
    to no workspace (or to nothing at all)."""
    if route.scope is not Scope.WORKSPACE:
        return None
    named: list[tuple[str, str]] = [(k, v) for k, v in params.items() if k not in _NEUTRAL]
    for key in ("workspaceIds", "workspaceId"):
        for raw in query.getall(key, []):
            named += [("workspaceId", part.strip()) for part in raw.split(",") if part.strip()]
    for key in _RESOURCE_FIELDS[1:]:
        named += [(key, value) for value in query.getall(key, [])]
    fields = _body_fields(body)
    named += [(key, fields[key]) for key in _RESOURCE_FIELDS if isinstance(fields.get(key), str)]
    found: set[str] = set()
    for key, value in named:
        workspace = _workspace_of(store, key, value)
        if workspace is None:
            return None
        found.add(workspace)
    return found or None


def _body_fields(body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    try:
        decoded = decode_body(body)
    except DecodeError:
        return {}
    return decoded if isinstance(decoded, dict) else {}


def _workspace_of(store: Store, key: str, value: str) -> str | None:
    if key == "jobId":
        job = store.jobs.get(int(value)) if value.isdigit() else None
        return None if job is None else job.workspace_id
    if not UUID_PATTERN.match(value):
        return None
    value = value.lower()
    if key == "workspaceId":
        return value if value in store.workspaces.items else None
    collection = {
        "sourceId": store.sources,
        "destinationId": store.destinations,
        "connectionId": store.connections,
        "tagId": store.tags,
    }.get(key)
    if collection is None:
        return None
    found = collection.items.get(value)
    workspace = None if found is None else found.get("workspaceId")
    return workspace if isinstance(workspace, str) else None
