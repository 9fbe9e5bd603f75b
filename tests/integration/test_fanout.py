"""aiobyte.fan_out against the fake: every result once, every failure with its key, bounded.

A small latency fault on every request makes the calls overlap for real, so the fake's
``max_in_flight_by_route`` shows the bound is held.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest

import aiobyte
from aiobyte.testing import FakeAirbyte

pytestmark = [pytest.mark.anyio, pytest.mark.fake_airbyte(record_requests=False)]

LIST_SOURCES = "GET /sources"
BOUND = 16


async def test_a_thousand_workspaces_every_item_once_every_failure_with_its_key(
    fake: FakeAirbyte,
) -> None:
    seeded = fake.seed(workspaces=1000, sources=2, destinations=0, connections=0, jobs=0)
    workspace_ids = seeded.workspace_ids
    expected = {ws: set(seeded.source_ids[2 * i : 2 * i + 2]) for i, ws in enumerate(workspace_ids)}
    # Keys that fail in our own code, before any request ...
    broken = set(workspace_ids[::97])
    # ... and requests the server refuses (400 is not retried: the key fails).
    refused = 7
    fake.faults.inject(LIST_SOURCES, status=400, times=refused)
    fake.faults.inject("*", latency=0.002, times=None)

    async with fake.client(max_in_flight=64) as client:

        def sources_of(workspace_id: str) -> aiobyte.Pager[aiobyte.models.Source]:
            if workspace_id in broken:
                raise RuntimeError(f"no access to {workspace_id}")
            return client.sources.list(workspace_ids=[workspace_id])

        items: Counter[tuple[str, str]] = Counter()
        failures: dict[str, Exception] = {}
        with anyio.fail_after(30):
            async with aiobyte.fan_out(sources_of, workspace_ids, limit=BOUND) as results:
                async for outcome in results:
                    if outcome.ok:
                        assert outcome.value is not None
                        assert outcome.value.workspace_id == outcome.key
                        items[(outcome.key, outcome.value.source_id)] += 1
                    else:
                        assert outcome.error is not None
                        assert outcome.key not in failures  # one failure per key
                        failures[outcome.key] = outcome.error
            assert [f.key for f in results.failures] == list(failures)

    assert set(items.values()) == {1}  # nothing twice
    refused_keys = set(failures) - broken
    assert broken <= set(failures)
    assert len(refused_keys) == refused
    for key in broken:
        assert isinstance(failures[key], RuntimeError)
        assert key in str(failures[key])
    for key in refused_keys:
        assert isinstance(failures[key], aiobyte.BadRequestError)
    got: dict[str, set[str]] = {ws: set() for ws in workspace_ids}
    for key, source in items:
        got[key].add(source)
    for ws in workspace_ids:
        assert got[ws] == (set() if ws in failures else expected[ws])
    assert fake.stats.hits[LIST_SOURCES] == len(workspace_ids) - len(broken)
    assert 1 < fake.stats.max_in_flight_by_route[LIST_SOURCES] <= BOUND


async def test_coroutines_one_outcome_per_key_and_a_summary_error_when_asked(
    fake: FakeAirbyte,
) -> None:
    seeded = fake.seed(workspaces=30, sources=0, destinations=0, connections=0, jobs=0)
    missing = ["5f1c1b3e-0000-4000-8000-000000000001", "5f1c1b3e-0000-4000-8000-000000000002"]
    keys = [*seeded.workspace_ids[:10], missing[0], *seeded.workspace_ids[10:], missing[1]]
    fake.faults.inject("*", latency=0.002, times=None)
    names: dict[str, str] = {}

    async def collect(client: aiobyte.AirbyteClient) -> None:
        async with aiobyte.fan_out(
            client.workspaces.get, keys, limit=4, raise_errors=True
        ) as results:
            async for outcome in results:
                assert outcome.ok  # failures are kept for the end
                names[outcome.key] = outcome.unwrap().name

    async with fake.client() as client:
        with anyio.fail_after(10), pytest.raises(aiobyte.FanOutError) as caught:
            await collect(client)
    assert set(names) == set(seeded.workspace_ids)  # every success arrived before the error
    error = caught.value
    assert isinstance(error, aiobyte.AirbyteError)
    assert sorted(f.key for f in error.failures) == sorted(missing)
    assert all(isinstance(f.error, aiobyte.NotFoundError) for f in error.failures)
    assert str(error).startswith("2 of 32 keys failed: ")
    assert missing[0] in str(error)
    assert fake.stats.max_in_flight_by_route["GET /workspaces/{workspaceId}"] <= 4


async def _assert_nothing_left(fake: FakeAirbyte, client: aiobyte.AirbyteClient) -> None:
    """No task of the fan-out still sends, and every request slot is free again."""
    # Requests already written when the fan-out was cancelled still reach the fake; wait
    # until it has seen and answered them all. A task left running would go on sending
    # until all 200 workspaces were listed.
    with anyio.fail_after(5):
        seen = -1
        while fake.stats.in_flight or sum(fake.stats.hits.values()) != seen:
            seen = sum(fake.stats.hits.values())
            await anyio.sleep(0.03)
    assert fake.stats.hits[LIST_SOURCES] <= 3 * client.max_in_flight
    # As many requests at once as the client allows: a slot still held would block one.
    fake.faults.clear()
    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            for _ in range(client.max_in_flight):
                tg.start_soon(client.health.check)


async def test_break_cancels_the_rest_and_frees_every_slot(fake: FakeAirbyte) -> None:
    seeded = fake.seed(workspaces=200, sources=1, destinations=0, connections=0, jobs=0)
    fake.faults.inject("*", latency=0.01, times=None)
    async with fake.client(max_in_flight=8) as client:
        with anyio.fail_after(10):
            async with aiobyte.fan_out(
                lambda ws: client.sources.list(workspace_ids=[ws]), seeded.workspace_ids, limit=8
            ) as results:
                async for _outcome in results:
                    break
            await _assert_nothing_left(fake, client)


async def test_cancellation_cancels_every_call_and_frees_every_slot(fake: FakeAirbyte) -> None:
    seeded = fake.seed(workspaces=200, sources=1, destinations=0, connections=0, jobs=0)
    fake.faults.inject("*", latency=0.01, times=None)
    async with fake.client(max_in_flight=8) as client:
        received = 0
        with anyio.fail_after(10):
            with anyio.CancelScope() as scope:
                async with aiobyte.fan_out(
                    lambda ws: client.sources.list(workspace_ids=[ws]),
                    seeded.workspace_ids,
                    limit=8,
                ) as results:
                    async for _outcome in results:
                        received += 1
                        if received == 3:
                            scope.cancel()
            assert scope.cancelled_caught
            await _assert_nothing_left(fake, client)


async def test_an_error_in_the_body_comes_out_as_it_is(fake: FakeAirbyte) -> None:
    seeded = fake.seed(workspaces=20, sources=1, destinations=0, connections=0, jobs=0)

    async def stop_at_the_first(client: aiobyte.AirbyteClient) -> None:
        async with aiobyte.fan_out(client.workspaces.get, seeded.workspace_ids) as results:
            async for _outcome in results:
                raise KeyError("stop here")

    async with fake.client() as client:
        with anyio.fail_after(10), pytest.raises(KeyError, match="stop here"):
            await stop_at_the_first(client)


async def test_async_generators_are_closed_and_misuse_is_explained() -> None:
    closed: list[int] = []

    async def numbers(n: int) -> AsyncIterator[int]:
        try:
            for i in range(n):
                yield i
                if n == 3 and i == 1:
                    raise ValueError("three is unlucky")
        finally:
            closed.append(n)

    got: Counter[int] = Counter()
    with anyio.fail_after(5):
        async with aiobyte.fan_out(numbers, [1, 2, 3, 4], limit=2) as results:
            async for outcome in results:
                if outcome.ok:
                    got[outcome.key] += 1
                else:
                    assert outcome.key == 3
                    assert isinstance(outcome.error, ValueError)
    assert got == {1: 1, 2: 2, 3: 2, 4: 4}
    assert sorted(closed) == [1, 2, 3, 4]

    async def not_async(key: int) -> int:
        return key

    with anyio.fail_after(5):
        not_a_coroutine: Any = str  # deliberately not async
        async with aiobyte.fan_out(not_a_coroutine, [1]) as wrong:
            outcomes = [o async for o in wrong]
    assert isinstance(outcomes[0].error, TypeError)
    with pytest.raises(ValueError, match="limit"):
        aiobyte.fan_out(not_async, [1], limit=0)
    unentered = aiobyte.fan_out(not_async, [1])
    with pytest.raises(RuntimeError, match="async with"):
        await unentered.__anext__()
    nothing: list[int] = []
    async with aiobyte.fan_out(not_async, nothing) as empty:
        assert [o async for o in empty] == []
