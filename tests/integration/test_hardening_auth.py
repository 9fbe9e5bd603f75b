"""Auth under hostile servers, outages, closing and a second event loop (issue 9, part A).

Against the fake Airbyte, or a raw server on 127.0.0.1 (``tests/_hostile.py``) where the
fake has no such misbehaviour (an echoing server, a token endpoint with broken tokens).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import os
import sys
import threading
import traceback
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import aiohttp
import anyio
import anyio.to_thread
import pytest

import aiobyte
from aiobyte.testing import FakeAirbyte, ManualClock
from tests._hostile import Handler, RawRequest, RawServer, respond

pytestmark = pytest.mark.anyio

TOKEN_ROUTE = "POST /applications/token"
WORKSPACE_ROUTE = "GET /workspaces/{workspaceId}"
AIOBYTE_DIR = str(Path(aiobyte.__file__).resolve().parent)
NOW = 1_800_000_000.0  # ManualClock's wall-clock start


def workspace_id(fake: FakeAirbyte) -> str:
    return next(iter(fake.state.workspaces.ids()))


def jwt(**claims: object) -> str:
    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256'})}.{part(claims)}.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"


@contextlib.asynccontextmanager
async def raw_server(handler: Handler) -> AsyncIterator[str]:
    """A raw server on 127.0.0.1 answering every path with ``handler``; yields its base
    URL (``.../v1``)."""
    async with RawServer(handler).running() as server:
        yield server.base_url


async def gather_outcomes(
    count: int, call: Callable[[], Awaitable[object]]
) -> list[BaseException | object]:
    """Run ``call`` ``count`` times at once; every outcome, exceptions included (a
    caller that vanished would leave a hole)."""
    outcomes: dict[int, BaseException | object] = {}

    async def one(i: int) -> None:
        try:
            outcomes[i] = await call()
        except Exception as exc:  # collected, asserted on
            outcomes[i] = exc

    async with anyio.create_task_group() as tg:
        for i in range(count):
            tg.start_soon(one, i)
    assert sorted(outcomes) == list(range(count)), "a caller vanished without an outcome"
    return [outcomes[i] for i in range(count)]


async def until(condition: Callable[[], bool]) -> None:
    """Poll ``condition`` (bounded by the caller's ``fail_after``)."""
    for _ in range(100_000):
        if condition():
            return
        await anyio.sleep(0.005)


def kinds(outcomes: list[BaseException | object]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        name = type(outcome).__name__
        counts[name] = counts.get(name, 0) + 1
    return counts


# --- 1. one token refresh, whatever the callers ------------------------------------------


async def test_a_wrong_secret_costs_one_token_request_for_a_thousand_callers() -> None:
    async with FakeAirbyte() as fake:
        fake.seed(workspaces=1)
        ws = workspace_id(fake)
        async with fake.client(client_secret="not-the-secret") as client:
            with anyio.fail_after(30):
                outcomes = await gather_outcomes(1000, lambda: client.workspaces.get(ws))
        assert kinds(outcomes) == {"AuthenticationError": 1000}
        assert fake.stats.token_requests == 1  # was 125: callers queued for a slot
        assert fake.stats.hits[WORKSPACE_ROUTE] == 0


async def test_a_token_endpoint_down_costs_one_refresh_and_its_own_retries() -> None:
    clock = ManualClock()  # the backoff moves this clock instead of sleeping
    async with FakeAirbyte(clock=clock) as fake:
        fake.seed(workspaces=1)
        ws = workspace_id(fake)
        fake.faults.inject(TOKEN_ROUTE, status=503, times=None)
        budget = aiobyte.RetryBudget()
        async with fake.client(retry_budget=budget) as client:
            with anyio.fail_after(30):
                outcomes = await gather_outcomes(1000, lambda: client.workspaces.get(ws))
            assert kinds(outcomes) == {"InternalServerError": 1000}
            # One refresh: the first request and the policy's 3 retries (was 128).
            assert fake.stats.token_requests == 1 + aiobyte.RetryPolicy().max_retries
            # The retries API requests share were not touched (was drained to 0).
            assert budget.balance == budget.capacity

            fake.faults.clear()  # the endpoint is back: the next call recovers at once
            assert (await client.workspaces.get(ws)).workspace_id == ws
            assert fake.stats.token_requests == 5


async def test_callers_queued_for_a_slot_share_the_failed_refresh_and_a_later_call_recovers() -> (
    None
):
    async with FakeAirbyte() as fake:
        fake.seed(workspaces=1)
        ws = workspace_id(fake)
        fake.faults.inject(TOKEN_ROUTE, status=401, latency=0.2, times=1)
        async with fake.client(max_in_flight=4) as client:
            with anyio.fail_after(30):
                outcomes = await gather_outcomes(300, lambda: client.workspaces.get(ws))
            assert kinds(outcomes) == {"AuthenticationError": 300}
            assert fake.stats.token_requests == 1
            # A call that starts once the failure is known starts a new refresh.
            assert (await client.workspaces.get(ws)).workspace_id == ws
            assert fake.stats.token_requests == 2


async def test_a_token_provider_that_calls_applications_token_does_not_deadlock() -> None:
    async with FakeAirbyte() as fake:
        fake.seed(workspaces=1)
        ws = workspace_id(fake)
        box: dict[str, aiobyte.AirbyteClient] = {}

        async def provider() -> aiobyte.AccessToken:
            return await box["client"].applications.token(
                client_id=fake.client_id, client_secret=fake.client_secret
            )

        async with fake.client(auth=aiobyte.TokenProvider(provider), max_in_flight=2) as client:
            box["client"] = client
            with anyio.fail_after(20):  # it hung for ever once every slot was taken
                outcomes = await gather_outcomes(50, lambda: client.workspaces.get(ws))
        assert kinds(outcomes) == {"Workspace": 50}
        assert fake.stats.token_requests == 1


async def test_a_token_provider_that_needs_its_own_token_fails_clearly_instead_of_hanging() -> None:
    async with FakeAirbyte() as fake:
        ws = fake.seed(workspaces=1).workspace_ids[0]
        box: dict[str, aiobyte.AirbyteClient] = {}

        async def provider() -> str:
            await box["client"].workspaces.get(ws)  # needs the token being provided
            return "never"

        async with fake.client(auth=aiobyte.TokenProvider(provider)) as client:
            box["client"] = client
            with anyio.fail_after(10), pytest.raises(aiobyte.AirbyteError, match="provider"):
                await client.workspaces.get(ws)


def token_server(answers: list[dict[str, Any]]) -> tuple[Handler, dict[str, int]]:
    """A token endpoint answering ``answers`` in turn (the last one for ever), and an API
    that accepts any bearer token; with request counters."""
    counts = {"token": 0, "api": 0}

    async def handler(request: RawRequest, writer: asyncio.StreamWriter) -> bool:
        if request.path.endswith("/applications/token"):
            answer = answers[min(counts["token"], len(answers) - 1)]
            counts["token"] += 1
            return await respond(writer, 200, answer)
        counts["api"] += 1
        workspace = {"workspaceId": "w", "name": "n", "dataResidency": "auto"}
        return await respond(writer, 200, workspace)

    return handler, counts


async def test_an_exp_already_past_without_iat_does_not_refresh_before_every_request() -> None:
    token = jwt(exp=NOW - 100, sub="someone")  # our clock is ahead of the issuer's
    handler, counts = token_server([{"access_token": token}])
    async with raw_server(handler) as url:
        async with aiobyte.AirbyteClient(
            url, client_id="id", client_secret="secret-value", clock=ManualClock()
        ) as client:
            for _ in range(5):
                await client.workspaces.get(str(uuid.uuid4()))
    assert counts == {"token": 1, "api": 5}  # was 5 token requests


@pytest.mark.parametrize(
    "answer",
    [
        {"expires_in": 1e308},
        {"expires_in": "inf"},
        {"expires_in": "1e999"},
        {"exp": 1e308},
        {"exp": 10**400},
    ],
    ids=["expires_in=1e308", "expires_in=inf", "expires_in=1e999", "exp=1e308", "exp=10**400"],
)
async def test_a_huge_lifetime_is_capped_at_a_day(answer: dict[str, Any]) -> None:
    exp = answer.pop("exp", None)
    token = jwt(exp=exp, iat=NOW) if exp is not None else "opaque-token-value"
    handler, counts = token_server([{"access_token": token, **answer}])
    clock = ManualClock()
    async with raw_server(handler) as url:
        async with aiobyte.AirbyteClient(
            url, client_id="id", client_secret="secret-value", clock=clock
        ) as client:
            await client.workspaces.get(str(uuid.uuid4()))
            clock.advance(86_400 - 301)  # within a day less the margin: still cached
            await client.workspaces.get(str(uuid.uuid4()))
            assert counts["token"] == 1
            clock.advance(2)  # past it: refreshed (was: never, for ever)
            await client.workspaces.get(str(uuid.uuid4()))
            assert counts["token"] == 2


@pytest.mark.parametrize(
    "bad", ["a\r\nX-Injected: 1", "line\nbreak", "nul\x00byte", "caf\u00e9", "", "two words"]
)
async def test_a_token_that_cannot_go_into_a_header_is_refused_and_never_cached(
    bad: str,
) -> None:
    handler, counts = token_server([{"access_token": bad, "expires_in": 180}])
    async with raw_server(handler) as url:
        async with aiobyte.AirbyteClient(
            url, client_id="id", client_secret="secret-value"
        ) as client:
            for attempt in (1, 2):
                with pytest.raises(aiobyte.UnexpectedResponseError) as caught:
                    await client.workspaces.get(str(uuid.uuid4()))
                assert "/applications/token" in caught.value.url
                assert "Authorization header" in str(caught.value)
                assert counts["token"] == attempt  # not cached: asked again
    assert counts["api"] == 0


# --- 2. no secret anywhere, even when the server echoes it -------------------------------


class Echo:
    """A server that quotes every request back in its errors: the token request's body in
    a problem detail, the headers in a 5xx page, everything escaped in JSON."""

    def __init__(
        self, *, refuse_token: bool = False, mode: str = "text", reject_first: bool = False
    ) -> None:
        self.refuse_token = refuse_token
        self.mode = mode
        self.reject_first = reject_first
        self.tokens: list[str] = []
        self.api_requests = 0

    def issue(self) -> str:
        token = jwt(exp=NOW + 180, iat=NOW, jti=uuid.uuid4().hex)
        self.tokens.append(token)
        return token

    async def __call__(self, request: RawRequest, writer: asyncio.StreamWriter) -> bool:
        body = request.body.decode("utf-8", "replace")
        # Credentials first, so that they fall within the excerpt an error quotes.
        headers = dict(sorted(request.fields, key=lambda kv: "auth" not in kv[0].lower()))
        if request.path.endswith("/applications/token"):
            if self.refuse_token:
                problem = {
                    "title": "Unauthorized",
                    "detail": f"bad credentials in {body}",
                    "data": {"request": {"headers": headers, "body": body}},
                }
                return await respond(writer, 401, problem)
            return await respond(writer, 200, {"access_token": self.issue(), "expires_in": 180})
        self.api_requests += 1
        if self.api_requests == 1 and (self.tokens or self.reject_first):
            return await respond(writer, 401, {"title": "token revoked"})  # a refresh
        echoed = f"tokens used: {' '.join(self.tokens)}; headers: {headers}; body: {body}"
        if self.mode == "escaped":  # every character as \\uXXXX: only a decoder sees it
            escaped = "".join(f"\\u{ord(c):04x}" for c in echoed)
            problem_json = f'{{"title": "Bad Request", "detail": "{escaped}"}}'.encode()
            problem_type = {"Content-Type": "application/problem+json"}
            return await respond(writer, 400, problem_json, headers=problem_type)
        if self.mode == "ok-undecodable":  # a 2xx that is not a workspace, echoing
            return await respond(writer, 200, {"workspaceId": 5, "echo": echoed})
        text = f"upstream failed for: {echoed}".encode()
        plain = {"Content-Type": "text/plain; charset=utf-8"}
        return await respond(writer, 500, text, headers=plain)


def secret_forms(secrets: list[str]) -> list[str]:
    forms: list[str] = []
    for secret in secrets:
        forms += [secret, json.dumps(secret)[1:-1]]
    return [form for form in forms if form]


def assert_nothing_shows(
    error: BaseException, secrets: list[str], records: list[logging.LogRecord]
) -> None:
    """No secret in the error's message, attributes, repr, chained errors, log lines,
    formatted traceback, nor in the repr of any local of an aiobyte frame it went
    through."""
    forms = secret_forms(secrets)
    shown: list[tuple[str, str]] = []
    seen: set[int] = set()
    chain: BaseException | None = error
    while chain is not None and id(chain) not in seen:
        seen.add(id(chain))
        shown += [("str", str(chain)), ("repr", repr(chain)), ("args", repr(chain.args))]
        shown += [(f"attribute {k}", repr(v)) for k, v in vars(chain).items()]
        tb: TracebackType | None = chain.__traceback__
        while tb is not None:
            frame = tb.tb_frame
            if frame.f_code.co_filename.startswith(AIOBYTE_DIR):
                where = f"{frame.f_code.co_name} local"
                shown += [(f"{where} {k}", repr(v)) for k, v in frame.f_locals.items()]
            tb = tb.tb_next
        chain = chain.__cause__ or chain.__context__
    shown.append(("traceback", "".join(traceback.format_exception(error))))
    shown += [(f"log {r.levelname}", r.getMessage()) for r in records]
    for where, text in shown:
        for form in forms:
            assert form not in text, f"a secret shows in {where}: {text[:300]}"


@pytest.fixture
def aiobyte_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.DEBUG, logger="aiobyte"):
        yield caplog


async def test_an_echoed_token_request_shows_no_client_secret(
    aiobyte_logs: pytest.LogCaptureFixture,
) -> None:
    secret = "client-secret-" + uuid.uuid4().hex
    echo = Echo(refuse_token=True)
    async with raw_server(echo) as url:
        async with aiobyte.AirbyteClient(url, client_id="app-id", client_secret=secret) as client:
            with pytest.raises(aiobyte.AuthenticationError) as caught:
                await client.workspaces.get(str(uuid.uuid4()))
    error = caught.value
    assert error.problem is not None
    assert error.problem.detail is not None
    assert "bad credentials in" in error.problem.detail  # the rest of the echo is kept
    assert "app-id" in error.problem.detail
    assert "client_credentials" in repr(error.problem.data)
    assert_nothing_shows(error, [secret], aiobyte_logs.records)


@pytest.mark.parametrize("mode", ["text", "escaped", "ok-undecodable"])
async def test_echoed_tokens_are_scrubbed_from_every_error(
    mode: str, aiobyte_logs: pytest.LogCaptureFixture
) -> None:
    secret = "client-secret-" + uuid.uuid4().hex
    echo = Echo(mode=mode)
    async with raw_server(echo) as url:
        async with aiobyte.AirbyteClient(
            url, client_id="app-id", client_secret=secret, clock=ManualClock()
        ) as client:
            with pytest.raises(aiobyte.AirbyteError) as caught:
                await client.workspaces.get(str(uuid.uuid4()))
    assert len(echo.tokens) == 2  # the first was rejected (401): the client used both
    error = caught.value
    expected = {
        "text": aiobyte.InternalServerError,
        "escaped": aiobyte.BadRequestError,
        "ok-undecodable": aiobyte.UnexpectedResponseError,
    }[mode]
    assert type(error) is expected
    if mode != "escaped":
        assert "***" in str(error)  # the echo is quoted, its secrets masked
    assert_nothing_shows(error, [secret, *echo.tokens], aiobyte_logs.records)


async def test_tokens_of_a_token_provider_are_scrubbed_too(
    aiobyte_logs: pytest.LogCaptureFixture,
) -> None:
    provided: list[str] = []

    async def provider() -> str:
        provided.append(f"provided-token-{uuid.uuid4().hex}")
        return provided[-1]

    echo = Echo(reject_first=True)
    async with raw_server(echo) as url:
        async with aiobyte.AirbyteClient(
            url, auth=aiobyte.TokenProvider(provider), clock=ManualClock()
        ) as client:
            with pytest.raises(aiobyte.InternalServerError) as caught:
                await client.workspaces.get(str(uuid.uuid4()))
    assert len(provided) == 2  # the first was rejected (401)
    assert_nothing_shows(caught.value, provided, aiobyte_logs.records)


async def test_echoed_basic_credentials_are_scrubbed_in_every_form(
    aiobyte_logs: pytest.LogCaptureFixture,
) -> None:
    password = "pw-" + uuid.uuid4().hex
    encoded = base64.b64encode(f"airbyte:{password}".encode()).decode()
    echo = Echo()
    async with raw_server(echo) as url:
        async with aiobyte.AirbyteClient(
            url, auth=aiobyte.BasicAuth("airbyte", password), clock=ManualClock()
        ) as client:
            with pytest.raises(aiobyte.InternalServerError) as caught:
                await client.workspaces.get(str(uuid.uuid4()))
    assert "Basic ***" in caught.value.body
    assert_nothing_shows(caught.value, [password, encoded], aiobyte_logs.records)


async def test_echoed_proxy_credentials_are_scrubbed(
    monkeypatch: pytest.MonkeyPatch, aiobyte_logs: pytest.LogCaptureFixture
) -> None:
    password = "proxy-pw-" + uuid.uuid4().hex
    encoded = base64.b64encode(f"proxyuser:{password}".encode()).decode()
    async with raw_server(Echo()) as proxy_url:  # an echoing proxy, on 127.0.0.1
        proxy = proxy_url.removesuffix("/v1").replace("://", f"://proxyuser:{password}@")
        monkeypatch.setenv("HTTP_PROXY", proxy)
        for name in ("NO_PROXY", "no_proxy", "http_proxy"):
            monkeypatch.delenv(name, raising=False)
        # The API's address is never connected to: the proxy answers for it.
        async with aiobyte.AirbyteClient(
            "http://127.0.0.1:9/v1",
            token="fixed-token-" + "x" * 20,
            trust_env=True,
            retry=aiobyte.RetryPolicy(max_retries=0),  # one answer is enough
        ) as client:
            with pytest.raises(aiobyte.InternalServerError) as caught:
                await client.workspaces.get(str(uuid.uuid4()))
    assert "Proxy-Authorization" in caught.value.body
    assert_nothing_shows(caught.value, [password, encoded], aiobyte_logs.records)


async def test_applications_token_scrubs_the_secret_it_was_given(
    aiobyte_logs: pytest.LogCaptureFixture,
) -> None:
    other_secret = "another-app-secret-" + uuid.uuid4().hex
    echo = Echo(refuse_token=True)
    async with raw_server(echo) as url:
        async with aiobyte.AirbyteClient(url, token="fixed-token-" + "x" * 20) as client:
            with pytest.raises(aiobyte.AuthenticationError) as caught:
                await client.applications.token(client_id="other", client_secret=other_secret)
    assert_nothing_shows(caught.value, [other_secret, "fixed-token-" + "x" * 20], [])
    assert_nothing_shows(caught.value, [other_secret], aiobyte_logs.records)


async def test_the_warning_of_a_job_that_could_not_be_cancelled_shows_no_token(
    aiobyte_logs: pytest.LogCaptureFixture,
) -> None:
    clock = ManualClock()
    async with FakeAirbyte(clock=clock) as fake:
        connection_id = fake.seed(workspaces=1, connections=1, jobs=0).connection_ids[0]
        fake.plan_jobs(connection_id, queued_for=0, duration=3600)
        token = fake.issue_token(lifetime=86_400)
        echo = {"title": "Internal Server Error", "detail": f"Authorization: Bearer {token}"}
        fake.faults.inject("DELETE /jobs/{jobId}", status=500, body=echo, times=None)
        async with fake.client(token=token) as client:
            with pytest.raises(aiobyte.JobTimeoutError) as caught:
                await client.jobs.run(connection_id, timeout=10, cancel_on_exit=True)
    warnings = [r for r in aiobyte_logs.records if r.levelno == logging.WARNING]
    assert any("could not cancel job" in r.getMessage() for r in warnings)
    assert any("Bearer ***" in r.getMessage() for r in warnings)  # quoted, masked
    assert_nothing_shows(caught.value, [token], aiobyte_logs.records)


async def test_a_failed_request_with_a_password_in_its_body_shows_it_in_no_transport_local() -> (
    None
):
    password = "connector-password-" + uuid.uuid4().hex
    async with FakeAirbyte() as fake:
        ws = fake.seed(workspaces=1).workspace_ids[0]
        fake.faults.inject("POST /sources", status=500)
        async with fake.client() as client:
            with pytest.raises(aiobyte.InternalServerError) as caught:
                await client.sources.create(
                    name="db",
                    workspace_id=ws,
                    configuration={
                        "sourceType": "postgres",
                        "host": "db",
                        "port": 5432,
                        "database": "d",
                        "username": "u",
                        "password": password,
                    },
                )
    transport = str(Path(AIOBYTE_DIR) / "_transport.py")
    tb: TracebackType | None = caught.value.__traceback__
    seen = 0
    while tb is not None:  # (the models' reprs are another matter: see their own tests)
        if tb.tb_frame.f_code.co_filename == transport:
            seen += 1
            for name, value in tb.tb_frame.f_locals.items():
                assert password not in repr(value), name
        tb = tb.tb_next
    assert seen >= 1  # the transport's request, whose frame holds the body


async def test_the_command_line_shows_no_echoed_secret() -> None:
    secret = "client-secret-" + uuid.uuid4().hex
    async with raw_server(Echo(refuse_token=True)) as url:
        environment = {
            **os.environ,
            "AIRBYTE_API_URL": url,
            "AIRBYTE_CLIENT_ID": "app-id",
            "AIRBYTE_CLIENT_SECRET": secret,
        }
        with anyio.fail_after(30):
            done = await anyio.run_process(
                [sys.executable, "-m", "aiobyte", "workspaces", "list"],
                env=environment,
                check=False,
            )
    err = done.stderr.decode()
    assert done.returncode != 0
    assert "401" in err
    assert "bad credentials in" in err  # the server's words are shown, its echo masked
    assert secret not in err + done.stdout.decode()


def test_a_base_url_with_credentials_is_refused_and_points_to_basic_auth() -> None:
    with pytest.raises(ValueError, match="BasicAuth") as caught:
        aiobyte.AirbyteClient("http://airbyte:hunter2-pass@localhost:8000/api/public/v1", token="t")
    assert "hunter2-pass" not in str(caught.value)
    assert "airbyte:***@localhost" in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://api.airbyte.com/v1?",
        "https://api.airbyte.com/v1#",
        "https://api.airbyte.com/v1?x=1",
        "https://api.airbyte.com/v1\r\n",
        "https://api.airbyte.com/v1\n",
        " https://api.airbyte.com/v1",
        "https://api.airbyte.com/v1 ",
        "https://api.airbyte.com/ v1",
        "https://api.airbyte.com/v1\x00",
        "https://api.airbyte.com/v1\x7f",
        "https://api.airbyte.com/v\u00a01",
        "https://api.airbyte.com:99999/v1",
    ],
)
def test_a_base_url_with_a_query_fragment_whitespace_or_controls_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        aiobyte.AirbyteClient(url, token="t")


