"""The fake's endpoints, one route table per API area (templates exactly as in the spec).

Each module declares ``ROUTES``, a tuple of :class:`~aiobyte.testing._routing.Route`
whose handlers are plain functions of a :class:`~aiobyte.testing._requests.Call` (the
body is already read, so they never await). A handler raises
:class:`~aiobyte.testing._problems.ApiError` to answer a problem, and lets the store's
``NotFound`` through to answer 404.
"""

from __future__ import annotations

from .._routing import Route
from . import (
    applications,
    connections,
    connectors,
    definitions,
    embedded,
    groups,
    health,
    jobs,
    organizations,
    regions,
    streams,
    tags,
    workspaces,
)

__all__ = ["ALL_ROUTES"]

#: Every route the fake serves.
ALL_ROUTES: tuple[Route, ...] = (
    *applications.ROUTES,
    *health.ROUTES,
    *workspaces.ROUTES,
    *connectors.ROUTES,
    *connections.ROUTES,
    *jobs.ROUTES,
    *tags.ROUTES,
    *streams.ROUTES,
    *regions.ROUTES,
    *definitions.ROUTES,
    *organizations.ROUTES,
    *groups.ROUTES,
    *embedded.ROUTES,
)
