"""Writes the fake checks as the server does, with the server's problem details.

Bodies against api.yaml's types at every depth, configurations against their
connector's schema, cron schedules and their minimum interval, stream names against
the source's catalog; the token endpoint that ignores the grant; secret coordinates.
Every refused write leaves the state as it was.
"""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import anyio
import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from aiobyte.testing import CONFIGURATION_KINDS, FakeAirbyte, ManualClock, sample_configuration
from tests._api_docs import api_document
from tests.fake._request_schemas import OUTPUT, load_spec, render

pytestmark = pytest.mark.anyio

JSONType = dict[str, Any]
MASK = "**********"  # how the server shows a stored secret
POSTGRES = {
    "sourceType": "postgres",
    "host": "db",
    "port": 5432,
    "database": "app",
    "username": "airbyte",
    "password": "s3cret",
}


@pytest.fixture
async def fake() -> AsyncIterator[FakeAirbyte]:
    async with FakeAirbyte(clock=ManualClock()) as server:
        yield server


@pytest.fixture
async def http(fake: FakeAirbyte) -> AsyncIterator[Any]:
    headers = {"Authorization": f"Bearer {fake.issue_token(3600)}"}
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(headers=headers, timeout=timeout) as session:

        async def send(method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
            with anyio.fail_after(5):
                async with session.request(method, fake.base_url + path, **kwargs) as answer:
                    raw = await answer.read()
                    return answer.status, json.loads(raw) if raw else None

        yield send


@pytest.fixture
def ids(fake: FakeAirbyte) -> JSONType:
    seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=1, jobs=0)
    return {
        "workspace": seeded.workspaces[0],
        "source": seeded.sources[0],
        "destination": seeded.destinations[0],
        "connection": seeded.connections[0],
    }


# -- bodies against api.yaml ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body", "where"),
    [
        (
            "PATCH",
            "/sources/{source}",
            {"resourceAllocation": {"default": {"memory_limit": {}}}},
            "body.resourceAllocation.default.memory_limit: expected a string",
        ),
        (
            "PATCH",
            "/workspaces/{workspace}",
            {"notifications": {"success": {"email": {"enabled": "yes"}}}},
            "body.notifications.success.email.enabled: expected a boolean, got 'yes'",
        ),
        (
            "PATCH",
            "/connections/{connection}",
            {"schedule": {"scheduleType": "cron", "cronExpression": 5}},
            "body.schedule.cronExpression: expected a string, got 5",
        ),
        (
            "PATCH",
            "/connections/{connection}",
            {"configurations": {"streams": [{"name": "users", "syncMode": "bogus"}]}},
            "body.configurations.streams[0].syncMode: expected one of",
        ),
        (
            "PATCH",
            "/connections/{connection}",
            {"schedule": {"cronExpression": "0 0 * * * ?"}},
            "body.schedule.scheduleType: required",
        ),
        ("POST", "/tags", {"name": "t", "color": 7}, "body.color: expected a string, got 7"),
    ],
    ids=[
        "resourceAllocation",
        "notifications",
        "cronExpression",
        "syncMode",
        "scheduleType",
        "tag",
    ],
)
async def test_a_body_that_breaks_the_spec_is_refused_and_not_stored(
    fake: FakeAirbyte, http: Any, ids: JSONType, method: str, path: str, body: JSONType, where: str
) -> None:
    before = {
        name: [dict(o) for o in getattr(fake.state, name)]
        for name in ("workspaces", "sources", "connections", "tags")
    }
    status, problem = await http(method, path.format(**ids), json=body)
    assert status == 400
    assert problem["title"] == "bad-request"
    assert where in problem["detail"]
    assert problem["data"]["message"] == problem["detail"]
    after = {name: [dict(o) for o in getattr(fake.state, name)] for name in before}
    assert after == before


async def test_a_body_that_follows_the_spec_is_taken(http: Any, ids: JSONType) -> None:
    allocation = {"default": {"memory_limit": "2Gi", "cpu_request": "0.5"}}
    status, source = await http(
        "PATCH", f"/sources/{ids['source']}", json={"resourceAllocation": allocation}
    )
    assert status == 200
    assert source["resourceAllocation"] == allocation


def test_the_shipped_request_schemas_are_the_specs() -> None:
    api_document("api.yaml")  # a skip without it (a failure in CI)
    assert OUTPUT.read_text(encoding="utf-8") == render(load_spec()), (
        "run: python tests/fake/_request_schemas.py"
    )


# -- configurations against their connector's schema --------------------------------------


