"""Authentication against the fake Airbyte: the token cache and every auth kind."""

from __future__ import annotations

import json

import anyio
import pytest

import aiobyte
from aiobyte.testing import FakeAirbyte, ManualClock

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.fake_airbyte(
        data={"workspaces": 1, "sources": 2, "destinations": 1, "connections": 1, "jobs": 0}
    ),
]

TOKEN_ROUTE = "POST /applications/token"


def workspace_id(fake: FakeAirbyte) -> str:
    return next(iter(fake.state.workspaces.ids()))


async def test_concurrent_cold_start_makes_exactly_one_token_request(fake: FakeAirbyte) -> None:
    fake.faults.inject(TOKEN_ROUTE, latency=0.2, times=1)  # a slow token endpoint
    ws = workspace_id(fake)
    async with fake.client() as client:
        results: list[str] = []

        async def one() -> None:
            results.append((await client.workspaces.get(ws)).workspace_id)

        with anyio.fail_after(30):
            async with anyio.create_task_group() as tg:
                for _ in range(500):
                    tg.start_soon(one)
    assert results == [ws] * 500
    assert fake.stats.token_requests == 1


async def test_token_failure_reaches_every_waiter_and_the_next_call_recovers(
    fake: FakeAirbyte,
) -> None:
    fake.faults.inject(TOKEN_ROUTE, status=403, latency=0.1, times=1)
    ws = workspace_id(fake)
    async with fake.client() as client:
        errors: list[BaseException] = []

        async def one() -> None:
            try:
                await client.workspaces.get(ws)
            except aiobyte.AuthenticationError as exc:
                errors.append(exc)

        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                for _ in range(30):  # fewer than max_in_flight: all wait on one refresh
                    tg.start_soon(one)
        assert len(errors) == 30
        assert len({id(e) for e in errors}) == 1  # one refresh, one error, shared
        assert fake.stats.token_requests == 1
        assert fake.stats.hits["GET /workspaces/{workspaceId}"] == 0

        assert (await client.workspaces.get(ws)).workspace_id == ws
        assert fake.stats.token_requests == 2


async def test_cancelling_the_refreshing_caller_does_not_cancel_the_refresh(
    fake: FakeAirbyte,
) -> None:
    fake.faults.inject(TOKEN_ROUTE, latency=0.3, times=1)
    ws = workspace_id(fake)
    async with fake.client() as client:
        done: list[str] = []

        async def one() -> None:
            done.append((await client.workspaces.get(ws)).workspace_id)

        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                async with anyio.create_task_group() as first:
                    first.start_soon(one)  # this caller starts the refresh...
                    await anyio.sleep(0.05)
                    for _ in range(20):
                        tg.start_soon(one)
                    await anyio.sleep(0.05)
                    first.cancel_scope.cancel()  # ...and is cancelled while it runs
        assert done == [ws] * 20
        assert fake.stats.token_requests == 1
        # Nothing is left locked: later calls go through at once.
        with anyio.fail_after(5):
            assert (await client.workspaces.get(ws)).workspace_id == ws
        assert fake.stats.token_requests == 1


async def test_token_is_refreshed_before_its_exp_claim_even_if_expires_in_says_later() -> None:
    clock = ManualClock()
    async with FakeAirbyte(clock=clock, token_lifetime=180, token_expires_in=900) as fake:
        fake.seed(workspaces=1, sources=0, destinations=0, connections=0, jobs=0)
        ws = workspace_id(fake)
        async with fake.client(clock=clock) as client:
            await client.workspaces.get(ws)
            clock.advance(100)
            await client.workspaces.get(ws)
            assert fake.stats.token_requests == 1  # still well inside its life
            clock.advance(70)  # 170 s: past exp minus the margin, long before 900 s
            await client.workspaces.get(ws)
            assert fake.stats.token_requests == 2
        # Every GET was accepted the first time: no 401 was needed to notice.
        assert fake.stats.hits["GET /workspaces/{workspaceId}"] == 3


