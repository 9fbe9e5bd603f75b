"""Scenarios (h), (i) and (j): where aiobyte can beat hand-written code, at real latency.

Each runs against a fake of its own, in a process of its own, that answers the routes
measured after ``LATENCY`` seconds (50 ms: a round trip to Airbyte Cloud), so that what
is measured is waiting, not the fake's speed. The worker tasks are in
``_latency_worker.py``; each run is a fresh process, as for the other scenarios.

- (h) listing every source, pages of 100: raw code fetches one page after another;
  aiobyte's pager fetches pages ahead in a window that widens while pages come back
  full (``PAGE_PREFETCH`` at most). The *ideal* is the time the pager's own schedule
  would take with no cost per request: the latency times its round trips, computed by
  ``ideal_listing`` (the same window rule, simulated).
- (i) ``fan_out(client.sources.get, keys, limit=L)`` for L = 10, 50, 200 against
  ``asyncio.Semaphore(L)`` and ``gather`` by hand; the ideal is ``ceil(keys / L)``
  round trips.
- (j) 1,000 and 10,000 concurrent ``jobs.wait`` on one client, jobs of 30 s: the
  floor column is aiobyte polling each job (``client.jobs.batch_polls = False``,
  one ``GET /jobs/{jobId}`` per job per poll), the aiobyte column its job watcher
  (``GET /jobs`` list calls shared by every wait). Requests per second, CPU and
  memory per wait, and the worst event-loop lag while they run. Each run has a fresh
  fake (its workspace holds the run's jobs only); waits start 1,000 per loop turn.
  ``waits.py`` runs (j) alone.
"""

# The table's multiplication signs and en dashes are meant.
# ruff: noqa: RUF001

from __future__ import annotations

import dataclasses
import math
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import _worker
from harness import (
    STATS_PATH,
    Context,
    Control,
    Metric,
    Outcome,
    Scenario,
    ServerProcess,
    Settings,
    Summaries,
    WorkerFailed,
    _progress,
    _ratio,
    measure_workers,
    run_worker,
)

LATENCY = 0.05  # seconds per request on the measured routes
LIST_ROUTE = "GET /sources"
GET_ROUTE = "GET /sources/{sourceId}"
FAN_OUT_LIMITS = (10, 50, 200)
FAN_OUT_ROUNDS = 20  # keys per limit: this many round trips at the ideal (quick: 4)
JOB_DURATION = 30.0  # seconds a job runs, after 2 s pending (quick: 1 s)
PAGE_WINDOW = 8  # aiobyte's _config.PAGE_PREFETCH, checked in ideal_listing's caller


def ideal_listing(pages: int, window: int, latency: float) -> tuple[float, int]:
    """Seconds and requests of the pager's schedule with no cost per request.

    The pager's rule: one page in flight at first; each full page read doubles the
    window (up to ``window``) and tops the pages in flight up to it; the last page (a
    short one) drops the rest. Every request takes ``latency``.
    """
    ahead: deque[float] = deque()
    width, now, requests = 1, 0.0, 0

    def top_up() -> None:
        nonlocal requests
        while len(ahead) < width:
            ahead.append(now + latency)
            requests += 1

    top_up()
    for page in range(pages):
        now = max(now, ahead.popleft())
        if page == pages - 1:
            break
        width = min(window, width * 2)
        top_up()
    return now, requests


def _pages_needed(sources: int, size: int) -> int:
    return sources // size + 1  # the last page is short (empty when sources % size == 0)


def _sizes(settings: Settings) -> tuple[int, ...]:
    return (20, 100) if settings.quick else (1_000, 10_000)


def _fan_out_keys(settings: Settings) -> dict[int, int]:
    rounds = 4 if settings.quick else FAN_OUT_ROUNDS
    return {limit: min(settings.sources, limit * rounds) for limit in FAN_OUT_LIMITS}


