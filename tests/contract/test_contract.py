"""Every method of the client, called against the fake, with every request it sends and
every answer the fake gives checked against the spec (``api.yaml``) by a real OpenAPI
validator (openapi-core): method, path, query parameters (arrays included), JSON body,
status and answer body.

The scenario is driven by ``aiobyte/_operations.py``: each step names an operationId and
the test calls the method the table maps it to, so a wrong row fails here too.

Where the spec and the real server differ, the client follows the server:

- The token request names the grant both ways (``grant-type``, as the server reads it,
  and ``grant_type``, which the spec's ``required`` list asks for); the schema accepts
  the extra key, so it validates as is.
- The server's ``next`` links carry ``workspaceIds`` as one comma-separated value, which
  the spec (an exploded array) does not allow. The client never sends a ``next`` link:
  it repeats the key for each id, as the spec says, and only that is validated here.
- ``POST /dataplanes`` answers a schema the spec references but does not define
  (``DataplaneCreateResponseBody``); it is stubbed at load time with what the server
  sends (the generator's ``MISSING_SCHEMAS``), the same shape the model decodes.
- The spec's own defects are repaired at load time (``tests/_openapi.py``, shared with
  the fake's own answer test) the way the model generator reads them (its header lists
  them): ``namespaceFormat`` has ``default: null`` on a plain
  string and the groups' ``description`` says ``nullable: true`` (an OpenAPI 3.0 keyword
  that a 3.1 validator ignores), where the server takes ``null`` (the client's ``None``)
  to clear them; ``CreateDeclarativeSourceDefinitionRequest`` requires a ``workspaceId``
  it does not define, which the server takes from the path (its own tests send only
  ``name`` and ``manifest``). Unrepaired, a validator would fill in the ``null`` default
  and reject every connection PATCH that leaves ``namespaceFormat`` out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

import aiobyte
from aiobyte._operations import EXCLUDED, OPERATIONS
from aiobyte.testing import FakeAirbyte, ManualClock, RecordedRequest
from tests._openapi import load_spec, operation_of, problems, validator

pytestmark = pytest.mark.anyio

# Configurations that follow their connector's schema (the fake checks them, as the server).
POSTGRES = {"sourceType": "postgres", "host": "db", "port": 5432, "database": "d", "username": "u"}
BIGQUERY = {
    "destinationType": "bigquery",
    "project_id": "p",
    "dataset_location": "US",
    "dataset_id": "raw",
}


@pytest.fixture(scope="module")
def spec_dict() -> dict[str, Any]:
    """api.yaml with its defects repaired (``tests/_openapi.py``)."""
    return load_spec()


@pytest.fixture
async def fake() -> AsyncIterator[FakeAirbyte]:
    async with FakeAirbyte(clock=ManualClock()) as server:
        yield server


Args = tuple[tuple[Any, ...], dict[str, Any]]
Step = tuple[str, Callable[[dict[str, Any]], Args]]


def call(*args: Any, **kwargs: Any) -> Args:
    return args, kwargs


def scenario(fake: FakeAirbyte) -> list[Step]:
    """One step per operation, in an order where each finds what it needs in ``ctx``
    (``ctx[operationId]`` is what that step's call returned)."""
    seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=0, jobs=0)
    organization = fake.admin.add_organization("Acme")
    user = fake.admin.add_user(organization["organizationId"], email="ada@example.com")
    org, user_id, other_ws = organization["organizationId"], user["id"], seeded.workspaces[0]
    ago = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)

    def ws(ctx: dict[str, Any]) -> str:
        return str(ctx["createWorkspace"].workspace_id)

    def item(operation: str, attribute: str) -> Callable[[dict[str, Any]], Any]:
        return lambda ctx: getattr(ctx[operation], attribute)

    source = item("createSource", "source_id")
    destination = item("createDestination", "destination_id")
    tag = item("createTag", "tag_id")
    connection = item("createConnection", "connection_id")
    permission = item("createPermission", "permission_id")
    application = item("createApplication", "id")
    region = item("createRegion", "region_id")
    dataplane = item("createDataplane", "dataplane_id")
    group = item("createGroup", "group_id")
    group_permission = item("createGroupPermission", "permission_id")
    source_definition = item("createSourceDefinition", "id")
    destination_definition = item("createDestinationDefinition", "id")
    declarative = item("createDeclarativeSourceDefinition", "id")
    configuration = {"client_id": "id", "client_secret": "secret"}
    return [
        ("getHealthCheck", lambda ctx: call()),
        (
            "createAccessToken",
            lambda ctx: call(client_id=fake.client_id, client_secret=fake.client_secret),
        ),
        ("createWorkspace", lambda ctx: call(name="contract", organization_id=org)),
        (
            "listWorkspaces",
            lambda ctx: call(workspace_ids=[ws(ctx), other_ws], include_deleted=True, page_size=1),
        ),
        ("getWorkspace", lambda ctx: call(ws(ctx))),
        ("updateWorkspace", lambda ctx: call(ws(ctx), name="contract 2")),
        (
            "createOrUpdateWorkspaceOAuthCredentials",
            lambda ctx: call(
                ws(ctx), actor_type="source", name="github", configuration=configuration
            ),
        ),
        ("deleteWorkspaceOAuthCredentials", lambda ctx: call(ws(ctx), "source", "github")),
        (
            "createSource",
            lambda ctx: call(
                name="pg",
                workspace_id=ws(ctx),
                configuration=POSTGRES,
            ),
        ),
        (
            "listSources",
            lambda ctx: call(workspace_ids=[ws(ctx), other_ws], include_deleted=True, page_size=1),
        ),
        ("getSource", lambda ctx: call(source(ctx), include_secret_coordinates=True)),
        ("patchSource", lambda ctx: call(source(ctx), name="pg 2", configuration={"port": 1})),
        ("putSource", lambda ctx: call(source(ctx), name="pg 3", configuration=POSTGRES)),
        (
            "initiateOAuth",
            lambda ctx: call(
                workspace_id=ws(ctx),
                redirect_url="https://example.com/back",
                source_type="github",
                requested_scopes=["repo"],
            ),
        ),
        (
            "createDestination",
            lambda ctx: call(
                name="bq",
                workspace_id=ws(ctx),
                configuration=BIGQUERY,
            ),
        ),
        ("listDestinations", lambda ctx: call(workspace_ids=[ws(ctx)], page_size=1)),
        ("getDestination", lambda ctx: call(destination(ctx))),
        ("patchDestination", lambda ctx: call(destination(ctx), name="bq 2")),
        (
            "putDestination",
            lambda ctx: call(destination(ctx), name="bq 3", configuration=BIGQUERY),
        ),
        ("createTag", lambda ctx: call(name="finance", color="FF5733", workspace_id=ws(ctx))),
        ("listTags", lambda ctx: call(workspace_ids=[ws(ctx), other_ws])),
        ("getTag", lambda ctx: call(tag(ctx))),
        ("updateTag", lambda ctx: call(tag(ctx), name="finance 2", color="00FF00")),
        (
            "createConnection",
            lambda ctx: call(
                source_id=source(ctx),
                destination_id=destination(ctx),
                name="pg to bq",
                schedule={"scheduleType": "cron", "cronExpression": "0 0 * * * ?"},
                namespace_definition="custom_format",
                namespace_format="${SOURCE_NAMESPACE}_raw",
                tags=[ctx["createTag"]],
            ),
        ),
        (
            "listConnections",
            lambda ctx: call(workspace_ids=[ws(ctx)], tag_ids=[tag(ctx)], page_size=1),
        ),
        ("getConnection", lambda ctx: call(connection(ctx))),
        (
            "patchConnection",
            lambda ctx: call(connection(ctx), status="inactive", namespace_format=None),
        ),
        (
            "getStreamProperties",
            lambda ctx: call(source(ctx), destination_id=destination(ctx), ignore_cache=True),
        ),
        ("createJob", lambda ctx: call(connection(ctx), job_type="sync")),
        (
            "listJobs",
            lambda ctx: call(
                connection_id=connection(ctx),
                workspace_ids=[ws(ctx), other_ws],
                job_type="sync",
                status="pending",
                created_at_start=ago,
                created_at_end="2100-01-01T00:00:00Z",
                updated_at_start=ago,
                order_by="createdAt|DESC",
                page_size=2,
            ),
        ),
        ("getJob", lambda ctx: call(ctx["createJob"].job_id)),
        ("cancelJob", lambda ctx: call(ctx["createJob"].job_id)),
        ("listOrganizationsForUser", lambda ctx: call()),
        (
            "createOrUpdateOrganizationOAuthCredentials",
            lambda ctx: call(
                org, actor_type="destination", name="bigquery", configuration=configuration
            ),
        ),
        ("deleteOrganizationOAuthCredentials", lambda ctx: call(org, "destination", "bigquery")),
        (
            "listUsersWithinAnOrganization",
            lambda ctx: call(organization_id=org, ids=[user_id], emails=["ada@example.com"]),
        ),
        (
            "createPermission",
            lambda ctx: call(
                permission_type="workspace_admin", user_id=user_id, workspace_id=ws(ctx)
            ),
        ),
        ("listPermissions", lambda ctx: call(user_id=user_id, organization_id=org)),
        ("getPermission", lambda ctx: call(permission(ctx))),
        ("updatePermission", lambda ctx: call(permission(ctx), permission_type="workspace_reader")),
        ("deletePermission", lambda ctx: call(permission(ctx))),
        ("createApplication", lambda ctx: call(name="etl")),
        ("listApplications", lambda ctx: call()),
        ("getApplication", lambda ctx: call(application(ctx))),
        ("deleteApplication", lambda ctx: call(application(ctx))),
        *[
            step
            for kind, definition in (
                ("Source", source_definition),
                ("Destination", destination_definition),
            )
            for step in definition_steps(kind, ws, definition)
        ],
        (
            "createDeclarativeSourceDefinition",
            lambda ctx: call(ws(ctx), name="my api", manifest={"version": "6.0.0", "streams": []}),
        ),
        ("listDeclarativeSourceDefinitions", lambda ctx: call(ws(ctx))),
        ("getDeclarativeSourceDefinition", lambda ctx: call(ws(ctx), declarative(ctx))),
        (
            "updateDeclarativeSourceDefinition",
            lambda ctx: call(ws(ctx), declarative(ctx), manifest={"version": "6.1.0"}),
        ),
        ("deleteDeclarativeSourceDefinition", lambda ctx: call(ws(ctx), declarative(ctx))),
        ("listConnectorDefinitions", lambda ctx: call(type="source", workspace_id=ws(ctx))),
        ("createRegion", lambda ctx: call(name="eu", organization_id=org, enabled=True)),
        ("listRegions", lambda ctx: call(organization_id=org)),
        ("getRegion", lambda ctx: call(region(ctx))),
        ("updateRegion", lambda ctx: call(region(ctx), name="eu-west", enabled=False)),
        ("createDataplane", lambda ctx: call(region_id=region(ctx), name="dp-1", enabled=True)),
        ("listDataplanes", lambda ctx: call(region_ids=[region(ctx)])),
        ("getDataplane", lambda ctx: call(dataplane(ctx))),
        ("updateDataplane", lambda ctx: call(dataplane(ctx), enabled=False)),
        ("deleteDataplane", lambda ctx: call(dataplane(ctx))),
        ("deleteRegion", lambda ctx: call(region(ctx))),
        (
            "createGroup",
            lambda ctx: call(name="analysts", organization_id=org, description="read only"),
        ),
        ("listGroups", lambda ctx: call(organization_id=org, page_size=1)),
        ("getGroup", lambda ctx: call(group(ctx))),
        ("updateGroup", lambda ctx: call(group(ctx), name="analysts 2", description=None)),
        ("addGroupMember", lambda ctx: call(group(ctx), user_id=user_id)),
        ("listGroupMembers", lambda ctx: call(group(ctx), page_size=1)),
        ("removeGroupMember", lambda ctx: call(group(ctx), user_id)),
        (
            "createGroupPermission",
            lambda ctx: call(group(ctx), permission_type="workspace_reader", workspace_id=ws(ctx)),
        ),
        ("listGroupPermissions", lambda ctx: call(group(ctx))),
        ("deleteGroupPermission", lambda ctx: call(group(ctx), group_permission(ctx))),
        ("deleteGroup", lambda ctx: call(group(ctx))),
        (
            "getEmbeddedWidget",
            lambda ctx: call(
                organization_id=org, allowed_origin="https://app.example.com", external_user_id="u1"
            ),
        ),
        ("generateEmbeddedScopedToken", lambda ctx: call(workspace_id=ws(ctx))),
        ("listEmbeddedOrganizationsByUser", lambda ctx: call()),
        ("deleteConnection", lambda ctx: call(connection(ctx))),
        ("deleteTag", lambda ctx: call(tag(ctx))),
        ("deleteSource", lambda ctx: call(source(ctx))),
        ("deleteDestination", lambda ctx: call(destination(ctx))),
        ("deleteWorkspace", lambda ctx: call(ws(ctx))),
    ]


