"""Waits that begin together read their jobs' first state from one round of list calls.

Without it, 10,000 waits started at once send 10,000 ``GET /jobs/{jobId}`` before the
watcher can batch anything, which alone caps the saving at about 8x (issue 16).
"""

from __future__ import annotations

import anyio
import pytest

import aiobyte
from aiobyte import _config
from aiobyte.models import JobStatus
from aiobyte.testing import FakeAirbyte

pytestmark = pytest.mark.anyio

GET_JOB = "GET /jobs/{jobId}"
LIST_JOBS = "GET /jobs"


async def _start(fake: FakeAirbyte, client: aiobyte.AirbyteClient, count: int) -> list[int]:
    seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=count, jobs=0)
    fake.plan_jobs(None, queued_for=0.0, duration=0.3)
    return [(await client.jobs.start(c)).job_id for c in seeded.connections]


async def test_first_polls_of_waits_begun_together_come_from_one_round() -> None:
    async with FakeAirbyte(record_requests=False) as fake, fake.client() as client:
        job_ids = await _start(fake, client, 150)
        fake.stats.reset()
        results: dict[int, aiobyte.models.Job] = {}

        async def wait(job_id: int) -> None:
            results[job_id] = await client.jobs.wait(job_id, timeout=30)

        with anyio.fail_after(30):
            async with anyio.create_task_group() as tg:
                for job_id in job_ids:
                    tg.start_soon(wait, job_id)
        assert set(results) == set(job_ids)
        assert {job.status for job in results.values()} == {JobStatus.SUCCEEDED}
        for job_id, job in results.items():
            assert job.job_id == job_id
        # The waits that began before there were enough to batch ask directly, and so
        # do the last few left; the rest, 150 jobs, came from list calls of 100 jobs.
        assert fake.stats.hits[GET_JOB] <= 2 * (_config.JOB_WATCH_BATCH_MIN - 1)
        assert 2 <= fake.stats.hits[LIST_JOBS] < len(job_ids) // 5


async def test_a_first_poll_the_round_does_not_answer_goes_to_the_job_itself() -> None:
    async with FakeAirbyte(record_requests=False) as fake, fake.client() as client:
        job_ids = await _start(fake, client, 20)
        missing = max(job_ids) + 1000  # no such job: no list call shows it
        results: dict[int, aiobyte.models.Job | aiobyte.AirbyteError] = {}

        async def wait(job_id: int) -> None:
            try:
                results[job_id] = await client.jobs.wait(job_id, timeout=30)
            except aiobyte.AirbyteError as exc:
                results[job_id] = exc

        fake.stats.reset()
        with anyio.fail_after(30):
            async with anyio.create_task_group() as tg:
                for job_id in [*job_ids[:10], missing, *job_ids[10:]]:
                    tg.start_soon(wait, job_id)
        assert isinstance(results.pop(missing), aiobyte.NotFoundError)
        assert {r.status for r in results.values()} == {JobStatus.SUCCEEDED}  # type: ignore[union-attr]
        # the missing one, and the first and last few
        assert fake.stats.hits[GET_JOB] <= 2 * (_config.JOB_WATCH_BATCH_MIN - 1) + 1
