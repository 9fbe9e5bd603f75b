"""The official provider (apache-airflow-providers-airbyte) against the fake, beside this one.

An independent check of the fake's fidelity (another client, written by others, reads it),
and of the migration: the very connection the official hook uses works with AiobyteHook.
"""

from __future__ import annotations

import asyncio

import pytest
from aiobyte_airflow import AiobyteHook

from .conftest import use_connection

official = pytest.importorskip("airflow.providers.airbyte.hooks.airbyte")


@pytest.fixture
def airbyte_connection(threaded_fake, monkeypatch):
    # What the official provider's form writes: host, client id/secret, its Token URL.
    use_connection(
        monkeypatch, threaded_fake.fake, conn_type="airbyte", schema="v1/applications/token"
    )
    return threaded_fake


def test_the_official_hook_runs_a_sync_on_the_fake(airbyte_connection):
    served = airbyte_connection
    fake = served.fake
    [connection_id] = served.call(
        lambda: fake.seed(workspaces=1, connections=1, jobs=0).connection_ids
    )
    served.call(lambda: fake.plan_jobs(connection_id, queued_for=0, duration=0.2))
    hook = official.AirbyteHook(airbyte_conn_id="airbyte_default")
    assert hook.test_connection() == (True, "Connection successfully tested")
    job = hook.submit_sync_connection(connection_id=connection_id)
    assert hook.get_job_status(job.job_id) in ("pending", "running")
    hook.wait_for_job(job.job_id, wait_seconds=0.1, timeout=10)
    assert hook.get_job_status(job.job_id) == "succeeded"
    second = hook.submit_sync_connection(connection_id=connection_id)
    cancelled = hook.cancel_job(second.job_id)
    assert cancelled.status == "cancelled"
    assert served.call(lambda: fake.stats.server_errors) == []


def test_the_same_connection_works_with_aiobyte(airbyte_connection):
    served = airbyte_connection
    fake = served.fake
    [connection_id] = served.call(
        lambda: fake.seed(workspaces=1, connections=1, jobs=0).connection_ids
    )
    job_id = served.call(lambda: fake.add_job(connection_id, status="succeeded")["jobId"])
    official_status = official.AirbyteHook().get_job_status(job_id)

    async def aiobyte_status():
        async with AiobyteHook().get_conn() as client:
            return (await client.jobs.get(job_id)).status.value

    assert AiobyteHook().test_connection() == (True, "Connection successfully tested")
    assert asyncio.run(aiobyte_status()) == official_status == "succeeded"
