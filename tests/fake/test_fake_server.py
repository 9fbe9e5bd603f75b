"""The fake Airbyte server, exercised with raw aiohttp (not the aiobyte client)."""

from __future__ import annotations

import base64
import json
import random
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import aiohttp
import anyio
import pytest
from aiohttp.test_utils import TestServer

from aiobyte.testing import (
    CONFIGURATION_KINDS,
    FakeAirbyte,
    ManualClock,
    Seeded,
    sample_configuration,
)

pytestmark = pytest.mark.anyio

TOKEN = "POST /applications/token"
#: A minimal configuration that follows source-postgres's schema.
POSTGRES = {
    "sourceType": "postgres",
    "host": "db",
    "port": 5432,
    "database": "app",
    "username": "airbyte",
}
PROBLEM = "application/problem+json"
JSONType = dict[str, Any]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def fake(clock: ManualClock) -> AsyncIterator[FakeAirbyte]:
    async with FakeAirbyte(clock=clock) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        yield session


def bearer(fake: FakeAirbyte, lifetime: float | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {fake.issue_token(lifetime)}"}


def claims(token: str) -> JSONType:
    payload = token.split(".")[1]
    decoded: JSONType = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


def credentials(fake: FakeAirbyte) -> JSONType:
    return {
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
        "grant-type": "client_credentials",
    }


async def call(
    http: aiohttp.ClientSession,
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    **kwargs: Any,
) -> tuple[int, str, Any]:
    """(status, content type, decoded JSON or text or None)."""
    with anyio.fail_after(5):
        async with http.request(method, url, headers=headers, **kwargs) as response:
            raw = await response.read()
            ctype = response.content_type
            if ctype in ("application/json", PROBLEM) and raw:
                return response.status, ctype, json.loads(raw)
            return response.status, ctype, raw.decode() or None


def query_of(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query)


# -- tokens ---------------------------------------------------------------------------------


async def test_token_from_json_body(fake: FakeAirbyte, http: aiohttp.ClientSession) -> None:
    status, ctype, body = await call(
        http, "POST", f"{fake.base_url}/applications/token", json=credentials(fake)
    )
    assert (status, ctype) == (200, "application/json")
    assert set(body) == {"access_token", "token_type", "expires_in"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 180
    assert fake.stats.token_requests == 1
    assert fake.stats.hits[TOKEN] == 1
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert (await call(http, "GET", f"{fake.base_url}/workspaces", headers=headers))[0] == 200


async def test_token_accepts_grant_underscore_and_ignores_unknown_keys(
    fake: FakeAirbyte, http: aiohttp.ClientSession
) -> None:
    body = {
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
        "grant_type": "client_credentials",
        "audience": "ignored",
    }
    status, _, answer = await call(http, "POST", f"{fake.base_url}/applications/token", json=body)
    assert status == 200
    assert answer["access_token"]
    body["grant_type"] = "password"  # a grant it does not use: ignored, as the server does
    status, _, answer = await call(http, "POST", f"{fake.base_url}/applications/token", json=body)
    assert status == 200
    assert answer["access_token"]


async def test_token_form_accepted_then_refused(
    fake: FakeAirbyte, http: aiohttp.ClientSession
) -> None:
    url = f"{fake.base_url}/applications/token"
    status, _, body = await call(http, "POST", url, data=credentials(fake))
    assert status == 200
    assert body["access_token"]
    fake.token_accepts_form = False  # like some self-managed versions
    status, ctype, problem = await call(http, "POST", url, data=credentials(fake))
    assert (status, ctype) == (401, PROBLEM)
    assert problem["title"] == "invalid-api-key"
    assert (await call(http, "POST", url, json=credentials(fake)))[0] == 200
    assert fake.stats.token_requests == 3


async def test_token_wrong_credentials_401(fake: FakeAirbyte, http: aiohttp.ClientSession) -> None:
    body = {**credentials(fake), "client_secret": "not-the-secret"}
    status, ctype, problem = await call(
        http, "POST", f"{fake.base_url}/applications/token", json=body
    )
    assert (status, ctype) == (401, PROBLEM)
    assert problem["type"] == "https://reference.airbyte.com/reference/errors#invalid-api-key"
    assert problem["status"] == 401
    assert {"type", "title", "status", "detail", "data"} <= set(problem)
    assert fake.client_secret not in json.dumps(problem)
    assert fake.client_secret not in repr(fake)


async def test_token_is_a_jwt_whose_exp_matches_the_lifetime(
    clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    async with FakeAirbyte(clock=clock, token_lifetime=300) as fake:
        _, _, body = await call(
            http, "POST", f"{fake.base_url}/applications/token", json=credentials(fake)
        )
    token = body["access_token"]
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header == {"alg": "HS256", "typ": "JWT"}
    payload = claims(token)
    assert payload["sub"] == fake.client_id
    assert payload["iat"] == int(clock.time())
    assert payload["exp"] - payload["iat"] == 300
    assert body["expires_in"] == 300
    assert payload["jti"]


async def test_expires_in_can_lie_about_the_real_lifetime(
    clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    async with FakeAirbyte(clock=clock, token_lifetime=180, token_expires_in=900) as fake:
        _, _, body = await call(
            http, "POST", f"{fake.base_url}/applications/token", json=credentials(fake)
        )
        assert body["expires_in"] == 900
        payload = claims(body["access_token"])
        assert payload["exp"] - payload["iat"] == 180
        headers = {"Authorization": f"Bearer {body['access_token']}"}
        clock.advance(181)  # past exp, long before the 900 s that expires_in promised
        status, _, problem = await call(http, "GET", f"{fake.base_url}/workspaces", headers=headers)
        assert status == 401
        assert problem["title"] == "invalid-api-key"


async def test_older_token_answers(fake: FakeAirbyte, http: aiohttp.ClientSession) -> None:
    url = f"{fake.base_url}/applications/token"
    fake.token_answer = "access_token_only"
    _, _, body = await call(http, "POST", url, json=credentials(fake))
    assert set(body) == {"access_token"}
    fake.token_answer = "full"
    fake.token_expires_in = None
    _, _, body = await call(http, "POST", url, json=credentials(fake))
    assert set(body) == {"access_token", "token_type"}
    with pytest.raises(ValueError):
        fake.token_answer = "bogus"


async def test_bearer_token_expires_with_the_clock(
    fake: FakeAirbyte, clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    headers = bearer(fake)
    url = f"{fake.base_url}/workspaces"
    clock.advance(179)
    assert (await call(http, "GET", url, headers=headers))[0] == 200
    clock.advance(1)
    assert (await call(http, "GET", url, headers=headers))[0] == 401
    short = bearer(fake, lifetime=10)
    assert (await call(http, "GET", url, headers=short))[0] == 200
    clock.advance(10)
    assert (await call(http, "GET", url, headers=short))[0] == 401


async def test_revoked_and_foreign_tokens_are_rejected(
    fake: FakeAirbyte, http: aiohttp.ClientSession
) -> None:
    url = f"{fake.base_url}/workspaces"
    headers = bearer(fake)
    assert (await call(http, "GET", url, headers=headers))[0] == 200
    fake.revoke_tokens()
    assert (await call(http, "GET", url, headers=headers))[0] == 401
    assert (await call(http, "GET", url, headers=bearer(fake)))[0] == 200
    async with FakeAirbyte() as other:
        assert (await call(http, "GET", url, headers=bearer(other)))[0] == 401
    for value in ("", "Bearer", "Bearer a.b.c", "Token abc", "Basic !!!"):
        status, ctype, problem = await call(http, "GET", url, headers={"Authorization": value})
        assert (status, ctype, problem["title"]) == (401, PROBLEM, "invalid-api-key")
    assert (await call(http, "GET", url))[0] == 401


def basic(user: str, password: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


async def test_basic_auth(http: aiohttp.ClientSession) -> None:
    good = basic("airbyte", "password")
    async with FakeAirbyte() as fake:
        url = f"{fake.base_url}/workspaces"
        assert (await call(http, "GET", url, headers=good))[0] == 200
        assert (await call(http, "GET", url, headers=basic("airbyte", "wrong")))[0] == 401
        assert (await call(http, "GET", url, headers=basic("root", "password")))[0] == 401
    async with FakeAirbyte(basic_auth=None) as fake:
        url = f"{fake.base_url}/workspaces"
        assert (await call(http, "GET", url, headers=good))[0] == 401


async def test_health_needs_no_credentials(fake: FakeAirbyte, http: aiohttp.ClientSession) -> None:
    status, _, body = await call(http, "GET", f"{fake.base_url}/health")
    assert (status, body) == (200, None)
    assert fake.stats.hits["GET /health"] == 1


# -- pagination -----------------------------------------------------------------------------


async def test_limit_and_offset_bounds(fake: FakeAirbyte, http: aiohttp.ClientSession) -> None:
    url = f"{fake.base_url}/sources"
    headers = bearer(fake)
    for params in ({"limit": "0"}, {"limit": "101"}, {"limit": "ten"}, {"offset": "-1"}):
        status, ctype, problem = await call(http, "GET", url, headers=headers, params=params)
        assert (status, ctype, problem["title"]) == (400, PROBLEM, "bad-request"), params
    for limit in ("1", "100"):
        assert (await call(http, "GET", url, headers=headers, params={"limit": limit}))[0] == 200


async def test_default_limit_and_next_from_public_url(
    clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    public = "http://airbyte-airbyte-server-svc:8001/api/public/v1"
    async with FakeAirbyte(path_prefix="/api/public/v1", public_url=public, clock=clock) as fake:
        workspace = fake.add_workspace("Acme")["workspaceId"]
        fake.add_sources(workspace, 25)
        headers = bearer(fake)
        assert fake.base_url.endswith("/api/public/v1")
        _, _, page = await call(http, "GET", f"{fake.base_url}/sources", headers=headers)
        assert len(page["data"]) == 20
        assert page["previous"] == ""
        assert page["next"].startswith(public + "/sources?")
        assert dict(query_of(page["next"])) == {
            "includeDeleted": "false",
            "limit": "20",
            "offset": "20",
        }
        # The client must not follow it verbatim: here is the same offset at the real host.
        _, _, second = await call(
            http, "GET", f"{fake.base_url}/sources?" + urlsplit(page["next"]).query, headers=headers
        )
        assert len(second["data"]) == 5
        assert second["previous"].startswith(public)
        assert dict(query_of(second["previous"]))["offset"] == "0"


async def test_next_carries_filters_and_follows_to_an_empty_page(
    fake: FakeAirbyte, http: aiohttp.ClientSession
) -> None:
    one, two, three = (fake.add_workspace()["workspaceId"] for _ in range(3))
    for workspace in (one, two, three):
        fake.add_sources(workspace, 2)
    headers = bearer(fake)
    params = [("workspaceIds", one), ("workspaceIds", two), ("limit", "3")]
    url = f"{fake.base_url}/sources"
    pages = []
    with anyio.fail_after(5):
        while url:
            _, _, page = await call(http, "GET", url, headers=headers, params=params)
            pages.append(page)
            params = []
            url = page["next"]
    assert [len(p["data"]) for p in pages] == [3, 1, 0]  # the last page still has a next
    assert pages[-1]["next"] == ""
    assert pages[0]["next"]  # non-empty although the filtered set had 4 items
    query = dict(query_of(pages[0]["next"]))
    assert query == {
        "workspaceIds": f"{one},{two}",
        "includeDeleted": "false",
        "limit": "3",
        "offset": "3",
    }
    assert "workspaceIds=" + f"{one},{two}" in pages[0]["next"]  # commas kept literal
    ids = {s["workspaceId"] for p in pages for s in p["data"]}
    assert ids == {one, two}


async def test_workspace_ids_repeated_or_comma_separated(
    fake: FakeAirbyte, http: aiohttp.ClientSession
) -> None:
    seeded = fake.seed(workspaces=3, sources=2, destinations=1, connections=1, jobs=0)
    a, b, _ = seeded.workspaces
    headers = bearer(fake)
    url = f"{fake.base_url}/sources"
    _, _, repeated = await call(
        http, "GET", url, headers=headers, params=[("workspaceIds", a), ("workspaceIds", b)]
    )
    _, _, comma = await call(http, "GET", url, headers=headers, params={"workspaceIds": f"{a},{b}"})
    assert repeated["data"] == comma["data"]
    assert len(comma["data"]) == 4
    connections_url = f"{fake.base_url}/connections"
    _, _, connections = await call(
        http, "GET", connections_url, headers=headers, params={"workspaceIds": a}
    )
    assert [c["workspaceId"] for c in connections["data"]] == [a]


async def test_deleted_resources_are_hidden_unless_asked_for(
    fake: FakeAirbyte, http: aiohttp.ClientSession
) -> None:
    seeded = fake.seed(workspaces=1, sources=2, destinations=1, connections=1, jobs=0)
    headers = bearer(fake)
    source = seeded.sources[0]
    assert (await call(http, "DELETE", f"{fake.base_url}/sources/{source}", headers=headers))[
        0
    ] == 204
    assert (await call(http, "GET", f"{fake.base_url}/sources/{source}", headers=headers))[0] == 404
    _, _, listed = await call(http, "GET", f"{fake.base_url}/sources", headers=headers)
    assert [s["sourceId"] for s in listed["data"]] == [seeded.sources[1]]
    _, _, everything = await call(
        http, "GET", f"{fake.base_url}/sources", headers=headers, params={"includeDeleted": "true"}
    )
    assert [s["sourceId"] for s in everything["data"]] == seeded.sources
    assert dict(query_of(everything["next"]))["includeDeleted"] == "true"
    # Its connection went with it, as on the server: listed as deprecated when asked for.
    _, _, connections = await call(
        http,
        "GET",
        f"{fake.base_url}/connections",
        headers=headers,
        params={"includeDeleted": "true"},
    )
    assert [c["status"] for c in connections["data"]] == ["deprecated"]
    status, _, _ = await call(
        http, "GET", f"{fake.base_url}/sources", headers=headers, params={"includeDeleted": "yes"}
    )
    assert status == 400


async def test_jobs_pages_are_filtered_after_the_query_and_next_drops_filters(
    fake: FakeAirbyte, http: aiohttp.ClientSession
) -> None:
    seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=1, jobs=0)
    connection = seeded.connections[0]
    start = fake.clock.time() - 100_000
    for i in range(10):
        fake.add_job(
            connection, status="failed" if i % 3 == 0 else "succeeded", created_at=start + i * 60
        )
    headers = bearer(fake)
    params = {
        "connectionId": connection,
        "jobType": "sync",
        "status": "failed",
        "orderBy": "createdAt|ASC",
        "createdAtStart": "2000-01-01T00:00:00Z",
        "limit": "4",
    }
    _, _, page = await call(http, "GET", f"{fake.base_url}/jobs", headers=headers, params=params)
    assert [j["status"] for j in page["data"]] == ["failed", "failed"]  # short, not the end
    query = dict(query_of(page["next"]))
    assert query == {"jobType": "sync", "connectionId": connection, "limit": "4", "offset": "4"}
    # Following next verbatim silently loses the status filter.
    _, _, followed = await call(http, "GET", page["next"], headers=headers)
    assert {j["status"] for j in followed["data"]} == {"succeeded", "failed"}
    # A page filtered down to nothing still has a next while the query had rows.
    params.update(offset="4", limit="2")
    _, _, empty = await call(http, "GET", f"{fake.base_url}/jobs", headers=headers, params=params)
    assert empty["data"] == []
    assert empty["next"] != ""
    params.update(offset="10")
    _, _, end = await call(http, "GET", f"{fake.base_url}/jobs", headers=headers, params=params)
    assert (end["data"], end["next"]) == ([], "")


async def test_jobs_order_by(fake: FakeAirbyte, http: aiohttp.ClientSession) -> None:
    seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=1, jobs=4)
    headers = bearer(fake)
    url = f"{fake.base_url}/jobs"
    _, _, ascending = await call(http, "GET", url, headers=headers)
    _, _, descending = await call(
        http, "GET", url, headers=headers, params={"orderBy": "createdAt|DESC"}
    )
    assert [j["jobId"] for j in ascending["data"]] == seeded.jobs
    assert [j["jobId"] for j in descending["data"]] == seeded.jobs[::-1]
    _, _, updated = await call(
        http, "GET", url, headers=headers, params={"orderBy": "updatedAt|DESC"}
    )
    assert [j["jobId"] for j in updated["data"]] == seeded.jobs[::-1]
    for bad in ({"orderBy": "name|ASC"}, {"status": "done"}, {"jobType": "backfill"}):
        assert (await call(http, "GET", url, headers=headers, params=bad))[0] == 400


# -- resources ------------------------------------------------------------------------------


async def test_workspace_crud(fake: FakeAirbyte, http: aiohttp.ClientSession) -> None:
    headers = bearer(fake)
    base = f"{fake.base_url}/workspaces"
    status, _, created = await call(http, "POST", base, headers=headers, json={"name": "Acme"})
    assert status == 200
    assert set(created) >= {"workspaceId", "name", "dataResidency", "notifications"}
    url = f"{base}/{created['workspaceId']}"
    assert (await call(http, "GET", url, headers=headers))[2] == created
    patch = {"name": "Acme Corp", "notifications": {"success": {"email": {"enabled": True}}}}
    _, _, patched = await call(http, "PATCH", url, headers=headers, json=patch)
    assert patched["name"] == "Acme Corp"
    assert patched["notifications"]["success"]["email"] == {"enabled": True}
    assert patched["notifications"]["failure"] == created["notifications"]["failure"]
    credentials_body = {
        "actorType": "source",
        "name": "google-ads",
        "configuration": {"credentials": {"client_id": "x", "client_secret": "y"}},
    }
    status, _, body = await call(
        http, "PUT", f"{url}/oauthCredentials", headers=headers, json=credentials_body
    )
    assert (status, body) == (200, None)
    assert (
        await call(http, "DELETE", f"{url}/oauthCredentials/source/google-ads", headers=headers)
    )[0] == 204
    status, _, body = await call(http, "DELETE", url, headers=headers)
    assert (status, body) == (204, None)
    status, ctype, problem = await call(http, "GET", url, headers=headers)
    assert (status, ctype) == (404, PROBLEM)
    assert problem["data"]["resourceId"] == created["workspaceId"]
    assert (await call(http, "POST", base, headers=headers, json={}))[0] == 400
    assert (await call(http, "POST", base, headers=headers, data=b"{nope"))[0] == 400


async def test_source_and_destination_crud(fake: FakeAirbyte, http: aiohttp.ClientSession) -> None:
    workspace = fake.add_workspace("Acme")["workspaceId"]
    headers = bearer(fake)
    configuration = sample_configuration("source-postgres", rng=random.Random(3))
    body = {"name": "Prod DB", "workspaceId": workspace, "configuration": configuration}
    status, _, source = await call(
        http, "POST", f"{fake.base_url}/sources", headers=headers, json=body
    )
    assert status == 200
    assert source["sourceType"] == "postgres"
    assert source["definitionId"] == "decd338e-5647-4c0b-adf4-da0e75f5a750"
    assert isinstance(source["createdAt"], int)
    url = f"{fake.base_url}/sources/{source['sourceId']}"
    merge = {"configuration": {"port": 6543, "jdbc_url_params": None}}
    _, _, patched = await call(http, "PATCH", url, headers=headers, json=merge)
    assert patched["configuration"]["port"] == 6543
    assert "jdbc_url_params" not in patched["configuration"]
    assert patched["configuration"]["host"] == configuration["host"]
    put = {"name": "Renamed", "configuration": {**POSTGRES, "host": "h"}}
    _, _, replaced = await call(http, "PUT", url, headers=headers, json=put)
    assert (replaced["name"], replaced["configuration"]) == ("Renamed", put["configuration"])
    bad = {"name": "Renamed", "configuration": {"sourceType": "postgres", "host": "h"}}
    status, _, problem = await call(http, "PUT", url, headers=headers, json=bad)
    assert status == 422
    assert problem["detail"].startswith(
        "The provided configuration does not fulfill the specification."
    )
    assert (await call(http, "PUT", url, headers=headers, json={"name": "x"}))[0] == 400
    missing_type = {"name": "x", "workspaceId": workspace, "configuration": {}}
    assert (
        await call(http, "POST", f"{fake.base_url}/sources", headers=headers, json=missing_type)
    )[0] == 400
    unknown_ws = {**body, "workspaceId": "00000000-0000-4000-8000-000000000000"}
    assert (await call(http, "POST", f"{fake.base_url}/sources", headers=headers, json=unknown_ws))[
        0
    ] == 404

    oauth = {
        "redirectUrl": "https://example.com/cb",
        "workspaceId": workspace,
        "sourceType": "github",
    }
    status, _, consent = await call(
        http, "POST", f"{fake.base_url}/sources/initiateOAuth", headers=headers, json=oauth
    )
    assert status == 200
    assert consent["redirectUrl"].startswith("https://")

    body = {
        "name": "Warehouse",
        "workspaceId": workspace,
        "configuration": sample_configuration("destination-bigquery", rng=random.Random(1)),
    }
    _, _, destination = await call(
        http, "POST", f"{fake.base_url}/destinations", headers=headers, json=body
    )
    assert destination["destinationType"] == "bigquery"
    url = f"{fake.base_url}/destinations/{destination['destinationId']}"
    _, _, patched = await call(http, "PATCH", url, headers=headers, json={"name": "WH"})
    assert patched["name"] == "WH"
    assert (await call(http, "DELETE", url, headers=headers))[0] == 204
    assert (await call(http, "PATCH", url, headers=headers, json={"name": "x"}))[0] == 404


async def test_connection_crud(fake: FakeAirbyte, http: aiohttp.ClientSession) -> None:
    workspace = fake.add_workspace("Acme")["workspaceId"]
    source = fake.add_source(workspace, name="Stripe")["sourceId"]
    destination = fake.add_destination(workspace, name="BigQuery")["destinationId"]
    headers = bearer(fake)
    _, _, tag = await call(
        http,
        "POST",
        f"{fake.base_url}/tags",
        headers=headers,
        json={"name": "finance", "color": "FF5733", "workspaceId": workspace},
    )
    body = {"sourceId": source, "destinationId": destination, "tags": [tag]}
    status, _, connection = await call(
        http, "POST", f"{fake.base_url}/connections", headers=headers, json=body
    )
    assert status == 200
    assert connection["name"] == "Stripe → BigQuery"
    assert connection["workspaceId"] == workspace
    assert connection["schedule"] == {"scheduleType": "manual"}
    assert connection["status"] == "active"
    assert connection["tags"] == [tag]
    assert connection["configurations"]["streams"]
    url = f"{fake.base_url}/connections/{connection['connectionId']}"
    schedule = {"scheduleType": "cron", "cronExpression": "0 0 * * * ?"}
    _, _, patched = await call(
        http, "PATCH", url, headers=headers, json={"schedule": schedule, "status": "inactive"}
    )
    assert (patched["schedule"], patched["status"]) == (schedule, "inactive")
    assert (await call(http, "PATCH", url, headers=headers, json={"status": "bogus"}))[0] == 400
    _, _, tagged = await call(
        http,
        "GET",
        f"{fake.base_url}/connections",
        headers=headers,
        params={"tagIds": tag["tagId"]},
    )
    assert [c["connectionId"] for c in tagged["data"]] == [connection["connectionId"]]
    assert dict(query_of(tagged["next"]))["tagIds"] == tag["tagId"]
    _, _, tags = await call(http, "GET", f"{fake.base_url}/tags", headers=headers)
    assert tags == {"data": [tag]}
    _, _, streams = await call(
        http, "GET", f"{fake.base_url}/streams", headers=headers, params={"sourceId": source}
    )
    assert {s["streamName"] for s in streams} >= {  # the source's catalog
        s["name"] for s in connection["configurations"]["streams"]
    }
    assert (await call(http, "DELETE", url, headers=headers))[0] == 204
    assert (await call(http, "GET", url, headers=headers))[0] == 404
    bad = {"sourceId": source, "destinationId": "00000000-0000-4000-8000-000000000000"}
    assert (await call(http, "POST", f"{fake.base_url}/connections", headers=headers, json=bad))[
        0
    ] == 404


async def test_unknown_ids_404_and_malformed_uuids_500(
    fake: FakeAirbyte, http: aiohttp.ClientSession
) -> None:
    headers = bearer(fake)
    missing = "4f1a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c"
    for resource in ("workspaces", "sources", "destinations", "connections"):
        status, ctype, problem = await call(
            http, "GET", f"{fake.base_url}/{resource}/{missing}", headers=headers
        )
        assert (status, ctype) == (404, PROBLEM)
        assert problem["title"] == "resource-not-found"
        assert problem["data"]["resourceId"] == missing
        status, ctype, body = await call(
            http, "GET", f"{fake.base_url}/{resource}/not-a-uuid", headers=headers
        )
        assert (status, ctype, list(body)) == (500, "application/json", ["errorId"])
    status, _, body = await call(
        http, "GET", f"{fake.base_url}/sources", headers=headers, params={"workspaceIds": "nope"}
    )
    assert (status, list(body)) == (500, ["errorId"])
    assert (await call(http, "GET", f"{fake.base_url}/jobs/12345", headers=headers))[0] == 404
    assert (await call(http, "GET", f"{fake.base_url}/jobs/abc", headers=headers))[0] == 400
    assert fake.stats.server_errors == []


# -- jobs -----------------------------------------------------------------------------------


async def test_job_lifecycle_follows_the_clock(
    fake: FakeAirbyte, clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    connection = fake.seed(workspaces=1, sources=1, destinations=1, connections=1, jobs=0)
    connection_id = connection.connections[0]
    headers = bearer(fake, lifetime=3600)
    status, _, job = await call(
        http,
        "POST",
        f"{fake.base_url}/jobs",
        headers=headers,
        json={"connectionId": connection_id, "jobType": "sync"},
    )
    assert status == 200
    assert (job["status"], job["jobType"], job["connectionId"]) == (
        "pending",
        "sync",
        connection_id,
    )
    assert job["startTime"].endswith("Z")
    assert job["rowsSynced"] == 0
    url = f"{fake.base_url}/jobs/{job['jobId']}"
    clock.advance(2)
    _, _, running = await call(http, "GET", url, headers=headers)
    assert running["status"] == "running"
    clock.advance(10)
    _, _, later = await call(http, "GET", url, headers=headers)
    assert later["status"] == "running"
    assert later["rowsSynced"] == 10_000
    assert later["bytesSynced"] == 10_000 * 200
    assert later["lastUpdatedAt"] > running["lastUpdatedAt"]
    clock.advance(20)
    _, _, done = await call(http, "GET", url, headers=headers)
    assert done["status"] == "succeeded"
    assert done["rowsSynced"] == 30_000
    assert done["duration"] == "PT32S"
    clock.advance(100)
    assert (await call(http, "GET", url, headers=headers))[2] == done  # final means final


async def test_failed_plan_conflicts_and_cancel(
    fake: FakeAirbyte, clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=2, jobs=1)
    first, second = seeded.connections
    fake.plan_jobs(first, queued_for=0, duration=5, outcome="failed", rows_per_second=10)
    headers = bearer(fake, lifetime=3600)
    jobs_url = f"{fake.base_url}/jobs"
    _, _, job = await call(
        http, "POST", jobs_url, headers=headers, json={"connectionId": first, "jobType": "sync"}
    )
    status, ctype, problem = await call(
        http, "POST", jobs_url, headers=headers, json={"connectionId": first, "jobType": "reset"}
    )
    assert (status, ctype) == (409, PROBLEM)
    assert str(job["jobId"]) in problem["data"]["message"]
    clock.advance(5)
    _, _, failed = await call(http, "GET", f"{jobs_url}/{job['jobId']}", headers=headers)
    assert (failed["status"], failed["rowsSynced"]) == ("failed", 50)

    _, _, other = await call(
        http, "POST", jobs_url, headers=headers, json={"connectionId": second, "jobType": "sync"}
    )
    clock.advance(3)
    status, _, cancelled = await call(
        http, "DELETE", f"{jobs_url}/{other['jobId']}", headers=headers
    )
    assert (status, cancelled["status"], cancelled["rowsSynced"]) == (200, "cancelled", 1000)
    clock.advance(60)
    _, _, still = await call(http, "GET", f"{jobs_url}/{other['jobId']}", headers=headers)
    assert still["status"] == "cancelled"
    status, ctype, problem = await call(
        http, "DELETE", f"{jobs_url}/{other['jobId']}", headers=headers
    )
    assert (status, ctype, problem["status"]) == (409, PROBLEM, 409)

    status, ctype, problem = await call(
        http, "POST", jobs_url, headers=headers, json={"connectionId": second, "jobType": "refresh"}
    )
    assert (status, ctype, problem["title"]) == (422, PROBLEM, "unprocessable-entity")
    bad_type = {"connectionId": second, "jobType": "backfill"}
    assert (await call(http, "POST", jobs_url, headers=headers, json=bad_type))[0] == 400
    unknown = {"connectionId": "4f1a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c", "jobType": "sync"}
    assert (await call(http, "POST", jobs_url, headers=headers, json=unknown))[0] == 404
    clear = {"connectionId": second, "jobType": "clear"}
    _, _, cleared = await call(http, "POST", jobs_url, headers=headers, json=clear)
    assert (cleared["jobType"], cleared["status"]) == ("clear", "pending")


def test_add_job_with_a_status() -> None:
    clock = ManualClock()
    fake = FakeAirbyte(clock=clock)
    connection = fake.seed(workspaces=1, sources=1, destinations=1, connections=1, jobs=0)
    connection_id = connection.connections[0]
    assert fake.add_job(connection_id, status="succeeded")["status"] == "succeeded"
    assert fake.add_job(connection_id, status="cancelled")["status"] == "cancelled"
    running = fake.add_job(connection_id, status="running")
    assert running["status"] == "running"
    queued = fake.add_job(connection_id, status="queued")
    clock.advance(1000)
    assert fake.state.get_job(running["jobId"]).status(clock.time()) == "succeeded"
    assert fake.state.get_job(queued["jobId"]).status(clock.time()) == "queued"
    with pytest.raises(ValueError):
        fake.add_job(connection_id, status="exploded")
    with pytest.raises(KeyError):
        fake.add_job("00000000-0000-4000-8000-000000000000")


# -- faults ---------------------------------------------------------------------------------


async def test_status_fault_with_headers_and_default_bodies(
    fake: FakeAirbyte, http: aiohttp.ClientSession
) -> None:
    headers = bearer(fake)
    url = f"{fake.base_url}/workspaces"
    fake.faults.inject("GET /workspaces", status=429, headers={"Retry-After": "2"})
    fake.faults.inject("GET /workspaces", status=503)
    fake.faults.inject("GET /workspaces", status=429, body={"message": "slow down"})
    fake.faults.inject("GET /workspaces", status=502, body="<html>Bad Gateway</html>")
    with anyio.fail_after(5):
        async with http.get(url, headers=headers) as response:
            assert response.status == 429
            assert response.headers["Retry-After"] == "2"
            assert await response.json() == {"message": "You are being rate limited."}
    status, ctype, problem = await call(http, "GET", url, headers=headers)
    assert (status, ctype, problem["title"]) == (503, PROBLEM, "service-unavailable")
    assert (await call(http, "GET", url, headers=headers))[1:] == (
        PROBLEM,
        {"message": "slow down"},
    )
    status, ctype, text = await call(http, "GET", url, headers=headers)
    assert (status, ctype, text) == (502, "text/plain", "<html>Bad Gateway</html>")
    assert (await call(http, "GET", url, headers=headers))[0] == 200
    assert fake.stats.hits["GET /workspaces"] == 5


async def test_latency_fault_then_normal_answer(
    fake: FakeAirbyte, http: aiohttp.ClientSession
) -> None:
    fake.faults.inject("GET /health", latency=0.2)
    started = time.monotonic()
    assert (await call(http, "GET", f"{fake.base_url}/health"))[0] == 200
    assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    assert (await call(http, "GET", f"{fake.base_url}/health"))[0] == 200
    assert time.monotonic() - started < 0.2


async def test_drop_html_and_truncate_faults(
    fake: FakeAirbyte, http: aiohttp.ClientSession
) -> None:
    fake.seed(workspaces=1, sources=3, destinations=1, connections=0, jobs=0)
    headers = bearer(fake)
    url = f"{fake.base_url}/sources"
    # aiohttp itself resends an idempotent request once when the connection drops,
    # so a GET needs two drops to fail; a POST fails on the first.
    fake.faults.inject("GET /sources", drop=True, times=2)
    with anyio.fail_after(5), pytest.raises(aiohttp.ServerDisconnectedError):
        async with http.get(url, headers=headers) as response:
            await response.read()
    fake.faults.inject("POST /workspaces", drop=True)
    with anyio.fail_after(5), pytest.raises(aiohttp.ServerDisconnectedError):
        async with http.post(f"{fake.base_url}/workspaces", headers=headers, json={"name": "W"}):
            pass
    assert fake.stats.hits["POST /workspaces"] == 1
    assert len(fake.state.workspaces.ids()) == 1  # dropped before the handler ran
    fake.faults.inject("GET /sources", html=True)
    status, ctype, page = await call(http, "GET", url, headers=headers)
    assert (status, ctype) == (200, "text/html")
    assert "<title>Airbyte</title>" in page
    fake.faults.inject("GET /sources", truncate=True)
    with anyio.fail_after(5):
        async with http.get(url, headers=headers) as response:
            assert response.status == 200
            assert response.content_length is not None
            with pytest.raises(aiohttp.ClientPayloadError):
                await response.read()
    assert (await call(http, "GET", url, headers=headers))[0] == 200
    assert fake.stats.hits["GET /sources"] == 5


async def test_fault_times_wildcard_and_precedence(
    fake: FakeAirbyte, http: aiohttp.ClientSession
) -> None:
    health = f"{fake.base_url}/health"
    twice = fake.faults.inject("GET /health", status=500, times=2)
    assert [(await call(http, "GET", health))[0] for _ in range(3)] == [500, 500, 200]
    assert (twice.hits, twice.remaining) == (2, 0)
    forever = fake.faults.inject("*", status=503, times=None)
    specific = fake.faults.inject("GET /health", status=418)
    assert (await call(http, "GET", health))[0] == 418  # the route's own fault first
    assert (await call(http, "GET", health))[0] == 503
    token_url = f"{fake.base_url}/applications/token"
    assert (await call(http, "POST", token_url, json=credentials(fake)))[0] == 503
    assert (await call(http, "GET", f"{fake.url}/elsewhere"))[0] == 503
    assert forever.hits == 3
    assert specific.remaining == 0
    fake.faults.clear()
    assert (await call(http, "POST", token_url, json=credentials(fake)))[0] == 200
    nothing = fake.faults.inject("GET /health", status=500, times=0)  # injects nothing
    assert (await call(http, "GET", health))[0] == 200
    assert (nothing.hits, len(fake.faults)) == (0, 0)
    with pytest.raises(ValueError):
        fake.faults.inject("GET /sourcez")
    with pytest.raises(ValueError):
        fake.faults.inject(times=-1)


async def test_html_outside_the_prefix_and_404_inside(http: aiohttp.ClientSession) -> None:
    async with FakeAirbyte(path_prefix="/api/public/v1") as fake:
        for path in ("/", "/workspaces", "/api/public/workspaces", "/api/public/v1x"):
            status, ctype, page = await call(http, "GET", fake.url + path)
            assert (status, ctype) == (200, "text/html"), path
            assert '<div id="root"></div>' in page
        status, ctype, problem = await call(http, "GET", f"{fake.base_url}/nothing/here")
        assert (status, ctype, problem["status"]) == (404, PROBLEM, 404)
        assert fake.stats.hits["GET /workspaces"] == 1  # keyed by the raw path
        assert fake.stats.requests[1].route is None


# -- counters and helpers -------------------------------------------------------------------


async def test_max_in_flight_counts_concurrent_requests(
    fake: FakeAirbyte, http: aiohttp.ClientSession
) -> None:
    headers = bearer(fake)
    fake.faults.inject("GET /workspaces", latency=0.2, times=None)
    fake.faults.inject(TOKEN, latency=0.2, times=None)

    async def list_workspaces() -> None:
        assert (await call(http, "GET", f"{fake.base_url}/workspaces", headers=headers))[0] == 200

    async def token() -> None:
        url = f"{fake.base_url}/applications/token"
        assert (await call(http, "POST", url, json=credentials(fake)))[0] == 200

    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            for _ in range(5):
                tg.start_soon(list_workspaces)
            for _ in range(3):
                tg.start_soon(token)
    assert fake.stats.max_in_flight == 5  # the token endpoint is not counted
    assert fake.stats.max_in_flight_by_route["GET /workspaces"] == 5
    assert fake.stats.in_flight == 0
    assert fake.stats.token_requests == 3
    fake.stats.reset()
    assert (fake.stats.max_in_flight, fake.stats.token_requests, fake.stats.requests) == (0, 0, [])


async def test_numbers_are_kept_exactly_and_date_follows_the_clock(
    fake: FakeAirbyte, clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    workspace = fake.add_workspace()["workspaceId"]
    raw = (
        b'{"name": "n", "workspaceId": "%s", "configuration": {"sourceType": "postgres",'
        b' "host": "db", "port": 5432, "database": "app", "username": "airbyte",'
        b' "precise": 12345678901234567890.5, "tiny": 1e-400, "plain": 0.1, "n": 7}}'
    ) % workspace.encode()
    headers = {**bearer(fake), "Content-Type": "application/json"}
    with anyio.fail_after(5):
        async with http.post(f"{fake.base_url}/sources", headers=headers, data=raw) as response:
            text = await response.text()
            assert response.headers["Date"] == "Fri, 15 Jan 2027 08:00:00 GMT"
    assert clock.time() == 1_800_000_000
    assert '"precise":12345678901234567890.5' in text
    assert '"tiny":1E-400' in text
    assert '"plain":0.1,"n":7' in text


async def test_requests_are_recorded(fake: FakeAirbyte, http: aiohttp.ClientSession) -> None:
    headers = {**bearer(fake), "X-Trace": "abc"}
    url = f"{fake.base_url}/sources?workspaceIds=a&limit=5&workspaceIds=b"
    await call(http, "GET", url, headers=headers)
    await call(http, "POST", f"{fake.base_url}/workspaces", headers=headers, json={"name": "W"})
    listed, created = fake.stats.requests
    assert (listed.method, listed.route, listed.path) == ("GET", "GET /sources", "/v1/sources")
    assert listed.query == [("workspaceIds", "a"), ("limit", "5"), ("workspaceIds", "b")]
    assert listed.headers["X-Trace"] == "abc"
    assert listed.at == fake.clock.time()
    assert json.loads(created.body) == {"name": "W"}
    assert created.route == "POST /workspaces"


def test_seed_and_bulk_sources() -> None:
    fake = FakeAirbyte(clock=ManualClock())
    seeded = fake.seed()
    assert isinstance(seeded, Seeded)
    assert seeded.connection_ids is seeded.connections  # aliases
    assert (len(seeded.workspaces), len(seeded.sources), len(seeded.destinations)) == (3, 12, 6)
    assert (len(seeded.connections), len(seeded.jobs)) == (6, 18)
    assert seeded.jobs == sorted(seeded.jobs)
    now = fake.clock.time()
    assert all(fake.state.get_job(j).is_final(now) for j in seeded.jobs)
    started = time.perf_counter()
    ids = fake.add_sources(seeded.workspaces[0], 10_000)
    assert time.perf_counter() - started < 1.0
    assert len(set(ids)) == 10_000
    assert len(fake.state.sources.ids()) == 10_012
    numbered = fake.add_sources(seeded.workspaces[1], 3, configuration=lambda i: {"n": i})
    assert [fake.state.sources.get(i)["configuration"] for i in numbered] == [
        {"n": 0},
        {"n": 1},
        {"n": 2},
    ]
    with pytest.raises(KeyError):
        fake.add_source("00000000-0000-4000-8000-000000000000")


def count_keys(value: Any) -> int:
    if isinstance(value, dict):
        return len(value) + sum(count_keys(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_keys(v) for v in value)
    return 0


def test_sample_configurations_are_realistic_and_deterministic() -> None:
    kinds_seen: set[type] = set()
    for kind in CONFIGURATION_KINDS:
        for seed in range(20):
            config = sample_configuration(kind, rng=random.Random(seed))
            assert config == sample_configuration(kind, rng=random.Random(seed))
            assert 8 <= count_keys(config) <= 60, kind
            stack: list[Any] = [config]
            while stack:
                value = stack.pop()
                kinds_seen.add(type(value))
                if isinstance(value, dict):
                    stack.extend(value.values())
                elif isinstance(value, list):
                    stack.extend(value)
    assert {dict, list, int, float, bool, str} <= kinds_seen
    assert type(None) not in kinds_seen  # an optional field left unset is absent
    assert sample_configuration("postgres", rng=random.Random(0))["sourceType"] == "postgres"
    with pytest.raises(ValueError):
        sample_configuration("source-nope")


async def test_app_works_with_aiohttp_test_utilities(http: aiohttp.ClientSession) -> None:
    fake = FakeAirbyte()
    fake.add_sources(fake.add_workspace()["workspaceId"], 2)
    async with TestServer(fake.app) as server:
        url = str(server.make_url("/v1/sources"))
        _, _, page = await call(http, "GET", url, headers=bearer(fake), params={"limit": "1"})
        assert page["next"].startswith(str(server.make_url("/v1/sources")))


async def test_pytest_plugin_fixture(fake_airbyte: FakeAirbyte) -> None:
    assert len(fake_airbyte.state.workspaces.ids()) == 2
    assert fake_airbyte.base_url.startswith("http://127.0.0.1:")
    client = fake_airbyte.client()
    try:
        assert type(client).__name__ == "AirbyteClient"
    finally:
        await client.aclose()


async def test_the_old_seeding_names_keep_working(fake: FakeAirbyte) -> None:
    organization = fake.admin.add_organization("Acme")["organizationId"]
    user = fake.admin.add_user(organization)["id"]
    assert fake.admin.organizations.ids() == [organization]
    assert fake.state.users.ids() == [user]
    workspace = fake.add_workspace("w", organization_id=organization)["workspaceId"]
    assert fake.admin.organization_of(workspace) == organization
