"""Fault injection: make the fake misbehave the way real servers and networks do.

A :class:`Fault` applies to the next ``times`` requests that match its route, or to a
``probability`` fraction of them drawn from the fake's seeded RNG; the server asks
:meth:`Faults.take` for one before it handles each request.
"""

from __future__ import annotations

import math
import random
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
    probability: float = 1.0
    hits: int = 0
    #: Matching requests it let through because the draw said no (``probability`` < 1).
    spared: int = 0


class Faults:
    """The faults waiting to be applied, FIFO per route; ``"*"`` matches every route.

    ``rng`` draws the chance of a ``probability`` fault (``FakeAirbyte(seed=...)``
    seeds it, so a run that failed can be replayed).
    """

    def __init__(self, routes: Collection[str], *, rng: random.Random | None = None) -> None:
        self._routes = frozenset(routes)
        self._faults: list[Fault] = []
        self.rng = rng if rng is not None else random.Random()
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
        probability: float = 1.0,
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

        ``probability`` (0..1) makes each matching request misbehave only with that
        chance, drawn from the fake's RNG (seeded by ``FakeAirbyte(seed=...)``); ``times``
        then counts the requests it did hit (``times=None, probability=0.1``: one request
        in ten, for ever). A request it spares goes on to the next fault that matches, if
        any, else to the normal handler.

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
        if not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
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
            probability=float(probability),
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
            candidates = [f for f in self._faults if route is not None and f.route == route]
            candidates += [f for f in self._faults if f.route == "*"]
            for fault in candidates:
                if fault.probability < 1.0 and self.rng.random() >= fault.probability:
                    fault.spared += 1
                    continue
                fault.hits += 1
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                return fault
            return None

    def __len__(self) -> int:
        return len(self._faults)

    def __repr__(self) -> str:
        return f"Faults({self.pending!r})"