@contextmanager
def _latency_fake(ctx: Context, *, connections: int = 0) -> Iterator[Context]:
    """A context like ``ctx`` whose server is a fresh fake with the latency injected."""
    extra = [
        "--kinds",
        ",".join(ctx.settings.speed_kinds),
        "--latency",
        f"{LIST_ROUTE}={LATENCY}",
        "--latency",
        f"{GET_ROUTE}={LATENCY}",
    ]
    if connections:
        duration = 1.0 if ctx.settings.quick else JOB_DURATION
        extra += ["--connections", str(connections), "--job-duration", str(duration)]
    server = ServerProcess(sources=ctx.settings.sources, token_latency=0.0, extra=extra)
    with server:
        control = Control(server)
        yield dataclasses.replace(ctx, server=server, control=control)


# -- formats and checks --------------------------------------------------------------------


def _millis(value: float) -> str:
    return f"{value * 1000:,.0f}"


def _micros(value: float) -> str:
    return f"{value * 1e6:,.0f}"


def _times(value: float) -> str:
    return f"{value:.2f}×"


def _one(value: float) -> str:
    return f"{value:,.1f}"


def _whole(value: float) -> str:
    return f"{value:,.0f}"


def _aiobyte(check: Callable[[float], bool]) -> Callable[[Summaries], bool | None]:
    def judged(summaries: Summaries) -> bool | None:
        mine = summaries.get("aiobyte")
        return None if mine is None else bool(check(mine["median"]))

    return judged


def _within(bound: float) -> Callable[[float], bool]:
    return lambda value: value <= bound


def _ratio_at_most(limit: float) -> Callable[[Summaries], bool | None]:
    def judged(summaries: Summaries) -> bool | None:
        ratio = _ratio(summaries, "aiobyte")
        return None if ratio is None else ratio <= limit

    return judged


# -- (h) listing at latency ------------------------------------------------------------------


def _list_ids(ctx: Context) -> list[str]:
    size = ctx.settings.page_size
    ids: list[str] = []
    offset = 0
    while True:  # the control's own requests pay the latency too: once, untimed
        import json

        data = json.loads(ctx.control.get(f"/sources?limit={size}&offset={offset}"))["data"]
        ids += [item["sourceId"] for item in data]
        if len(data) < size:
            return ids
        offset += len(data)


def measure_listing(ctx: Context, scenario: Scenario) -> dict[str, Outcome]:
    settings = ctx.settings
    pages = _pages_needed(settings.sources, settings.page_size)
    ideal_window, _ = ideal_listing(pages, PAGE_WINDOW, LATENCY)
    ideal_sequential = pages * LATENCY
    with _latency_fake(ctx) as sub:
        sub = dataclasses.replace(sub, source_ids=_list_ids(sub))
        outcomes = measure_workers(sub, scenario)
    for side, outcome in outcomes.items():
        ideal = ideal_sequential if side == "raw" else ideal_window
        for run, server in zip(outcome.runs, outcome.server, strict=True):
            run["requests"] = float(server["hits"].get(LIST_ROUTE, 0))
            run["vs_ideal"] = run["wall_s"] / ideal
    ctx.details[scenario.key] = {
        "latency_s": LATENCY,
        "pages_needed": pages,
        "ideal_s": {"raw": ideal_sequential, "aiobyte": ideal_window},
        "window": PAGE_WINDOW,
    }
    return outcomes


def _listing(settings: Settings) -> Scenario:
    pages = _pages_needed(settings.sources, settings.page_size)
    window, _ = ideal_listing(pages, PAGE_WINDOW, LATENCY)
    listed = f"{settings.sources:,}"
    return Scenario(
        "h_list_latency",
        f"(h) list {listed} sources, pages of {settings.page_size}, every request "
        f"{LATENCY * 1000:.0f} ms: raw one page after another, aiobyte's pager as it "
        f"comes (pages fetched ahead, a window of up to {PAGE_WINDOW})",
        (
            Metric(
                "wall_s",
                f"(h) list {listed} sources at {LATENCY * 1000:.0f} ms a request: wall time",
                _millis,
                "ms",
                "≥ 5× faster than floor",
                _ratio_at_most(0.2),
            ),
            Metric(
                "vs_ideal",
                f"(h) over the ideal of its schedule (floor: {pages} pages one at a time, "
                f"{pages * LATENCY * 1000:,.0f} ms; aiobyte: window of {PAGE_WINDOW}, "
                f"{window * 1000:,.0f} ms)",
                _times,
                "",
                "aiobyte ≤ 1.3×",
                _aiobyte(lambda v: v <= 1.3),
                ratio=False,
            ),
            Metric(
                "requests",
                f"(h) requests sent ({pages} pages needed)",
                _whole,
                "",
                f"aiobyte ≤ {pages + PAGE_WINDOW}",
                _aiobyte(lambda v: v <= pages + PAGE_WINDOW),
                ratio=False,
            ),
        ),
        measure_listing,
        task="latency_list",
        sides=("raw", "aiobyte"),
        params=lambda c: {"warm_id": c.source_ids[0], "page_size": c.settings.page_size},
        expected=lambda c: (_worker.digest(c.source_ids), len(c.source_ids)),
    )


