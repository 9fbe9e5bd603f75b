"""The fake behaves as the real server where tests rely on it: applications and their
tokens, Embedded scoped tokens held to their workspace, workspaces in organizations,
faults by chance, clients that hang up, and many connections at once (raw aiohttp)."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import anyio
import pytest

import aiobyte
from aiobyte.testing import FakeAirbyte, ManualClock

pytestmark = pytest.mark.anyio

SCOPE_CLAIM = "io.airbyte.auth.workspace_scope"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def fake(clock: ManualClock) -> AsyncIterator[FakeAirbyte]:
    async with FakeAirbyte(clock=clock, seed=1) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


async def call(
    http: aiohttp.ClientSession,
    fake: FakeAirbyte,
    method: str,
    path: str,
    token: str | None = None,
    **kwargs: Any,
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with anyio.fail_after(5):
        async with http.request(method, fake.base_url + path, headers=headers, **kwargs) as answer:
            raw = await answer.read()
            return answer.status, json.loads(raw) if raw else None


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "==="))
    return decoded


async def token_for(
    http: aiohttp.ClientSession, fake: FakeAirbyte, client_id: str, secret: str
) -> tuple[int, Any]:
    body = {"client_id": client_id, "client_secret": secret, "grant-type": "client_credentials"}
    return await call(http, fake, "POST", "/applications/token", json=body)


# -- applications and tokens ----------------------------------------------------------------


async def test_applications_created_through_the_api_get_tokens(
    fake: FakeAirbyte, http: aiohttp.ClientSession
) -> None:
    admin = fake.issue_token()
    status, app = await call(http, fake, "POST", "/applications", admin, json={"name": "etl"})
    assert status == 200
    status, answer = await token_for(http, fake, app["clientId"], app["clientSecret"])
    assert status == 200
    token = answer["access_token"]
    assert claims(token)["sub"] == app["clientId"]
    assert fake.grant_of(token) is not None
    assert (await call(http, fake, "GET", "/workspaces", token))[0] == 200
    assert (await token_for(http, fake, app["clientId"], "wrong"))[0] == 401

    assert (await call(http, fake, "DELETE", f"/applications/{app['id']}", admin))[0] == 200
    status, problem = await token_for(http, fake, app["clientId"], app["clientSecret"])
    assert (status, problem["title"]) == (401, "invalid-api-key")
    # The client, too, gets its tokens with a created application's credentials.
    second = fake.add_application("second")
    async with fake.client(client_id=second["clientId"], client_secret=second["clientSecret"]) as c:
        assert await c.workspaces.list().to_list() == []


async def test_one_token_can_be_revoked(
    fake: FakeAirbyte, clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    first, second = fake.issue_token(), fake.issue_token(lifetime=60)
    fake.revoke_token(first)
    fake.revoke_token("not.a.token")
    assert (await call(http, fake, "GET", "/workspaces", first))[0] == 401
    assert (await call(http, fake, "GET", "/workspaces", second))[0] == 200
    grant = fake.grant_of(second)
    assert grant is not None
    assert (grant.subject, grant.expires_at, grant.workspace_id) == (
        fake.client_id,
        clock.time() + 60,
        None,
    )
    clock.advance(60)
    assert fake.grant_of(second) is None


# -- Embedded scoped tokens -----------------------------------------------------------------


async def test_a_scoped_token_reaches_its_workspace_only(
    fake: FakeAirbyte, clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    seeded = fake.seed(workspaces=2, sources=1, destinations=1, connections=1, jobs=1)
    mine, theirs = seeded.workspaces
    status, answer = await call(
        http, fake, "POST", "/embedded/scoped_token", fake.issue_token(), json={"workspaceId": mine}
    )
    assert status == 200
    token = answer["token"]
    payload = claims(token)
    assert payload[SCOPE_CLAIM] == {"workspaceId": mine}
    assert payload["roles"] == ["EMBEDDED_END_USER"]
    assert payload["exp"] - payload["iat"] == 900  # the server's 15 minutes

    source, other_source = seeded.sources
    connection = seeded.connections[0]
    allowed: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", f"/workspaces/{mine}", {}),
        ("GET", "/workspaces", {"params": {"workspaceIds": mine}}),
        ("GET", "/sources", {"params": {"workspaceIds": mine}}),
        ("GET", f"/sources/{source}", {}),
        ("GET", "/streams", {"params": {"sourceId": source}}),
        ("GET", "/jobs", {"params": {"connectionId": connection}}),
        ("GET", f"/jobs/{seeded.jobs[0]}", {}),
        ("GET", "/connector_definitions", {"params": {"type": "source", "workspaceId": mine}}),
        (
            "POST",
            "/sources",
            {
                "json": {
                    "name": "mine",
                    "workspaceId": mine,
                    "configuration": {
                        "sourceType": "postgres",
                        "host": "db",
                        "port": 5432,
                        "database": "app",
                        "username": "airbyte",
                    },
                }
            },
        ),
    ]
    for method, path, options in allowed:
        status, body = await call(http, fake, method, path, token, **options)
        assert status == 200, (method, path, body)

    refused: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", f"/workspaces/{theirs}", {}),
        ("GET", f"/sources/{other_source}", {}),
        ("GET", "/sources", {}),  # names no workspace: the server does not guess
        ("GET", "/sources", {"params": {"workspaceIds": f"{mine},{theirs}"}}),
        ("GET", f"/sources/{uuid.uuid4()}", {}),  # resolves to no workspace
        ("GET", "/organizations", {}),  # not workspace data at all
        ("POST", "/embedded/scoped_token", {"json": {"workspaceId": mine}}),
        (
            "POST",
            "/sources",
            {"json": {"name": "x", "workspaceId": theirs, "configuration": {"sourceType": "x"}}},
        ),
    ]
    for method, path, options in refused:
        status, problem = await call(http, fake, method, path, token, **options)
        assert status == 403, (method, path, problem)
        assert problem["title"] == "forbidden"
        assert mine in problem["detail"]
    assert len(fake.state.sources.query(workspace_ids=(theirs,))) == 1  # nothing created

    clock.advance(900)
    assert (await call(http, fake, "GET", f"/workspaces/{mine}", token))[0] == 401


async def test_the_client_with_a_scoped_token(fake: FakeAirbyte) -> None:
    seeded = fake.seed(workspaces=2, sources=2, destinations=1, connections=1, jobs=0)
    mine = seeded.workspaces[0]
    async with fake.client() as admin:
        scoped = (await admin.embedded.scoped_token(workspace_id=mine)).token
    async with fake.client(token=scoped) as client:
        listed = await client.sources.list(workspace_ids=[mine]).to_list()
        assert {s.source_id for s in listed} == set(seeded.sources[:2])
        with pytest.raises(aiobyte.PermissionDeniedError) as refused:
            await client.sources.list().to_list()
        assert refused.value.status == 403
        with pytest.raises(aiobyte.PermissionDeniedError):
            await client.sources.get(seeded.sources[2])


async def test_the_widget_token_is_scoped_to_the_external_users_workspace(
    fake: FakeAirbyte, http: aiohttp.ClientSession
) -> None:
    organization = fake.add_organization()["organizationId"]
    body = {
        "organizationId": organization,
        "allowedOrigin": "https://app.example.com",
        "externalUserId": "customer-42",
    }
    answers = []
    for _ in range(2):
        status, answer = await call(
            http, fake, "POST", "/embedded/widget_token", fake.issue_token(), json=body
        )
        assert status == 200
        answers.append(json.loads(base64.b64decode(answer["token"])))
    scopes = {claims(a["token"])[SCOPE_CLAIM]["workspaceId"] for a in answers}
    assert len(scopes) == 1  # the same workspace both times
    [workspace] = scopes
    assert fake.state.workspaces.get(workspace)["name"] == "customer-42"
    assert fake.state.organization_of(workspace) == organization
    assert f"workspaceId={workspace}" in answers[0]["widgetUrl"]
    status, got = await call(http, fake, "GET", f"/workspaces/{workspace}", answers[0]["token"])
    assert (status, got["workspaceId"]) == (200, workspace)


# -- workspaces in organizations ------------------------------------------------------------


async def test_a_workspace_is_created_in_its_organization_and_region(
    fake: FakeAirbyte, http: aiohttp.ClientSession
) -> None:
    token = fake.issue_token()
    organization = fake.add_organization()["organizationId"]
    user = fake.add_user(fake.add_organization()["organizationId"])["id"]
    status, region = await call(
        http,
        fake,
        "POST",
        "/regions",
        token,
        json={"name": "EU-West", "organizationId": organization},
    )
    assert status == 200
    body = {"name": "w", "organizationId": organization, "regionId": region["regionId"]}
    status, workspace = await call(http, fake, "POST", "/workspaces", token, json=body)
    assert status == 200
    assert "organizationId" not in workspace  # the API does not answer it
    assert workspace["dataResidency"] == "eu-west"
    assert fake.state.organization_of(workspace["workspaceId"]) == organization
    # A permission on the workspace makes the user a member of its organization.
    fake.add_permission(user, "workspace_reader", workspace_id=workspace["workspaceId"])
    status, users = await call(
        http, fake, "GET", "/users", token, params={"organizationId": organization}
    )
    assert [u["id"] for u in users["data"]] == [user]
    for wrong in ({"organizationId": str(uuid.uuid4())}, {"regionId": str(uuid.uuid4())}):
        status, problem = await call(
            http, fake, "POST", "/workspaces", token, json={"name": "x", **wrong}
        )
        assert (status, problem["title"]) == (400, "bad-request")


# -- faults by chance -----------------------------------------------------------------------


async def statuses(http: aiohttp.ClientSession, fake: FakeAirbyte, count: int) -> list[int]:
    return [(await call(http, fake, "GET", "/health"))[0] for _ in range(count)]


async def test_a_fault_by_probability_is_replayed_by_its_seed(
    http: aiohttp.ClientSession,
) -> None:
    runs = []
    for _ in range(2):
        async with FakeAirbyte(seed=42) as fake:
            fault = fake.faults.inject("GET /health", status=503, probability=0.3, times=None)
            runs.append(await statuses(http, fake, 60))
            assert fault.hits == runs[-1].count(503)
            assert fault.spared == runs[-1].count(200)
            assert fake.random_seed == 42
    assert runs[0] == runs[1]
    assert 8 <= runs[0].count(503) <= 30  # about 18 of 60
    async with FakeAirbyte() as fake:
        assert isinstance(fake.random_seed, int)  # drawn, and shown so a run can be replayed


async def test_times_counts_the_requests_a_probable_fault_hit(http: aiohttp.ClientSession) -> None:
    async with FakeAirbyte(seed=3) as fake:
        fake.faults.inject("GET /health", status=500, probability=0.5, times=2)
        fallback = fake.faults.inject("*", status=418, times=None)
        seen = await statuses(http, fake, 30)
    assert seen.count(500) == 2
    assert set(seen) == {500, 418}  # a spared request went on to the next fault
    assert fallback.hits == 28
    with pytest.raises(ValueError):
        fake.faults.inject(probability=1.5)


# -- clients that hang up, and many at once -------------------------------------------------


async def test_a_client_that_hangs_up_stops_its_handler(
    fake: FakeAirbyte, http: aiohttp.ClientSession
) -> None:
    fake.faults.inject("GET /health", latency=30)
    started = time.monotonic()
    with pytest.raises(asyncio.TimeoutError):
        async with http.get(fake.base_url + "/health", timeout=aiohttp.ClientTimeout(total=0.2)):
            pass
    with anyio.fail_after(2):
        while fake.stats.in_flight:  # noqa: ASYNC110 (the counter has no event to wait on)
            await anyio.sleep(0.01)
    assert time.monotonic() - started < 2  # not the 30 s of the fault
    assert fake.stats.abandoned == 1
    assert fake.stats.in_flight_by_route == {}
    [recorded] = fake.stats.requests
    assert recorded.status is None


async def test_five_hundred_connections_at_once() -> None:
    resource = pytest.importorskip("resource")  # POSIX
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1500:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
        except (ValueError, OSError):
            pytest.skip(f"needs 1500 file descriptors, the limit is {soft}")
    try:
        async with FakeAirbyte(backlog=1024) as fake:
            fake.faults.inject("GET /health", latency=0.3, times=None)
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector) as http:

                async def one() -> None:
                    async with http.get(fake.base_url + "/health") as answer:
                        assert answer.status == 200

                with anyio.fail_after(10):
                    async with anyio.create_task_group() as tg:
                        for _ in range(500):
                            tg.start_soon(one)
            assert fake.stats.hits["GET /health"] == 500
            assert fake.stats.max_in_flight == 500
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
