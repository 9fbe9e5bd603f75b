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


Outcomes = tuple[dict[int, aiobyte.models.Job | BaseException], dict[int, float], dict[int, float]]


async def _start_planned(setup: Setup, *, seed: int) -> list[tuple[aiobyte.models.Job, float]]:
    """A job on every connection with a random plan; each with when it will end."""
    rng = random.Random(seed)
    outcomes = ["succeeded", "failed", "cancelled"]
    plans = {}
    for connection_id in setup.connections:
        queued, duration = rng.uniform(0, 30), rng.uniform(20, 400)
        plans[connection_id] = queued + duration
        setup.fake.plan_jobs(
            connection_id, queued_for=queued, duration=duration, outcome=rng.choice(outcomes)
        )
    jobs = []
    for connection_id in setup.connections:
        started = setup.clock.monotonic()  # the job is created after this
        jobs.append((await setup.client.jobs.start(connection_id), started))
    return [(job, started + plans[job.connection_id]) for job, started in jobs]


async def _wait_for(
    setup: Setup,
    jobs: list[tuple[aiobyte.models.Job, float]],
    *,
    timeout: float | None = None,  # noqa: ASYNC109 (jobs.wait's)
) -> Outcomes:
    """Wait for every job at once: each one's result, when its wait returned, and when
    the job ended."""
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
            for job, _ in jobs:
                tg.start_soon(wait, job.job_id)
    return results, returned, {job.job_id: end for job, end in jobs}


async def _wait_all(
    setup: Setup,
    *,
    seed: int,
    timeout: float | None = None,  # noqa: ASYNC109 (jobs.wait's)
) -> Outcomes:
    """Start a job on every connection with random plans; wait for all at once."""
    return await _wait_for(setup, await _start_planned(setup, seed=seed), timeout=timeout)


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
    # Hundreds of other jobs, started after the watched ones and changing all the time,
    # fill every page the rounds may read: no round shows a watched job.
    jobs = await _start_planned(setup, seed=2)
    noise = setup.fake.seed(workspaces=1, sources=1, destinations=1, connections=400, jobs=0)
    for connection_id in noise.connections:
        setup.fake.plan_jobs(connection_id, queued_for=0, duration=10**6)
        await setup.client.jobs.start(connection_id)
    began = setup.clock.monotonic()
    results, returned, ends = await _wait_for(setup, jobs)
    # Crowded out: a round (of 4 pages) a minute at most, not one every two seconds.
    span = max(returned.values()) - began
    assert setup.fake.stats.hits[LIST_JOBS] <= 4 * (span / _config.JOB_WATCH_STALE + 1)
    for job_id, result in results.items():
        assert isinstance(result, aiobyte.models.Job), result
        late = returned[job_id] - ends[job_id]
        assert (
            0 <= late <= _config.JOB_WATCH_STALE + _config.JOB_POLL_MAX + 2 * VirtualClock.QUANTUM
        )


async def test_noise_that_leaves_most_watched_jobs_on_the_pages_keeps_the_rounds(
    setup: Setup,
) -> None:
    # Hundreds of other jobs changing all the time, older than the watched ones: the
    # running watched jobs come first on the pages, the finished ones fall below the
    # noise, past the page limit. Rounds still show most jobs: they go on, and the
    # jobs past the limit are asked for directly.
    noise = setup.fake.seed(workspaces=1, sources=1, destinations=1, connections=400, jobs=0)
    for connection_id in noise.connections:
        setup.fake.plan_jobs(connection_id, queued_for=0, duration=10**6)
        await setup.client.jobs.start(connection_id)
    per_job = await _per_job_requests(setup, seed=2)
    setup.fake.stats.reset()
    results, returned, ends = await _wait_all(setup, seed=2)
    _assert_on_time(results, returned, ends)
    batched = setup.fake.stats.hits[GET_JOB] + setup.fake.stats.hits[LIST_JOBS]
    assert batched * 2 < per_job, (batched, per_job)


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


async def _per_job_requests(setup: Setup, seed: int) -> int:
    """What the same waits cost polled one GET per job per poll."""
    setup.fake.stats.reset()
    setup.client.jobs.batch_polls = False
    try:
        results, _, _ = await _wait_all(setup, seed=seed)
    finally:
        setup.client.jobs.batch_polls = True
    assert all(isinstance(r, aiobyte.models.Job) for r in results.values())
    return setup.fake.stats.hits[GET_JOB]


