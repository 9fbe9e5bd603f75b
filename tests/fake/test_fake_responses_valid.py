"""Every answer of the fake validates against the spec: every route, with raw HTTP.

The client is not used here (the contract test covers it): each route is requested
with aiohttp as any client would, and each request and answer is checked by openapi-core
against ``api.yaml`` (loaded by ``tests/_openapi.py``). The test enumerates
``fake.routes`` and fails if one was not exercised with a 2xx answer that validates, so
a route added to the fake must be added here.

Error answers carry no schema in the spec; they are checked against
``api-problems.yaml`` (``type``, ``title``, ``status`` and the problem's schema, its
constants included), and their status must be one the spec lists for the operation, or
one the server sends everywhere (401, 429, 5xx, and 400 for a malformed parameter such
as ``limit=500``), or one NOTES.md documents where the spec is silent (409 and 422 of
``POST /jobs``, 409 of ``DELETE /jobs/{jobId}``). Two error
answers are not problem details, as on the real server: the bare ``{"errorId"}`` of an
uncaught exception (500) and the load shedder's ``{"message"}`` (429).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import anyio
import pytest

from aiobyte.testing import FakeAirbyte, ManualClock
from tests._openapi import load_spec, problem_errors, problems, spec_statuses, validator

pytestmark = pytest.mark.anyio

PROBLEM = "application/problem+json"
#: Statuses the server may answer on any route although the spec does not list them.
EVERYWHERE = {400, 401, 429, 500, 502, 503, 504}
#: Statuses NOTES.md documents where the spec is silent.
DOCUMENTED = {
    ("POST /jobs", 409),
    ("POST /jobs", 422),
    ("DELETE /jobs/{jobId}", 409),
}

#: Minimal configurations that follow their connector's schema.
POSTGRES = {
    "sourceType": "postgres",
    "host": "db",
    "port": 5432,
    "database": "app",
    "username": "airbyte",
}
BIGQUERY = {
    "destinationType": "bigquery",
    "project_id": "acme",
    "dataset_location": "US",
    "dataset_id": "raw",
}


@dataclass
class World:
    fake: FakeAirbyte
    http: aiohttp.ClientSession
    token: str
    ids: dict[str, Any] = field(default_factory=dict)

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        body: Any = None,
        auth: str | None = "bearer",
    ) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if auth == "bearer" else {}
        with anyio.fail_after(5):
            async with self.http.request(
                method,
                self.fake.base_url + path,
                params=params,
                data=None if body is None else json.dumps(body),
                headers={**headers, "Content-Type": "application/json"},
            ) as answer:
                raw = await answer.read()
                return answer.status, json.loads(raw) if raw else None


@pytest.fixture
async def world() -> AsyncIterator[World]:
    async with FakeAirbyte(clock=ManualClock(), seed=7) as fake:
        async with aiohttp.ClientSession() as http:
            yield World(fake, http, fake.issue_token(3600))


Step = tuple[str, str, Callable[[dict[str, Any]], dict[str, Any]]]


def scenario(world: World) -> list[Step]:
    """``(METHOD, path template, ids -> request options)``: one or more per route, in an
    order where each step finds the ids it needs (kept under the route's name)."""
    fake = world.fake
    seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=1, jobs=1)
    org = fake.add_organization("Acme")["organizationId"]
    user = fake.add_user(org, email="ada@example.com")["id"]
    world.ids.update(org=org, user=user, seeded=seeded)

    def of(route: str, key: str) -> Callable[[dict[str, Any]], str]:
        return lambda ids: str(ids[route][key])

    ws = of("POST /workspaces", "workspaceId")
    source = of("POST /sources", "sourceId")
    destination = of("POST /destinations", "destinationId")
    tag = of("POST /tags", "tagId")
    connection = of("POST /connections", "connectionId")
    job = of("POST /jobs", "jobId")
    permission = of("POST /permissions", "permissionId")
    application = of("POST /applications", "id")
    region = of("POST /regions", "regionId")
    dataplane = of("POST /dataplanes", "dataplaneId")
    group = of("POST /groups", "groupId")
    group_permission = of("POST /groups/{groupId}/permissions", "permissionId")
    oauth = {"client_id": "id", "client_secret": "secret"}
    steps: list[Step] = [
        ("GET", "/health", lambda ids: {"auth": None}),
        (
            "POST",
            "/applications/token",
            lambda ids: {
                "auth": None,
                "body": {
                    "client_id": fake.client_id,
                    "client_secret": fake.client_secret,
                    "grant_type": "client_credentials",
                    "grant-type": "client_credentials",
                },
            },
        ),
        ("POST", "/workspaces", lambda ids: {"body": {"name": "w", "organizationId": org}}),
        (
            "GET",
            "/workspaces",
            lambda ids: {"params": [("workspaceIds", ws(ids)), ("limit", "1")]},
        ),
        ("GET", "/workspaces/{ws}", lambda ids: {}),
        ("PATCH", "/workspaces/{ws}", lambda ids: {"body": {"name": "w2"}}),
        (
            "PUT",
            "/workspaces/{ws}/oauthCredentials",
            lambda ids: {"body": {"actorType": "source", "name": "github", "configuration": oauth}},
        ),
        ("DELETE", "/workspaces/{ws}/oauthCredentials/source/github", lambda ids: {}),
        (
            "POST",
            "/sources",
            lambda ids: {
                "body": {
                    "name": "pg",
                    "workspaceId": ws(ids),
                    "configuration": POSTGRES,
                }
            },
        ),
        ("GET", "/sources", lambda ids: {"params": [("workspaceIds", ws(ids))]}),
        ("GET", "/sources/{source}", lambda ids: {}),
        ("PATCH", "/sources/{source}", lambda ids: {"body": {"configuration": {"port": 1}}}),
        (
            "PUT",
            "/sources/{source}",
            lambda ids: {"body": {"name": "pg", "configuration": {**POSTGRES, "port": 2}}},
        ),
        (
            "POST",
            "/sources/initiateOAuth",
            lambda ids: {
                "body": {
                    "workspaceId": ws(ids),
                    "redirectUrl": "https://example.com/back",
                    "sourceType": "github",
                }
            },
        ),
        (
            "POST",
            "/destinations",
            lambda ids: {
                "body": {
                    "name": "bq",
                    "workspaceId": ws(ids),
                    "configuration": BIGQUERY,
                }
            },
        ),
        ("GET", "/destinations", lambda ids: {"params": [("limit", "1"), ("offset", "1")]}),
        ("GET", "/destinations/{destination}", lambda ids: {}),
        ("PATCH", "/destinations/{destination}", lambda ids: {"body": {"name": "bq 2"}}),
        (
            "PUT",
            "/destinations/{destination}",
            lambda ids: {
                "body": {"name": "bq 3", "configuration": {**BIGQUERY, "dataset_id": "x"}}
            },
        ),
        (
            "POST",
            "/tags",
            lambda ids: {"body": {"name": "finance", "color": "FF5733", "workspaceId": ws(ids)}},
        ),
        ("GET", "/tags", lambda ids: {"params": [("workspaceIds", ws(ids))]}),
        ("GET", "/tags/{tag}", lambda ids: {}),
        ("PATCH", "/tags/{tag}", lambda ids: {"body": {"name": "finance", "color": "00FF00"}}),
        (
            "POST",
            "/connections",
            lambda ids: {
                "body": {
                    "sourceId": source(ids),
                    "destinationId": destination(ids),
                    "schedule": {"scheduleType": "cron", "cronExpression": "0 0 * * * ?"},
                    "tags": [ids["POST /tags"]],
                }
            },
        ),
        ("GET", "/connections", lambda ids: {"params": [("tagIds", tag(ids))]}),
        ("GET", "/connections/{connection}", lambda ids: {}),
        ("PATCH", "/connections/{connection}", lambda ids: {"body": {"status": "inactive"}}),
        ("GET", "/streams", lambda ids: {"params": [("sourceId", source(ids))]}),
        (
            "POST",
            "/jobs",
            lambda ids: {"body": {"connectionId": connection(ids), "jobType": "sync"}},
        ),
        (
            "GET",
            "/jobs",
            lambda ids: {
                "params": [("connectionId", connection(ids)), ("orderBy", "createdAt|DESC")]
            },
        ),
        ("GET", "/jobs/{job}", lambda ids: {}),
        ("DELETE", "/jobs/{job}", lambda ids: {}),
        ("GET", "/organizations", lambda ids: {}),
        (
            "PUT",
            f"/organizations/{org}/oauthCredentials",
            lambda ids: {
                "body": {"actorType": "destination", "name": "bigquery", "configuration": oauth}
            },
        ),
        ("DELETE", f"/organizations/{org}/oauthCredentials/destination/bigquery", lambda ids: {}),
        ("GET", "/users", lambda ids: {"params": [("organizationId", org)]}),
        (
            "POST",
            "/permissions",
            lambda ids: {
                "body": {
                    "permissionType": "workspace_admin",
                    "userId": user,
                    "workspaceId": ws(ids),
                }
            },
        ),
        ("GET", "/permissions", lambda ids: {"params": [("userId", user)]}),
        ("GET", "/permissions/{permission}", lambda ids: {}),
        (
            "PATCH",
            "/permissions/{permission}",
            lambda ids: {"body": {"permissionType": "workspace_reader"}},
        ),
        ("DELETE", "/permissions/{permission}", lambda ids: {}),
        ("POST", "/applications", lambda ids: {"body": {"name": "etl"}}),
        ("GET", "/applications", lambda ids: {}),
        ("GET", "/applications/{application}", lambda ids: {}),
        ("DELETE", "/applications/{application}", lambda ids: {}),
        *definition_steps(ws),
        (
            "GET",
            "/connector_definitions",
            lambda ids: {"params": [("type", "source"), ("workspaceId", ws(ids))]},
        ),
        (
            "POST",
            "/regions",
            lambda ids: {"body": {"name": "eu", "organizationId": org}},
        ),
        ("GET", "/regions", lambda ids: {"params": [("organizationId", org)]}),
        ("GET", "/regions/{region}", lambda ids: {}),
        ("PATCH", "/regions/{region}", lambda ids: {"body": {"enabled": False}}),
        ("POST", "/dataplanes", lambda ids: {"body": {"name": "dp", "regionId": region(ids)}}),
        ("GET", "/dataplanes", lambda ids: {"params": [("regionIds", region(ids))]}),
        ("GET", "/dataplanes/{dataplane}", lambda ids: {}),
        ("PATCH", "/dataplanes/{dataplane}", lambda ids: {"body": {"name": "dp 2"}}),
        ("DELETE", "/dataplanes/{dataplane}", lambda ids: {}),
        ("DELETE", "/regions/{region}", lambda ids: {}),
        (
            "POST",
            "/groups",
            lambda ids: {"body": {"name": "analysts", "organizationId": org}},
        ),
        ("GET", "/groups", lambda ids: {"params": [("organizationId", org), ("limit", "1")]}),
        ("GET", "/groups/{group}", lambda ids: {}),
        ("PATCH", "/groups/{group}", lambda ids: {"body": {"description": None}}),
        ("POST", "/groups/{group}/members", lambda ids: {"body": {"userId": user}}),
        ("GET", "/groups/{group}/members", lambda ids: {}),
        ("DELETE", f"/groups/{{group}}/members/{user}", lambda ids: {}),
        (
            "POST",
            "/groups/{group}/permissions",
            lambda ids: {"body": {"permissionType": "workspace_reader", "workspaceId": ws(ids)}},
        ),
        ("GET", "/groups/{group}/permissions", lambda ids: {}),
        ("DELETE", "/groups/{group}/permissions/{group_permission}", lambda ids: {}),
        ("DELETE", "/groups/{group}", lambda ids: {}),
        (
            "POST",
            "/embedded/widget_token",
            lambda ids: {
                "body": {
                    "organizationId": org,
                    "allowedOrigin": "https://app.example.com",
                    "externalUserId": "u1",
                }
            },
        ),
        ("POST", "/embedded/scoped_token", lambda ids: {"body": {"workspaceId": ws(ids)}}),
        ("GET", "/embedded/organizations", lambda ids: {}),
        ("DELETE", "/connections/{connection}", lambda ids: {}),
        ("DELETE", "/tags/{tag}", lambda ids: {}),
        ("DELETE", "/sources/{source}", lambda ids: {}),
        ("DELETE", "/destinations/{destination}", lambda ids: {}),
        ("DELETE", "/workspaces/{ws}", lambda ids: {}),
    ]
    world.ids["names"] = {
        "ws": ws,
        "source": source,
        "destination": destination,
        "tag": tag,
        "connection": connection,
        "job": job,
        "permission": permission,
        "application": application,
        "region": region,
        "dataplane": dataplane,
        "group": group,
        "group_permission": group_permission,
        **{
            kind: of(f"POST /workspaces/{{workspaceId}}/definitions/{kind}", "id")
            for kind in ("sources", "destinations", "declarative_sources")
        },
    }
    return steps


