"""Bad input is a ValueError before anything is sent: configurations JSON cannot carry
faithfully, and ``.``/``..`` as a path segment."""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

import aiobyte
from tests._hostile import RawRequest, RawServer, respond

pytestmark = pytest.mark.anyio

WS = "18dccc91-0ab1-4f72-9ed7-0b8fc27c5826"
SOURCE = {"sourceId": WS, "name": "s", "sourceType": "postgres", "definitionId": WS}


class Mode(enum.Enum):
    CDC = "cdc"


@pytest.fixture
async def server() -> AsyncIterator[RawServer]:
    async def answer(request: RawRequest, writer: asyncio.StreamWriter) -> bool:
        return await respond(writer, 200, {**SOURCE, "workspaceId": WS})

    raw = RawServer(answer)
    async with raw.running():
        yield raw


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (float("nan"), "nan, which JSON has no number for"),
        (float("inf"), "inf, which JSON has no number for"),
        (Decimal("-Infinity"), "which JSON has no number for"),
        (Decimal("sNaN"), "which JSON has no number for"),
        (b"secret", "bytes would be sent as base64"),
        ({"a", "b"}, "a set would be sent as a list"),
        (dt.datetime(2024, 1, 1), "datetime without a timezone"),
        (object(), "is of type object: give JSON values"),
    ],
)
async def test_a_configuration_json_cannot_carry_is_refused_naming_its_key_path(
    server: RawServer, value: Any, says: str
) -> None:
    configuration = {"host": "db", "replication": {"method": "CDC", "max_lag": value}}
    async with aiobyte.AirbyteClient(server.base_url, token="t") as client:
        with pytest.raises(ValueError, match=r"configuration\.replication\.max_lag") as caught:
            await client.sources.create(name="s", workspace_id=WS, configuration=configuration)
    assert says in str(caught.value)
    assert server.requests == []


async def test_the_key_path_names_list_items_and_odd_keys(server: RawServer) -> None:
    async with aiobyte.AirbyteClient(server.base_url, token="t") as client:
        with pytest.raises(ValueError, match=r"configuration\['tunnel-method'\]\.hosts\[1\]"):
            await client.sources.create(
                name="s",
                workspace_id=WS,
                configuration={"tunnel-method": {"hosts": ["a", float("nan")]}},
            )
        with pytest.raises(ValueError, match=r"configuration.ports has the key 1 \(int\)"):
            await client.sources.create(
                name="s", workspace_id=WS, configuration={"ports": {1: "a"}}
            )
        with pytest.raises(ValueError, match=r"manifest\.spec"):
            await client.declarative_source_definitions.create(
                WS, name="d", manifest={"spec": {1.5, 2.5}}
            )
    assert server.requests == []


async def test_what_json_carries_is_sent_exactly(server: RawServer) -> None:
    configuration = {
        "host": "db",
        "port": 5432,
        "big": 2**80,
        "ratio": 0.1,
        "exact": Decimal("12345678901234567890.5"),
        "flags": (True, False, None),
        "start": dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
        "day": dt.date(2024, 1, 2),
        "id": uuid.UUID(WS),
        "mode": Mode.CDC,
        "deep": [[[[{"a": []}]]]],
    }
    async with aiobyte.AirbyteClient(server.base_url, token="t") as client:
        await client.sources.create(name="s", workspace_id=WS, configuration=configuration)
    (request,) = server.requests
    sent = request.body.decode()
    assert '"big":1208925819614629174706176' in sent
    assert '"exact":12345678901234567890.5' in sent
    assert '"flags":[true,false,null]' in sent
    assert '"start":"2024-01-01T00:00:00Z"' in sent
    assert '"mode":"cdc"' in sent


@pytest.mark.parametrize("dots", [".", ".."])
async def test_dot_segments_are_refused_as_ids_and_names(server: RawServer, dots: str) -> None:
    async with aiobyte.AirbyteClient(server.base_url, token="t") as client:
        with pytest.raises(ValueError, match="application_id cannot be"):
            await client.applications.get(dots)
        with pytest.raises(ValueError, match="application_id cannot be"):
            await client.applications.delete(dots)
        with pytest.raises(ValueError, match="name cannot be"):
            await client.workspaces.delete_oauth_credentials(WS, "source", dots)
        # Dots inside a name are an ordinary name, percent-encoding keeps it one segment.
        await client.workspaces.delete_oauth_credentials(WS, "source", "..x")
    (request,) = server.requests
    assert request.path.endswith("/oauthCredentials/source/..x")
