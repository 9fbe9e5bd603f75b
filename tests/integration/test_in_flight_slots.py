"""The in-flight bound when callers that wait for a slot are cancelled.

A slot given back goes straight to the first caller still waiting; a caller cancelled
while it waits leaves the queue, and one cancelled just after it was handed a slot
passes the slot on. Either way no slot is lost (later callers would wait for ever) and
none is made up (more requests than the bound at once).
"""

from __future__ import annotations

import asyncio

import anyio
import pytest

import aiobyte
from aiobyte.testing import FakeAirbyte

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.fake_airbyte(
        data={"workspaces": 1, "sources": 0, "destinations": 0, "connections": 0, "jobs": 0}
    ),
]

ROUTE = "GET /workspaces/{workspaceId}"


def workspace_id(fake: FakeAirbyte) -> str:
    return next(iter(fake.state.workspaces.ids()))


async def test_callers_cancelled_while_they_wait_leave_the_bound_whole(fake: FakeAirbyte) -> None:
    ws = workspace_id(fake)
    async with fake.client(max_in_flight=2) as client:
        await client.workspaces.get(ws)  # the token
        fake.faults.inject(ROUTE, latency=0.05, times=None)
        with anyio.fail_after(30):
            tasks = [asyncio.create_task(client.workspaces.get(ws)) for _ in range(20)]
            await asyncio.sleep(0.01)  # two in flight, eighteen waiting
            cancelled = tasks[3::2]
            for task in cancelled:
                task.cancel()
            done = await asyncio.gather(*tasks, return_exceptions=True)
            # the bound is whole: ten more go through, two at a time
            again = await asyncio.gather(*(client.workspaces.get(ws) for _ in range(10)))
    for task, result in zip(tasks, done, strict=True):
        if task in cancelled:
            assert isinstance(result, asyncio.CancelledError)
        else:
            assert isinstance(result, aiobyte.models.Workspace)
    assert len(again) == 10
    assert fake.stats.max_in_flight_by_route[ROUTE] == 2
    assert fake.stats.hits[ROUTE] == 1 + len(tasks) - len(cancelled) + 10


async def test_a_caller_cancelled_as_it_is_handed_a_slot_passes_it_on(fake: FakeAirbyte) -> None:
    ws = workspace_id(fake)
    waiting: list[asyncio.Task[aiobyte.models.Workspace]] = []

    def cancel_the_next_caller(response: aiobyte.RawResponse) -> None:
        # Called right after the first request gave its slot back, which handed it to
        # the first waiter: that one is cancelled before it could run.
        waiting[0].cancel()

    async with fake.client(max_in_flight=1) as client:
        await client.workspaces.get(ws)  # the token
        fake.faults.inject(ROUTE, latency=0.1, times=1)
        first = client.with_options(on_response=cancel_the_next_caller).workspaces.get(ws)
        with anyio.fail_after(10):  # a slot lost: the third caller would wait for ever
            holder = asyncio.create_task(first)
            await asyncio.sleep(0.02)  # the holder is in flight
            waiting.append(asyncio.create_task(client.workspaces.get(ws)))
            waiting.append(asyncio.create_task(client.workspaces.get(ws)))
            await asyncio.sleep(0)
            results = await asyncio.gather(holder, *waiting, return_exceptions=True)
    assert isinstance(results[0], aiobyte.models.Workspace)
    assert isinstance(results[1], asyncio.CancelledError)
    assert isinstance(results[2], aiobyte.models.Workspace)
    assert fake.stats.hits[ROUTE] == 1 + 2
    assert fake.stats.max_in_flight_by_route[ROUTE] == 1