async def test_revoked_token_costs_one_refresh_and_one_resend(fake: FakeAirbyte) -> None:
    ws = workspace_id(fake)
    async with fake.client() as client:
        await client.workspaces.get(ws)
        fake.revoke_tokens()
        assert (await client.workspaces.get(ws)).workspace_id == ws
        assert fake.stats.token_requests == 2
        assert fake.stats.hits["GET /workspaces/{workspaceId}"] == 3


async def test_second_401_raises_without_looping(fake: FakeAirbyte) -> None:
    ws = workspace_id(fake)
    async with fake.client() as client:
        await client.workspaces.get(ws)
        fake.faults.inject("GET /workspaces/{workspaceId}", status=401, times=None)
        with pytest.raises(aiobyte.AuthenticationError) as caught:
            await client.workspaces.get(ws)
        assert caught.value.status == 401
        assert fake.stats.hits["GET /workspaces/{workspaceId}"] == 3  # 1 before + 2
        assert fake.stats.token_requests == 2


async def test_concurrent_401s_refresh_once(fake: FakeAirbyte) -> None:
    ws = workspace_id(fake)
    async with fake.client() as client:
        await client.workspaces.get(ws)
        fake.revoke_tokens()
        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                for _ in range(30):
                    tg.start_soon(client.workspaces.get, ws)
        # The first 401 replaces the token; the others see it was already replaced.
        assert fake.stats.token_requests == 2


async def test_answer_with_access_token_only_works() -> None:
    async with FakeAirbyte(token_answer="access_token_only") as fake:
        fake.seed(workspaces=1, sources=0, destinations=0, connections=0, jobs=0)
        ws = workspace_id(fake)
        async with fake.client() as client:
            assert (await client.workspaces.get(ws)).workspace_id == ws
            assert (await client.workspaces.get(ws)).workspace_id == ws
        assert fake.stats.token_requests == 1


@pytest.mark.parametrize("prefix", ["/v1", "/api/public/v1"])
async def test_token_request_is_json_at_the_base_url(prefix: str) -> None:
    async with FakeAirbyte(path_prefix=prefix, token_accepts_form=False) as fake:
        async with fake.client(base_url=fake.base_url + "/") as client:
            assert await client.health.check()
            assert [w async for w in client.workspaces.list()] == []
        token_requests = [r for r in fake.stats.requests if r.route == TOKEN_ROUTE]
        assert len(token_requests) == 1
        request = token_requests[0]
        assert request.path == f"{prefix}/applications/token"
        assert request.headers["Content-Type"].startswith("application/json")
        body = json.loads(request.body)
        assert body["grant-type"] == "client_credentials"
        assert body["client_id"] == fake.client_id
        assert body["client_secret"] == fake.client_secret


async def test_event_loop_keeps_running_while_a_token_is_fetched(fake: FakeAirbyte) -> None:
    fake.faults.inject(TOKEN_ROUTE, latency=1.0, times=1)
    ws = workspace_id(fake)
    ticks = 0

    async def heartbeat() -> None:
        nonlocal ticks
        while True:
            await anyio.sleep(0.01)
            ticks += 1

    async with fake.client() as client:
        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                tg.start_soon(heartbeat)
                await client.workspaces.get(ws)
                tg.cancel_scope.cancel()
    # A blocked loop would have ticked about once during the one-second fetch.
    assert ticks >= 20


async def test_wrong_secret_is_an_authentication_error_that_hides_the_secret(
    fake: FakeAirbyte,
) -> None:
    async with aiobyte.AirbyteClient(
        fake.base_url, client_id=fake.client_id, client_secret="wrong-secret-123"
    ) as client:
        with pytest.raises(aiobyte.AuthenticationError) as caught:
            await client.workspaces.get(workspace_id(fake))
    assert "wrong-secret-123" not in str(caught.value)
    assert "client_secret" in str(caught.value)
    assert fake.stats.token_requests == 1  # a refusal is not retried


