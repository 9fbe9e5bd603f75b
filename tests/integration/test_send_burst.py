"""A client with a large in-flight bound starts at most SEND_BURST requests per turn of
the event loop: 500 callers released at once (a token arrived) do not open 500
connections in one turn while every other task waits (issue 16: worst loop lag at 500
in flight)."""

from __future__ import annotations

import asyncio
from collections import Counter
from types import SimpleNamespace
from typing import Any

import aiohttp
import anyio
import pytest

from aiobyte import _config
from aiobyte.testing import FakeAirbyte

pytestmark = pytest.mark.anyio


class Turns:
    """Counts the turns of the event loop: a callback that reschedules itself."""

    def __init__(self) -> None:
        self.now = 0
        self._stopped = False

    def _tick(self) -> None:
        if not self._stopped:
            self.now += 1
            asyncio.get_running_loop().call_soon(self._tick)

    def __enter__(self) -> Turns:
        asyncio.get_running_loop().call_soon(self._tick)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped = True


async def test_hundreds_released_at_once_start_a_burst_per_turn() -> None:
    callers = 300
    async with FakeAirbyte(record_requests=False, token_lifetime=3600) as fake:
        seeded = fake.seed(workspaces=1, sources=callers, destinations=0, connections=0, jobs=0)
        fake.faults.inject("POST /applications/token", latency=0.2, times=None)
        started: Counter[int] = Counter()
        trace = aiohttp.TraceConfig()
        turns = Turns()

        async def on_start(session: Any, context: SimpleNamespace, params: Any) -> None:
            if "/sources/" in str(params.url):
                started[turns.now] += 1

        trace.on_request_start.append(on_start)
        connector = aiohttp.TCPConnector(limit=0)
        async with (
            aiohttp.ClientSession(connector=connector, trace_configs=[trace]) as session,
            fake.client(session=session, max_in_flight=callers) as client,
        ):
            with turns:
                with anyio.fail_after(30):
                    got = await asyncio.gather(*(client.sources.get(s) for s in seeded.sources))
        assert [s.source_id for s in got] == seeded.sources
        assert sum(started.values()) == callers
        # Every caller waited for the one token, then they went a burst per turn.
        assert max(started.values()) <= _config.SEND_BURST
        assert len(started) >= callers // _config.SEND_BURST
