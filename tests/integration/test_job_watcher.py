"""Many concurrent waits on one client: polls batched into list calls, no final state
missed, the same timeouts and cancellation as one wait alone.

Waits run on a virtual clock shared by fake and client: a sleep waits until every task
is blocked, then time jumps to the earliest sleeper's deadline. Hours of syncs take a
second of real time, and when each wait returned is measured in the jobs' own time.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio
import anyio.lowlevel
import pytest

import aiobyte
from aiobyte import _config
from aiobyte.models import JobStatus
from aiobyte.testing import FakeAirbyte

pytestmark = pytest.mark.anyio

GET_JOB = "GET /jobs/{jobId}"
LIST_JOBS = "GET /jobs"


class VirtualClock:
    """A clock whose sleeps end in deadline order, time jumping whenever all are idle."""

    QUANTUM = 0.5

    def __init__(self) -> None:
        self._mono = 1000.0
        self._wall = 1_800_000_000.0
        self._sleepers: list[tuple[float, int, anyio.Event]] = []
        self._order = itertools.count()

    def monotonic(self) -> float:
        return self._mono

    def time(self) -> float:
        return self._wall

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await anyio.lowlevel.checkpoint()
            return
        woken = anyio.Event()
        heapq.heappush(self._sleepers, (self._mono + seconds, next(self._order), woken))
        await woken.wait()

    async def drive(self) -> None:
        """Run for ever: when every other task is blocked, wake the earliest sleepers."""
        while True:
            await anyio.wait_all_tasks_blocked()
            if not self._sleepers:
                await anyio.sleep(0.001)  # blocked on I/O, not on time
                continue
            # Sleepers due within a quantum of the first wake together: fewer steps.
            deadline = self._sleepers[0][0] + self.QUANTUM
            deadline = max(d for d, _, _ in self._sleepers if d <= deadline)
            if deadline > self._mono:
                self._wall += deadline - self._mono
                self._mono = deadline
            while self._sleepers and self._sleepers[0][0] <= self._mono:
                heapq.heappop(self._sleepers)[2].set()


@dataclass
class Setup:
    fake: FakeAirbyte
    client: aiobyte.AirbyteClient
    clock: VirtualClock
    connections: list[str]


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    clock = VirtualClock()
    async with FakeAirbyte(clock=clock) as fake:  # type: ignore[arg-type]
        seeded = fake.seed(workspaces=2, sources=1, destinations=1, connections=40, jobs=0)
        async with fake.client(clock=clock) as client:  # type: ignore[arg-type]
            async with anyio.create_task_group() as tg:
                tg.start_soon(clock.drive)
                yield Setup(fake, client, clock, seeded.connections)
                tg.cancel_scope.cancel()


async def _wait_all(
    setup: Setup,
    *,
    seed: int,
    timeout: float | None = None,  # noqa: ASYNC109 (jobs.wait's)
) -> tuple[dict[int, aiobyte.models.Job | BaseException], dict[int, float], dict[int, float]]:
    """Start a job on every connection with random plans; wait for all at once.

    Returns each job's result, when its wait returned, and when the job ended."""
    rng = random.Random(seed)
    ends: dict[int, float] = {}
    outcomes = ["succeeded", "failed", "cancelled"]
    plans = {}
    for connection_id in setup.connections:
        queued, duration = rng.uniform(0, 30), rng.uniform(20, 400)
        plans[connection_id] = (queued, duration)
        setup.fake.plan_jobs(
            connection_id, queued_for=queued, duration=duration, outcome=rng.choice(outcomes)
        )
    jobs = [await setup.client.jobs.start(c) for c in setup.connections]
    started = setup.clock.monotonic()
    for job in jobs:
        queued, duration = plans[job.connection_id]
        ends[job.job_id] = started + queued + duration
    results: dict[int, aiobyte.models.Job | BaseException] = {}
    returned: dict[int, float] = {}

    async def wait(job_id: int) -> None:
        try:
            results[job_id] = await setup.client.jobs.wait(job_id, timeout=timeout)
        except aiobyte.AirbyteError as exc:
            results[job_id] = exc
        returned[job_id] = setup.clock.monotonic()

    with anyio.fail_after(30):
        async with anyio.create_task_group() as tg:
            for job in jobs:
                tg.start_soon(wait, job.job_id)
    return results, returned, ends


