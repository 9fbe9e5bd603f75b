"""The blocks: credentials saved and loaded through Prefect's server, the job block's steps."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from prefect import flow
from prefect_aiobyte import (
    AirbyteConnection,
    AirbyteCredentials,
    AirbyteSync,
    AirbyteSyncFailed,
    run_airbyte_sync,
)

import aiobyte
from aiobyte.testing import FakeAirbyte

from .conftest import QUICK, credentials_for, job_statuses

pytestmark = pytest.mark.anyio


async def test_credentials_round_trip_through_the_server_and_hide_the_secret() -> None:
    async with FakeAirbyte() as fake:
        connection_id = fake.seed(workspaces=1, connections=1, jobs=0).connection_ids[0]
        fake.plan_jobs(connection_id, **QUICK)
        name = f"airbyte-{uuid.uuid4().hex[:8]}"
        await credentials_for(fake).save(name)

        loaded = await AirbyteCredentials.load(name)

        assert fake.client_secret not in repr(loaded)
        assert fake.client_secret not in str(loaded.model_dump())
        assert loaded.client_secret is not None
        assert loaded.client_secret.get_secret_value() == fake.client_secret

        @flow
        async def nightly() -> aiobyte.JobSummary:
            return await run_airbyte_sync(connection_id, await AirbyteCredentials.load(name))

        assert (await nightly()).succeeded


async def test_the_job_block_triggers_waits_and_fetches_the_result() -> None:
    async with FakeAirbyte(path_prefix="/api/public/v1") as fake:
        connection_id = fake.seed(workspaces=1, connections=1, jobs=0).connection_ids[0]
        fake.plan_jobs(connection_id, **QUICK)
        connection = AirbyteConnection(
            airbyte_credentials=credentials_for(fake),
            connection_id=connection_id,
            poll_interval_s=0.02,
        )

        @flow
        async def nightly():  # type: ignore[no-untyped-def]
            sync = await connection.trigger()
            await sync.wait_for_completion()
            return sync, await sync.fetch_result()

        sync, result = await nightly()

        assert isinstance(sync, AirbyteSync)
        (job,) = fake.state.jobs.values()
        shown = job.to_json(fake.state.now())
        assert (result.job_id, result.job_status) == (job.job_id, "succeeded")
        assert result.records_synced == shown["rowsSynced"] > 0
        assert result.bytes_synced == shown["bytesSynced"]
        assert result.summary["connection_id"] == connection_id
        assert result.created_at is not None
        assert result.updated_at is not None


async def test_the_job_block_attaches_and_reports_a_failed_sync() -> None:
    async with FakeAirbyte() as fake:
        connection_id = fake.seed(workspaces=1, connections=1, jobs=0).connection_ids[0]
        fake.plan_jobs(connection_id, **{**QUICK, "duration": 1.0, "outcome": "failed"})
        running = fake.add_job(connection_id, status="running")
        connection = AirbyteConnection(
            airbyte_credentials=credentials_for(fake),
            connection_id=connection_id,
            poll_interval_s=0.02,
        )

        sync = await connection.trigger()
        assert sync.job_id == running["jobId"]  # the 409 attached to it
        with pytest.raises(AirbyteSyncFailed, match=f"job {sync.job_id} of connection"):
            await sync.wait_for_completion()
        assert (await sync.fetch_result()).job_status == "failed"


async def test_a_wait_that_times_out_cancels_the_sync() -> None:
    async with FakeAirbyte() as fake:
        connection_id = fake.seed(workspaces=1, connections=1, jobs=0).connection_ids[0]
        fake.plan_jobs(connection_id, queued_for=0.0, duration=3600)
        connection = AirbyteConnection(
            airbyte_credentials=credentials_for(fake),
            connection_id=connection_id,
            poll_interval_s=0.02,
            wait_timeout=0.3,
        )

        sync = await connection.trigger()
        with pytest.raises(aiobyte.JobTimeoutError):
            await sync.wait_for_completion()

        assert job_statuses(fake, connection_id) == ["cancelled"]
        assert fake.stats.hits["DELETE /jobs/{jobId}"] == 1


async def test_the_job_block_refuses_a_malformed_id_before_any_request() -> None:
    async with FakeAirbyte() as fake:
        connection = AirbyteConnection(
            airbyte_credentials=credentials_for(fake), connection_id="not-a-uuid"
        )
        with pytest.raises(ValueError, match="'not-a-uuid'"):
            await connection.trigger()
        assert fake.stats.token_requests == 0


async def test_a_trigger_cancelled_in_flight_cancels_the_job_it_started() -> None:
    async with FakeAirbyte() as fake:
        connection_id = fake.seed(workspaces=1, connections=1, jobs=0).connection_ids[0]
        fake.plan_jobs(connection_id, queued_for=0.0, duration=3600)
        fake.faults.inject("POST /jobs", latency=0.5)
        connection = AirbyteConnection(
            airbyte_credentials=credentials_for(fake), connection_id=connection_id
        )

        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(connection.trigger(), 0.1)

        assert job_statuses(fake, connection_id) == ["cancelled"]
        assert fake.stats.hits["DELETE /jobs/{jobId}"] == 1
