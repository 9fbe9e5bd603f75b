"""A seeded, bounded fault soak: listing through random failures loses, repeats and
reorders nothing, and a job is never started twice.

The fake (``aiobyte.testing``) draws for every request, from its seeded RNG, one of
three faults, each about a tenth of the requests: 500, a connection dropped before the
answer, or an answer cut short (after the handler ran: the job may have started). The
rest get the real answer. Backoff sleeps return at once (ManualClock), so the soak takes
a few seconds.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import anyio
import pytest

import aiobyte
from aiobyte.testing import FakeAirbyte, Fault, ManualClock

pytestmark = pytest.mark.anyio

ITEMS = 10_000
FAULT_SHARE = 0.3


def soak(fake: FakeAirbyte, route: str) -> list[Fault]:
    """Faults on ``route`` for ever: 500, dropped, cut short, together ``FAULT_SHARE`` of
    the requests (a request spared by one fault's draw goes on to the next)."""
    kinds: list[dict[str, Any]] = [{"status": 500}, {"drop": True}, {"truncate": True}]
    faults = []
    for n, kind in enumerate(kinds):
        share = (FAULT_SHARE / 3) / (1 - n * FAULT_SHARE / 3)  # of those spared so far
        faults.append(fake.faults.inject(route, times=None, probability=share, **kind))
    return faults


def client_for(fake: FakeAirbyte) -> aiobyte.AirbyteClient:
    return fake.client(
        token=fake.issue_token(lifetime=86_400),
        # 0.3 ** 9: a page that fails nine times in a row is a one-in-50,000 event, and the
        # seed makes the run the same every time.
        retry=aiobyte.RetryPolicy(max_retries=8),
        retry_budget=aiobyte.RetryBudget(1000, 1.0),
    )


async def test_ten_thousand_items_arrive_exactly_once_and_in_order_through_faults() -> None:
    # next links name another host: only their offsets are followed
    elsewhere = "https://elsewhere/v1"
    async with FakeAirbyte(
        clock=ManualClock(), seed=20261201, public_url=elsewhere, record_requests=False
    ) as fake:
        names = [fake.add_workspace()["workspaceId"] for _ in range(ITEMS)]
        faults = soak(fake, "GET /workspaces")
        async with client_for(fake) as client:
            with anyio.fail_after(60):
                listed = [w.workspace_id async for w in client.workspaces.list()]
    assert listed == names
    assert sum(f.hits for f in faults) > 20  # the soak did meet its faults


async def test_a_job_start_is_never_sent_twice_under_faults() -> None:
    async with FakeAirbyte(clock=ManualClock(), seed=7) as fake:
        seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=300, jobs=0)
        connections = seeded.connection_ids
        fake.plan_jobs(None, queued_for=3600, duration=3600)  # still running at the end
        faults = soak(fake, "POST /jobs")
        outcomes: Counter[str] = Counter()

        async def start(connection_id: str) -> None:
            try:
                await client.jobs.create(connection_id)
                outcomes["started"] += 1
            except aiobyte.AirbyteError as exc:
                outcomes[type(exc).__name__] += 1

        async with client_for(fake) as client:
            with anyio.fail_after(60):
                async with anyio.create_task_group() as group:
                    for connection_id in connections:
                        group.start_soon(start, connection_id)
    sent = [r for r in fake.stats.requests if r.route == "POST /jobs"]
    per_connection = Counter(json.loads(r.body)["connectionId"] for r in sent)
    assert set(per_connection.values()) == {1}  # every job start went out once, never twice
    assert sorted(per_connection) == sorted(connections)
    assert sum(f.hits for f in faults) > 20
    assert outcomes["started"] > 150
    # Each fault reached its caller: none was turned into a silent resend.
    assert sum(outcomes.values()) == len(connections)
    assert outcomes["started"] < len(connections)
