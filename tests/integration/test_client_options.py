"""Per-call options (``with_options``), default headers, the User-Agent suffix, raw
answers, and ``help(AirbyteClient)`` listing the resources."""

from __future__ import annotations

import asyncio
import json
import pydoc
import socket
from typing import Any

import aiohttp
import pytest

import aiobyte
from aiobyte.resources._base import Resource
from aiobyte.testing import FakeAirbyte, RecordedRequest
from tests._hostile import RawRequest, RawServer, respond

pytestmark = pytest.mark.anyio

WS = "18dccc91-0ab1-4f72-9ed7-0b8fc27c5826"
GET_WORKSPACE = "GET /workspaces/{workspaceId}"


def sent_headers(request: RecordedRequest) -> dict[str, str]:
    """A request's header fields as the fake received them, by lower-case name."""
    return {name.lower(): value for name, value in request.headers.items()}


async def test_a_view_changes_headers_for_its_calls_only_and_adds_to_the_clients(
    fake: FakeAirbyte,
) -> None:
    ws = fake.add_workspace(name="w")["workspaceId"]
    token = fake.issue_token()
    async with fake.client(token=token, headers={"X-Team": "data"}) as client:
        view = client.with_options(headers={"X-Trace": "abc"})
        await client.workspaces.get(ws)
        await view.workspaces.get(ws)
        assert [w.name async for w in view.workspaces.list()] == ["w"]
    plain, viewed, listed = map(sent_headers, fake.stats.requests)
    assert plain.get("x-team") == "data"
    assert "x-trace" not in plain
    for headers in (viewed, listed):
        assert headers["x-team"] == "data"
        assert headers["x-trace"] == "abc"
        assert headers["authorization"] == f"Bearer {token}"


async def test_a_view_has_its_own_timeout(fake: FakeAirbyte) -> None:
    fake.faults.inject("GET /health", latency=1.0, times=None)  # a slow health check
    quick = aiobyte.Timeouts(read=0.3, total=0.3)
    async with fake.client(retry=aiobyte.RetryPolicy(max_retries=0)) as client:
        with pytest.raises(aiobyte.APITimeoutError):
            await client.with_options(timeout=quick).health.check()
        # The same call through the client waits the server's second out.
        assert await client.health.check()


async def test_a_view_shares_the_token_and_is_closed_with_the_client(fake: FakeAirbyte) -> None:
    ws = fake.add_workspace(name="w")["workspaceId"]
    client = fake.client()
    async with client:
        view = client.with_options(headers={"X-A": "1"})
        async with view:  # a view's own close closes nothing
            await view.workspaces.get(ws)
        await client.workspaces.get(ws)
        assert not client.closed
    with pytest.raises(aiobyte.ClientClosedError):
        await view.workspaces.get(ws)
    assert fake.stats.token_requests == 1


async def test_on_response_shows_every_answer_with_its_headers(fake: FakeAirbyte) -> None:
    ws = fake.add_workspace(name="w")["workspaceId"]
    fake.faults.inject(GET_WORKSPACE, headers={"X-Request-Id": "r-1"}, times=None)
    seen: list[aiobyte.RawResponse] = []
    async with fake.client(token=fake.issue_token()) as client:
        view = client.with_options(on_response=seen.append)
        workspace = await view.workspaces.get(ws)
        await view.workspaces.get(ws)
        await client.workspaces.get(ws)  # not through the view: not shown
    assert workspace.name == "w"
    assert [(r.status, r.headers["X-Request-Id"]) for r in seen] == [(200, "r-1"), (200, "r-1")]
    assert seen[0].method == "GET"
    assert seen[0].url.endswith(f"/workspaces/{ws}")
    assert seen[0].body == fake.stats.requests[0].response_body  # the bytes as sent
    assert json.loads(seen[0].body)["name"] == "w"
    assert "bytes" in repr(seen[0])
    assert "name" not in repr(seen[0])
    with pytest.raises(AttributeError):  # what on_response is shown, it cannot change
        seen[0].status = 500  # type: ignore[misc]
    assert seen[0].status == 200


async def test_on_response_sees_error_answers_too(fake: FakeAirbyte) -> None:
    fake.faults.inject("GET /applications/{applicationId}", headers={"X-Request-Id": "r-404"})
    seen: list[aiobyte.RawResponse] = []
    async with fake.client(token=fake.issue_token()) as client:
        with pytest.raises(aiobyte.NotFoundError):
            await client.with_options(on_response=seen.append).applications.get("missing")
    assert [(r.status, r.headers.get("X-Request-Id")) for r in seen] == [(404, "r-404")]


