"""Retries against the fake: what is resent, how long it waits, and the shared budget.

The client gets a ManualClock: sleeps return at once and are recorded, so the tests
assert the delays without waiting for them.
"""

from __future__ import annotations

import email.utils
import socket
from typing import Any

import anyio
import pytest

import aiobyte
from aiobyte.testing import FakeAirbyte, ManualClock

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.fake_airbyte(
        data={"workspaces": 1, "sources": 1, "destinations": 1, "connections": 1, "jobs": 0}
    ),
]

GET_WS = "GET /workspaces/{workspaceId}"


def workspace_id(fake: FakeAirbyte) -> str:
    return next(iter(fake.state.workspaces.ids()))


def connection_id(fake: FakeAirbyte) -> str:
    return next(iter(fake.state.connections.ids()))


def client_for(fake: FakeAirbyte, clock: ManualClock, **kw: object) -> aiobyte.AirbyteClient:
    return fake.client(clock=clock, retry=aiobyte.RetryPolicy(jitter=lambda: 0.5), **kw)


@pytest.mark.parametrize("failures", [0, 1, 2, 3])
async def test_get_is_retried_through_5xx_with_growing_delays(
    fake: FakeAirbyte, failures: int
) -> None:
    clock = ManualClock()
    fake.faults.inject(GET_WS, status=503, times=failures)
    async with client_for(fake, clock) as client:
        ws = await client.workspaces.get(workspace_id(fake))
    assert ws.workspace_id == workspace_id(fake)
    assert fake.stats.hits[GET_WS] == failures + 1
    # Equal jitter at 0.5: three quarters of 0.5, 1, 2 seconds.
    assert clock.sleeps == [0.375, 0.75, 1.5][:failures]


async def test_get_gives_up_after_max_retries(fake: FakeAirbyte) -> None:
    clock = ManualClock()
    fake.faults.inject(GET_WS, status=502, times=None)
    async with client_for(fake, clock) as client:
        with pytest.raises(aiobyte.InternalServerError) as caught:
            await client.workspaces.get(workspace_id(fake))
    assert caught.value.status == 502
    assert fake.stats.hits[GET_WS] == 4  # 1 + 3 retries
    assert len(clock.sleeps) == 3


async def test_retry_after_seconds_and_date_are_honoured(fake: FakeAirbyte) -> None:
    clock = ManualClock()
    when = email.utils.formatdate(clock.time() + 20, usegmt=True)
    fake.faults.inject(GET_WS, status=429, headers={"Retry-After": "3"}, times=1)
    fake.faults.inject(GET_WS, status=503, headers={"Retry-After": when}, times=1)
    async with client_for(fake, clock) as client:
        await client.workspaces.get(workspace_id(fake))
    assert fake.stats.hits[GET_WS] == 3
    assert clock.sleeps[0] == 3.0
    # The date was 20 s away when the test began; the first wait took 3 of them.
    assert clock.sleeps[1] == pytest.approx(17.0, abs=1.0)


async def test_retry_after_beyond_the_cap_is_raised_not_waited(fake: FakeAirbyte) -> None:
    clock = ManualClock()
    fake.faults.inject(GET_WS, status=429, headers={"Retry-After": "3600"}, times=1)
    async with client_for(fake, clock) as client:
        with pytest.raises(aiobyte.RateLimitError) as caught:
            await client.workspaces.get(workspace_id(fake))
    assert caught.value.retry_after == 3600
    assert clock.sleeps == []
    assert fake.stats.hits[GET_WS] == 1


async def test_429_without_retry_after_backs_off_hard_and_gives_up_soon(fake: FakeAirbyte) -> None:
    clock = ManualClock()
    body = {"message": "You are being rate limited."}
    fake.faults.inject(GET_WS, status=429, body=body, times=None)
    async with client_for(fake, clock) as client:
        with pytest.raises(aiobyte.RateLimitError) as caught:
            await client.workspaces.get(workspace_id(fake))
    assert "You are being rate limited." in str(caught.value)
    assert fake.stats.hits[GET_WS] == 3  # 1 + 2 hard-limit retries
    assert clock.sleeps == [3.75, 7.5]  # from 5 s, not from 0.5 s


async def test_job_creation_is_not_resent_after_a_5xx(fake: FakeAirbyte) -> None:
    clock = ManualClock()
    fake.faults.inject("POST /jobs", status=500, times=1)
    async with client_for(fake, clock) as client:
        with pytest.raises(aiobyte.InternalServerError):
            await client.jobs.create(connection_id(fake))
    assert fake.stats.hits["POST /jobs"] == 1
    assert clock.sleeps == []


