"""The worker tasks of scenarios (h), (i) and (j) (``latency.py``), run by ``_worker.py``.

Each runs in a fresh process against a fake (in a process of its own) that answers
``GET /sources`` and ``GET /sources/{sourceId}`` after an injected latency:

- ``latency_list`` (h): every source, pages of 100. raw: one page after another, as
  hand-written code does; aiobyte: its pager as it comes (pages fetched ahead).
- ``latency_fanout`` (i): ``GET /sources/{id}`` for every key at each limit. raw: an
  ``asyncio.Semaphore(limit)`` and ``gather``, a pool of ``limit`` connections;
  aiobyte: ``fan_out(client.sources.get, keys, limit=limit)`` on a client whose
  ``max_in_flight`` is at least the limit (the documented rule: ``fan_out`` warns when
  its limit is above the bound of the client it calls).
- ``waits`` (j): ``jobs.wait`` on one job of each of ``waits`` connections at once, one
  client, batched (the job watcher) or per job (``client.jobs.batch_polls = False``),
  the waits started ``STARTS_PER_TURN`` per turn of the loop.

Only the standard library is imported at the top: ``_worker.py`` imports this module in
every worker process.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable
from typing import Any

JSON = dict[str, Any]
STARTS_PER_TURN = 1_000  # (j): waits started per loop turn, as they arrive in an orchestrator


def _is_raw(side: Any) -> bool:
    return type(side).__name__ == "RawSide"


class _RssSampler:
    """The largest resident size seen, sampled every 50 ms while a run goes on."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _sample(self) -> None:
        import _worker

        while True:
            self.peak = max(self.peak, _worker.current_rss_mib() or 0.0)
            await asyncio.sleep(0.05)

    async def __aenter__(self) -> _RssSampler:
        self._task = asyncio.create_task(self._sample())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        import _worker

        self.peak = max(self.peak, _worker.current_rss_mib() or 0.0)
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


async def _raw_session(p: JSON, pool: int) -> tuple[Any, str]:
    import _raw
    import aiohttp

    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=pool))
    token = await _raw.fetch_token(session, p["base_url"], p["client_id"], p["client_secret"])
    return session, token


def _client(p: JSON, **options: Any) -> Any:
    import aiobyte

    return aiobyte.AirbyteClient(
        base_url=p["base_url"],
        client_id=p["client_id"],
        client_secret=p["client_secret"],
        **options,
    )


async def task_latency_list(side: Any, p: JSON) -> JSON:
    """(h) Every source, pages of ``page_size``, at the fake's injected latency."""
    import _worker

    size = p["page_size"]
    if _is_raw(side):
        import _raw

        session, token = await _raw_session(p, 100)
        try:
            await _raw.get_sources(session, p["base_url"], token, [p["warm_id"]], 1)
            gc.collect()
            started = time.perf_counter()
            items = await _raw.list_sources(session, p["base_url"], token, size)
            elapsed = time.perf_counter() - started
        finally:
            await session.close()
        ids = [s.source_id for s in items]
    else:
        async with _client(p) as client:
            await client.sources.get(p["warm_id"])
            gc.collect()
            started = time.perf_counter()
            ids = [s.source_id async for s in client.sources.list(page_size=size)]
            elapsed = time.perf_counter() - started
    return {"metrics": {"wall_s": elapsed}, "ids": _worker.digest(ids), "count": len(ids)}