def test_credentials_over_plain_http_off_this_machine_are_warned_about_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    host = f"airbyte-{uuid.uuid4().hex[:8]}.internal"
    with caplog.at_level(logging.WARNING, logger="aiobyte"):
        aiobyte.AirbyteClient(f"http://{host}:8000/api/public/v1", token="t")
        aiobyte.AirbyteClient(f"http://{host}:8000/api/public/v1", token="t")
        aiobyte.AirbyteClient("http://127.0.0.1:8000/api/public/v1", token="t")
        aiobyte.AirbyteClient("http://localhost:8000/api/public/v1", token="t")
        aiobyte.AirbyteClient("http://[::1]:8000/api/public/v1", token="t")
        aiobyte.AirbyteClient(f"https://{host}/api/public/v1", token="t")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert host in warnings[0].getMessage()
    assert "plain http" in warnings[0].getMessage()


# --- 3. closing and event loops ----------------------------------------------------------


async def test_aclose_while_callers_wait_for_a_token_gives_each_client_closed_error() -> None:
    async with FakeAirbyte() as fake:
        fake.seed(workspaces=1)
        ws = workspace_id(fake)
        fake.faults.inject(TOKEN_ROUTE, latency=30, times=1)  # a token that never comes
        client = fake.client()
        outcomes: list[BaseException | object] = []

        async def callers() -> None:
            outcomes.extend(await gather_outcomes(100, lambda: client.workspaces.get(ws)))

        with anyio.fail_after(10):
            async with anyio.create_task_group() as tg:
                tg.start_soon(callers)
                await until(lambda: fake.stats.token_requests > 0)
                await client.aclose()
        assert kinds(outcomes) == {"ClientClosedError": 100}  # was CancelledError: vanished


