"""A seeded, bounded fault soak: listing through random failures loses, repeats and
reorders nothing, and a job is never started twice.

The server (a raw one, ``tests/_hostile.py``) rolls a seeded die for every request:
500, a connection dropped before the answer, an answer cut short, or the real answer.
Backoff sleeps return at once (ManualClock), so the soak takes about a second.
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections import Counter

import anyio
import pytest

import aiobyte
from tests._hostile import RawRequest, RawServer, respond, response_bytes

pytestmark = pytest.mark.anyio

ITEMS = 10_000
FAULT_SHARE = 0.3


async def fault(chance: random.Random, writer: asyncio.StreamWriter) -> bool | None:
    """Maybe fail this request (the server may already have acted on it): True or False
    as a handler's answer, None to answer for real."""
    roll = chance.random()
    if roll >= FAULT_SHARE:
        return None
    if roll < FAULT_SHARE / 3:
        return await respond(writer, 500, {"title": "Internal Server Error"})
    if roll < 2 * FAULT_SHARE / 3:
        return False  # dropped before any answer
    writer.write(response_bytes(200, b'{"data": [{"workspaceId": "', content_length=5000))
    await writer.drain()
    return False  # cut short


def client_for(server: RawServer) -> aiobyte.AirbyteClient:
    return aiobyte.AirbyteClient(
        server.base_url,
        token="t",
        clock=aiobyte.ManualClock(),
        # 0.3 ** 9: a page that fails nine times in a row is a one-in-50,000 event, and the
        # seed makes the run the same every time.
        retry=aiobyte.RetryPolicy(max_retries=8),
        retry_budget=aiobyte.RetryBudget(1000, 1.0),
    )


async def test_ten_thousand_items_arrive_exactly_once_and_in_order_through_faults() -> None:
    chance = random.Random(20261201)
    names = [str(uuid.UUID(int=i)) for i in range(ITEMS)]

    async def pages(request: RawRequest, writer: asyncio.StreamWriter) -> bool:
        failed = await fault(chance, writer)
        if failed is not None:
            return failed
        query = dict(part.split("=", 1) for part in request.target.partition("?")[2].split("&"))
        offset, limit = int(query["offset"]), int(query["limit"])
        data = [{"workspaceId": n, "name": n} for n in names[offset : offset + limit]]
        body: dict[str, object] = {"data": data}
        if offset + limit < ITEMS:
            body["next"] = f"https://elsewhere/v1/workspaces?limit={limit}&offset={offset + limit}"
        return await respond(writer, 200, json.dumps(body).encode())

    server = RawServer(pages)
    async with server.running(), client_for(server) as client:
        with anyio.fail_after(60):
            listed = [w.workspace_id async for w in client.workspaces.list()]
    assert listed == names
    faults = len(server.requests) - ITEMS // 100
    assert faults > 20  # the soak did meet its faults


async def test_a_job_start_is_never_sent_twice_under_faults() -> None:
    chance = random.Random(7)
    connections = [str(uuid.UUID(int=i + 1)) for i in range(300)]

    async def jobs(request: RawRequest, writer: asyncio.StreamWriter) -> bool:
        failed = await fault(chance, writer)
        if failed is not None:
            return failed
        sent = json.loads(request.body)
        job = {
            "jobId": len(server.requests),
            "status": "running",
            "jobType": "sync",
            "connectionId": sent["connectionId"],
        }
        return await respond(writer, 200, job)

    server = RawServer(jobs)
    outcomes: Counter[str] = Counter()

    async def start(connection_id: str) -> None:
        try:
            await client.jobs.create(connection_id)
            outcomes["started"] += 1
        except aiobyte.AirbyteError as exc:
            outcomes[type(exc).__name__] += 1

    async with server.running(), client_for(server) as client:
        with anyio.fail_after(60):
            async with anyio.create_task_group() as group:
                for connection_id in connections:
                    group.start_soon(start, connection_id)
    per_connection = Counter(json.loads(r.body)["connectionId"] for r in server.requests)
    assert set(per_connection.values()) == {1}  # every job start went out once, never twice
    assert sorted(per_connection) == sorted(connections)
    assert outcomes["started"] > 150
    # Each fault reached its caller: none was turned into a silent resend.
    assert sum(outcomes.values()) == len(connections)
    assert outcomes["started"] < len(connections)
