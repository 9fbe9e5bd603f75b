"""What a type checker must infer for aiobyte's documented patterns (mypy --strict).

Never run: ``tools/check_readme_types.py`` type-checks this file with the README's
examples. ``assert_type`` fails the check when an inferred type drifts (to ``Any``, for
one: then every attribute "type-checks" and nothing is checked at all).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import aiobyte
from aiobyte import Failure, FanOutError, Success
from aiobyte.models import Connection, Job, Workspace

if TYPE_CHECKING:
    from typing_extensions import assert_type


async def pager_from_a_lambda(client: aiobyte.AirbyteClient, workspace_ids: list[str]) -> None:
    async with aiobyte.fan_out(
        lambda ws: client.connections.list(workspace_ids=[ws]), workspace_ids, limit=10
    ) as results:
        async for outcome in results:
            assert_type(outcome, Success[str, Connection] | Failure[str, Connection])
            if outcome.ok:
                assert_type(outcome.value, Connection)
            else:
                assert_type(outcome.error, Exception)
        assert_type(results.failures, list[Failure[str, Connection]])


async def coroutines(client: aiobyte.AirbyteClient, workspace_ids: list[str]) -> None:
    async with aiobyte.fan_out(client.workspaces.get, workspace_ids) as results:
        async for outcome in results:
            if not outcome.ok:
                raise outcome.error
            assert_type(outcome.value, Workspace)
            assert_type(outcome.unwrap(), Workspace)


async def raise_errors(client: aiobyte.AirbyteClient, connection_ids: list[str]) -> None:
    async def sync(connection_id: str) -> Job:
        return await client.jobs.run(connection_id, timeout=3600)

    try:
        async with aiobyte.fan_out(sync, connection_ids, raise_errors=True) as runs:
            async for outcome in runs:
                assert_type(outcome, Success[str, Job])
                assert_type(outcome.value, Job)
    except FanOutError as error:
        for failure in error.failures:
            assert_type(failure.error, Exception)


async def a_flag_known_at_run_time_only(client: aiobyte.AirbyteClient, strict: bool) -> None:
    async with aiobyte.fan_out(client.workspaces.get, ["a"], raise_errors=strict) as results:
        async for outcome in results:
            assert_type(outcome, Success[str, Workspace] | Failure[str, Workspace])


async def uuid_ids(client: aiobyte.AirbyteClient, workspace: uuid.UUID) -> None:
    """Ids as ``uuid.UUID`` are accepted wherever a string id is."""
    await client.workspaces.get(workspace)
    await client.sources.list(workspace_ids=[workspace]).to_list()
    await client.connections.list(workspace_ids=[workspace, str(workspace)]).to_list()