async def test_aclose_with_requests_in_flight_and_queued_ends_each_promptly() -> None:
    async with FakeAirbyte() as fake:
        fake.seed(workspaces=1)
        ws = workspace_id(fake)
        await asyncio.sleep(0)
        budget = aiobyte.RetryBudget()
        client = fake.client(retry_budget=budget)
        await client.workspaces.get(ws)  # a token, and the budget at its full capacity
        fake.faults.inject(WORKSPACE_ROUTE, latency=30, times=None)  # slow answers
        outcomes: list[BaseException | object] = []

        async def callers() -> None:
            outcomes.extend(await gather_outcomes(500, lambda: client.workspaces.get(ws)))

        with anyio.fail_after(10):  # "promptly": not after the 30 s answers
            async with anyio.create_task_group() as tg:
                tg.start_soon(callers)
                await until(lambda: fake.stats.in_flight >= client.max_in_flight)
                await client.aclose()
        assert kinds(outcomes) == {"ClientClosedError": 500}
        assert budget.balance == budget.capacity  # no retry spent (was drained to 0)
        assert fake.stats.hits[WORKSPACE_ROUTE] == 1 + client.max_in_flight


async def test_asyncio_cancellation_of_token_waiters_spares_the_refresh_and_wins_over_aclose() -> (
    None
):
    async with FakeAirbyte() as fake:
        fake.seed(workspaces=1)
        ws = workspace_id(fake)
        fake.faults.inject(TOKEN_ROUTE, latency=0.3, times=1)
        async with fake.client() as client:
            first = asyncio.ensure_future(client.workspaces.get(ws))  # starts the refresh
            await asyncio.sleep(0.05)
            others = [asyncio.ensure_future(client.workspaces.get(ws)) for _ in range(10)]
            timed = asyncio.ensure_future(asyncio.wait_for(client.workspaces.get(ws), 0.1))
            await asyncio.sleep(0.05)
            first.cancel()  # asyncio's own cancellation, of the caller that started it
            others[0].cancel()
            with anyio.fail_after(10):
                results = await asyncio.gather(first, timed, *others, return_exceptions=True)
        assert isinstance(results[0], asyncio.CancelledError)
        assert isinstance(results[1], asyncio.TimeoutError)
        assert isinstance(results[2], asyncio.CancelledError)
        assert [r.workspace_id for r in results[3:]] == [ws] * 9  # type: ignore[union-attr]  # an exception here fails the test anyway
        assert fake.stats.token_requests == 1

        fake.faults.inject(TOKEN_ROUTE, latency=30, times=1)
        client = fake.client()
        waiting = [asyncio.ensure_future(client.workspaces.get(ws)) for _ in range(2)]
        await asyncio.sleep(0.05)
        waiting[0].cancel()  # the caller's own cancellation, then the close: it stays a
        await client.aclose()  # cancellation; the other caller learns of the close
        with anyio.fail_after(10):
            outcomes = await asyncio.gather(*waiting, return_exceptions=True)
        # (Python 3.10 cannot tell the two cancellations apart: there it is closed too.)
        if sys.version_info >= (3, 11):
            assert isinstance(outcomes[0], asyncio.CancelledError)
        assert isinstance(outcomes[1], aiobyte.ClientClosedError)


