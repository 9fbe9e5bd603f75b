"""Fault injection: make the fake misbehave the way real servers and networks do.

A :class:`Fault` applies to the next ``times`` requests that match its route; the
server asks :meth:`Faults.take` for one before it handles each request.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Fault", "Faults"]

FaultBody = bytes | str | dict[str, Any] | list[Any] | None


@dataclass(eq=False)
class Fault:
    """One injected misbehaviour; see :meth:`Faults.inject` for the fields.

    ``remaining`` counts the requests it will still apply to (``None`` = forever) and
    ``hits`` the requests it has applied to so far.
    """

    route: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: FaultBody = None
    latency: float = 0.0
    drop: bool = False
    html: bool = False
    truncate: bool = False
    remaining: int | None = 1
    hits: int = 0

    @property
    def exhausted(self) -> bool:
        """True once it has applied ``times`` times."""
        return self.remaining is not None and self.remaining <= 0


class Faults:
    """The faults waiting to be applied, FIFO per route; ``"*"`` matches every route."""

    def __init__(self, routes: Collection[str]) -> None:
        self._routes = frozenset(routes)
        self._faults: list[Fault] = []
        # Faults may be injected from another thread while the server runs.
        self._lock = threading.Lock()

    def inject(
        self,
        route: str = "*",
        *,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        body: FaultBody = None,
        latency: float = 0.0,
        drop: bool = False,
        html: bool = False,
        truncate: bool = False,
        times: int | None = 1,
    ) -> Fault:
        """Make the next ``times`` requests to ``route`` misbehave (``None`` = forever, 0 = none).

        ``route`` is ``"METHOD /template"`` as in the API spec (``"GET /jobs/{jobId}"``,
        ``"POST /applications/token"``) or ``"*"`` for every request. A fault first
        waits ``latency`` seconds (a real sleep), then: ``drop`` closes the connection
        with no answer; ``html`` answers the web app's HTML page (status 200 unless
        ``status`` is given); ``status`` answers that status with ``headers`` and
        ``body`` (a dict or list is sent as JSON, as problem details from 400 on; no
        body on an error status sends the fitting problem details); ``truncate`` sends
        the answer with the full ``Content-Length`` but only half its bytes, then
        closes. With none of those the request goes on to the normal handler (so a
        fault with only ``latency`` or ``headers`` delays or decorates real answers).
        Route-specific faults take precedence over ``"*"``.

        Raises ``ValueError`` for an unknown route or out-of-range numbers.
        """
        if route != "*" and route not in self._routes:
            raise ValueError(
                f"unknown route {route!r}: use '*' or 'METHOD /template' as in the API "
                f"spec, one of {sorted(self._routes)}"
            )
        if status is not None and not 100 <= status <= 599:
            raise ValueError(f"status must be an HTTP status code, not {status}")
        if times is not None and times < 0:
            raise ValueError("times must be >= 0, or None for forever")
        if latency < 0 or not math.isfinite(latency):
            raise ValueError("latency must be a finite number of seconds >= 0")
        fault = Fault(
            route=route,
            status=status,
            headers=dict(headers or {}),
            body=body,
            latency=float(latency),
            drop=drop,
            html=html,
            truncate=truncate,
            remaining=times,
        )
        if times != 0:  # times=0 injects nothing (handy in parametrized tests)
            with self._lock:
                self._faults.append(fault)
        return fault

    def clear(self) -> None:
        """Forget every fault not applied yet."""
        with self._lock:
            self._faults.clear()

    def remove(self, fault: Fault) -> None:
        """Withdraw one fault (no error if it is already used up)."""
        with self._lock:
            if fault in self._faults:
                self._faults.remove(fault)

    @property
    def pending(self) -> list[Fault]:
        """The faults that will still apply, in order."""
        with self._lock:
            return list(self._faults)

    def take(self, route: str | None) -> Fault | None:
        """The fault for one request to ``route`` (``None``: no known route), counted."""
        with self._lock:
            chosen = None
            if route is not None:
                chosen = next((f for f in self._faults if f.route == route), None)
            if chosen is None:
                chosen = next((f for f in self._faults if f.route == "*"), None)
            if chosen is None:
                return None
            chosen.hits += 1
            if chosen.remaining is not None:
                chosen.remaining -= 1
                if chosen.remaining <= 0:
                    self._faults.remove(chosen)
            return chosen

    def __len__(self) -> int:
        return len(self._faults)

    def __repr__(self) -> str:
        return f"Faults({self.pending!r})"