def _assert_on_time(
    results: dict[int, aiobyte.models.Job | BaseException],
    returned: dict[int, float],
    ends: dict[int, float],
) -> None:
    for job_id, result in results.items():
        assert isinstance(result, aiobyte.models.Job), result
        assert result.status in aiobyte.FINAL_STATUSES
        late = returned[job_id] - ends[job_id]
        assert (
            0
            <= late
            <= _config.JOB_POLL_MAX + _config.JOB_WATCH_ROUND_MIN + 2 * VirtualClock.QUANTUM
        ), (job_id, late)


async def test_a_long_history_of_finished_jobs_does_not_crowd_the_rounds_out(
    setup: Setup,
) -> None:
    # A busy workspace: a job queued since long ago that one wait watches, then a
    # thousand jobs (ten pages) that ran and finished after it. Ordered by their last
    # change, the queued job sits below all of them.
    history = setup.fake.seed(workspaces=1, sources=1, destinations=1, connections=50, jobs=0)
    now = setup.clock.time()
    stuck = setup.fake.add_job(history.connections[0], status="queued", created_at=now - 20_000)
    for i in range(1000):
        connection_id = history.connections[1 + i % 49]
        setup.fake.add_job(connection_id, status="succeeded", created_at=now - 15_000 + i * 10)
    stuck_wait: dict[str, aiobyte.models.Job] = {}

    async def wait_stuck() -> None:
        stuck_wait["job"] = await setup.client.jobs.wait(stuck["jobId"])

    per_job = await _per_job_requests(setup, seed=6)
    setup.fake.stats.reset()
    async with anyio.create_task_group() as tg:
        tg.start_soon(wait_stuck)
        results, returned, ends = await _wait_all(setup, seed=6)
        await setup.client.jobs.cancel(stuck["jobId"])
    assert stuck_wait["job"].status is JobStatus.CANCELLED
    _assert_on_time(results, returned, ends)
    # The first round may read the history to look for the queued job (it is asked for
    # directly instead); after that, rounds stop at the jobs that did not change since
    # the round before: not at the queued job's last change, hours back.
    batched = setup.fake.stats.hits[GET_JOB] + setup.fake.stats.hits[LIST_JOBS]
    assert batched * 3 < per_job, (batched, per_job)


async def test_rounds_make_room_for_the_jobs_whose_waits_just_ended(setup: Setup) -> None:
    # 500 jobs end together, 20 stay pending. The waits, begun together, poll together
    # (at 92.2 s, 107.2 s, ... as the interval grows to 15 s): all 500 learn of the end
    # at 107.2 s and stop watching, but their jobs, ended at 105 s, after the next
    # round's horizon, still fill five pages above the pending ones (whose last change
    # is their creation) in the rounds after.
    more = setup.fake.seed(workspaces=1, sources=1, destinations=1, connections=480, jobs=0)
    connections = setup.connections + more.connections
    plans = [(400.0, 10.0) if i < 20 else (0.0, 105.0) for i in range(len(connections))]
    for connection_id, (queued, duration) in zip(connections, plans, strict=True):
        setup.fake.plan_jobs(connection_id, queued_for=queued, duration=duration)
    jobs = [await setup.client.jobs.start(c) for c in connections]
    started = setup.clock.monotonic()
    ends = {job.job_id: started + sum(plan) for job, plan in zip(jobs, plans, strict=True)}
    setup.fake.stats.reset()
    results: dict[int, aiobyte.models.Job | BaseException] = {}
    returned: dict[int, float] = {}

    async def wait(job_id: int) -> None:
        results[job_id] = await setup.client.jobs.wait(job_id)
        returned[job_id] = setup.clock.monotonic()

    with anyio.fail_after(60):
        async with anyio.create_task_group() as tg:
            for job in jobs:
                tg.start_soon(wait, job.job_id)
    _assert_on_time(results, returned, ends)
    # Not crowded out: the rounds read the pages of the jobs just ended as well, and
    # the 20 long waits never fall back to a GET per poll (about 20 polls each).
    assert setup.fake.stats.hits[GET_JOB] <= 4 * _config.JOB_WATCH_BATCH_MIN


