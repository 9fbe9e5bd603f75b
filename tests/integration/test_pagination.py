"""The pager against the fake: every item once, no wasted or misdirected request."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import anyio
import pytest

import aiobyte
from aiobyte.testing import FakeAirbyte, ManualClock
from tests._hostile import RawRequest, RawServer, respond

pytestmark = pytest.mark.anyio

LIST_SOURCES = "GET /sources"


@pytest.fixture
async def fake() -> AsyncIterator[FakeAirbyte]:
    async with FakeAirbyte() as server:
        yield server


def new_workspace(fake: FakeAirbyte, sources: int) -> str:
    ws: str = fake.add_workspace(name=f"ws-{sources}")["workspaceId"]
    fake.add_sources(ws, sources)
    return ws


def queries(fake: FakeAirbyte, route: str) -> list[dict[str, list[str]]]:
    found = []
    for request in fake.stats.requests:
        if request.route == route:
            query: dict[str, list[str]] = {}
            for key, value in request.query:
                query.setdefault(key, []).append(value)
            found.append(query)
    return found


@pytest.mark.parametrize(
    ("count", "page_size", "requests"),
    [
        (0, 100, 1),
        (1, 100, 1),
        (250, 100, 3),  # the short third page is the last: no fourth request
        (99, 33, 4),  # three full pages, then one empty page (unavoidable)
        (100, 100, 2),
    ],
)
@pytest.mark.parametrize("prefetch", [1, 2, 8])
async def test_every_item_once_and_no_empty_page_after_a_short_one(
    fake: FakeAirbyte, count: int, page_size: int, requests: int, prefetch: int
) -> None:
    ws = new_workspace(fake, count)
    other = new_workspace(fake, 7)  # must not show up
    async with fake.client() as client:
        listing = client.sources.list(workspace_ids=[ws], page_size=page_size)
        one_by_one = [s async for s in listing.prefetch(1)]
        assert fake.stats.hits[LIST_SOURCES] == requests
        sources = [s async for s in listing.prefetch(prefetch)]
    # Pages fetched ahead past the end are the only waste: less than one window.
    assert requests <= fake.stats.hits[LIST_SOURCES] - requests < requests + prefetch
    assert len(sources) == count
    assert len({s.source_id for s in sources}) == count
    assert all(s.workspace_id == ws for s in sources)
    assert other not in {s.workspace_id for s in sources}
    assert sources == one_by_one  # the same items in the same order


async def test_list_sends_nothing_until_iterated(fake: FakeAirbyte) -> None:
    new_workspace(fake, 3)
    async with fake.client() as client:
        pager = client.sources.list()
        assert fake.stats.requests == []
        assert len(await pager.to_list()) == 3
        assert len(await pager.to_list()) == 3  # each iteration starts afresh
    assert fake.stats.hits[LIST_SOURCES] == 2


async def test_next_link_to_a_foreign_host_is_not_followed() -> None:
    """The server's next link names another host; no request, and no credential, goes there."""

    async def trap(request: RawRequest, writer: asyncio.StreamWriter) -> bool:
        return await respond(writer, 200, {"data": [], "next": "", "previous": ""})

    async with RawServer(trap).running() as foreign:
        public = f"http://127.0.0.1:{foreign.port}/api/public/v1"
        async with FakeAirbyte(path_prefix="/api/public/v1", public_url=public) as fake:
            ws = new_workspace(fake, 230)
            async with fake.client() as client:
                listing = client.sources.list(workspace_ids=[ws], page_size=50)
                sources = [s async for s in listing.prefetch(1)]
                assert len({s.source_id for s in sources}) == 230
                assert fake.stats.hits[LIST_SOURCES] == 5
                ahead = [s async for s in listing]  # pages fetched ahead: the same rule
            assert [s.source_id for s in ahead] == [s.source_id for s in sources]
    assert foreign.requests == []
    assert foreign.connections == 0


async def test_filters_are_sent_on_every_page(fake: FakeAirbyte) -> None:
    a, b = new_workspace(fake, 60), new_workspace(fake, 50)
    new_workspace(fake, 40)
    async with fake.client() as client:
        listing = client.sources.list(workspace_ids=[a, b], page_size=25)
        got = [s async for s in listing.prefetch(1)]
        ahead = [s async for s in listing]
    assert len(got) == 110
    assert ahead == got
    sent = queries(fake, LIST_SOURCES)
    for query in sent:
        assert query["workspaceIds"] == [a, b]
        assert query["limit"] == ["25"]
    offsets = [int(q["offset"][0]) for q in sent]
    assert offsets[:5] == [0, 25, 50, 75, 100]
    assert sorted(offsets[5:])[:5] == [0, 25, 50, 75, 100]
    assert len(set(offsets[5:])) == len(offsets[5:])  # fetched ahead, never twice