# -- (i) fan_out at latency ------------------------------------------------------------------


def measure_fan_out(ctx: Context, scenario: Scenario) -> dict[str, Outcome]:
    with _latency_fake(ctx) as sub:
        # Sources are created in order: the first page holds the first ids.
        keys = _fan_out_keys(ctx.settings)
        ids = _list_ids(sub)[: max(keys.values())]
        sub = dataclasses.replace(sub, source_ids=ids)
        outcomes = measure_workers(sub, scenario)
    for outcome in outcomes.values():
        for run in outcome.runs:
            for limit, n in keys.items():
                if f"wall_s_{limit}" in run:
                    run[f"vs_ideal_{limit}"] = run[f"wall_s_{limit}"] / (
                        math.ceil(n / limit) * LATENCY
                    )
    ctx.details[scenario.key] = {
        "latency_s": LATENCY,
        "keys": keys,
        "ideal_s": {str(limit): math.ceil(n / limit) * LATENCY for limit, n in keys.items()},
        "aiobyte_max_in_flight": "max(limit, 32)",
    }
    return outcomes


def _fan_out(settings: Settings) -> Scenario:
    keys = _fan_out_keys(settings)
    metrics = []
    for limit, count in keys.items():
        ideal = math.ceil(count / limit) * LATENCY
        # Judged against the floor, not the ideal: the ideal assumes a server that keeps
        # up with any limit, and at 200 in flight the fake (one process) does not, for
        # hand-written code either. What fan_out adds is what the ratio to the floor shows.
        metrics.append(
            Metric(
                f"wall_s_{limit}",
                f"(i) fan_out limit {limit}, {count:,} gets at {LATENCY * 1000:.0f} ms: "
                f"wall time (ideal {ideal * 1000:,.0f} ms)",
                _millis,
                "ms",
                "≤ 1.1× floor",
                _ratio_at_most(1.1),
            )
        )
        metrics.append(
            Metric(
                f"vs_ideal_{limit}",
                f"(i) fan_out limit {limit}: over the ideal ({math.ceil(count / limit)} round "
                "trips)",
                _times,
                "",
                ratio=False,
            )
        )

    def expected(ctx: Context) -> tuple[str, int]:
        wanted = [i for n in keys.values() for i in ctx.source_ids[:n]]
        return _worker.digest(wanted), len(wanted)

    return Scenario(
        "i_fan_out_latency",
        f"(i) fan_out at limits {', '.join(map(str, FAN_OUT_LIMITS))}: GET /sources/{{id}} "
        f"at {LATENCY * 1000:.0f} ms, {FAN_OUT_ROUNDS if not settings.quick else 4} round "
        "trips of keys per limit; the floor: asyncio.Semaphore(limit) and gather; aiobyte: "
        "fan_out on a client with max_in_flight = max(limit, 32)",
        tuple(metrics),
        measure_fan_out,
        task="latency_fanout",
        sides=("raw", "aiobyte"),
        params=lambda c: {"ids": c.source_ids, "keys": {str(k): n for k, n in keys.items()}},
        expected=expected,
    )


# -- (j) many concurrent waits ---------------------------------------------------------------

_WAIT_METRICS = ("requests", "requests_per_s", "cpu_per_wait_s", "kib_per_wait", "lag_ms")