async def test_a_configuration_is_checked_against_its_connectors_schema(
    fake: FakeAirbyte, http: Any, ids: JSONType
) -> None:
    body = {"name": "pg", "workspaceId": ids["workspace"], "configuration": {**POSTGRES}}
    del body["configuration"]["host"]
    body["configuration"]["port"] = "5432"
    status, problem = await http("POST", "/sources", json=body)
    assert status == 422
    assert problem["title"] == "unprocessable-entity"
    assert problem["detail"].startswith(
        "The provided configuration does not fulfill the specification. Errors: "
    )
    assert "configuration.host: required" in problem["detail"]
    assert "configuration.port: expected an integer, got '5432'" in problem["detail"]
    assert len(fake.state.sources) == 1  # nothing stored

    body["configuration"] = POSTGRES
    status, source = await http("POST", "/sources", json=body)
    assert status == 200
    url = f"/sources/{source['sourceId']}"
    # A PATCH is merged, then the whole configuration is checked.
    status, problem = await http("PATCH", url, json={"configuration": {"host": None}})
    assert (status, problem["title"]) == (422, "unprocessable-entity")
    assert "configuration.host: required" in problem["detail"]
    status, problem = await http("PUT", url, json={"name": "pg", "configuration": {"port": 1}})
    assert status == 422
    assert "s3cret" not in json.dumps(problem)
    assert (await http("GET", url))[1]["configuration"] == {**POSTGRES, "password": MASK}
    assert fake.state.sources.get(source["sourceId"])["configuration"] == POSTGRES


async def test_a_configuration_read_back_with_masked_secrets_is_taken(
    http: Any, ids: JSONType
) -> None:
    status, source = await http("GET", f"/sources/{ids['source']}")
    masked = source["configuration"]
    assert masked["password"] == "**********"  # as the server answers a stored secret
    status, _ = await http(
        "PUT", f"/sources/{ids['source']}", json={"name": "again", "configuration": masked}
    )
    assert status == 200


async def test_stored_secrets_are_answered_masked_and_kept_when_the_mask_comes_back(
    fake: FakeAirbyte, http: Any, ids: JSONType
) -> None:
    body = {"name": "pg", "workspaceId": ids["workspace"], "configuration": POSTGRES}
    _, created = await http("POST", "/sources", json=body)
    url = f"/sources/{created['sourceId']}"
    shown = {**POSTGRES, "password": MASK}
    assert created["configuration"] == shown
    assert (await http("GET", url))[1]["configuration"] == shown
    _, listed = await http("GET", "/sources", params={"workspaceIds": ids["workspace"]})
    [mine] = [s for s in listed["data"] if s["sourceId"] == created["sourceId"]]
    assert mine["configuration"] == shown
    assert "s3cret" not in json.dumps(listed)

    def stored() -> Any:
        return fake.state.sources.get(created["sourceId"])["configuration"]

    # Read back and sent again, masks and all (PUT), or a mask in a patch: kept.
    _, patched = await http("PATCH", url, json={"configuration": {"port": 6543, "password": MASK}})
    assert patched["configuration"] == {**shown, "port": 6543}
    assert stored() == {**POSTGRES, "port": 6543}
    _, put = await http("PUT", url, json={"name": "pg", "configuration": patched["configuration"]})
    assert put["configuration"] == {**shown, "port": 6543}
    assert stored() == {**POSTGRES, "port": 6543}
    # A new secret replaces the stored one, and is not shown either.
    new = {**POSTGRES, "password": "n3w"}
    _, put = await http("PUT", url, json={"name": "pg", "configuration": new})
    assert put["configuration"] == shown
    assert stored() == new

    fake.mask_secrets = False  # the fake as a plain store: what was stored comes back
    assert (await http("GET", url))[1]["configuration"] == new


async def test_an_unknown_connector_type_is_refused(
    fake: FakeAirbyte, http: Any, ids: JSONType
) -> None:
    body = {"name": "x", "workspaceId": ids["workspace"], "configuration": {"sourceType": "nope"}}
    status, problem = await http("POST", "/sources", json=body)
    assert status == 400
    assert (problem["title"], problem["data"]) == ("value-not-found", {"value": "nope"})
    body = {"name": "x", "workspaceId": ids["workspace"], "configuration": {"destinationType": "x"}}
    assert (await http("POST", "/destinations", json=body))[0] == 400
    unknown = "11111111-2222-4333-8444-555555555555"
    body = {
        "name": "x",
        "workspaceId": ids["workspace"],
        "configuration": {},
        "definitionId": unknown,
    }
    status, problem = await http("POST", "/sources", json=body)
    assert (status, problem["title"]) == (404, "resource-not-found")
    assert len(fake.state.sources) == 1


