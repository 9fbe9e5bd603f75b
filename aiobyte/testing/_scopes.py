"""Which workspace a request is about: how an Embedded scoped token is held to its own.

The server's rule (``ScopedTokenSecurityRule``): a request made with a token scoped to a
workspace must resolve to exactly one workspace, and it must be the token's; otherwise
it is rejected with 403. The workspace is resolved from the identifiers the request
names: path parameters, the ``workspaceIds``/``workspaceId``/``sourceId``/... query
parameters and the same fields of a JSON body. A request that names none (``GET
/sources`` without ``workspaceIds``), names another workspace, names something that is
not in a workspace (organizations, users, groups, applications, ...) or names an id
that does not exist is rejected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from msgspec import DecodeError

from ._problems import decode_body
from ._requests import UUID_PATTERN

if TYPE_CHECKING:
    from multidict import MultiMapping

    from ._state import State

__all__ = ["SCOPED_PREFIXES", "requested_workspaces"]

#: Routes a scoped token may reach at all (in its workspace): the workspace's own data.
SCOPED_PREFIXES = (
    "/workspaces",
    "/sources",
    "/destinations",
    "/connections",
    "/jobs",
    "/streams",
    "/tags",
    "/connector_definitions",
)
# Identifiers that say nothing about a workspace once the workspace is known.
_NEUTRAL = frozenset({"actorType", "name", "definitionId"})
_RESOURCE_FIELDS = ("workspaceId", "sourceId", "destinationId", "connectionId", "tagId")


def requested_workspaces(
    state: State,
    template: str,
    params: dict[str, str],
    query: MultiMapping[str],
    body: bytes,
) -> set[str] | None:
    """The workspaces a request names; ``None`` when it names something that resolves
    to no workspace (or to nothing at all)."""
    if not template.startswith(SCOPED_PREFIXES):
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
        workspace = _workspace_of(state, key, value)
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


def _workspace_of(state: State, key: str, value: str) -> str | None:
    if key == "jobId":
        job = state.jobs.get(int(value)) if value.isdigit() else None
        return None if job is None else job.workspace_id
    if not UUID_PATTERN.match(value):
        return None
    value = value.lower()
    if key == "workspaceId":
        return value if value in state.workspaces.items else None
    collection = {
        "sourceId": state.sources,
        "destinationId": state.destinations,
        "connectionId": state.connections,
        "tagId": state.tags,
    }.get(key)
    if collection is None:
        return None
    found = collection.items.get(value)
    workspace = None if found is None else found.get("workspaceId")
    return workspace if isinstance(workspace, str) else None