def measure_waits(ctx: Context, scenario: Scenario) -> dict[str, Outcome]:
    sizes = _sizes(ctx.settings)
    outcomes = {"raw": Outcome(), "aiobyte": Outcome()}
    merged: dict[str, dict[str, float]] = {"raw": {}, "aiobyte": {}}
    servers: dict[str, list[dict[str, Any]]] = {"raw": [], "aiobyte": []}
    for n in sizes:
        for side, batch in (("raw", False), ("aiobyte", True)):
            if outcomes[side].status is not None:
                continue
            # A fresh fake for every run: n waits on n jobs, not on the jobs that the
            # runs before left (the watcher copes with those, but they are not the
            # scenario measured, and they would differ between the runs).
            with _latency_fake(ctx, connections=n) as sub:
                connections = [c["connectionId"] for c in _all(sub, "connections")]
                params = sub.params(
                    connections=connections,
                    waits=n,
                    batch=batch,
                    stats_url=sub.server.url + STATS_PATH,
                )
                try:
                    result = run_worker("waits", "aiobyte", params, ctx.scratch)
                except WorkerFailed as exc:
                    outcomes[side].status = f"failed: {exc}"
                    _progress(f"  {n} waits, batched={batch}: FAILED: {exc}")
                    continue
                metrics = result["metrics"]
                merged[side] |= {f"{key}_{n}": metrics[key] for key in _WAIT_METRICS}
                servers[side].append({"waits": n, **metrics})
                _progress(
                    f"  {n} waits, batched={batch}: {metrics['requests']:,.0f} requests, "
                    f"{metrics['wall_s']:.1f} s"
                )
    for side, outcome in outcomes.items():
        if outcome.status is None:
            outcome.runs.append(merged[side])
            outcome.server = servers[side]
    ctx.details[scenario.key] = {
        "job_duration_s": 1.0 if ctx.settings.quick else JOB_DURATION,
        "floor": "aiobyte with client.jobs.batch_polls = False (one GET per job per poll)",
        "aiobyte": "aiobyte's job watcher (the default)",
    }
    return outcomes


def _all(ctx: Context, collection: str) -> list[dict[str, Any]]:
    import json

    items: list[dict[str, Any]] = []
    offset = 0
    while True:
        data = json.loads(ctx.control.get(f"/{collection}?limit=100&offset={offset}"))["data"]
        items += data
        if len(data) < 100:
            return items
        offset += len(data)


def _waits(settings: Settings) -> Scenario:
    metrics: list[Metric] = []
    for n in _sizes(settings):
        big = n == max(_sizes(settings))
        label = f"(j) {n:,} waits, per job (floor) vs batched"
        metrics += [
            Metric(
                f"requests_{n}",
                f"{label}: requests",
                _whole,
                "",
                "≥ 20× fewer" if big else "—",
                _ratio_at_most(1 / 20) if big else None,
            ),
            Metric(f"requests_per_s_{n}", f"{label}: requests per second", _whole, "req/s"),
            Metric(f"cpu_per_wait_s_{n}", f"{label}: CPU per wait", _micros, "µs"),
            Metric(f"kib_per_wait_{n}", f"{label}: memory per wait", _one, "KiB"),
            Metric(
                f"lag_ms_{n}",
                f"{label}: worst event-loop lag",
                _one,
                "ms",
                "aiobyte ≤ 50 ms" if big else "—",
                _aiobyte(lambda v: v <= 50.0) if big else None,
            ),
        ]
    duration = 1.0 if settings.quick else JOB_DURATION
    return Scenario(
        "j_waits",
        f"(j) {' and '.join(f'{n:,}' for n in _sizes(settings))} concurrent jobs.wait on "
        f"one client, jobs of {duration:g} s: floor column aiobyte polling each job "
        "(batch_polls=False), aiobyte column its job watcher; one run each",
        tuple(metrics),
        measure_waits,
        sides=("raw", "aiobyte"),
    )


def scenarios(settings: Settings) -> list[Scenario]:
    """(h), (i) and (j), in table order."""
    return [_listing(settings), _fan_out(settings), _waits(settings)]
