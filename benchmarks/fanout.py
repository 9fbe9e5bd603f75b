"""How close ``aiobyte.fan_out`` comes to the ideal time of a bounded fan-out.

    python benchmarks/fanout.py                 # 1,000 workspaces, bounds 10, 20, 50
    python benchmarks/fanout.py --quick         # a smoke run
    python benchmarks/fanout.py --keys 5000 --bounds 32 --latency 0.02

Each workspace is listed with ``client.sources.list(workspace_ids=[ws])``: one request
per workspace (a short page is the last, so no second request). The fake Airbyte
answers every listing after ``--latency`` seconds; it runs on an event loop of its own,
in a thread, so the client's loop does only the client's work. With ``bound`` calls in
flight, the ideal is ``ceil(requests / bound) x latency``; the ratio printed is the
measured time over that ideal (1.00 is perfect; the rest is the client's and the
fake's own work per request, the GIL they share included).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import threading
import time
from collections.abc import Sequence

import anyio

import aiobyte
from aiobyte.testing import FakeAirbyte

LIST_ROUTE = "GET /sources"


class FakeInThread:
    """A FakeAirbyte serving from its own event loop in a daemon thread."""

    def __init__(self, fake: FakeAirbyte) -> None:
        self.fake = fake
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="fake-airbyte", daemon=True)

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported by start()
            self._error = exc
            self._ready.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with self.fake:
            self._ready.set()
            await self._stop.wait()

    def __enter__(self) -> FakeAirbyte:
        self._thread.start()
        if not self._ready.wait(timeout=10) or self._error is not None:
            raise RuntimeError(f"the fake did not start: {self._error!r}")
        return self.fake

    def __exit__(self, *exc_info: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=10)


async def measure(fake: FakeAirbyte, workspace_ids: Sequence[str], bound: int) -> float:
    """Seconds to list every workspace's sources with ``fan_out(..., limit=bound)``."""
    async with fake.client(max_in_flight=bound) as client:
        # Warm up: the token and ``bound`` pooled connections, outside the measure.
        async with aiobyte.fan_out(client.workspaces.get, workspace_ids[:bound], limit=bound) as w:
            async for outcome in w:
                outcome.unwrap()
        started = time.perf_counter()
        failures = 0
        async with aiobyte.fan_out(
            lambda ws: client.sources.list(workspace_ids=[ws]), workspace_ids, limit=bound
        ) as results:
            async for listed in results:
                failures += not listed.ok
        elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{failures} workspaces failed to list")
    return elapsed


async def main_async(keys: int, bounds: list[int], latency: float, repeat: int) -> None:
    fake = FakeAirbyte(record_requests=False, token_lifetime=3600)
    seeded = fake.seed(workspaces=keys, sources=1, destinations=0, connections=0, jobs=0)
    fake.faults.inject(LIST_ROUTE, latency=latency, times=None)
    print(f"fan_out over {keys} workspaces, one request each, {latency * 1000:g} ms latency")
    print(f"{'bound':>6} {'requests':>9} {'ideal s':>8} {'best s':>8} {'ratio':>6}")
    with FakeInThread(fake):
        for bound in bounds:
            best = math.inf
            for _ in range(repeat):
                before = fake.stats.hits[LIST_ROUTE]
                best = min(best, await measure(fake, seeded.workspace_ids, bound))
                requests = fake.stats.hits[LIST_ROUTE] - before
            ideal = math.ceil(requests / bound) * latency
            print(f"{bound:>6} {requests:>9} {ideal:>8.3f} {best:>8.3f} {best / ideal:>6.2f}")
            most = fake.stats.max_in_flight_by_route[LIST_ROUTE]
            if most > bound:
                raise RuntimeError(f"the fake saw {most} requests in flight, over {bound}")
            fake.stats.reset()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keys", type=int, default=1000, help="workspaces (default 1000)")
    parser.add_argument(
        "--bounds",
        type=lambda text: [int(b) for b in text.split(",")],
        default=[10, 20, 50],
        help="comma-separated concurrency bounds (default 10,20,50)",
    )
    parser.add_argument(
        "--latency", type=float, default=0.05, help="seconds per request (default 0.05)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per bound, best kept")
    parser.add_argument("--quick", action="store_true", help="200 keys, one run per bound")
    args = parser.parse_args(argv)
    if args.quick:
        args.keys, args.repeat = 200, 1
    anyio.run(main_async, args.keys, args.bounds, args.latency, args.repeat)


if __name__ == "__main__":
    main()
