"""Hundreds of triggers on one event loop, as on a triggerer: one client, one token, one bound."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiobyte_airflow import AiobyteJobTrigger

from aiobyte.testing import FakeAirbyte

from .conftest import use_connection

pytestmark = pytest.mark.anyio

N = 300
BOUND = 8


async def one_event(trigger):
    async for event in trigger.run():
        return event.payload
    raise AssertionError("no event")


async def test_300_triggers_share_one_client_token_and_in_flight_bound(monkeypatch):
    async with FakeAirbyte() as fake:  # the real clock: jobs end 0.3 s after they start
        fake.seed(workspaces=1, sources=1, destinations=1, connections=0, jobs=0)
        [source_id] = fake.state.sources.ids()
        [destination_id] = fake.state.destinations.ids()
        fake.plan_jobs(None, queued_for=0.1, duration=0.3)
        job_ids = [
            fake.add_job(fake.add_connection(source_id, destination_id)["connectionId"])["jobId"]
            for _ in range(N)
        ]
        use_connection(monkeypatch, fake, extra=json.dumps({"max_in_flight": BOUND}))
        triggers = [
            AiobyteJobTrigger(job_id=job_id, poll_interval=0.2, max_poll_interval=0.4)
            for job_id in job_ids
        ]
        events = await asyncio.wait_for(
            asyncio.gather(*(one_event(trigger) for trigger in triggers)), timeout=60
        )
        assert [event["status"] for event in events] == ["succeeded"] * N
        assert [event["job_id"] for event in events] == job_ids
        assert fake.stats.token_requests == 1
        assert fake.stats.max_in_flight <= BOUND


async def test_a_cancelled_first_trigger_does_not_break_the_others(monkeypatch):
    async with FakeAirbyte() as fake:
        fake.seed(workspaces=1, connections=2, jobs=0)
        first, second = fake.state.connections.ids()
        fake.plan_jobs(None, queued_for=0, duration=0.3)
        use_connection(monkeypatch, fake)
        fake.faults.inject("POST /applications/token", latency=0.2)  # a slow first token
        doomed = asyncio.ensure_future(
            one_event(AiobyteJobTrigger(job_id=fake.add_job(first)["jobId"]))
        )
        survivor = asyncio.ensure_future(
            one_event(AiobyteJobTrigger(job_id=fake.add_job(second)["jobId"], poll_interval=0.1))
        )
        await asyncio.sleep(0.05)  # both wait on the same opening (and the one token)
        doomed.cancel()
        with pytest.raises(asyncio.CancelledError):
            await doomed
        assert (await asyncio.wait_for(survivor, timeout=10))["status"] == "succeeded"
        assert fake.stats.token_requests == 1


async def test_the_client_is_closed_when_the_last_trigger_leaves_and_reopened_after(monkeypatch):
    async with FakeAirbyte() as fake:
        fake.seed(workspaces=1, connections=1, jobs=0)
        [connection_id] = fake.state.connections.ids()
        fake.plan_jobs(None, queued_for=0, duration=0)
        use_connection(monkeypatch, fake)
        done = fake.add_job(connection_id, status="succeeded")["jobId"]
        assert (await one_event(AiobyteJobTrigger(job_id=done)))["status"] == "succeeded"
        # Closed (no unclosed-session warning at the garbage collection after the test);
        # the next trigger opens a new client, so an edited connection is read again.
        use_connection(monkeypatch, fake, password="rotated")
        event = await one_event(AiobyteJobTrigger(job_id=done))
        assert event["status"] == "error"
        assert "AuthenticationError" in event["message"]
        assert "rotated" not in event["message"]