def definition_steps(ws: Callable[[dict[str, Any]], str]) -> list[Step]:
    steps: list[Step] = []
    for kind in ("sources", "destinations", "declarative_sources"):
        base = f"/workspaces/{{ws}}/definitions/{kind}"
        if kind == "declarative_sources":
            new: dict[str, Any] = {"name": "api", "manifest": {"version": "6.0.0"}}
            change: dict[str, Any] = {"manifest": {"version": "6.1.0"}}
        else:
            new = {"name": "custom", "dockerRepository": "acme/x", "dockerImageTag": "0.1.0"}
            change = {"name": "custom 2", "dockerImageTag": "0.2.0"}
        item = f"{base}/{{{kind}}}"
        steps += [
            ("POST", base, lambda ids, new=new: {"body": new}),  # type: ignore[misc]  # a lambda with a bound default
            ("GET", base, lambda ids: {}),
            ("GET", item, lambda ids: {}),
            ("PUT", item, lambda ids, change=change: {"body": change}),  # type: ignore[misc]  # a lambda with a bound default
            ("DELETE", item, lambda ids: {}),
        ]
    return steps


def fill(template: str, ids: dict[str, Any]) -> str:
    """``/sources/{source}`` -> ``/sources/<the id of the source created earlier>``."""
    names: dict[str, Callable[[dict[str, Any]], str]] = ids["names"]
    out = template
    while "{" in out:
        start = out.index("{")
        end = out.index("}", start)
        name = out[start + 1 : end]
        value = names[name](ids)
        out = out[:start] + value + out[end + 1 :]
    return out


