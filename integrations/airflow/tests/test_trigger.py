"""AiobyteJobTrigger on a ManualClock: how each wait ends, and what it leaves behind.

``run()`` is driven as the triggerer drives it (an asyncio task iterating the generator);
a user's kill is what the triggerer does: cancel the task with its user-action message,
then await ``on_kill()``.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from aiobyte_airflow import AiobyteJobTrigger
from aiobyte_airflow.testing import client_options

try:  # Airflow 3.1+
    from airflow.sdk.serde import deserialize, serialize
except ImportError:  # Airflow 3.0
    from airflow.serialization.serde import deserialize, serialize  # type: ignore[no-redef]

from aiobyte.testing import FakeAirbyte, ManualClock

from .conftest import CONN_ID, use_connection

pytestmark = pytest.mark.anyio

USER_ACTION = "__airflow_user_action__"  # airflow.jobs.triggerer_job_runner's cancel message


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
async def fake(clock, monkeypatch):
    async with FakeAirbyte(clock=clock) as fake:
        fake.seed(workspaces=1, connections=1, jobs=0)
        use_connection(monkeypatch, fake)
        with client_options(CONN_ID, clock=clock):
            yield fake


@pytest.fixture
def connection_id(fake):
    return fake.state.connections.ids()[0]


def start_job(fake, connection_id, **plan):
    plan.setdefault("queued_for", 10)
    plan.setdefault("duration", 3600)
    fake.plan_jobs(connection_id, **plan)
    return fake.add_job(connection_id)["jobId"]


async def first_event(trigger):
    events = [event async for event in trigger.run()]
    assert len(events) == 1
    return events[0].payload


def test_serialize_round_trip_is_json_and_holds_no_secret():
    trigger = AiobyteJobTrigger(
        job_id=42,
        airbyte_conn_id="prod_airbyte",
        deadline=1_900_000_000.5,
        poll_interval=2,
        max_poll_interval=30,
        grace=120,
        cancel_on_timeout=True,
        cancel_on_kill=True,
    )
    classpath, kwargs = trigger.serialize()
    assert classpath == "aiobyte_airflow.triggers.AiobyteJobTrigger"
    assert json.loads(json.dumps(kwargs)) == kwargs  # plain JSON
    # As the task runner stores it and the triggerer rebuilds it:
    rebuilt = AiobyteJobTrigger(**deserialize(serialize(kwargs)))
    assert rebuilt.serialize() == (classpath, kwargs)
    assert set(kwargs) == {
        "job_id", "airbyte_conn_id", "deadline", "poll_interval", "max_poll_interval",
        "grace", "cancel_on_timeout", "cancel_on_kill",
    }  # fmt: skip


@pytest.mark.parametrize(
    "kwargs",
    [
        {"job_id": "42"},
        {"job_id": True},
        {"job_id": 1, "poll_interval": 0},
        {"job_id": 1, "poll_interval": 20, "max_poll_interval": 10},
        {"job_id": 1, "grace": -1},
        {"job_id": 1, "deadline": "tomorrow"},
        {"job_id": 1, "cancel_on_kill": "yes"},
        {"job_id": 1, "airbyte_conn_id": ""},
    ],
)
def test_bad_arguments_are_refused_before_any_io(kwargs):
    with pytest.raises(ValueError):
        AiobyteJobTrigger(**kwargs)


@pytest.mark.parametrize("outcome", ["succeeded", "failed", "cancelled"])
async def test_the_event_says_how_the_job_ended(fake, connection_id, outcome):
    job_id = start_job(fake, connection_id, outcome=outcome)
    event = await first_event(AiobyteJobTrigger(job_id=job_id))
    assert event["status"] == outcome
    assert event["job_id"] == job_id
    assert event["summary"]["job_id"] == job_id
    assert event["summary"]["status"] == outcome
    assert event["summary"]["rows_synced"] == 3_600_000  # 1,000 rows/s for the hour
    assert f"job {job_id}" in event["message"]


async def test_at_the_deadline_the_job_is_cancelled_and_a_timeout_fires(fake, connection_id, clock):
    job_id = start_job(fake, connection_id)
    trigger = AiobyteJobTrigger(job_id=job_id, deadline=clock.time() + 600, cancel_on_timeout=True)
    event = await first_event(trigger)
    assert event["status"] == "timeout"
    assert event["job_cancelled"] is True
    assert f"job {job_id}" in event["message"]
    assert "cancelled" in event["message"]
    assert fake.stats.hits["DELETE /jobs/{jobId}"] == 1
    assert fake.state.jobs.get(job_id).to_json(fake.state.now())["status"] == "cancelled"


async def test_without_cancel_on_timeout_the_job_goes_on(fake, connection_id, clock):
    job_id = start_job(fake, connection_id)
    event = await first_event(AiobyteJobTrigger(job_id=job_id, deadline=clock.time() + 600))
    assert (event["status"], event["job_cancelled"]) == ("timeout", False)
    assert "goes on running" in event["message"]
    assert fake.stats.hits["DELETE /jobs/{jobId}"] == 0


async def test_a_deadline_passed_before_run_times_out_at_once(fake, connection_id, clock):
    # A triggerer that comes back after the deadline: one look, then the timeout.
    job_id = start_job(fake, connection_id)
    trigger = AiobyteJobTrigger(job_id=job_id, deadline=clock.time() - 5, cancel_on_timeout=True)
    event = await first_event(trigger)
    assert (event["status"], event["job_cancelled"]) == ("timeout", True)
    assert fake.stats.hits["GET /jobs/{jobId}"] == 1


async def test_a_job_that_ended_before_the_deadline_check_is_reported_as_ended(
    fake, connection_id, clock
):
    job_id = start_job(fake, connection_id, queued_for=0, duration=1)
    clock.advance(5)
    trigger = AiobyteJobTrigger(job_id=job_id, deadline=clock.time() - 1, cancel_on_timeout=True)
    assert (await first_event(trigger))["status"] == "succeeded"
    assert fake.stats.hits["DELETE /jobs/{jobId}"] == 0


async def polling(fake, task, polls=1):
    for _ in range(2000):  # at most 10 s
        if fake.stats.hits["GET /jobs/{jobId}"] >= polls:
            return
        await asyncio.sleep(0.005)
        assert not task.done()
    raise AssertionError("the trigger never polled")


async def test_on_kill_cancels_the_job(fake, connection_id):
    job_id = start_job(fake, connection_id)
    trigger = AiobyteJobTrigger(job_id=job_id, cancel_on_kill=True)
    task = asyncio.ensure_future(first_event(trigger))
    await polling(fake, task)
    task.cancel(USER_ACTION)
    with pytest.raises(asyncio.CancelledError):
        await task
    assert fake.stats.hits["DELETE /jobs/{jobId}"] == 0  # the cancellation alone cancels nothing
    await trigger.on_kill()
    assert fake.stats.hits["DELETE /jobs/{jobId}"] == 1
    assert fake.state.jobs.get(job_id).to_json(fake.state.now())["status"] == "cancelled"


async def test_on_kill_without_cancel_on_kill_leaves_the_job(fake, connection_id):
    job_id = start_job(fake, connection_id)
    await AiobyteJobTrigger(job_id=job_id, cancel_on_kill=False).on_kill()
    assert fake.stats.hits["DELETE /jobs/{jobId}"] == 0


async def test_a_plain_cancellation_leaves_the_job_for_the_next_triggerer(
    fake, connection_id, clock
):
    job_id = start_job(fake, connection_id, outcome="succeeded")
    trigger = AiobyteJobTrigger(
        job_id=job_id, deadline=clock.time() + 7200, cancel_on_timeout=True, cancel_on_kill=True
    )
    task = asyncio.ensure_future(first_event(trigger))
    await polling(fake, task, polls=2)
    task.cancel()  # the triggerer stops, or hands the trigger to another
    with pytest.raises(asyncio.CancelledError):
        await task
    assert fake.stats.hits["DELETE /jobs/{jobId}"] == 0
    assert fake.state.jobs.get(job_id).to_json(fake.state.now())["status"] in ("pending", "running")
    # The next triggerer rebuilds the trigger from its kwargs and runs it again.
    _classpath, kwargs = trigger.serialize()
    event = await first_event(AiobyteJobTrigger(**kwargs))
    assert event["status"] == "succeeded"


async def test_a_burst_of_502_is_ridden_out(fake, connection_id):
    job_id = start_job(fake, connection_id)
    # More 502s in a row than the client's own retries (3): one poll fails, the wait goes on.
    fake.faults.inject("GET /jobs/{jobId}", status=502, times=6)
    event = await first_event(AiobyteJobTrigger(job_id=job_id, grace=300))
    assert event["status"] == "succeeded"
    assert fake.faults.pending == []


async def test_without_grace_the_same_burst_ends_the_wait_with_an_error(fake, connection_id):
    job_id = start_job(fake, connection_id)
    fake.faults.inject("GET /jobs/{jobId}", status=502, times=6)
    event = await first_event(AiobyteJobTrigger(job_id=job_id, grace=0))
    assert event["status"] == "error"
    assert "502" in event["message"]
    assert f"job {job_id}" in event["message"]


async def test_an_unreadable_connection_is_an_error_event(monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_BROKEN", json.dumps({"conn_type": "aiobyte", "host": "nope"}))
    event = await first_event(AiobyteJobTrigger(job_id=1, airbyte_conn_id="broken"))
    assert event["status"] == "error"
    assert "'broken'" in event["message"]
    assert "scheme" in event["message"]
