"""fan_out and the client's in-flight bound: a limit above the bound says so, once.

Before, ``fan_out(limit=200)`` on a default client ran 32 at a time without a word
(issue 16: 18.9 s where 2.5 s was possible).
"""

from __future__ import annotations

import warnings

import pytest

import aiobyte
from aiobyte.testing import FakeAirbyte

pytestmark = pytest.mark.anyio

GET_WORKSPACE = "GET /workspaces/{workspaceId}"


async def test_a_limit_above_the_bound_warns_once_naming_both_numbers() -> None:
    async with FakeAirbyte(record_requests=False) as fake:
        seeded = fake.seed(workspaces=12, sources=0, destinations=0, connections=0, jobs=0)
        fake.faults.inject(GET_WORKSPACE, latency=0.02, times=None)
        async with fake.client(max_in_flight=4) as client:
            with pytest.warns(RuntimeWarning) as caught:
                async with aiobyte.fan_out(
                    client.workspaces.get, seeded.workspace_ids, limit=10
                ) as results:
                    got = [outcome.unwrap().workspace_id async for outcome in results]
    assert sorted(got) == sorted(seeded.workspace_ids)
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "fan_out(limit=10)" in message
    assert "max_in_flight=4" in message
    assert "AirbyteClient(max_in_flight=10)" in message
    # The bound held all the same.
    assert fake.stats.max_in_flight_by_route[GET_WORKSPACE] <= 4


async def test_a_limit_within_the_bound_and_requests_outside_a_fan_out_do_not_warn() -> None:
    async with FakeAirbyte(record_requests=False) as fake:
        seeded = fake.seed(workspaces=8, sources=0, destinations=0, connections=0, jobs=0)
        async with fake.client(max_in_flight=8) as client:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                async with aiobyte.fan_out(
                    client.workspaces.get, seeded.workspace_ids, limit=8
                ) as results:
                    assert len([o.unwrap() async for o in results]) == 8
                # a second fan-out, limit above the bound, warns on its own...
            with pytest.warns(RuntimeWarning, match="fan_out\\(limit=9\\)"):
                async with aiobyte.fan_out(
                    client.workspaces.get, seeded.workspace_ids, limit=9
                ) as results:
                    assert len([o.unwrap() async for o in results]) == 8
            with warnings.catch_warnings():  # ...and what runs outside one never does
                warnings.simplefilter("error")
                await client.workspaces.get(seeded.workspace_ids[0])