def definition_steps(
    kind: str, ws: Callable[[dict[str, Any]], str], definition: Callable[[dict[str, Any]], Any]
) -> list[Step]:
    """The five steps of the source or destination definitions (the same shape)."""
    return [
        (
            f"create{kind}Definition",
            lambda ctx: call(
                ws(ctx),
                name=f"custom {kind}",
                docker_repository=f"acme/{kind.lower()}-custom",
                docker_image_tag="0.1.0",
                documentation_url="https://example.com/docs",
            ),
        ),
        (f"list{kind}Definitions", lambda ctx: call(ws(ctx))),
        (f"get{kind}Definition", lambda ctx: call(ws(ctx), definition(ctx))),
        (
            f"update{kind}Definition",
            lambda ctx: call(ws(ctx), definition(ctx), name="renamed", docker_image_tag="0.2.0"),
        ),
        (f"delete{kind}Definition", lambda ctx: call(ws(ctx), definition(ctx))),
    ]


async def test_every_method_sends_and_gets_what_the_spec_says(
    fake: FakeAirbyte, spec_dict: dict[str, Any]
) -> None:
    steps = scenario(fake)
    assert [name for name, _ in steps if name not in OPERATIONS] == []
    ctx: dict[str, Any] = {}
    async with fake.client() as client:
        for operation, arguments in steps:
            resource, _, name = OPERATIONS[operation].partition(".")
            args, kwargs = arguments(ctx)
            before = len(fake.stats.requests)
            result = getattr(getattr(client, resource), name)(*args, **kwargs)
            ctx[operation] = (
                await result.to_list() if isinstance(result, aiobyte.Pager) else await result
            )
            sent = {operation_of(spec_dict, r.route) for r in fake.stats.requests[before:]}
            assert operation in sent, f"client.{OPERATIONS[operation]} sent {sent}"

    app = validator(spec_dict, fake.base_url)
    found: list[str] = []
    validated: set[str] = set()
    for recorded in fake.stats.requests:
        answered = operation_of(spec_dict, recorded.route)
        assert answered is not None, f"{recorded.method} {recorded.path} is not in the spec"
        assert recorded.status is not None
        assert 200 <= recorded.status < 300, f"{recorded.route} answered {recorded.status}"
        found += problems(app, fake.url, recorded)
        validated.add(answered)
    assert not found, "\n".join(found)
    assert fake.stats.server_errors == []
    # All 90 operations with a method were sent and validated; the two left out were not.
    assert validated == set(OPERATIONS)
    assert not validated & set(EXCLUDED)