async def test_fixed_bearer_token(fake: FakeAirbyte) -> None:
    ws = workspace_id(fake)
    async with aiobyte.AirbyteClient(fake.base_url, token=fake.issue_token()) as client:
        assert (await client.workspaces.get(ws)).workspace_id == ws
    assert fake.stats.token_requests == 0
    async with aiobyte.AirbyteClient(fake.base_url, token="not-a-valid-token") as client:
        with pytest.raises(aiobyte.AuthenticationError):
            await client.workspaces.get(ws)
    # A fixed token cannot be refreshed: one request, no resend.
    assert fake.stats.hits["GET /workspaces/{workspaceId}"] == 2


async def test_http_basic_auth(fake: FakeAirbyte) -> None:
    ws = workspace_id(fake)
    auth = aiobyte.BasicAuth("airbyte", "password")
    async with aiobyte.AirbyteClient(fake.base_url, auth=auth) as client:
        assert (await client.workspaces.get(ws)).workspace_id == ws
    async with aiobyte.AirbyteClient(
        fake.base_url, auth=aiobyte.BasicAuth("airbyte", "nope")
    ) as client:
        with pytest.raises(aiobyte.AuthenticationError):
            await client.workspaces.get(ws)


async def test_token_provider_is_cached_single_flight_and_asked_again_after_a_401(
    fake: FakeAirbyte,
) -> None:
    ws = workspace_id(fake)
    calls = 0

    async def provider() -> str:
        nonlocal calls
        calls += 1
        await anyio.sleep(0.05)
        return fake.issue_token()

    auth = aiobyte.TokenProvider(provider)
    async with aiobyte.AirbyteClient(fake.base_url, auth=auth) as client:
        async with anyio.create_task_group() as tg:
            for _ in range(50):
                tg.start_soon(client.workspaces.get, ws)
        assert calls == 1
        fake.revoke_tokens()
        assert (await client.workspaces.get(ws)).workspace_id == ws
        assert calls == 2


async def test_token_provider_returning_nothing_is_a_clear_error(fake: FakeAirbyte) -> None:
    async def provider() -> str:
        return ""

    async with aiobyte.AirbyteClient(fake.base_url, auth=aiobyte.TokenProvider(provider)) as client:
        with pytest.raises(ValueError, match="token provider"):
            await client.workspaces.get(workspace_id(fake))


async def test_credentials_from_the_environment(
    fake: FakeAirbyte, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRBYTE_API_URL", fake.base_url)
    monkeypatch.setenv("AIRBYTE_CLIENT_ID", fake.client_id)
    monkeypatch.setenv("AIRBYTE_CLIENT_SECRET", fake.client_secret)
    async with aiobyte.AirbyteClient() as client:
        assert client.base_url == fake.base_url
        assert (await client.workspaces.get(workspace_id(fake))).workspace_id
    monkeypatch.delenv("AIRBYTE_CLIENT_ID")
    monkeypatch.delenv("AIRBYTE_CLIENT_SECRET")
    monkeypatch.setenv("AIRBYTE_TOKEN", fake.issue_token())
    async with aiobyte.AirbyteClient() as client:
        assert (await client.workspaces.get(workspace_id(fake))).workspace_id


def test_missing_or_conflicting_credentials_are_refused_at_once() -> None:
    with pytest.raises(ValueError, match="no credentials"):
        aiobyte.AirbyteClient("http://127.0.0.1:9/v1")
    with pytest.raises(ValueError, match="not several"):
        aiobyte.AirbyteClient("http://127.0.0.1:9/v1", token="t", client_id="a", client_secret="b")
    with pytest.raises(ValueError, match="go together"):
        aiobyte.AirbyteClient("http://127.0.0.1:9/v1", client_id="a")
