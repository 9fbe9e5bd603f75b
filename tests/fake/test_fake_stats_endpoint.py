"""``GET /_fake/stats``: the fake's counters as JSON, for a fake run in another process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from aiobyte.testing import FakeAirbyte

pytestmark = pytest.mark.anyio


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def read_stats(http: aiohttp.ClientSession, fake: FakeAirbyte) -> dict[str, Any]:
    async with http.get(fake.url + "/_fake/stats") as answer:
        assert answer.status == 200
        assert answer.content_type == "application/json"
        body: dict[str, Any] = await answer.json()
        return body


async def test_stats_endpoint_answers_the_counters(http: aiohttp.ClientSession) -> None:
    async with FakeAirbyte(record_requests=False) as fake:
        seeded = fake.seed(workspaces=1, sources=3, connections=0, jobs=0)
        assert await read_stats(http, fake) == {"token_requests": 0, "hits": {}, "max_in_flight": 0}

        async with fake.client() as client:
            for source_id in seeded.sources:
                await client.sources.get(source_id)
            await client.sources.list().to_list()

        stats = await read_stats(http, fake)
        assert stats == {
            "token_requests": 1,
            "hits": dict(fake.stats.hits),
            "max_in_flight": fake.stats.max_in_flight,
        }
        assert stats["hits"]["GET /sources/{sourceId}"] == 3
        assert stats["hits"]["GET /sources"] == 1
        assert stats["max_in_flight"] == 1


async def test_reading_the_stats_changes_nothing(http: aiohttp.ClientSession) -> None:
    async with FakeAirbyte() as fake:
        fake.faults.inject("*", status=503, times=None)  # faults are for the API only
        for _ in range(3):
            await read_stats(http, fake)
        assert fake.stats.hits == {}
        assert fake.stats.requests == []


async def test_other_paths_outside_the_prefix_still_answer_html(
    http: aiohttp.ClientSession,
) -> None:
    async with FakeAirbyte(path_prefix="/api/public/v1") as fake:
        for method, path in (
            ("GET", "/_fake"),
            ("GET", "/_fake/stats/more"),
            ("GET", "/_fake/statsx"),
            ("POST", "/_fake/stats"),
        ):
            async with http.request(method, fake.url + path) as answer:
                assert (answer.status, answer.content_type) == (200, "text/html"), path
        assert fake.stats.hits["POST /_fake/stats"] == 1
        async with http.get(fake.url + "/api/public/v1/_fake/stats") as answer:
            assert answer.status == 404  # inside the prefix: an unknown API endpoint
