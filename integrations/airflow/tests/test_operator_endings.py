"""How the operator and the sensor end a task from what the trigger (or a poke) saw."""

from __future__ import annotations

import pytest
from aiobyte_airflow import AiobyteJobSensor, AiobyteJobTrigger, AiobyteSyncOperator
from aiobyte_airflow._compat import AirflowException, AirflowSensorTimeout
from aiobyte_airflow.testing import client_options

from aiobyte.testing import FakeAirbyte, ManualClock

from .conftest import CONN_ID, use_connection


async def event_of(job_id, **kwargs):
    async for event in AiobyteJobTrigger(job_id=job_id, **kwargs).run():
        return event.payload
    raise AssertionError("no event")


@pytest.fixture
async def ended(monkeypatch):
    """Events of real waits on the fake: a failed job, and one past its deadline."""
    clock = ManualClock()
    async with FakeAirbyte(clock=clock) as fake:
        [failing, slow] = fake.seed(workspaces=1, connections=2, jobs=0).connection_ids
        fake.plan_jobs(failing, queued_for=0, duration=60, outcome="failed")
        fake.plan_jobs(slow, queued_for=0, duration=3600)
        use_connection(monkeypatch, fake)
        with client_options(CONN_ID, clock=clock):
            failed = await event_of(fake.add_job(failing)["jobId"])
            late = await event_of(
                fake.add_job(slow)["jobId"], deadline=clock.time() + 60, cancel_on_timeout=True
            )
        return failed, late


@pytest.mark.anyio
async def test_a_failed_or_late_job_fails_the_task_naming_it(ended):
    failed, late = ended
    operator = AiobyteSyncOperator(task_id="sync", connection_id="c")
    with pytest.raises(AirflowException, match=rf"Airbyte job {failed['job_id']} .* failed"):
        operator.execute_complete({}, failed)
    with pytest.raises(AirflowException, match=rf"job {late['job_id']} .*deadline.*cancelled"):
        operator.execute_complete({}, late)
    sensor = AiobyteJobSensor(task_id="watch", airbyte_job_id=late["job_id"])
    with pytest.raises(AirflowSensorTimeout, match=rf"job {late['job_id']}"):
        sensor.execute_complete({}, late)


def test_a_poke_fails_on_a_failed_job_and_returns_the_summary_of_a_good_one(
    threaded_fake, monkeypatch
):
    fake = threaded_fake.fake
    use_connection(monkeypatch, fake)

    def setup():
        [connection_id] = fake.seed(workspaces=1, connections=1, jobs=0).connection_ids
        return (
            fake.add_job(connection_id, status="failed")["jobId"],
            fake.add_job(connection_id, status="running")["jobId"],
            fake.add_job(connection_id, status="succeeded")["jobId"],
        )

    failed, running, succeeded = threaded_fake.call(setup)
    with pytest.raises(AirflowException, match=rf"Airbyte job {failed} .* failed"):
        AiobyteJobSensor(task_id="a", airbyte_job_id=failed).poke({})
    assert AiobyteJobSensor(task_id="b", airbyte_job_id=str(running)).poke({}) is False
    done = AiobyteJobSensor(task_id="c", airbyte_job_id=succeeded).poke({})
    assert done.is_done
    assert done.xcom_value["job_id"] == succeeded
    assert threaded_fake.call(lambda: fake.stats.hits["DELETE /jobs/{jobId}"]) == 0


def test_bad_arguments_fail_before_any_request():
    with pytest.raises(ValueError, match="poll_interval"):
        AiobyteSyncOperator(task_id="a", connection_id="c", poll_interval=0)
    with pytest.raises(ValueError, match="timeout"):
        AiobyteSyncOperator(task_id="b", connection_id="c", timeout=-5)
    with pytest.raises(ValueError, match="job_type"):
        AiobyteSyncOperator(task_id="c", connection_id="c", job_type="backup").execute({})
    with pytest.raises(ValueError, match="airbyte_job_id"):
        AiobyteJobSensor(task_id="d", airbyte_job_id="latest").poke({})