async def test_a_definition_id_names_the_connector(
    fake: FakeAirbyte, http: Any, ids: JSONType
) -> None:
    status, definitions = await http("GET", f"/workspaces/{ids['workspace']}/definitions/sources")
    [github] = [d for d in definitions["data"] if d["dockerRepository"] == "airbyte/source-github"]
    body = {
        "name": "gh",
        "workspaceId": ids["workspace"],
        "configuration": {},
        "definitionId": github["id"],
    }
    status, problem = await http("POST", "/sources", json=body)
    assert status == 422  # github's schema requires credentials and repositories
    assert "configuration.repositories: required" in problem["detail"]
    custom_body = {"name": "mine", "dockerRepository": "me/source-mine", "dockerImageTag": "1.0"}
    status, custom = await http(
        "POST", f"/workspaces/{ids['workspace']}/definitions/sources", json=custom_body
    )
    assert status == 200
    body = {**body, "definitionId": custom["id"], "configuration": {"anything": [1]}}
    status, source = await http("POST", "/sources", json=body)
    assert status == 200  # a custom connector's schema is not known: not checked
    assert (source["definitionId"], source["sourceType"]) == (custom["id"], "custom")


async def test_check_configurations_off_stores_anything(http: Any) -> None:
    async with FakeAirbyte(check_configurations=False) as lenient:
        workspace = lenient.add_workspace()["workspaceId"]
        async with lenient.client() as client:
            made_up = {"sourceType": "made-up", "n": 1}
            source = await client.sources.create(
                name="x", workspace_id=workspace, configuration=made_up
            )
            assert source.configuration == made_up


# -- connections: cron schedules and streams ------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "title", "says"),
    [
        (
            "0 */5 * * * ?",
            "Cron sync schedules more frequent than once per hour are not allowed",
            None,
        ),
        (
            "0 0,30 * * * ?",
            "Cron sync schedules more frequent than once per hour are not allowed",
            None,
        ),
        ("* 0 * * * ?", "bad-request", "The seconds and minutes values cannot be `*`."),
        ("0 0 25 * * ?", "bad-request", "is not valid. Error: 25 is out of range for hours"),
        ("0 0 12 * * *", "bad-request", "exactly one of day of month and day of week"),
        ("every hour", "bad-request", "expected 6 or 7 fields"),
        ("0 0 12 * * ? Etc/GMT+2", "Invalid cron timezone", None),
        ("0 0 12 * * ? Mars/Olympus", "Invalid cron timezone", None),
    ],
)
async def test_a_cron_schedule_is_parsed_and_held_to_an_hour(
    fake: FakeAirbyte, http: Any, ids: JSONType, expression: str, title: str, says: str | None
) -> None:
    before = fake.state.connections.get(ids["connection"])
    schedule = {"scheduleType": "cron", "cronExpression": expression}
    status, problem = await http(
        "PATCH", f"/connections/{ids['connection']}", json={"schedule": schedule}
    )
    assert status == 400
    assert problem["title"] == title
    if says is not None:
        assert says in problem["detail"]
    if title == "Invalid cron timezone":
        assert problem["data"] == {
            "connectionId": ids["connection"],
            "cronTimezone": expression.rsplit(" ", 1)[1],
        }
    if title.startswith("Cron sync"):
        assert problem["type"] == "error:cron-validation/under-one-hour-not-allowed"
        assert problem["data"] == {
            "cronExpression": expression,
            "validationErrorMessage": "Cron executions must be at least 1 hour apart",
        }
    assert fake.state.connections.get(ids["connection"]) is before


@pytest.mark.parametrize(
    "expression",
    [
        "0 0 * * * ?",
        "0 15 10 ? * MON-FRI",
        "0 0 12 1/2 * ? 2030",
        "0 0 12 * * ? America/New_York",
        "0 0 0 L * ? UTC",
    ],
)
async def test_a_cron_schedule_at_most_hourly_is_taken(
    http: Any, ids: JSONType, expression: str
) -> None:
    schedule = {"scheduleType": "cron", "cronExpression": expression}
    status, connection = await http(
        "PATCH", f"/connections/{ids['connection']}", json={"schedule": schedule}
    )
    assert status == 200
    assert connection["schedule"] == schedule


async def test_a_cron_schedule_needs_an_expression(http: Any, ids: JSONType) -> None:
    body = {
        "sourceId": ids["source"],
        "destinationId": ids["destination"],
        "schedule": {"scheduleType": "cron"},
    }
    status, problem = await http("POST", "/connections", json=body)
    assert status == 400
    assert problem["detail"] == "Missing cron expression in the schedule."