@pytest.mark.parametrize(
    ("headers", "says"),
    [
        ({"Authorization": "Bearer x"}, "set by aiobyte itself"),
        ({"content-type": "text/plain"}, "set by aiobyte itself"),
        ({"X-A": "1\r\nX-Injected: 1"}, "line break"),
        ({"Bad Name": "1"}, "not a header name"),
        ({"X-A": 1}, "str to str"),
    ],
)
def test_headers_aiobyte_sets_or_cannot_send_are_refused(headers: object, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        aiobyte.AirbyteClient("http://127.0.0.1:9/v1", token="t", headers=headers)  # type: ignore[arg-type]  # a wrong type on purpose
    client = aiobyte.AirbyteClient("http://127.0.0.1:9/v1", token="t")
    with pytest.raises(ValueError, match=says):
        client.with_options(headers=headers)  # type: ignore[arg-type]  # a wrong type on purpose


def test_with_options_checks_its_timeout_and_callback() -> None:
    client = aiobyte.AirbyteClient("http://127.0.0.1:9/v1", token="t")
    with pytest.raises(ValueError, match="positive"):
        client.with_options(timeout=0)
    with pytest.raises(ValueError, match="on_response"):
        client.with_options(on_response="print")  # type: ignore[arg-type]  # a wrong type on purpose


async def test_the_user_agent_names_the_application_on_either_session(fake: FakeAirbyte) -> None:
    ws = fake.add_workspace(name="w")["workspaceId"]
    token = fake.issue_token()
    async with fake.client(token=token, user_agent="etl/2.1") as client:
        await client.workspaces.get(ws)
    async with aiohttp.ClientSession() as session:
        async with fake.client(token=token, session=session, user_agent="etl/2.1") as client:
            await client.workspaces.get(ws)
    assert len(fake.stats.requests) == 2
    for request in fake.stats.requests:
        agent = sent_headers(request)["user-agent"]
        assert agent.startswith("aiobyte/"), agent
        assert agent.endswith(" etl/2.1"), agent
    with pytest.raises(ValueError, match="user_agent"):
        aiobyte.AirbyteClient("http://127.0.0.1:9/v1", token="t", user_agent=" ")


def test_help_lists_every_resource() -> None:
    client = aiobyte.AirbyteClient("http://127.0.0.1:9/v1", token="t")
    resources = [name for name in dir(client) if isinstance(getattr(client, name), Resource)]
    assert len(resources) == 20
    shown = pydoc.render_doc(aiobyte.AirbyteClient, renderer=pydoc.plaintext)  # type: ignore[attr-defined]  # pydoc.plaintext is not in typeshed
    missing = [name for name in resources if f"``{name}``" not in shown]
    assert missing == []


async def test_trust_env_sends_through_the_environments_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def answer(request: RawRequest, writer: asyncio.StreamWriter) -> bool:
        return await respond(writer, 200, {"workspaceId": WS, "name": "w"})

    proxy = RawServer(answer)  # a proxy: it answers for the API, whatever the URL
    with socket.socket() as reserved:  # a port nothing listens on: the "API" itself
        reserved.bind(("127.0.0.1", 0))
        api = f"http://127.0.0.1:{reserved.getsockname()[1]}/v1"
        async with proxy.running():
            for name in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY", "all_proxy"):
                monkeypatch.delenv(name, raising=False)
            monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
            options: dict[str, Any] = {"token": "t", "retry": aiobyte.RetryPolicy(max_retries=0)}
            async with aiobyte.AirbyteClient(api, trust_env=True, **options) as client:
                assert (await client.workspaces.get(WS)).name == "w"
            async with aiobyte.AirbyteClient(api, **options) as client:  # not asked to
                with pytest.raises(aiobyte.APIConnectionError):
                    await client.workspaces.get(WS)
            monkeypatch.setenv("NO_PROXY", "127.0.0.1")
            async with aiobyte.AirbyteClient(api, trust_env=True, **options) as client:
                with pytest.raises(aiobyte.APIConnectionError):
                    await client.workspaces.get(WS)
    (through,) = proxy.requests
    assert through.target == f"{api}/workspaces/{WS}"  # a proxy request: the whole URL
    assert through.headers["authorization"] == "Bearer t"


async def test_trust_env_is_for_the_clients_own_session() -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(ValueError, match="trust_env"):
            aiobyte.AirbyteClient(
                "http://127.0.0.1:9/v1", token="t", session=session, trust_env=True
            )