async def test_paged_lists_repeat_array_filters_on_every_page(fake: FakeAirbyte) -> None:
    seeded = fake.seed(workspaces=2, sources=2, destinations=0, connections=0, jobs=0)
    async with fake.client() as client:
        pager = client.sources.list(workspace_ids=seeded.workspaces, page_size=1)
        assert len(await pager.prefetch(1).to_list()) == 4
        fetched_ahead = len(await pager.to_list())
    assert fetched_ahead == 4
    pages = [r for r in fake.stats.requests if r.route == "GET /sources"]
    assert len(pages) >= 5 + 5  # four full pages, then the empty one that ends it; twice
    for page in pages:  # every page asked for, also those fetched ahead
        assert [v for k, v in page.query if k == "workspaceIds"] == seeded.workspaces


async def test_the_validator_catches_what_the_spec_forbids(
    fake: FakeAirbyte, spec_dict: dict[str, Any]
) -> None:
    app = validator(spec_dict, fake.base_url)
    good = RecordedRequest(
        method="POST",
        route="POST /tags",
        path="/v1/tags",
        query=[],
        headers={"Content-Type": "application/json"},
        body=b'{"name": "n", "color": "FF0000", "workspaceId": "%s"}' % str(uuid.uuid4()).encode(),
        at=0.0,
        status=200,
        content_type="application/json",
        response_body=b'{"tagId": "%s", "name": "n", "color": "FF0000", "workspaceId": "%s"}'
        % (str(uuid.uuid4()).encode(), str(uuid.uuid4()).encode()),
    )
    assert problems(app, fake.url, good) == []
    bad_request = dataclasses.replace(good, body=b'{"name": "n"}')
    bad_answer = dataclasses.replace(good, response_body=b'{"tagId": "not-a-uuid"}')
    bad_query = dataclasses.replace(
        good,
        method="GET",
        route="GET /sources",
        path="/v1/sources",
        query=[("limit", "500")],
        body=b"",
        response_body=b'{"data": []}',
    )
    assert problems(app, fake.url, dataclasses.replace(bad_query, query=[("limit", "50")])) == []
    for wrong in (bad_request, bad_answer, bad_query):
        assert problems(app, fake.url, wrong), wrong