async def test_job_creation_is_not_resent_after_a_dropped_connection(fake: FakeAirbyte) -> None:
    clock = ManualClock()
    fake.faults.inject("POST /jobs", drop=True, times=1)
    async with client_for(fake, clock) as client:
        with pytest.raises(aiobyte.APIConnectionError) as caught:
            await client.jobs.create(connection_id(fake))
    assert "POST" in str(caught.value)
    assert "/jobs" in str(caught.value)
    assert fake.stats.hits["POST /jobs"] == 1


async def test_job_creation_is_not_resent_after_a_read_timeout(fake: FakeAirbyte) -> None:
    fake.faults.inject("POST /jobs", latency=1.0, times=1)
    async with fake.client(timeout=aiobyte.Timeouts(read=0.2)) as client:
        with pytest.raises(aiobyte.APITimeoutError):
            await client.jobs.create(connection_id(fake))
    assert fake.stats.hits["POST /jobs"] == 1


async def test_job_creation_is_resent_after_429_and_408(fake: FakeAirbyte) -> None:
    clock = ManualClock()
    fake.faults.inject("POST /jobs", status=429, headers={"Retry-After": "1"}, times=1)
    fake.faults.inject("POST /jobs", status=408, times=1)
    async with client_for(fake, clock) as client:
        job = await client.jobs.create(connection_id(fake))
    assert job.connection_id == connection_id(fake)
    assert fake.stats.hits["POST /jobs"] == 3


@pytest.mark.parametrize("fault", [{"drop": True}, {"truncate": True}])
async def test_get_is_retried_after_a_broken_answer(
    fake: FakeAirbyte, fault: dict[str, Any]
) -> None:
    clock = ManualClock()
    fake.faults.inject(GET_WS, times=2, **fault)
    async with client_for(fake, clock) as client:
        assert (await client.workspaces.get(workspace_id(fake))).workspace_id
    assert fake.stats.hits[GET_WS] == 3


async def test_get_is_retried_after_a_read_timeout(fake: FakeAirbyte) -> None:
    fake.faults.inject(GET_WS, latency=1.0, times=1)
    async with fake.client(
        timeout=aiobyte.Timeouts(read=0.2), retry=aiobyte.RetryPolicy(backoff_base=0.01)
    ) as client:
        assert (await client.workspaces.get(workspace_id(fake))).workspace_id
    assert fake.stats.hits[GET_WS] == 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_refused_connection_is_retried_for_any_method_then_raised() -> None:
    clock = ManualClock()
    url = f"http://127.0.0.1:{free_port()}/v1"
    async with aiobyte.AirbyteClient(
        url, token="t", clock=clock, retry=aiobyte.RetryPolicy(jitter=lambda: 0.5)
    ) as client:
        with pytest.raises(aiobyte.APIConnectionError) as caught:
            await client.jobs.create("18dccc91-0ab1-4f72-9ed7-0b8fc27c5826")
    # Nothing was sent, so even a POST may be retried: 3 retries, then the error.
    assert len(clock.sleeps) == 3
    assert "could not connect" in str(caught.value)
    assert caught.value.method == "POST"


async def test_shared_retry_budget_bounds_load_on_a_server_that_is_down(fake: FakeAirbyte) -> None:
    """200 callers, server down: at most 200 + 20 requests (budget 20), not 200 x 4."""
    clock = ManualClock()
    fake.faults.inject(GET_WS, status=503, times=None)
    failures = 0
    async with client_for(fake, clock) as client:

        async def one() -> None:
            nonlocal failures
            try:
                await client.workspaces.get(workspace_id(fake))
            except aiobyte.InternalServerError:
                failures += 1

        with anyio.fail_after(30):
            async with anyio.create_task_group() as tg:
                for _ in range(200):
                    tg.start_soon(one)
    assert failures == 200
    assert fake.stats.hits[GET_WS] <= 200 + 20
    assert fake.stats.hits[GET_WS] >= 200


async def test_budget_refills_with_successes(fake: FakeAirbyte) -> None:
    clock = ManualClock()
    budget = aiobyte.RetryBudget(initial=1, ratio=0.5)
    async with client_for(fake, clock, retry_budget=budget) as client:
        ws = workspace_id(fake)
        fake.faults.inject(GET_WS, status=503, times=1)
        await client.workspaces.get(ws)  # spends the only retry
        fake.faults.inject(GET_WS, status=503, times=1)
        with pytest.raises(aiobyte.InternalServerError):
            await client.workspaces.get(ws)  # none left
        await client.workspaces.get(ws)
        await client.workspaces.get(ws)  # two successes: one retry earned
        fake.faults.inject(GET_WS, status=503, times=1)
        await client.workspaces.get(ws)
