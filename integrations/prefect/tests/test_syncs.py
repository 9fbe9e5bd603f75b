"""run_airbyte_sync and run_airbyte_syncs on Prefect (its test harness) against the fake."""

from __future__ import annotations

import asyncio
import contextlib

import anyio
import pytest
from prefect import flow
from prefect_aiobyte import (
    AirbyteCredentials,
    AirbyteSyncFailed,
    run_airbyte_sync,
    run_airbyte_syncs,
)

import aiobyte
from aiobyte.testing import FakeAirbyte

from .conftest import FAST, QUICK, credentials_for, job_statuses

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("prefix", "auth"),
    [("/v1", "application"), ("/api/public/v1", "application"), ("/api/public/v1", "token")],
    ids=["cloud-application", "self-managed-application", "self-managed-token"],
)
async def test_one_sync_in_a_flow(prefix: str, auth: str) -> None:
    async with FakeAirbyte(path_prefix=prefix) as fake:
        connection_id = fake.seed(workspaces=1, connections=1, jobs=0).connection_ids[0]
        fake.plan_jobs(connection_id, **QUICK)
        if auth == "token":
            credentials = AirbyteCredentials(base_url=fake.base_url, token=fake.issue_token())
        else:
            credentials = credentials_for(fake)

        @flow
        async def nightly() -> aiobyte.JobSummary:
            return await run_airbyte_sync(connection_id, credentials, **FAST)

        summary = await nightly()

        (job,) = fake.state.jobs.values()
        assert (summary.job_id, summary.connection_id, summary.status) == (
            job.job_id,
            connection_id,
            "succeeded",
        )
        assert summary.rows_synced == job.to_json(fake.state.now())["rowsSynced"] > 0
        assert fake.stats.hits["POST /jobs"] == 1
        assert fake.stats.token_requests == (1 if auth == "application" else 0)


async def test_many_syncs_run_concurrently_through_one_client() -> None:
    async with FakeAirbyte() as fake:
        connections = fake.seed(workspaces=3, connections=4, jobs=0).connection_ids
        fake.plan_jobs(None, **QUICK)
        limit = 4

        summaries = await run_airbyte_syncs(connections, credentials_for(fake), limit=limit)

        assert [s.connection_id for s in summaries] == connections
        assert {s.status for s in summaries} == {"succeeded"}
        assert fake.stats.hits["POST /jobs"] == len(connections)
        assert fake.stats.token_requests == 1  # one client, one token, for twelve syncs
        spans = [
            (job.created_at, job.created_at + QUICK["queued_for"] + QUICK["duration"])
            for job in fake.state.jobs.values()
        ]
        most = max(sum(1 for s, e in spans if s <= start < e) for start, _ in spans)
        assert 2 <= most <= limit


async def test_failed_syncs_are_named_after_every_sync_ended() -> None:
    async with FakeAirbyte() as fake:
        good, bad, worse = fake.seed(workspaces=1, connections=3, jobs=0).connection_ids
        fake.plan_jobs(None, **QUICK)
        fake.plan_jobs(bad, **{**QUICK, "outcome": "failed"})
        fake.plan_jobs(worse, **{**QUICK, "outcome": "cancelled"})

        with pytest.raises(AirbyteSyncFailed) as caught:
            await run_airbyte_syncs([good, bad, worse], credentials_for(fake))

        assert [(s.connection_id, s.status) for s in caught.value.summaries] == [
            (good, "succeeded"),
            (bad, "failed"),
            (worse, "cancelled"),
        ]
        assert f"connection {bad} failed" in str(caught.value)
        assert f"connection {worse} cancelled" in str(caught.value)
        assert f"connection {good}" not in str(caught.value)


