"""Pages fetched ahead: in order, bounded, and nothing left in flight when a listing ends.

The window is measured where it matters, at the server: the fake (``aiobyte.testing``,
with latency injected) counts how many requests it has open at once. Pages that never
answer, an error in the middle of a listing and offsets other than ``offset + limit``
are no behaviour of the real API: for those a raw server (``tests/_hostile.py``) pages
a list of sources the way Airbyte does (``limit`` and ``offset``, a ``next`` link on
every page with items), misbehaving as the test says.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import anyio
import pytest

import aiobyte
from aiobyte.testing import FakeAirbyte
from tests._hostile import RawRequest, RawServer, respond

pytestmark = pytest.mark.anyio

WORKSPACE = "11111111-1111-4111-8111-111111111111"
LIST_SOURCES = "GET /sources"


def _source(n: int) -> dict[str, object]:
    return {
        "sourceId": f"00000000-0000-4000-8000-{n:012d}",
        "name": f"source {n}",
        "sourceType": "postgres",
        "definitionId": "decd338e-5647-4c0b-adf4-da0e75f5a750",
        "workspaceId": WORKSPACE,
        "createdAt": 1_700_000_000,
        "configuration": {"n": n},
    }


@dataclass
class PagingServer:
    total: int
    url: str = ""
    open_now: int = 0
    offsets: list[int] = field(default_factory=list)
    hang_after: int | None = None  # pages at this offset or beyond never answer
    fail_at: int | None = None  # the page at this offset answers 404
    next_offset: Callable[[int, int], int] = lambda offset, limit: offset + limit
    abandoned: int = 0
    raw: RawServer | None = None

    async def handle(self, request: RawRequest, writer: asyncio.StreamWriter) -> bool:
        assert self.raw is not None
        limit = int(request.query["limit"])
        offset = int(request.query["offset"])
        self.offsets.append(offset)
        self.open_now += 1
        try:
            if self.hang_after is not None and offset >= self.hang_after:
                # Until the client hangs up (what a cancelled request does).
                with anyio.fail_after(10):
                    await self.raw.client_gone(writer)
                self.abandoned += 1
                return False
            if offset == self.fail_at:
                return await respond(writer, 404, {"status": 404, "title": "gone"})
            data = [_source(n) for n in range(offset, min(offset + limit, self.total))]
            following = self.next_offset(offset, limit)
            link = f"{self.url}/sources?limit={limit}&offset={following}" if data else ""
            return await respond(writer, 200, {"data": data, "next": link, "previous": ""})
        finally:
            self.open_now -= 1


Serve = Callable[..., Awaitable[aiobyte.AirbyteClient]]


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """Start a PagingServer and give a client of it; both are closed after the test."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(server: PagingServer, max_in_flight: int = 32) -> aiobyte.AirbyteClient:
            server.raw = await stack.enter_async_context(RawServer(server.handle).running())
            server.url = server.raw.base_url
            client = aiobyte.AirbyteClient(server.url, token="t", max_in_flight=max_in_flight)
            stack.push_async_callback(client.aclose)
            return client

        yield start


def offsets_asked(fake: FakeAirbyte) -> list[int]:
    return [
        int(value)
        for request in fake.stats.requests
        if request.route == LIST_SOURCES
        for key, value in request.query
        if key == "offset"
    ]


async def test_pages_come_in_order_with_a_bounded_window(fake: FakeAirbyte) -> None:
    workspace = fake.add_workspace()["workspaceId"]
    seeded = fake.add_sources(workspace, 2_000)
    fake.faults.inject(LIST_SOURCES, latency=0.02, times=None)
    async with fake.client() as client:
        with anyio.fail_after(20):
            sources = await client.sources.list(page_size=100).prefetch(4).to_list()
    assert [s.source_id for s in sources] == seeded
    most_open = fake.stats.max_in_flight_by_route[LIST_SOURCES]
    assert 1 < most_open <= 4  # it did fetch ahead, and never more than the window
    offsets = offsets_asked(fake)
    assert sorted(offsets) == sorted(set(offsets))  # no page asked twice
    assert set(range(0, 2_000, 100)) <= set(offsets)
    # Past the short last page (there is none here: the empty one at 2,000 ends it),
    # at most the window's worth is wasted.
    assert len(offsets) < 21 + 4


async def test_prefetch_one_is_one_page_at_a_time(fake: FakeAirbyte) -> None:
    workspace = fake.add_workspace()["workspaceId"]
    seeded = fake.add_sources(workspace, 450)
    fake.faults.inject(LIST_SOURCES, latency=0.005, times=None)
    async with fake.client() as client:
        with anyio.fail_after(20):
            sources = await client.sources.list(page_size=100).prefetch(1).to_list()
    assert [s.source_id for s in sources] == seeded
    assert fake.stats.max_in_flight_by_route[LIST_SOURCES] == 1
    assert offsets_asked(fake) == [0, 100, 200, 300, 400]  # and nothing after the short page


async def test_breaking_out_cancels_the_pages_fetched_ahead(serve: Serve) -> None:
    server = PagingServer(total=10_000, hang_after=300)
    client = await serve(server, max_in_flight=8)  # the window can take every slot
    seen = 0
    with anyio.fail_after(10):
        async for _ in client.sources.list(page_size=100).prefetch(8):
            seen += 1
            if seen == 250:
                break
        # The pages fetched ahead of 300 hang until their requests are cancelled.
        while server.open_now:  # noqa: ASYNC110
            await asyncio.sleep(0.005)
    assert server.abandoned >= 1
    # Nothing is held: with every slot free again, a full window of pages goes through.
    with anyio.fail_after(5):
        assert len(await client.sources.list(page_size=100).prefetch(1)) == 100
        async for source in client.sources.list(page_size=10).prefetch(8):
            if source.configuration["n"] == 289:
                break


async def test_an_error_page_ends_the_listing_after_the_pages_before_it(
    serve: Serve,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = PagingServer(total=1_000, fail_at=500)
    client = await serve(server)
    got: list[int] = []

    async def read_all() -> None:
        async for source in client.sources.list(page_size=100).prefetch(8):
            got.append(source.configuration["n"])

    with caplog.at_level(logging.DEBUG), anyio.fail_after(10):
        with pytest.raises(aiobyte.NotFoundError):
            await read_all()
        await asyncio.sleep(0.05)  # let the pages fetched ahead of the error be dropped
    assert got == list(range(500))
    assert "never retrieved" not in caplog.text


async def test_the_servers_offsets_win_over_the_assumed_ones(serve: Serve) -> None:
    # A server whose next page starts elsewhere than offset + limit: its link decides.
    server = PagingServer(total=1_000, next_offset=lambda offset, limit: offset + limit + 50)
    client = await serve(server)
    with anyio.fail_after(10):
        sources = await client.sources.list(page_size=100).prefetch(8).to_list()
    expected = [n for start in range(0, 1_000, 150) for n in range(start, min(start + 100, 1_000))]
    assert [s.configuration["n"] for s in sources] == expected


def test_prefetch_takes_a_positive_number_of_pages() -> None:
    client = aiobyte.AirbyteClient("http://127.0.0.1:9/v1", token="t")
    pager = client.sources.list()
    for bad in (0, -1, 1.5, True, "8"):
        with pytest.raises(ValueError, match="prefetch"):
            pager.prefetch(bad)  # type: ignore[arg-type]  # a wrong type on purpose
