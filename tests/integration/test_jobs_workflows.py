"""jobs.run and jobs.watch against the fake, on a ManualClock shared by fake and client.

The clock moves only when the client sleeps between polls, so a sync of an hour takes
a few hundred milliseconds of real time and no test ever really waits.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio
import pytest

import aiobyte
from aiobyte.models import JobStatus, JobType
from aiobyte.testing import FakeAirbyte, ManualClock

pytestmark = pytest.mark.anyio

GET_JOB = "GET /jobs/{jobId}"
CANCEL_JOB = "DELETE /jobs/{jobId}"


@dataclass
class Setup:
    fake: FakeAirbyte
    client: aiobyte.AirbyteClient
    clock: ManualClock
    connection_id: str


async def _until_polled(fake: FakeAirbyte, polls: int) -> None:
    """Until the fake has answered ``polls`` job polls: run() is waiting on a running job."""
    # The fake's counters have no event to wait on; this loop runs for milliseconds.
    while fake.stats.hits[GET_JOB] < polls:  # noqa: ASYNC110
        await anyio.sleep(0.001)


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    clock = ManualClock()
    async with FakeAirbyte(clock=clock) as fake:
        seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=1, jobs=0)
        async with fake.client(clock=clock) as client:
            yield Setup(fake, client, clock, seeded.connection_ids[0])


@pytest.mark.parametrize("outcome", ["succeeded", "failed", "cancelled"])
async def test_run_returns_the_job_in_its_final_state(setup: Setup, outcome: str) -> None:
    setup.fake.plan_jobs(setup.connection_id, queued_for=5, duration=300, outcome=outcome)
    with anyio.fail_after(10):
        job = await setup.client.jobs.run(setup.connection_id, timeout=3600)
    assert job.status == outcome  # failed and cancelled (by the server) are answers too
    assert job.connection_id == setup.connection_id
    assert job.job_type is JobType.SYNC
    if outcome != "cancelled":
        assert job.rows_synced == 300 * 1000
    polls = setup.clock.sleeps
    assert polls[0] == 1.0
    assert polls == sorted(polls)
    assert max(polls) <= 15.0
    assert setup.fake.stats.hits["POST /jobs"] == 1
    assert setup.fake.stats.hits[CANCEL_JOB] == 0


async def test_run_times_out_naming_the_job_and_leaves_it_running(setup: Setup) -> None:
    setup.fake.plan_jobs(setup.connection_id, queued_for=0, duration=7200)
    with anyio.fail_after(10), pytest.raises(aiobyte.JobTimeoutError) as caught:
        await setup.client.jobs.run(setup.connection_id, timeout=60)
    error = caught.value
    assert isinstance(error, TimeoutError)
    assert error.last_status == "running"
    assert f"job {error.job_id}" in str(error)
    assert setup.fake.stats.hits[CANCEL_JOB] == 0
    assert (await setup.client.jobs.get(error.job_id)).status is JobStatus.RUNNING


async def test_run_cancels_the_job_on_timeout_when_asked(setup: Setup) -> None:
    setup.fake.plan_jobs(setup.connection_id, queued_for=0, duration=7200)
    with anyio.fail_after(10), pytest.raises(aiobyte.JobTimeoutError) as caught:
        await setup.client.jobs.run(setup.connection_id, timeout=60, cancel_on_exit=True)
    assert setup.fake.stats.hits[CANCEL_JOB] == 1
    job = await setup.client.jobs.get(caught.value.job_id)
    assert job.status is JobStatus.CANCELLED


async def test_run_cancels_the_job_when_the_awaiting_task_is_cancelled(setup: Setup) -> None:
    fake, client = setup.fake, setup.client
    fake.plan_jobs(setup.connection_id, queued_for=0, duration=10**7)
    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(lambda: client.jobs.run(setup.connection_id, cancel_on_exit=True))
            await _until_polled(fake, 3)
            tg.cancel_scope.cancel()
    assert fake.stats.hits["POST /jobs"] == 1
    assert fake.stats.hits[CANCEL_JOB] == 1
    cancels = [r for r in fake.stats.requests if r.route == CANCEL_JOB]
    job_id = int(cancels[0].path.rsplit("/", 1)[1])
    assert (await client.jobs.get(job_id)).status is JobStatus.CANCELLED


async def test_run_without_cancel_on_exit_leaves_the_job_alone_when_cancelled(
    setup: Setup,
) -> None:
    fake, client = setup.fake, setup.client
    fake.plan_jobs(setup.connection_id, queued_for=0, duration=10**7)
    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(lambda: client.jobs.run(setup.connection_id))
            await _until_polled(fake, 2)
            tg.cancel_scope.cancel()
    assert fake.stats.hits[CANCEL_JOB] == 0


async def test_run_attaches_to_the_running_sync_on_409(setup: Setup) -> None:
    fake, client = setup.fake, setup.client
    fake.plan_jobs(setup.connection_id, queued_for=0, duration=600, outcome="succeeded")
    running = await client.jobs.create(setup.connection_id)
    with pytest.raises(aiobyte.ConflictError):
        await client.jobs.run(setup.connection_id)  # not asked to attach: the 409 stands
    with anyio.fail_after(10):
        job = await client.jobs.run(setup.connection_id, attach=True, timeout=3600)
    assert job.job_id == running.job_id
    assert job.status is JobStatus.SUCCEEDED
    assert fake.stats.hits["POST /jobs"] == 3  # the first, the refused, the attaching one
    listed = [r for r in fake.stats.requests if r.route == "GET /jobs"]
    assert ("connectionId", setup.connection_id) in listed[-1].query
    assert ("orderBy", "createdAt|DESC") in listed[-1].query


async def test_attach_ignores_a_running_job_of_another_type(setup: Setup) -> None:
    fake, client = setup.fake, setup.client
    fake.add_job(setup.connection_id, job_type="reset", status="running")
    with pytest.raises(aiobyte.ConflictError):
        await client.jobs.run(setup.connection_id, attach=True)
    # Asked once more (the conflicting job might have just ended), then gave up.
    assert fake.stats.hits["POST /jobs"] == 2


async def test_watch_yields_growing_progress_and_ends_at_the_final_state(
    setup: Setup,
) -> None:
    fake, client = setup.fake, setup.client
    fake.plan_jobs(
        setup.connection_id, queued_for=3, duration=20, outcome="succeeded", rows_per_second=50
    )
    job = await client.jobs.create(setup.connection_id)
    with anyio.fail_after(10):
        seen = [j async for j in client.jobs.watch(job.job_id, poll_interval=2)]
    statuses = [j.status for j in seen]
    assert statuses[0] is JobStatus.PENDING
    assert statuses[-1] is JobStatus.SUCCEEDED
    assert JobStatus.SUCCEEDED not in statuses[:-1]
    rows = [j.rows_synced or 0 for j in seen]
    assert rows == sorted(rows)
    assert len(set(rows)) >= 5  # it saw the rows grow while the job ran
    assert rows[-1] == 20 * 50
    assert [j.bytes_synced for j in seen] == [r * 200 for r in rows]
    # Consecutive answers that changed nothing are not yielded.
    progress = [(j.status, j.rows_synced, j.bytes_synced) for j in seen]
    assert all(a != b for a, b in itertools.pairwise(progress))
    assert set(setup.clock.sleeps) == {2}
    assert fake.stats.hits[GET_JOB] > len(seen)  # the pending polls were not repeated


async def test_watch_of_a_finished_job_yields_it_once(setup: Setup) -> None:
    done = setup.fake.add_job(setup.connection_id, status="failed")
    with anyio.fail_after(10):
        seen = [j async for j in setup.client.jobs.watch(done["jobId"])]
    assert [j.status for j in seen] == [JobStatus.FAILED]
    assert setup.clock.sleeps == []


async def test_watch_times_out_and_checks_arguments_before_any_request(setup: Setup) -> None:
    setup.fake.plan_jobs(setup.connection_id, queued_for=0, duration=7200)
    job = await setup.client.jobs.create(setup.connection_id)
    with anyio.fail_after(10), pytest.raises(aiobyte.JobTimeoutError) as caught:
        async for _ in setup.client.jobs.watch(job.job_id, poll_interval=5, timeout=30):
            pass
    assert caught.value.last_status == "running"
    before = sum(setup.fake.stats.hits.values())
    with pytest.raises(ValueError, match="poll_interval"):
        setup.client.jobs.watch(job.job_id, poll_interval=0)
    with pytest.raises(ValueError, match="timeout"):
        setup.client.jobs.watch(job.job_id, timeout=-1)
    with pytest.raises(ValueError, match="job_id"):
        setup.client.jobs.watch("12")  # type: ignore[arg-type]  # a str id on purpose
    with pytest.raises(ValueError, match="connection_id"):
        await setup.client.jobs.run("not-a-uuid")
    with pytest.raises(ValueError, match="job_type"):
        await setup.client.jobs.run(setup.connection_id, job_type="backfill")
    assert sum(setup.fake.stats.hits.values()) == before


async def test_breaking_out_of_watch_leaves_the_client_usable(setup: Setup) -> None:
    setup.fake.plan_jobs(setup.connection_id, queued_for=0, duration=7200)
    job = await setup.client.jobs.create(setup.connection_id)
    with anyio.fail_after(10):
        async for seen in setup.client.jobs.watch(job.job_id):
            assert seen.status is JobStatus.RUNNING
            break
        cancelled = await setup.client.jobs.cancel(job.job_id)
    assert cancelled.status is JobStatus.CANCELLED