def run_in_new_loop(coro: Callable[[], Awaitable[object]]) -> BaseException | object:
    """``asyncio.run`` in this thread; its outcome, an exception included."""

    async def main() -> object:
        return await coro()

    try:
        return asyncio.run(main())
    except Exception as exc:  # returned, asserted on
        return exc


async def test_a_client_used_from_another_thread_fails_at_once() -> None:
    async with FakeAirbyte() as fake:
        fake.seed(workspaces=1)
        ws = workspace_id(fake)
        async with fake.client() as client:
            await client.workspaces.get(ws)  # bound to this loop
            with anyio.fail_after(10):  # two threads hung for ever
                outcome = await anyio.to_thread.run_sync(
                    run_in_new_loop, lambda: client.workspaces.get(ws), abandon_on_cancel=True
                )
            assert isinstance(outcome, aiobyte.WrongEventLoopError)
            assert "another event loop" in str(outcome)
            closing = await anyio.to_thread.run_sync(run_in_new_loop, client.aclose)
            assert isinstance(closing, aiobyte.WrongEventLoopError)  # not its loop to close on
            assert (await client.workspaces.get(ws)).workspace_id == ws  # still fine here


async def test_two_threads_sharing_a_fresh_client_one_gets_a_clear_error() -> None:
    async with FakeAirbyte() as fake:
        fake.seed(workspaces=1)
        ws = workspace_id(fake)
        client = fake.client()
        outcomes: list[BaseException | object] = []
        gate = threading.Barrier(2)

        async def use() -> object:
            gate.wait(timeout=10)
            got = (await client.workspaces.get(ws)).workspace_id  # one thread only
            await client.aclose()  # on the loop it is bound to
            return got

        def thread() -> None:
            outcomes.append(run_in_new_loop(use))

        with anyio.fail_after(20):
            async with anyio.create_task_group() as tg:
                for _ in range(2):
                    tg.start_soon(lambda: anyio.to_thread.run_sync(thread, abandon_on_cancel=True))
        assert sorted(type(o).__name__ for o in outcomes) == ["WrongEventLoopError", "str"]


async def test_a_client_used_in_a_second_asyncio_run_fails_clearly() -> None:
    async with FakeAirbyte() as fake:
        fake.seed(workspaces=1)
        ws = workspace_id(fake)
        box: dict[str, aiobyte.AirbyteClient] = {}

        async def first_run() -> object:
            # A session of the caller's, closed by the caller at the end of its loop; the
            # client is left open, as a script that forgets aclose() leaves it.
            async with aiohttp.ClientSession() as session:
                box["client"] = fake.client(session=session)
                return await box["client"].workspaces.get(ws)

        def twice() -> tuple[object, object]:
            first = run_in_new_loop(first_run)
            second = run_in_new_loop(lambda: box["client"].workspaces.get(ws))
            return first, second

        with anyio.fail_after(20):
            first, second = await anyio.to_thread.run_sync(twice, abandon_on_cancel=True)
        assert isinstance(first, aiobyte.models.Workspace)
        # Not a raw RuntimeError from aiohttp ("Session is closed", "Event loop is closed")
        assert isinstance(second, aiobyte.WrongEventLoopError)
        assert "asyncio.run()" in str(second)