async def test_every_route_answers_what_the_spec_says(world: World) -> None:
    fake = world.fake
    steps = scenario(world)
    spec = load_spec()
    for method, template, options in steps:
        path = fill(template, world.ids)
        before = len(fake.stats.requests)
        status, body = await world.send(method, path, **options(world.ids))
        [recorded] = fake.stats.requests[before:]
        assert recorded.route is not None, f"{method} {path} matched no route"
        assert 200 <= status < 300, (recorded.route, status, body)
        world.ids[recorded.route] = body

    app = validator(spec, fake.base_url)
    found: list[str] = []
    validated: set[str] = set()
    for recorded in fake.stats.requests:
        assert recorded.route is not None
        assert recorded.status is not None
        errors = problems(app, fake.url, recorded)
        found += errors
        if not errors and 200 <= recorded.status < 300:
            validated.add(recorded.route)
    assert not found, "\n".join(found)
    assert fake.stats.server_errors == []
    assert set(fake.routes) - validated == set(), "routes never answered 2xx and validated"
    assert len(fake.routes) == 90


async def test_error_answers_are_problems_the_spec_allows(world: World) -> None:
    fake, send = world.fake, world.send
    seeded = fake.seed(workspaces=2, sources=1, destinations=1, connections=1, jobs=1)
    workspace, other = seeded.workspaces
    connection, finished_job = seeded.connections[0], seeded.jobs[0]
    organization = fake.add_organization()["organizationId"]
    user = fake.add_user(organization)["id"]
    missing = str(uuid.uuid4())
    scoped = fake.issue_token(workspace_id=workspace)
    catalog = "decd338e-5647-4c0b-adf4-da0e75f5a750"  # source-postgres
    await send("POST", "/tags", body={"name": "t", "color": "FF0000", "workspaceId": workspace})
    await send("POST", "/groups", body={"name": "g", "organizationId": organization})
    await send("POST", "/jobs", body={"connectionId": connection, "jobType": "sync"})
    world.token = scoped
    await send("GET", f"/sources/{seeded.sources[1]}")  # another workspace's
    await send("GET", "/sources")  # names no workspace
    world.token = fake.issue_token(3600)

    cases: list[tuple[int, str, str, dict[str, Any]]] = [
        (401, "GET", "/sources", {"auth": None}),
        (
            401,
            "POST",
            "/applications/token",
            {"auth": None, "body": {"client_id": fake.client_id, "client_secret": "wrong"}},
        ),
        (400, "GET", "/sources", {"params": [("limit", "500")]}),
        (400, "POST", "/workspaces", {"body": {}}),
        (400, "POST", "/applications/token", {"auth": None, "body": {"client_id": "x"}}),
        (404, "GET", f"/sources/{missing}", {}),
        (404, "GET", f"/jobs/{10**6}", {}),
        (400, "POST", "/workspaces", {"body": {"name": "w", "organizationId": missing}}),
        (409, "POST", "/jobs", {"body": {"connectionId": connection, "jobType": "sync"}}),
        (409, "DELETE", f"/jobs/{finished_job}", {}),
        (
            409,
            "POST",
            "/tags",
            {"body": {"name": "t", "color": "00FF00", "workspaceId": workspace}},
        ),
        (409, "POST", "/groups", {"body": {"name": "g", "organizationId": organization}}),
        (422, "POST", "/jobs", {"body": {"connectionId": connection, "jobType": "refresh"}}),
        (
            403,
            "PUT",
            f"/workspaces/{other}/definitions/sources/{catalog}",
            {"body": {"name": "n", "dockerImageTag": "1"}},
        ),
        (404, "GET", "/users", {"params": [("organizationId", missing)]}),
        (400, "POST", "/permissions", {"body": {"permissionType": "x", "userId": user}}),
    ]
    for status, method, path, options in cases:
        got, _ = await send(method, path, **options)
        assert got == status, (method, path, got)
    fake.faults.inject("GET /workspaces", status=503)
    assert (await send("GET", "/workspaces"))[0] == 503
    status, unknown = await send("GET", "/no/such/endpoint")
    assert status == 404
    assert problem_errors(404, unknown) == []

    spec = load_spec()
    app = validator(spec, fake.base_url)
    checked = 0
    found: list[str] = []
    for recorded in fake.stats.requests:
        assert recorded.status is not None
        if recorded.status < 400 or recorded.route is None:
            continue
        allowed = spec_statuses(spec, recorded.route) | EVERYWHERE
        allowed |= {status for route, status in DOCUMENTED if route == recorded.route}
        where = f"{recorded.method} {recorded.path} -> {recorded.status}"
        if recorded.status not in allowed:
            found.append(f"{where}: the spec lists {sorted(spec_statuses(spec, recorded.route))}")
        assert recorded.content_type == PROBLEM, where
        body = json.loads(recorded.response_body or b"null")
        found += [f"{where}: {e}" for e in problem_errors(recorded.status, body)]
        if recorded.status not in EVERYWHERE and recorded.status in spec_statuses(
            spec, recorded.route
        ):
            found += problems(app, fake.url, recorded, request=False)
        checked += 1
    assert not found, "\n".join(found)
    assert checked == len(cases) + 2 + 1  # and the two scoped requests, and the fault
    assert {r.status for r in fake.stats.requests} >= {400, 401, 403, 404, 409, 422, 503}


async def test_the_two_error_answers_that_are_not_problems(world: World) -> None:
    """An uncaught server exception and the load shedder, as the real server sends them."""
    status, body = await world.send("GET", "/sources/not-a-uuid")
    assert status == 500
    assert set(body) == {"errorId"}
    world.fake.faults.inject("GET /sources", status=429)
    status, body = await world.send("GET", "/sources")
    assert (status, body) == (429, {"message": "You are being rate limited."})


def test_problem_check_catches_what_it_should() -> None:
    good = {
        "type": "https://reference.airbyte.com/reference/errors#resource-not-found",
        "title": "resource-not-found",
        "status": 404,
        "detail": "Could not find a source with id: x",
        "data": {"resourceType": "source", "resourceId": "x"},
    }
    assert problem_errors(404, good) == []
    assert problem_errors(409, good)  # status differs from the answer's
    assert problem_errors(404, {**good, "type": "about:blank"})  # a constant changed
    assert problem_errors(404, {**good, "data": {"message": "no id"}})  # resourceId missing
    assert problem_errors(404, {**good, "title": "not-found"})  # no such problem
    assert problem_errors(404, {"message": "Not Found"})