class TickingClock(VirtualClock):
    """A virtual clock that moves on a little at each reading of the wall time: every
    request to the fake sees the jobs a moment later than the one before, so jobs start
    and end between the pages of a round and shift the offsets under it."""

    TICK = 0.2
    ticking = False

    def time(self) -> float:
        if self.ticking:
            self._mono += self.TICK
            self._wall += self.TICK
        return self._wall


async def test_jobs_that_change_while_a_round_pages_are_not_missed() -> None:
    clock = TickingClock()
    async with FakeAirbyte(clock=clock) as fake:  # type: ignore[arg-type]
        seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=120, jobs=0)
        now = clock.time()
        for i in range(300):  # three pages of finished jobs below the watched ones
            fake.add_job(seeded.connections[i % 120], status="succeeded", created_at=now - 9000 + i)
        async with fake.client(clock=clock) as client:  # type: ignore[arg-type]
            async with anyio.create_task_group() as tg:
                tg.start_soon(clock.drive)
                setup = Setup(fake, client, clock, seeded.connections)
                client.jobs.batch_polls = False
                jobs = await _start_planned(setup, seed=7)
                clock.ticking = True
                results, _, _ = await _wait_for(setup, jobs)
                assert all(isinstance(r, aiobyte.models.Job) for r in results.values())
                per_job = fake.stats.hits[GET_JOB]
                client.jobs.batch_polls = True
                clock.ticking = False
                jobs = await _start_planned(setup, seed=7)
                fake.stats.reset()
                clock.ticking = True
                results, returned, ends = await _wait_for(setup, jobs)
                tg.cancel_scope.cancel()
    for job_id, result in results.items():
        assert isinstance(result, aiobyte.models.Job), result
        assert result.status in aiobyte.FINAL_STATUSES
        # One poll interval, one round (of a few pages, each a few ticks) late at most.
        late = returned[job_id] - ends[job_id]
        bound = _config.JOB_POLL_MAX + _config.JOB_WATCH_ROUND_MIN + 2 * VirtualClock.QUANTUM
        assert 0 <= late <= bound + 10 * 2 * TickingClock.TICK, (job_id, late)
    batched = fake.stats.hits[GET_JOB] + fake.stats.hits[LIST_JOBS]
    assert batched * 2 < per_job, (batched, per_job)


@pytest.mark.parametrize("batched", [True, False])
async def test_a_wait_times_out_at_its_deadline_batched_or_not(setup: Setup, batched: bool) -> None:
    setup.client.jobs.batch_polls = batched
    # Every job outlives the waits: each wait must end at its deadline, after one last
    # look at its job, not a round or two later.
    for connection_id in setup.connections:
        setup.fake.plan_jobs(connection_id, queued_for=0, duration=10_000)
    jobs = [await setup.client.jobs.start(c) for c in setup.connections]
    lateness: dict[int, float] = {}
    ended_by_timeout: set[int] = set()

    async def wait(job_id: int, timeout: float) -> None:  # noqa: ASYNC109 (jobs.wait's)
        began = setup.clock.monotonic()
        try:
            await setup.client.jobs.wait(job_id, timeout=timeout)
        except aiobyte.JobTimeoutError:
            ended_by_timeout.add(job_id)
        lateness[job_id] = setup.clock.monotonic() - began - timeout

    before = setup.fake.stats.hits[GET_JOB]
    with anyio.fail_after(30):
        async with anyio.create_task_group() as tg:
            for i, job in enumerate(jobs):
                tg.start_soon(wait, job.job_id, 100 + 7.3 * i)  # deadlines spread out
    assert ended_by_timeout == {job.job_id for job in jobs}
    # A single wait sleeps to its deadline, polls once and ends: the clock's quantum is
    # all the lateness there is; a batched one is handed back at its deadline and does
    # the same. (Before, each waited for the next round, up to two seconds later. Now and
    # then one still does: never later than that.)
    late = sorted(lateness.values())
    on_time = [x for x in late if x <= VirtualClock.QUANTUM]
    assert len(on_time) >= 0.9 * len(late), late[-5:]
    assert late[-1] <= _config.JOB_WATCH_ROUND_MIN + 2 * VirtualClock.QUANTUM, late[-5:]
    assert min(lateness.values()) >= -1e-6  # (float sums of the virtual clock)
    # The last look is a GET of its own for each wait.
    assert setup.fake.stats.hits[GET_JOB] - before >= len(jobs)
