"""jobs.start, riding out failed polls, JobSummary, and cancel_on_exit under asyncio's
own cancellation (``task.cancel()``, ``asyncio.timeout``, ``asyncio.wait_for``) as well as
anyio's, including while the request that starts the job is in flight.

Fake and client share a ManualClock: polls and retries cost no real time.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anyio
import pytest

import aiobyte
from aiobyte.models import JobStatus
from aiobyte.resources.jobs import duration_seconds
from aiobyte.testing import FakeAirbyte, ManualClock

pytestmark = pytest.mark.anyio

GET_JOB = "GET /jobs/{jobId}"
CANCEL_JOB = "DELETE /jobs/{jobId}"
CREATE_JOB = "POST /jobs"


@dataclass
class Setup:
    fake: FakeAirbyte
    client: aiobyte.AirbyteClient
    clock: ManualClock
    connection_id: str

    def cancelled_job_ids(self) -> list[int]:
        return [
            int(r.path.rsplit("/", 1)[1]) for r in self.fake.stats.requests if r.route == CANCEL_JOB
        ]


async def _until(condition: Callable[[], bool]) -> None:
    # The fake's counters have no event to wait on; this loop runs for milliseconds.
    with anyio.fail_after(10):
        while not condition():  # noqa: ASYNC110
            await anyio.sleep(0.001)


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    clock = ManualClock()
    async with FakeAirbyte(clock=clock) as fake:
        seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=1, jobs=0)
        async with fake.client(clock=clock) as client:
            yield Setup(fake, client, clock, seeded.connection_ids[0])


# --- jobs.start -----------------------------------------------------------------------


async def test_start_creates_a_job_or_attaches_to_the_running_one(setup: Setup) -> None:
    fake, client = setup.fake, setup.client
    fake.plan_jobs(setup.connection_id, queued_for=0, duration=600)
    first = await client.jobs.start(setup.connection_id)
    assert first.status in (JobStatus.PENDING, JobStatus.RUNNING)
    with pytest.raises(aiobyte.ConflictError):
        await client.jobs.start(setup.connection_id)
    attached = await client.jobs.start(setup.connection_id, attach=True)
    assert attached.job_id == first.job_id
    assert fake.stats.hits[CREATE_JOB] == 3
    assert [job.job_id async for job in client.jobs.list()] == [first.job_id]  # one sync


async def test_start_checks_its_arguments_before_any_request(setup: Setup) -> None:
    before = sum(setup.fake.stats.hits.values())
    with pytest.raises(ValueError, match="connection_id"):
        await setup.client.jobs.start("not-a-uuid")
    with pytest.raises(ValueError, match="job_type"):
        await setup.client.jobs.start(setup.connection_id, job_type="backfill")
    assert sum(setup.fake.stats.hits.values()) == before


# --- riding out failed polls ------------------------------------------------------------


async def test_wait_rides_out_a_streak_of_server_errors(setup: Setup) -> None:
    fake, client = setup.fake, setup.client
    fake.plan_jobs(setup.connection_id, queued_for=0, duration=120)
    job = await client.jobs.start(setup.connection_id)
    # More 502s than one poll's own retries (3): without a grace period the wait ends.
    fake.faults.inject(GET_JOB, status=502, times=10)
    with anyio.fail_after(10):
        done = await client.jobs.wait(job.job_id, timeout=3600)
    assert done.status is JobStatus.SUCCEEDED
    assert fake.stats.hits[GET_JOB] > 10


async def test_wait_without_grace_ends_at_the_first_failed_poll(setup: Setup) -> None:
    fake, client = setup.fake, setup.client
    fake.plan_jobs(setup.connection_id, queued_for=0, duration=120)
    job = await client.jobs.start(setup.connection_id)
    fake.faults.inject(GET_JOB, status=502, times=10)
    with anyio.fail_after(10), pytest.raises(aiobyte.InternalServerError):
        await client.jobs.wait(job.job_id, grace=0)


async def test_grace_is_bounded_and_does_not_cover_errors_that_will_not_pass(
    setup: Setup,
) -> None:
    fake, client = setup.fake, setup.client
    fake.plan_jobs(setup.connection_id, queued_for=0, duration=10**6)
    job = await client.jobs.start(setup.connection_id)
    fake.faults.inject(GET_JOB, drop=True, times=None)
    started = setup.clock.monotonic()
    with anyio.fail_after(10), pytest.raises(aiobyte.APIConnectionError):
        await client.jobs.wait(job.job_id, grace=120)
    waited = setup.clock.monotonic() - started
    assert 120 <= waited <= 120 + 60  # the grace, plus at most one poll's own retries
    fake.faults.clear()
    polls = fake.stats.hits[GET_JOB]
    with anyio.fail_after(10), pytest.raises(aiobyte.NotFoundError):
        await client.jobs.wait(987654, grace=600)
    assert fake.stats.hits[GET_JOB] == polls + 1  # a 404 is an answer: asked once


async def test_the_deadline_wins_over_the_grace_period(setup: Setup) -> None:
    fake, client = setup.fake, setup.client
    fake.plan_jobs(setup.connection_id, queued_for=0, duration=10**6)
    job = await client.jobs.start(setup.connection_id)
    await client.jobs.get(job.job_id)
    fake.faults.inject(GET_JOB, status=503, times=None)
    with anyio.fail_after(10), pytest.raises(aiobyte.JobTimeoutError) as caught:
        await client.jobs.wait(job.job_id, timeout=60, grace=600)
    assert caught.value.job_id == job.job_id
    assert "503" in str(caught.value)


# --- JobSummary -------------------------------------------------------------------------


async def test_summary_of_a_finished_run_round_trips_through_json(setup: Setup) -> None:
    setup.fake.plan_jobs(setup.connection_id, queued_for=0, duration=90, rows_per_second=10)
    with anyio.fail_after(10):
        job = await setup.client.jobs.run(setup.connection_id, timeout=3600)
    summary = aiobyte.JobSummary.from_job(job)
    assert summary.succeeded
    assert summary.final
    assert summary.job_id == job.job_id
    assert summary.connection_id == setup.connection_id
    assert (summary.status, summary.job_type) == ("succeeded", "sync")
    assert summary.rows_synced == job.rows_synced == 900
    assert summary.bytes_synced == job.bytes_synced
    assert summary.duration == job.duration
    assert summary.duration_seconds == duration_seconds(job.duration)
    assert summary.duration_seconds is not None
    assert summary.duration_seconds >= 90
    data = json.loads(json.dumps(summary.to_dict()))
    assert aiobyte.JobSummary.from_dict(data) == summary
    with pytest.raises(ValueError, match="job summary"):
        aiobyte.JobSummary.from_dict({"job_id": "x"})


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("PT1H2M3.5S", 3723.5),
        ("PT0S", 0.0),
        ("PT45S", 45.0),
        ("P1DT1S", 86401.0),
        ("PT-0.5S", -0.5),
        ("P1Y", None),  # a year has no fixed length: not converted, kept as sent
        ("PT", None),
        ("1:02:03", None),
        ("", None),
        (None, None),
    ],
)
def test_durations_are_read_as_the_server_writes_them(
    text: str | None, seconds: float | None
) -> None:
    assert duration_seconds(text) == seconds


# --- cancel_on_exit under asyncio's own cancellation ------------------------------------


async def _run_and_cancel_natively(setup: Setup, how: str) -> BaseException | None:
    if how == "asyncio.timeout" and sys.version_info < (3, 11):
        pytest.skip("asyncio.timeout is new in Python 3.11")
    fake, client = setup.fake, setup.client
    fake.plan_jobs(setup.connection_id, queued_for=0, duration=10**7)
    run = client.jobs.run(setup.connection_id, cancel_on_exit=True)
    if how == "task.cancel":
        task = asyncio.get_running_loop().create_task(run)
        await _until(lambda: fake.stats.hits[GET_JOB] >= 2)
        task.cancel()
        done, _ = await asyncio.wait([task], timeout=10)
        assert done, "the cancelled run did not end"
        assert task.cancelled()
        return None
    if how == "asyncio.wait_for":
        # The ManualClock makes polls instantaneous; wait_for runs on real time.
        fake.faults.inject(GET_JOB, latency=0.05, times=None)
        with pytest.raises(asyncio.TimeoutError) as caught:
            await asyncio.wait_for(run, timeout=0.3)
        return caught.value
    assert how == "asyncio.timeout"
    if sys.version_info < (3, 11):  # skipped above; here for mypy, which checks as 3.10
        raise AssertionError("asyncio.timeout is new in Python 3.11")
    fake.faults.inject(GET_JOB, latency=0.05, times=None)
    with pytest.raises(asyncio.TimeoutError) as caught:
        async with asyncio.timeout(0.3):
            await run
    return caught.value


@pytest.mark.parametrize("how", ["task.cancel", "asyncio.wait_for", "asyncio.timeout"])
async def test_run_cancels_its_job_under_asyncio_cancellation(setup: Setup, how: str) -> None:
    error = await _run_and_cancel_natively(setup, how)
    assert not isinstance(error, aiobyte.AirbyteError)  # the caller's own timeout stands
    assert setup.fake.stats.hits[CREATE_JOB] == 1
    cancelled = setup.cancelled_job_ids()
    assert len(cancelled) == 1
    assert (await setup.client.jobs.get(cancelled[0])).status is JobStatus.CANCELLED


async def _cancel_while_starting(setup: Setup, cancel: Callable[[], Awaitable[Any]]) -> None:
    fake = setup.fake
    fake.plan_jobs(setup.connection_id, queued_for=0, duration=10**7)
    # The answer naming the job is slow to come: the cancellation arrives before it.
    fake.faults.inject(CREATE_JOB, latency=0.3)
    await cancel()
    assert fake.stats.hits[CREATE_JOB] == 1
    cancelled = setup.cancelled_job_ids()
    assert len(cancelled) == 1, "the job started while cancelling was left running"
    job = await setup.client.jobs.get(cancelled[0])
    assert job.status is JobStatus.CANCELLED
    assert fake.stats.hits[GET_JOB] == 1  # only that check: run never got to wait


async def test_task_cancel_while_the_job_is_being_started_cancels_it(setup: Setup) -> None:
    async def cancel() -> None:
        task = asyncio.get_running_loop().create_task(
            setup.client.jobs.run(setup.connection_id, cancel_on_exit=True)
        )
        await _until(lambda: setup.fake.stats.hits[CREATE_JOB] == 1)
        task.cancel()
        done, _ = await asyncio.wait([task], timeout=10)
        assert done
        assert task.cancelled()

    await _cancel_while_starting(setup, cancel)


async def test_anyio_cancel_while_the_job_is_being_started_cancels_it(setup: Setup) -> None:
    async def cancel() -> None:
        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                tg.start_soon(
                    lambda: setup.client.jobs.run(setup.connection_id, cancel_on_exit=True)
                )
                await _until(lambda: setup.fake.stats.hits[CREATE_JOB] == 1)
                tg.cancel_scope.cancel()

    await _cancel_while_starting(setup, cancel)


async def test_a_run_that_failed_to_start_cancels_nothing(setup: Setup) -> None:
    setup.fake.faults.inject(CREATE_JOB, status=422)
    with anyio.fail_after(10), pytest.raises(aiobyte.UnprocessableEntityError):
        await setup.client.jobs.run(setup.connection_id, cancel_on_exit=True)
    assert setup.fake.stats.hits[CANCEL_JOB] == 0


async def test_a_closed_run_keeps_its_exception_and_names_the_job_left_running(
    setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    """A coroutine closed without being resumed (garbage collection, shutdown) gets
    GeneratorExit and cannot await a cancel request: it must close cleanly and say so."""
    fake, client = setup.fake, setup.client
    fake.plan_jobs(setup.connection_id, queued_for=0, duration=10**7)
    run = client.jobs.run(setup.connection_id, cancel_on_exit=True)
    # Drive the coroutine by hand, as a task would, until it is waiting between polls.
    waiting: Any = None
    with anyio.fail_after(10):
        while fake.stats.hits[GET_JOB] < 2:
            if waiting is None:  # a bare yield: the loop's next iteration
                await asyncio.sleep(0)
            else:  # a future to wait for, handed over as a task would take it
                waiting._asyncio_future_blocking = False
                await waiting
            waiting = run.send(None)
    with caplog.at_level(logging.WARNING, logger="aiobyte"):
        run.close()  # GeneratorExit at the suspension point; must not await anything
    (job_id,) = [job.job_id async for job in client.jobs.list()]
    assert f"job {job_id}" in caplog.text
    assert "may still be running" in caplog.text
    assert fake.stats.hits[CANCEL_JOB] == 0
    await client.jobs.cancel(job_id)  # the client is still usable