async def test_a_running_sync_is_attached_to_on_409() -> None:
    async with FakeAirbyte() as fake:
        connection_id = fake.seed(workspaces=1, connections=1, jobs=0).connection_ids[0]
        fake.plan_jobs(connection_id, **{**QUICK, "duration": 1.0})
        running = fake.add_job(connection_id, status="running")

        @flow
        async def nightly() -> aiobyte.JobSummary:
            return await run_airbyte_sync(connection_id, credentials_for(fake), **FAST)

        summary = await nightly()

        assert summary.job_id == running["jobId"]
        assert job_statuses(fake, connection_id) == ["succeeded"]  # no second job
        assert fake.stats.hits["POST /jobs"] == 1  # the 409


@pytest.mark.parametrize("when", ["starting", "waiting"])
async def test_a_task_timeout_cancels_the_sync(when: str) -> None:
    async with FakeAirbyte() as fake:
        connection_id = fake.seed(workspaces=1, connections=1, jobs=0).connection_ids[0]
        fake.plan_jobs(connection_id, queued_for=0.0, duration=3600)
        if when == "starting":  # the timeout strikes while POST /jobs is in flight
            fake.faults.inject("POST /jobs", latency=1.0)
        bounded = run_airbyte_sync.with_options(timeout_seconds=0.5)

        @flow
        async def nightly() -> None:
            await bounded(connection_id, credentials_for(fake), **FAST)

        state = await nightly(return_state=True)

        assert state.is_failed()
        with pytest.raises(TimeoutError):
            await state.result()
        assert job_statuses(fake, connection_id) == ["cancelled"]
        assert fake.stats.hits["DELETE /jobs/{jobId}"] == 1


async def test_a_cancelled_task_cancels_the_sync() -> None:
    async with FakeAirbyte() as fake:
        connection_id = fake.seed(workspaces=1, connections=1, jobs=0).connection_ids[0]
        fake.plan_jobs(connection_id, queued_for=0.0, duration=3600)

        @flow
        async def nightly() -> None:
            sync = asyncio.ensure_future(
                run_airbyte_sync(connection_id, credentials_for(fake), **FAST)
            )
            with anyio.fail_after(30):
                # The fake's state has no event to wait on: poll it, bounded.
                while job_statuses(fake, connection_id) != ["running"]:  # noqa: ASYNC110
                    await asyncio.sleep(0.02)
            await asyncio.sleep(0.1)  # a few polls into the wait
            sync.cancel()  # asyncio's own cancellation
            with contextlib.suppress(asyncio.CancelledError):
                await sync

        await nightly()

        assert job_statuses(fake, connection_id) == ["cancelled"]
        assert fake.stats.hits["DELETE /jobs/{jobId}"] == 1


async def test_bad_arguments_fail_before_any_request() -> None:
    async with FakeAirbyte() as fake:
        a, b = fake.seed(workspaces=1, connections=2, jobs=0).connection_ids
        credentials = credentials_for(fake)

        for connection_ids, limit, message in (
            ([a, b, a], 2, "must not repeat"),
            ([a, "not-a-uuid"], 2, "'not-a-uuid'"),
            ([a], 0, "limit"),
        ):
            with pytest.raises(ValueError, match=message):
                await run_airbyte_syncs.fn(connection_ids, credentials, limit=limit)
        with pytest.raises(ValueError, match="UUID"):
            await run_airbyte_sync.fn("", credentials)
        assert fake.stats.hits["POST /jobs"] == 0
        assert fake.stats.token_requests == 0


async def test_an_error_in_one_sync_cancels_the_others() -> None:
    async with FakeAirbyte() as fake:
        connections = fake.seed(workspaces=1, connections=3, jobs=0).connection_ids
        fake.plan_jobs(None, queued_for=0.0, duration=3600)
        # The first poll of any job is refused (404 is not retried): that sync fails.
        fake.faults.inject("GET /jobs/{jobId}", status=404)

        with pytest.raises(aiobyte.NotFoundError):  # the error itself, not a group
            await run_airbyte_syncs(connections, credentials_for(fake), timeout=30)

        assert [job_statuses(fake, c) for c in connections] == [["cancelled"]] * 3
