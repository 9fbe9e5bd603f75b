"""What the fake has seen: request counts, concurrency and a log of every request."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web

__all__ = ["TOKEN_ROUTE", "RecordedRequest", "Stats"]

#: The token endpoint's route.
TOKEN_ROUTE = "POST /applications/token"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake received it.

    ``route`` is the matched ``"METHOD /template"`` (``None`` for an unknown route or a
    path outside the prefix); ``query`` keeps every pair in order; ``headers`` holds the
    header names as sent; ``at`` is the fake's ``clock.time()`` on arrival. ``status``,
    ``content_type`` (the header, as sent) and ``response_body`` are the answer: ``None``
    while it is not ready, and for a connection a fault dropped.
    """

    method: str
    route: str | None
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    at: float
    status: int | None = None
    content_type: str | None = None
    response_body: bytes | None = None


@dataclass
class Stats:
    """Counters the tests read.

    ``hits`` is keyed by route (``"GET /sources/{sourceId}"``; an unknown path is keyed
    ``"METHOD /the/path"``); ``token_requests`` is the token endpoint's. ``in_flight``/
    ``max_in_flight`` count every request except the token endpoint's,
    ``in_flight_by_route``/``max_in_flight_by_route`` the same per route. Faulted requests
    are counted too. ``abandoned`` counts requests whose client hung up before the
    answer was ready (their handler is cancelled, their ``requests`` entry keeps
    ``status=None``).
    """

    abandoned: int = 0
    hits: Counter[str] = field(default_factory=Counter)
    max_in_flight: int = 0
    in_flight_by_route: Counter[str] = field(default_factory=Counter)
    max_in_flight_by_route: Counter[str] = field(default_factory=Counter)
    requests: list[RecordedRequest] = field(default_factory=list)
    #: Exceptions raised by the fake's own handlers (answered as 500): a bug in the fake.
    server_errors: list[BaseException] = field(default_factory=list)

    @property
    def token_requests(self) -> int:
        """Requests to the token endpoint."""
        return self.hits[TOKEN_ROUTE]

    @property
    def in_flight(self) -> int:
        """Requests being handled now (the token endpoint's aside)."""
        return sum(self.in_flight_by_route.values())

    def reset(self) -> None:
        """Zero every counter and forget the recorded requests (requests now in flight stay)."""
        self.abandoned = 0
        self.hits.clear()
        self.max_in_flight = self.in_flight
        self.max_in_flight_by_route = Counter(+self.in_flight_by_route)
        self.requests.clear()
        self.server_errors.clear()

    def answered(self, request: RecordedRequest, response: web.StreamResponse) -> None:
        """Complete ``request``'s entry in ``requests`` with its answer (if still there)."""
        body = getattr(response, "body", None)
        answered = replace(
            request,
            status=response.status,
            content_type=response.headers.get("Content-Type"),
            response_body=body if isinstance(body, bytes) else None,
        )
        requests = self.requests
        for i in range(len(requests) - 1, -1, -1):  # the entry is almost always near the end
            if requests[i] is request:
                requests[i] = answered
                return

    def enter(self, route: str) -> None:
        """Count a request that starts."""
        self.in_flight_by_route[route] += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        current = self.in_flight_by_route[route]
        if current > self.max_in_flight_by_route[route]:
            self.max_in_flight_by_route[route] = current

    def leave(self, route: str) -> None:
        """Count a request that ended."""
        self.in_flight_by_route[route] -= 1
        if self.in_flight_by_route[route] <= 0:
            del self.in_flight_by_route[route]
