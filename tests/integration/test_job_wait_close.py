"""A wait sleeping between polls ends at once with ClientClosedError when its client is
closed, and a cancelled wait leaves no timer behind.

The clock here never moves: a sleep between polls lasts for ever, so a wait that is
not ended by the close itself would hang (the ``fail_after`` guards against that).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import anyio
import pytest

import aiobyte
from aiobyte.testing import FakeAirbyte

pytestmark = pytest.mark.anyio


class FrozenClock:
    """Time stands still; sleeps never end (unless cancelled)."""

    def monotonic(self) -> float:
        return 1000.0

    def time(self) -> float:
        return 1_800_000_000.0

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep_forever()


async def _sleeping_waits(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient, count: int
) -> list[asyncio.Task[aiobyte.models.Job]]:
    seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=count, jobs=0)
    fake.plan_jobs(None, queued_for=0, duration=3600)
    jobs = [await client.jobs.start(c) for c in seeded.connections]
    fake.stats.reset()
    tasks = [asyncio.ensure_future(client.jobs.wait(job.job_id)) for job in jobs]
    # Every wait has read its job once and sleeps: requests come, then stop (the clock
    # never moves, so no second poll is ever due).
    quiet, seen = 0, -1
    for _ in range(1000):
        await asyncio.sleep(0.01)
        now = sum(fake.stats.hits.values())
        quiet = quiet + 1 if now == seen and now > 0 else 0
        seen = now
        if quiet == 20:
            break
    assert not any(t.done() for t in tasks)
    return tasks


@pytest.mark.parametrize("count", [1, 50])  # a lone wait, and batched waits
async def test_closing_the_client_ends_sleeping_waits_with_client_closed(count: int) -> None:
    clock = FrozenClock()
    async with FakeAirbyte() as fake:
        client = fake.client(clock=clock)  # type: ignore[arg-type]
        async with client:
            tasks = await _sleeping_waits(fake, client, count)
            requests = sum(fake.stats.hits.values())
        with anyio.fail_after(10):
            results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(r, aiobyte.ClientClosedError) for r in results), results
        assert sum(fake.stats.hits.values()) == requests  # ended by the close, not by another poll


async def test_a_sleeping_wait_cancelled_leaves_no_task_behind() -> None:
    clock = FrozenClock()
    async with FakeAirbyte() as fake, fake.client(clock=clock) as client:  # type: ignore[arg-type]
        before = asyncio.all_tasks()
        tasks = await _sleeping_waits(fake, client, 10)
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(r, asyncio.CancelledError) for r in results), results
        await asyncio.sleep(0)
        left = [t for t in asyncio.all_tasks() - before if _of_the_client(t)]
        assert not left, left


def _of_the_client(task: asyncio.Task[object]) -> bool:
    """A task running aiobyte's own code (not the fake server's, nor aiohttp's)."""
    code = getattr(task.get_coro(), "cr_code", None)
    where = Path(code.co_filename).resolve() if code is not None else None
    package = Path(aiobyte.__file__).resolve().parent
    return where is not None and package in where.parents and "testing" not in where.parts