async def test_many_waits_share_list_calls_and_each_ends_with_its_job(setup: Setup) -> None:
    results, returned, ends = await _wait_all(setup, seed=1)
    for job_id, result in results.items():
        assert isinstance(result, aiobyte.models.Job), result
        assert result.job_id == job_id
        assert result.status in aiobyte.FINAL_STATUSES
        # Noticed at the first poll after it ended: one poll interval, one round late.
        late = returned[job_id] - ends[job_id]
        assert (
            0
            <= late
            <= _config.JOB_POLL_MAX + _config.JOB_WATCH_ROUND_MIN + 2 * VirtualClock.QUANTUM
        )
        truth = await setup.client.jobs.get(job_id)
        assert result.status is truth.status
    batched = setup.fake.stats.hits[GET_JOB] + setup.fake.stats.hits[LIST_JOBS]

    setup.fake.stats.reset()
    setup.client.jobs.batch_polls = False
    results, returned, ends = await _wait_all(setup, seed=1)
    assert all(isinstance(r, aiobyte.models.Job) for r in results.values())
    alone = setup.fake.stats.hits[GET_JOB]
    assert setup.fake.stats.hits[LIST_JOBS] == 0
    # 80 jobs: a page or two a round instead of a GET per job per poll. (The saving
    # grows with the number of waits: see the benchmarks.)
    assert batched * 3 < alone, (batched, alone)


async def test_unwatched_noise_past_the_page_limit_falls_back_to_direct_polls(
    setup: Setup,
) -> None:
    # Hundreds of other jobs changing all the time fill the pages the rounds may read.
    noise = setup.fake.seed(workspaces=1, sources=1, destinations=1, connections=400, jobs=0)
    for connection_id in noise.connections:
        setup.fake.plan_jobs(connection_id, queued_for=0, duration=10**6)
        await setup.client.jobs.start(connection_id)
    began = setup.clock.monotonic()
    results, returned, ends = await _wait_all(setup, seed=2)
    # Crowded out: a round (of 4 pages) a minute at most, not one every two seconds.
    span = max(returned.values()) - began
    assert setup.fake.stats.hits[LIST_JOBS] <= 4 * (span / _config.JOB_WATCH_STALE + 1)
    for job_id, result in results.items():
        assert isinstance(result, aiobyte.models.Job), result
        late = returned[job_id] - ends[job_id]
        assert (
            0 <= late <= _config.JOB_WATCH_STALE + _config.JOB_POLL_MAX + 2 * VirtualClock.QUANTUM
        )


async def test_a_refused_list_call_turns_batching_off_for_good(setup: Setup) -> None:
    setup.fake.faults.inject(LIST_JOBS, status=403, times=1)
    results, _, _ = await _wait_all(setup, seed=3)
    assert all(isinstance(r, aiobyte.models.Job) for r in results.values())
    assert setup.fake.stats.hits[LIST_JOBS] == 1  # the refused one, never again


async def test_a_failing_round_is_ridden_out_by_direct_polls(setup: Setup) -> None:
    setup.fake.faults.inject(LIST_JOBS, status=502, times=None, probability=0.5)
    results, _, _ = await _wait_all(setup, seed=4)
    assert all(isinstance(r, aiobyte.models.Job) for r in results.values())
    assert setup.fake.stats.hits[LIST_JOBS] > 1  # a passing failure does not stop batching


async def test_batched_waits_time_out_as_single_ones_do(setup: Setup) -> None:
    results, returned, ends = await _wait_all(setup, seed=5, timeout=300)
    timed_out = [r for r in results.values() if isinstance(r, aiobyte.JobTimeoutError)]
    finished = [r for r in results.values() if isinstance(r, aiobyte.models.Job)]
    assert timed_out
    assert finished
    assert len(timed_out) + len(finished) == len(results)
    for error in timed_out:
        assert error.last_status in ("pending", "running")
        assert ends[error.job_id] > returned[error.job_id]


async def test_cancelling_some_waits_leaves_the_others_waiting(setup: Setup) -> None:
    for connection_id in setup.connections:
        setup.fake.plan_jobs(connection_id, queued_for=0, duration=120)
    jobs = [await setup.client.jobs.start(c) for c in setup.connections]
    done: dict[int, JobStatus] = {}

    async def wait(job_id: int) -> None:
        done[job_id] = (await setup.client.jobs.wait(job_id)).status

    with anyio.fail_after(30):
        async with anyio.create_task_group() as outer:
            async with anyio.create_task_group() as doomed:
                for job in jobs[::2]:
                    doomed.start_soon(wait, job.job_id)
                for job in jobs[1::2]:
                    outer.start_soon(wait, job.job_id)
                await setup.clock.sleep(20)  # a few rounds in
                doomed.cancel_scope.cancel()
    assert set(done) == {job.job_id for job in jobs[1::2]}
    assert set(done.values()) == {JobStatus.SUCCEEDED}