async def test_jobs_keep_every_filter_and_do_not_stop_at_a_short_page() -> None:
    clock = ManualClock()
    async with FakeAirbyte(clock=clock) as fake:
        seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=1, jobs=0)
        connection = seeded.connection_ids[0]
        for i in range(30):
            fake.add_job(connection, status="succeeded" if i % 3 else "failed")
        async with fake.client(clock=clock) as client:
            jobs = [
                job
                async for job in client.jobs.list(
                    connection_id=connection,
                    status="failed",
                    order_by="createdAt|ASC",
                    page_size=7,
                )
            ]
        assert len(jobs) == 10
        assert all(job.status == aiobyte.models.JobStatus.FAILED for job in jobs)
        sent = queries(fake, "GET /jobs")
        # Pages of 7 hold 2 or 3 failed jobs each: short pages, yet the listing went on.
        assert len(sent) == 6
        for query in sent:
            assert query["status"] == ["failed"]
            assert query["orderBy"] == ["createdAt|ASC"]
            assert query["connectionId"] == [connection]


async def test_repeated_cursor_stops_instead_of_looping(fake: FakeAirbyte) -> None:
    ws = new_workspace(fake, 1)
    source = fake.state.sources.get(next(iter(fake.state.sources.ids())))
    looping = {
        "data": [source],
        "next": f"{fake.base_url}/sources?limit=1&offset=0",
        "previous": "",
    }
    fake.faults.inject(LIST_SOURCES, status=200, body=looping, times=None)
    async with fake.client() as client:
        with anyio.fail_after(5):
            items = [s async for s in client.sources.list(workspace_ids=[ws], page_size=1)]
    assert len(items) == 1
    assert fake.stats.hits[LIST_SOURCES] == 1


async def test_pages_and_resuming_from_a_cursor(fake: FakeAirbyte) -> None:
    ws = new_workspace(fake, 45)
    async with fake.client() as client:
        pages = [
            page async for page in client.sources.list(workspace_ids=[ws], page_size=20).pages()
        ]
        assert [len(p) for p in pages] == [20, 20, 5]
        assert [p.cursor for p in pages] == ["20", "40", None]
        everything = [s.source_id for p in pages for s in p]

        first = await client.sources.list(workspace_ids=[ws], page_size=20)
        assert [s.source_id for s in first.items] == everything[:20]
        assert first.cursor is not None
        rest = client.sources.list(workspace_ids=[ws], page_size=20, cursor=first.cursor)
        assert [s.source_id async for s in rest] == everything[20:]

        with pytest.raises(ValueError, match="cursor"):
            client.sources.list(cursor="not-a-cursor")


async def test_break_leaves_no_connection_or_slot_held(fake: FakeAirbyte) -> None:
    ws = new_workspace(fake, 300)
    async with fake.client(max_in_flight=1) as client:
        for _ in range(5):
            async for _source in client.sources.list(workspace_ids=[ws], page_size=100):
                break
        # With one slot, anything still held would block these forever.
        with anyio.fail_after(5):
            assert len(await client.sources.list(workspace_ids=[ws]).to_list()) == 300
            await client.workspaces.get(ws)


async def test_invalid_list_arguments_fail_before_any_request(fake: FakeAirbyte) -> None:
    async with fake.client() as client:
        for call in [
            lambda: client.sources.list(page_size=101),
            lambda: client.sources.list(page_size=0),
            lambda: client.sources.list(workspace_ids=["not-a-uuid"]),
            lambda: client.sources.list(workspace_ids="18dccc91-0ab1-4f72-9ed7-0b8fc27c5826"),
            lambda: client.jobs.list(status="nope"),
            lambda: client.jobs.list(order_by="name|UP"),
        ]:
            with pytest.raises(ValueError):
                call()
    assert fake.stats.requests == []


async def test_next_link_without_offset_falls_back_to_counting(fake: FakeAirbyte) -> None:
    ws = new_workspace(fake, 3)
    items = [fake.state.sources.get(i) for i in fake.state.sources.ids()]
    fake.faults.inject(
        LIST_SOURCES,
        status=200,
        body={
            "data": items[:2],
            "next": "http://elsewhere.invalid/sources?limit=2",
            "previous": "",
        },
        times=1,
    )
    async with fake.client() as client:
        got = [s.source_id async for s in client.sources.list(workspace_ids=[ws], page_size=2)]
    assert len(got) == 3
    assert queries(fake, LIST_SOURCES)[1]["offset"] == ["2"]