async def test_streams_must_be_in_the_sources_catalog(
    fake: FakeAirbyte, http: Any, ids: JSONType
) -> None:
    status, catalog = await http("GET", "/streams", params={"sourceId": ids["source"]})
    offered = [s["streamName"] for s in catalog]
    body = {
        "sourceId": ids["source"],
        "destinationId": ids["destination"],
        "configurations": {"streams": [{"name": offered[0]}, {"name": "nope"}]},
    }
    status, problem = await http("POST", "/connections", json=body)
    assert status == 400
    assert problem["detail"] == (
        f"Invalid stream found. The list of valid streams include: [{', '.join(offered)}]."
    )
    body["configurations"] = {"streams": [{"name": offered[0]}, {"name": offered[0]}]}
    status, problem = await http("POST", "/connections", json=body)
    assert problem["detail"] == f"Duplicate stream found in configuration for: {offered[0]}."
    assert len(fake.state.connections) == 1
    body["configurations"] = {"streams": [{"name": name} for name in offered[:2]]}
    status, connection = await http("POST", "/connections", json=body)
    assert status == 200
    assert [s["name"] for s in connection["configurations"]["streams"]] == offered[:2]
    seeded = fake.state.connections.get(ids["connection"])["configurations"]["streams"]
    assert {s["name"] for s in seeded} <= set(offered)


# -- tokens and secrets ----------------------------------------------------------------------


@pytest.mark.parametrize("grant", ["client_credentials", "password", "", None])
async def test_the_token_endpoint_ignores_the_grant(fake: FakeAirbyte, grant: str | None) -> None:
    body: JSONType = {"client_id": fake.client_id, "client_secret": fake.client_secret}
    if grant is not None:
        body["grant-type"] = grant
        body["grant_type"] = grant
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{fake.base_url}/applications/token", json=body) as answer:
            assert answer.status == 200
            assert (await answer.json())["access_token"]


async def test_include_secret_coordinates(fake: FakeAirbyte, http: Any, ids: JSONType) -> None:
    body = {"name": "pg", "workspaceId": ids["workspace"], "configuration": POSTGRES}
    _, source = await http("POST", "/sources", json=body)
    url = f"/sources/{source['sourceId']}"
    _, plain = await http("GET", url)
    assert plain["configuration"] == {**POSTGRES, "password": MASK}
    status, with_coordinates = await http("GET", url, params={"includeSecretCoordinates": "true"})
    assert status == 200
    configuration = with_coordinates["configuration"]
    secret = configuration.pop("password")
    assert set(secret) == {"_secret"}
    assert secret["_secret"].startswith(f"airbyte_workspace_{ids['workspace']}_secret_")
    assert "s3cret" not in json.dumps(with_coordinates)
    assert configuration == {k: v for k, v in POSTGRES.items() if k != "password"}
    again = await http("GET", url, params={"includeSecretCoordinates": "true"})
    assert again[1]["configuration"]["password"] == secret  # the same coordinate
    assert (await http("GET", url, params={"includeSecretCoordinates": "false"}))[1] == plain
    assert (await http("GET", url, params={"includeSecretCoordinates": "maybe"}))[0] == 400
    _, destination = await http(
        "GET", f"/destinations/{ids['destination']}", params={"includeSecretCoordinates": "true"}
    )
    assert destination["configuration"]["credentials_json"].keys() == {"_secret"}


# -- data that is valid ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sdk_spec() -> JSONType:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 3 s, not 16
    text = api_document("api_sdk.yaml").read_text("utf-8")
    loaded: JSONType = yaml.load(text, Loader=loader)
    return loaded


def test_every_seeded_configuration_follows_api_sdk_yaml(sdk_spec: JSONType) -> None:
    registry = Registry().with_resource(
        "urn:sdk", Resource.from_contents(sdk_spec, default_specification=DRAFT202012)
    )
    failures = []
    for kind in CONFIGURATION_KINDS:
        schema = {"$ref": f"urn:sdk#/components/schemas/{kind}"}
        checker = jsonschema.Draft202012Validator(schema, registry=registry)
        for seed in range(25):
            configuration = sample_configuration(kind, rng=random.Random(seed))
            failures += [
                (kind, seed, e.json_path, e.message) for e in checker.iter_errors(configuration)
            ]
    assert failures == []


async def test_the_catalog_has_every_connector_of_api_sdk_yaml(
    sdk_spec: JSONType, http: Any, ids: JSONType
) -> None:
    described = {
        name
        for name in sdk_spec["components"]["schemas"]
        if name.startswith(("source-", "destination-")) and not name.endswith("-update")
    }
    found = set()
    for segment in ("sources", "destinations"):
        _, listed = await http("GET", f"/workspaces/{ids['workspace']}/definitions/{segment}")
        found |= {d["dockerRepository"].removeprefix("airbyte/") for d in listed["data"]}
        _, connector_definitions = await http(
            "GET", "/connector_definitions", params={"type": segment[:-1]}
        )
        assert len(connector_definitions["data"]) == len(listed["data"])
    assert found == described
    assert len(found) == 600