async def task_latency_fanout(side: Any, p: JSON) -> JSON:
    """(i) ``GET /sources/{id}`` for ``keys[limit]`` keys at each limit: seconds each."""
    import _worker

    metrics: JSON = {}
    got_all: list[str] = []
    for limit_text, count in p["keys"].items():
        limit = int(limit_text)
        keys: list[str] = p["ids"][:count]
        if _is_raw(side):
            import _raw

            session, token = await _raw_session(p, limit)
            try:
                # every connection open first, as for aiobyte
                await _raw.get_sources(session, p["base_url"], token, keys[:limit], limit)
                gc.collect()
                started = time.perf_counter()
                items = await _raw.get_sources(session, p["base_url"], token, keys, limit)
                elapsed = time.perf_counter() - started
            finally:
                await session.close()
            got = [s.source_id for s in items]
        else:
            import aiobyte

            async with _client(p, max_in_flight=max(limit, 32)) as client:
                async with aiobyte.fan_out(client.sources.get, keys[:limit], limit=limit) as warm:
                    async for outcome in warm:
                        outcome.unwrap()
                gc.collect()
                found: dict[str, str] = {}
                started = time.perf_counter()
                async with aiobyte.fan_out(client.sources.get, keys, limit=limit) as results:
                    async for outcome in results:
                        found[outcome.key] = outcome.unwrap().source_id
                elapsed = time.perf_counter() - started
            got = [found[key] for key in keys]  # in the keys' order, as raw's gather
        metrics[f"wall_s_{limit}"] = elapsed
        got_all += got
    return {"metrics": metrics, "ids": _worker.digest(got_all), "count": len(got_all)}


async def _started(wait: Callable[[int], Any], job_ids: list[int]) -> list[Any]:
    """A task per wait, STARTS_PER_TURN per turn of the event loop (as waits arrive in an
    orchestrator): a task's first step alone takes microseconds, and 10,000 started in
    one turn would hold the loop for the caller's sake, not the client's."""
    tasks = []
    for start in range(0, len(job_ids), STARTS_PER_TURN):
        tasks += [asyncio.ensure_future(wait(j)) for j in job_ids[start : start + STARTS_PER_TURN]]
        await asyncio.sleep(0)
    return tasks


async def _fake_stats(url: str) -> JSON:
    import _worker

    stats: JSON = await asyncio.to_thread(_worker.fake_stats, url)
    return stats


def _job_requests(before: JSON, after: JSON) -> dict[str, int]:
    routes = ("GET /jobs", "GET /jobs/{jobId}")
    return {r: after["hits"].get(r, 0) - before["hits"].get(r, 0) for r in routes}


async def task_waits(side: Any, p: JSON) -> JSON:
    """(j) ``waits`` concurrent ``jobs.wait`` on one client, batched or per job."""
    import _worker

    import aiobyte

    connections: list[str] = p["connections"][: p["waits"]]
    async with _client(p) as client:
        client.jobs.batch_polls = bool(p["batch"])
        async with aiobyte.fan_out(client.jobs.create, connections, limit=32) as created:
            job_ids = [outcome.unwrap().job_id async for outcome in created]
        gc.collect()
        rss = _worker.current_rss_mib() or 0.0
        before = await _fake_stats(p["stats_url"])
        cpu = time.process_time()
        async with _worker.Heartbeat() as heartbeat, _RssSampler() as memory:
            started = time.perf_counter()
            jobs = await asyncio.gather(*await _started(client.jobs.wait, job_ids))
            elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        peak = memory.peak
        after = await _fake_stats(p["stats_url"])
    unfinished = [job.job_id for job in jobs if job.status.value != "succeeded"]
    if unfinished:
        raise RuntimeError(f"{len(unfinished)} waits ended before their job succeeded")
    hits = _job_requests(before, after)
    requests = sum(hits.values())
    n = len(job_ids)
    metrics: JSON = {
        "requests": float(requests),
        "list_requests": float(hits["GET /jobs"]),
        "get_requests": float(hits["GET /jobs/{jobId}"]),
        "requests_per_s": requests / elapsed,
        "cpu_per_wait_s": cpu / n,
        "kib_per_wait": max(0.0, peak - rss) * 1024 / n,
        "lag_ms": heartbeat.worst * 1000,
        "wall_s": elapsed,
    }
    return {"metrics": metrics, "ids": _worker.digest([str(j) for j in job_ids]), "count": n}


TASKS: dict[str, Callable[[Any, JSON], Any]] = {
    "latency_list": task_latency_list,
    "latency_fanout": task_latency_fanout,
    "waits": task_waits,
}
