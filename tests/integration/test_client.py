"""The client's configuration, session ownership, lifecycle and concurrency bounds."""

from __future__ import annotations

import aiohttp
import anyio
import pytest

import aiobyte
from aiobyte.testing import FakeAirbyte, ManualClock

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.fake_airbyte(
        data={"workspaces": 1, "sources": 3, "destinations": 1, "connections": 1, "jobs": 0}
    ),
]


def workspace_id(fake: FakeAirbyte) -> str:
    return next(iter(fake.state.workspaces.ids()))


@pytest.mark.parametrize(
    "url",
    [
        "127.0.0.1:8000/api/public/v1",
        "localhost",
        "ftp://host/v1",
        "",
        "http://",
        "http://h/v1?x=1",
    ],
)
def test_base_url_must_be_an_http_url(url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        aiobyte.AirbyteClient(url, token="t")


def test_base_url_defaults_to_cloud_or_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert aiobyte.AirbyteClient(token="t").base_url == "https://api.airbyte.com/v1"
    monkeypatch.setenv("AIRBYTE_API_URL", "http://localhost:8000/api/public/v1/")
    assert aiobyte.AirbyteClient(token="t").base_url == "http://localhost:8000/api/public/v1"


@pytest.mark.parametrize("prefix", ["/v1", "/api/public/v1"])
@pytest.mark.parametrize("slash", ["", "/"])
async def test_cloud_and_self_managed_layouts_with_or_without_trailing_slash(
    prefix: str, slash: str
) -> None:
    async with FakeAirbyte(path_prefix=prefix) as fake:
        fake.seed(workspaces=1, sources=2, destinations=0, connections=0, jobs=0)
        async with fake.client(base_url=fake.base_url + slash) as client:
            assert await client.health.check()
            assert len(await client.sources.list().to_list()) == 2
        assert {r.path for r in fake.stats.requests} == {
            f"{prefix}/health",
            f"{prefix}/applications/token",
            f"{prefix}/sources",
        }


async def test_owned_session_is_closed_and_closing_twice_is_harmless(fake: FakeAirbyte) -> None:
    client = fake.client()
    await client.workspaces.get(workspace_id(fake))
    await client.aclose()
    await client.aclose()
    assert client.closed
    with pytest.raises(aiobyte.ClientClosedError, match="closed"):
        await client.workspaces.get(workspace_id(fake))
    with pytest.raises(aiobyte.ClientClosedError):
        async with client:
            pass


async def test_borrowed_session_is_used_and_never_closed(fake: FakeAirbyte) -> None:
    async with aiohttp.ClientSession() as session:
        async with fake.client(session=session) as client:
            await client.workspaces.get(workspace_id(fake))
        assert not session.closed
        async with session.get(fake.base_url + "/health") as answer:
            assert answer.status == 200
    assert fake.stats.hits["GET /workspaces/{workspaceId}"] == 1


async def test_repr_names_the_url_and_never_the_secret(fake: FakeAirbyte) -> None:
    async with fake.client() as client:
        text = repr(client)
    assert fake.base_url in text
    assert fake.client_id in text
    assert fake.client_secret not in text
    assert "closed" in repr(client)


@pytest.mark.parametrize("bound", [1, 8, 32])
async def test_requests_in_flight_never_exceed_the_bound_under_fan_out(
    fake: FakeAirbyte, bound: int
) -> None:
    fake.faults.inject("GET /workspaces/{workspaceId}", latency=0.02, times=None)
    ws = workspace_id(fake)
    async with fake.client(max_in_flight=bound) as client:
        with anyio.fail_after(60):
            async with anyio.create_task_group() as tg:
                for _ in range(300 if bound > 1 else 40):
                    tg.start_soon(client.workspaces.get, ws)
    route = "GET /workspaces/{workspaceId}"
    # The invariant: never more than the bound at once. How close a run comes to it is
    # the scheduler's business (under coverage, 31 of 32 was seen), so only "some overlap".
    seen = fake.stats.max_in_flight_by_route[route]
    assert seen <= bound
    assert seen > 1 or bound == 1


async def test_default_bound_is_tens(fake: FakeAirbyte) -> None:
    async with fake.client() as client:
        assert 10 <= client.max_in_flight <= 100


@pytest.mark.parametrize("bound", [0, -1, True, 2.5])
def test_bound_must_be_a_positive_integer(bound: object) -> None:
    with pytest.raises(ValueError, match="max_in_flight"):
        aiobyte.AirbyteClient(token="t", max_in_flight=bound)  # type: ignore[arg-type]  # a wrong type on purpose


async def test_waiting_for_a_pooled_connection_is_not_a_connect_timeout(fake: FakeAirbyte) -> None:
    """A borrowed session with one connection, ten callers, a connect timeout shorter than
    the queue: all succeed, because only the socket connect is timed."""
    fake.faults.inject("GET /workspaces/{workspaceId}", latency=0.1, times=None)
    ws = workspace_id(fake)
    connector = aiohttp.TCPConnector(limit=1)
    async with (
        aiohttp.ClientSession(connector=connector) as session,
        fake.client(session=session, timeout=aiobyte.Timeouts(connect=0.05, read=5)) as client,
    ):
        await client.workspaces.get(ws)  # the token, on the one connection
        with anyio.fail_after(20):
            async with anyio.create_task_group() as tg:
                for _ in range(10):
                    tg.start_soon(client.workspaces.get, ws)
    assert fake.stats.hits["GET /workspaces/{workspaceId}"] == 11


async def test_health_needs_no_credentials_and_reports_failure(fake: FakeAirbyte) -> None:
    async with fake.client(clock=ManualClock()) as client:
        assert await client.health.check() is True
        fake.faults.inject("GET /health", status=503, times=None)
        with pytest.raises(aiobyte.InternalServerError):
            await client.health.check()
    assert fake.stats.token_requests == 0
