"""The resources beyond the core ones, through the public surface, against the fake: each
method's happy path, a 404 where there is something to miss, and a ``ValueError`` for a
bad argument before anything is sent."""

from __future__ import annotations

import base64
import inspect
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

import aiobyte
from aiobyte.models import ConnectorType, PermissionScope, PermissionType
from aiobyte.testing import FakeAirbyte, ManualClock

pytestmark = pytest.mark.anyio

MISSING = "00000000-0000-4000-8000-000000000000"
POSTGRES = "decd338e-5647-4c0b-adf4-da0e75f5a750"  # the catalog's source-postgres


@pytest.fixture
async def fake() -> AsyncIterator[FakeAirbyte]:
    async with FakeAirbyte(clock=ManualClock()) as server:
        yield server


@pytest.fixture
async def client(fake: FakeAirbyte) -> AsyncIterator[aiobyte.AirbyteClient]:
    async with fake.client(clock=fake.clock) as c:  # retries wait on the manual clock
        yield c


@pytest.fixture
def org(fake: FakeAirbyte) -> str:
    organization_id: str = fake.admin.add_organization("Acme")["organizationId"]
    return organization_id


@pytest.fixture
def workspace(fake: FakeAirbyte) -> str:
    workspace_id: str = fake.add_workspace("w")["workspaceId"]
    return workspace_id


def sent(fake: FakeAirbyte, route: str) -> Any:
    """The JSON body of the last request to ``route``."""
    return json.loads([r for r in fake.stats.requests if r.route == route][-1].body)


# -- happy paths ---------------------------------------------------------------------------


async def test_tags(fake: FakeAirbyte, client: aiobyte.AirbyteClient, workspace: str) -> None:
    tag = await client.tags.create(name="finance", color="FF5733", workspace_id=workspace)
    assert (tag.name, tag.color, tag.workspace_id) == ("finance", "FF5733", workspace)
    assert await client.tags.get(tag.tag_id) == tag
    renamed = await client.tags.update(tag.tag_id, name="ops", color="00FF00")
    assert (renamed.name, renamed.color) == ("ops", "00FF00")
    assert [t.tag_id async for t in client.tags.list(workspace_ids=[workspace])] == [tag.tag_id]
    with pytest.raises(aiobyte.ConflictError):
        await client.tags.create(name="ops", color="000000", workspace_id=workspace)
    await client.tags.delete(tag.tag_id)
    assert await client.tags.list().to_list() == []


async def test_tag_responses_can_tag_connections(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient
) -> None:
    seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=1, jobs=0)
    tag = await client.tags.create(name="t", color="FFFFFF", workspace_id=seeded.workspaces[0])
    connection = await client.connections.update(seeded.connections[0], tags=[tag])
    assert [t.tag_id for t in connection.tags] == [tag.tag_id]
    tagged = client.connections.list(tag_ids=[tag.tag_id])
    assert [c.connection_id async for c in tagged] == seeded.connections


async def test_streams(fake: FakeAirbyte, client: aiobyte.AirbyteClient) -> None:
    seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=1, jobs=0)
    pager = client.streams.list(seeded.sources[0], destination_id=seeded.destinations[0])
    assert fake.stats.requests == []  # a pager: nothing sent until iterated
    streams = await pager.to_list()
    assert streams
    assert all(s.stream_name and s.sync_modes for s in streams)
    request = fake.stats.requests[-1]
    assert request.query == [
        ("sourceId", seeded.sources[0]),
        ("destinationId", seeded.destinations[0]),
    ]
    await client.streams.list(seeded.sources[0], ignore_cache=True).to_list()
    assert ("ignoreCache", "true") in fake.stats.requests[-1].query


async def test_organizations_users_and_permissions(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient, org: str, workspace: str
) -> None:
    ada = fake.admin.add_user(org, name="Ada", email="ada@example.com")
    fake.admin.add_user(org, name="Alan", email="alan@example.com")
    organizations = await client.organizations.list().to_list()
    assert [(o.organization_id, o.organization_name) for o in organizations] == [(org, "Acme")]
    users = await client.users.list(organization_id=org).to_list()
    assert [u.name for u in users] == ["Ada", "Alan"]
    only = await client.users.list(organization_id=org, emails=["ada@example.com"]).to_list()
    assert [u.id for u in only] == [ada["id"]]
    assert await client.users.list(organization_id=org, ids=[ada["id"]]).to_list() == only

    granted = await client.permissions.create(
        permission_type="workspace_admin", user_id=ada["id"], workspace_id=workspace
    )
    assert granted.permission_type is PermissionType.WORKSPACE_ADMIN
    assert granted.workspace_id == workspace
    assert sent(fake, "POST /permissions") == {
        "permissionType": "workspace_admin",
        "userId": ada["id"],
        "workspaceId": workspace,
    }
    assert await client.permissions.get(granted.permission_id) == granted
    changed = await client.permissions.update(
        granted.permission_id, permission_type="workspace_reader"
    )
    assert changed.permission_type is PermissionType.WORKSPACE_READER
    listed = await client.permissions.list(user_id=ada["id"]).to_list()
    assert {(p.scope, p.scope_id) for p in listed} == {
        (PermissionScope.ORGANIZATION, org),
        (PermissionScope.WORKSPACE, workspace),
    }
    await client.permissions.delete(granted.permission_id)
    with pytest.raises(aiobyte.NotFoundError):
        await client.permissions.get(granted.permission_id)


async def test_organization_oauth_credentials(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient, org: str
) -> None:
    await client.organizations.set_oauth_credentials(
        org, actor_type="source", name="google-ads", configuration={"client_id": "x"}
    )
    assert fake.admin.oauth_credentials == {(org, "source", "google-ads"): {"client_id": "x"}}
    await client.organizations.delete_oauth_credentials(org, "source", "google-ads")
    assert fake.admin.oauth_credentials == {}


async def test_applications(fake: FakeAirbyte, client: aiobyte.AirbyteClient) -> None:
    created = await client.applications.create(name="etl")
    assert created.name == "etl"
    assert created.client_secret
    assert created.client_secret not in repr(created)
    assert await client.applications.get(created.id) == created
    assert [a.id async for a in client.applications.list()] == [created.id]
    assert (await client.applications.delete(created.id)).id == created.id
    assert await client.applications.list().to_list() == []
    # Creating is not resent after an ambiguous failure: it could create two.
    fake.faults.inject("POST /applications", status=503, times=1)
    with pytest.raises(aiobyte.InternalServerError):
        await client.applications.create(name="once")
    assert fake.stats.hits["POST /applications"] == 2  # the first create, and this one


@pytest.mark.parametrize("kind", ["source_definitions", "destination_definitions"])
async def test_docker_definitions(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient, workspace: str, kind: str
) -> None:
    definitions = getattr(client, kind)
    created = await definitions.create(
        workspace,
        name="custom",
        docker_repository="acme/custom",
        docker_image_tag="0.1.0",
        documentation_url="https://example.com",
    )
    assert (created.docker_repository, created.docker_image_tag) == ("acme/custom", "0.1.0")
    assert await definitions.get(workspace, created.id) == created
    replaced = await definitions.replace(
        workspace, created.id, name="custom 2", docker_image_tag="0.2.0"
    )
    assert (replaced.name, replaced.docker_image_tag) == ("custom 2", "0.2.0")
    listed = await definitions.list(workspace).to_list()
    assert created.id in [d.id for d in listed]
    assert len(listed) > 1  # the catalog's too
    assert (await definitions.delete(workspace, created.id)).id == created.id
    with pytest.raises(aiobyte.NotFoundError):
        await definitions.get(workspace, created.id)


async def test_catalog_definitions_cannot_be_deleted(
    client: aiobyte.AirbyteClient, workspace: str
) -> None:
    postgres = await client.source_definitions.get(workspace, POSTGRES)
    assert postgres.docker_repository == "airbyte/source-postgres"
    with pytest.raises(aiobyte.PermissionDeniedError):
        await client.source_definitions.delete(workspace, POSTGRES)


async def test_declarative_source_definitions(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient, workspace: str
) -> None:
    manifest = {"version": "6.0.0", "streams": [{"name": "users", "n": 12345678901234567890}]}
    definitions = client.declarative_source_definitions
    created = await definitions.create(workspace, name="my api", manifest=manifest)
    assert (created.manifest, created.version) == (manifest, 1)
    assert await definitions.get(workspace, created.id) == created
    replaced = await definitions.replace(workspace, created.id, manifest={"version": "6.1.0"})
    assert (replaced.manifest, replaced.version) == ({"version": "6.1.0"}, 2)
    assert [d.id async for d in definitions.list(workspace)] == [created.id]
    assert (await definitions.delete(workspace, created.id)).version == 2
    assert await definitions.list(workspace).to_list() == []


async def test_connector_definitions(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient, workspace: str
) -> None:
    sources = await client.connector_definitions.list(type="source").to_list()
    assert POSTGRES in [d.id for d in sources]
    assert {d.connector_definition_type for d in sources} == {ConnectorType.SOURCE}
    custom = await client.source_definitions.create(
        workspace, name="mine", docker_repository="acme/mine", docker_image_tag="1.2.3"
    )
    mine = client.connector_definitions.list(type=ConnectorType.SOURCE, workspace_id=workspace)
    assert custom.id in [d.id async for d in mine]
    destinations = await client.connector_definitions.list(type="destination").to_list()
    assert custom.id not in [d.id for d in destinations]


async def test_regions_and_dataplanes(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient, org: str
) -> None:
    region = await client.regions.create(name="eu", organization_id=org)
    assert (region.name, region.organization_id, region.enabled) == ("eu", org, True)
    assert await client.regions.get(region.region_id) == region
    off = await client.regions.update(region.region_id, enabled=False)
    assert (off.name, off.enabled) == ("eu", False)
    assert sent(fake, "PATCH /regions/{regionId}") == {"enabled": False}
    assert [r.region_id async for r in client.regions.list(organization_id=org)] == [
        region.region_id
    ]

    created = await client.dataplanes.create(region_id=region.region_id, name="dp")
    assert created.region_id == region.region_id
    assert created.client_id
    assert created.client_secret
    assert created.client_secret not in repr(created)
    dataplane = await client.dataplanes.get(created.dataplane_id)
    assert (dataplane.name, dataplane.enabled) == ("dp", True)
    renamed = await client.dataplanes.update(created.dataplane_id, name="dp 2")
    assert renamed.name == "dp 2"
    assert [d.name async for d in client.dataplanes.list(region_ids=[region.region_id])] == ["dp 2"]
    assert await client.dataplanes.list(region_ids=[MISSING]).to_list() == []
    assert (await client.dataplanes.delete(created.dataplane_id)).name == "dp 2"
    assert (await client.regions.delete(region.region_id)).region_id == region.region_id
    with pytest.raises(aiobyte.NotFoundError):
        await client.regions.get(region.region_id)


async def test_groups(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient, org: str, workspace: str
) -> None:
    ada = fake.admin.add_user(org, name="Ada", email="ada@example.com")
    alan = fake.admin.add_user(org, name="Alan", email="alan@example.com")
    group = await client.groups.create(name="analysts", organization_id=org, description="ro")
    assert (group.name, group.description, group.member_count) == ("analysts", "ro", 0)
    with pytest.raises(aiobyte.ConflictError):
        await client.groups.create(name="analysts", organization_id=org)
    second = await client.groups.create(name="admins", organization_id=org)
    pages = [len(p) async for p in client.groups.list(organization_id=org, page_size=1).pages()]
    assert pages[:2] == [1, 1]
    assert [g.group_id async for g in client.groups.list(organization_id=org)] == [
        group.group_id,
        second.group_id,
    ]

    cleared = await client.groups.update(group.group_id, description=None)
    assert cleared.description is None
    assert sent(fake, "PATCH /groups/{groupId}") == {"description": None}

    member = await client.groups.add_member(group.group_id, user_id=ada["id"])
    assert (member.user_id, member.user_email) == (ada["id"], "ada@example.com")
    assert fake.stats.requests[-1].status == 201
    await client.groups.add_member(group.group_id, user_id=alan["id"])
    with pytest.raises(aiobyte.ConflictError):
        await client.groups.add_member(group.group_id, user_id=ada["id"])
    assert (await client.groups.get(group.group_id)).member_count == 2
    members = client.groups.list_members(group.group_id, page_size=1)
    assert [m.user_name async for m in members] == ["Ada", "Alan"]
    await client.groups.remove_member(group.group_id, ada["id"])
    with pytest.raises(aiobyte.NotFoundError):
        await client.groups.remove_member(group.group_id, ada["id"])

    permission = await client.groups.create_permission(
        group.group_id, permission_type="workspace_reader", workspace_id=workspace
    )
    assert (permission.group_id, permission.workspace_id) == (group.group_id, workspace)
    assert fake.stats.requests[-1].status == 201
    assert await client.groups.list_permissions(group.group_id).to_list() == [permission]
    await client.groups.delete_permission(group.group_id, permission.permission_id)
    assert await client.groups.list_permissions(group.group_id).to_list() == []

    await client.groups.delete(group.group_id)
    with pytest.raises(aiobyte.NotFoundError):
        await client.groups.get(group.group_id)


async def test_embedded(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient, org: str, workspace: str
) -> None:
    widget = await client.embedded.widget_token(
        organization_id=org, allowed_origin="https://app.example.com", external_user_id="u1"
    )
    assert widget.token
    assert widget.token not in repr(widget)
    decoded = json.loads(base64.b64decode(widget.token))
    assert decoded["widgetUrl"].startswith("https://app.example.com/")

    scoped = await client.embedded.scoped_token(workspace_id=workspace)
    assert scoped.token
    assert scoped.token not in repr(scoped)
    async with fake.client(token=scoped.token) as embedded_client:  # a plain bearer token
        assert (await embedded_client.workspaces.get(workspace)).workspace_id == workspace

    organizations = await client.embedded.list_organizations().to_list()
    assert [(o.organization_id, o.permission) for o in organizations] == [
        (org, PermissionType.ORGANIZATION_ADMIN)
    ]


async def test_scoped_token_is_retried_but_widget_token_is_not(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient, org: str, workspace: str
) -> None:
    fake.faults.inject("POST /embedded/scoped_token", status=503, times=1)
    assert (await client.embedded.scoped_token(workspace_id=workspace)).token
    assert fake.stats.hits["POST /embedded/scoped_token"] == 2
    fake.faults.inject("POST /embedded/widget_token", status=503, times=1)
    with pytest.raises(aiobyte.InternalServerError):
        await client.embedded.widget_token(
            organization_id=org, allowed_origin="https://a.example", external_user_id="u"
        )
    assert fake.stats.hits["POST /embedded/widget_token"] == 1


# -- 404s ----------------------------------------------------------------------------------

Call = Callable[[aiobyte.AirbyteClient, str], Any]

NOT_FOUND: dict[str, Call] = {
    "streams.list": lambda c, m: c.streams.list(m),
    "tags.get": lambda c, m: c.tags.get(m),
    "tags.update": lambda c, m: c.tags.update(m, name="n", color="FFFFFF"),
    "tags.delete": lambda c, m: c.tags.delete(m),
    "permissions.get": lambda c, m: c.permissions.get(m),
    "permissions.create": lambda c, m: c.permissions.create(
        permission_type="workspace_reader", user_id=m, organization_id=m
    ),
    "permissions.update": lambda c, m: c.permissions.update(m, permission_type="workspace_admin"),
    "permissions.delete": lambda c, m: c.permissions.delete(m),
    "organizations.set_oauth_credentials": lambda c, m: c.organizations.set_oauth_credentials(
        m, actor_type="source", name="x", configuration={}
    ),
    "organizations.delete_oauth_credentials": lambda c, m: c.organizations.delete_oauth_credentials(
        m, "source", "x"
    ),
    "users.list": lambda c, m: c.users.list(organization_id=m),
    "applications.get": lambda c, m: c.applications.get(m),
    "applications.delete": lambda c, m: c.applications.delete(m),
    "source_definitions.list": lambda c, m: c.source_definitions.list(m),
    "source_definitions.create": lambda c, m: c.source_definitions.create(
        m, name="n", docker_repository="r", docker_image_tag="t"
    ),
    "source_definitions.get": lambda c, m: c.source_definitions.get(m, m),
    "source_definitions.replace": lambda c, m: c.source_definitions.replace(
        m, m, name="n", docker_image_tag="t"
    ),
    "source_definitions.delete": lambda c, m: c.source_definitions.delete(m, m),
    "destination_definitions.get": lambda c, m: c.destination_definitions.get(m, m),
    "declarative_source_definitions.list": lambda c, m: c.declarative_source_definitions.list(m),
    "declarative_source_definitions.create": lambda c, m: c.declarative_source_definitions.create(
        m, name="n", manifest={}
    ),
    "declarative_source_definitions.get": lambda c, m: c.declarative_source_definitions.get(m, m),
    "declarative_source_definitions.replace": lambda c, m: c.declarative_source_definitions.replace(
        m, m, manifest={}
    ),
    "declarative_source_definitions.delete": lambda c, m: c.declarative_source_definitions.delete(
        m, m
    ),
    "connector_definitions.list": lambda c, m: c.connector_definitions.list(
        type="source", workspace_id=m
    ),
    "regions.get": lambda c, m: c.regions.get(m),
    "regions.update": lambda c, m: c.regions.update(m, name="n"),
    "regions.delete": lambda c, m: c.regions.delete(m),
    "dataplanes.create": lambda c, m: c.dataplanes.create(region_id=m, name="n"),
    "dataplanes.get": lambda c, m: c.dataplanes.get(m),
    "dataplanes.update": lambda c, m: c.dataplanes.update(m, enabled=True),
    "dataplanes.delete": lambda c, m: c.dataplanes.delete(m),
    "groups.get": lambda c, m: c.groups.get(m),
    "groups.update": lambda c, m: c.groups.update(m, name="n"),
    "groups.delete": lambda c, m: c.groups.delete(m),
    "groups.list_members": lambda c, m: c.groups.list_members(m),
    "groups.add_member": lambda c, m: c.groups.add_member(m, user_id=m),
    "groups.remove_member": lambda c, m: c.groups.remove_member(m, m),
    "groups.list_permissions": lambda c, m: c.groups.list_permissions(m),
    "groups.create_permission": lambda c, m: c.groups.create_permission(
        m, permission_type="workspace_reader", workspace_id=m
    ),
    "groups.delete_permission": lambda c, m: c.groups.delete_permission(m, m),
    "embedded.widget_token": lambda c, m: c.embedded.widget_token(
        organization_id=m, allowed_origin="https://a.example", external_user_id="u"
    ),
    "embedded.scoped_token": lambda c, m: c.embedded.scoped_token(workspace_id=m),
}


async def run(call: Any) -> Any:
    """Await a coroutine, or read every page of a pager."""
    if isinstance(call, aiobyte.Pager):
        return await call.to_list()
    return await call


async def test_not_found(client: aiobyte.AirbyteClient) -> None:
    # One loop over every case (not one fake server each): the whole table in a blink.
    wrong = []
    for method, attempt in NOT_FOUND.items():
        try:
            await run(attempt(client, MISSING))
        except aiobyte.NotFoundError as exc:
            if exc.status != 404:
                wrong.append(f"{method}: {exc.status}")
        else:
            wrong.append(f"{method}: no error")
    assert wrong == []


async def test_unknown_organization_is_a_bad_request_where_the_spec_has_no_404(
    client: aiobyte.AirbyteClient,
) -> None:
    with pytest.raises(aiobyte.BadRequestError):
        await client.regions.create(name="eu", organization_id=MISSING)
    with pytest.raises(aiobyte.BadRequestError):
        await client.groups.create(name="g", organization_id=MISSING)
    assert await client.regions.list(organization_id=MISSING).to_list() == []


# -- bad arguments: ValueError, nothing sent -----------------------------------------------

BAD = "not-a-uuid"
BAD_ARGUMENTS: dict[str, Callable[[aiobyte.AirbyteClient], Any]] = {
    "streams.list": lambda c: c.streams.list(BAD),
    "streams.list destination": lambda c: c.streams.list(MISSING, destination_id=BAD),
    "tags.list": lambda c: c.tags.list(workspace_ids=[BAD]),
    "tags.list one id": lambda c: c.tags.list(workspace_ids=MISSING),
    "tags.create": lambda c: c.tags.create(name="n", color="c", workspace_id=BAD),
    "tags.create empty name": lambda c: c.tags.create(name="", color="c", workspace_id=MISSING),
    "tags.get": lambda c: c.tags.get(BAD),
    "tags.update": lambda c: c.tags.update(BAD, name="n", color="c"),
    "tags.delete": lambda c: c.tags.delete(""),
    "permissions.list": lambda c: c.permissions.list(user_id=BAD),
    "permissions.create": lambda c: c.permissions.create(
        permission_type="workspace_admin", user_id=BAD, workspace_id=MISSING
    ),
    "permissions.create two scopes": lambda c: c.permissions.create(
        permission_type="workspace_admin",
        user_id=MISSING,
        workspace_id=MISSING,
        organization_id=MISSING,
    ),
    "permissions.create no scope": lambda c: c.permissions.create(
        permission_type="workspace_admin", user_id=MISSING
    ),
    "permissions.create instance_admin": lambda c: c.permissions.create(
        permission_type="instance_admin", user_id=MISSING, workspace_id=MISSING
    ),
    "permissions.get": lambda c: c.permissions.get(BAD),
    "permissions.update": lambda c: c.permissions.update(MISSING, permission_type="owner"),
    "permissions.delete": lambda c: c.permissions.delete(BAD),
    "organizations.set_oauth_credentials": lambda c: c.organizations.set_oauth_credentials(
        BAD, actor_type="source", name="x", configuration={}
    ),
    "organizations.set_oauth_credentials actor": lambda c: c.organizations.set_oauth_credentials(
        MISSING, actor_type="connector", name="x", configuration={}
    ),
    "organizations.delete_oauth_credentials": lambda c: c.organizations.delete_oauth_credentials(
        MISSING, "source", ""
    ),
    "users.list": lambda c: c.users.list(organization_id=BAD),
    "users.list emails": lambda c: c.users.list(organization_id=MISSING, emails="a@example.com"),
    "applications.create": lambda c: c.applications.create(name=" "),
    "applications.get": lambda c: c.applications.get(""),
    "applications.delete": lambda c: c.applications.delete(""),
    "source_definitions.list": lambda c: c.source_definitions.list(BAD),
    "source_definitions.create": lambda c: c.source_definitions.create(
        MISSING, name="n", docker_repository="", docker_image_tag="t"
    ),
    "source_definitions.get": lambda c: c.source_definitions.get(MISSING, BAD),
    "source_definitions.replace": lambda c: c.source_definitions.replace(
        BAD, MISSING, name="n", docker_image_tag="t"
    ),
    "source_definitions.delete": lambda c: c.source_definitions.delete(MISSING, BAD),
    "destination_definitions.list": lambda c: c.destination_definitions.list(BAD),
    "declarative_source_definitions.create": lambda c: c.declarative_source_definitions.create(
        MISSING,
        name="n",
        manifest=["not", "a", "mapping"],  # type: ignore[arg-type]  # a wrong type on purpose
    ),
    "declarative_source_definitions.replace": lambda c: c.declarative_source_definitions.replace(
        MISSING, BAD, manifest={}
    ),
    "connector_definitions.list": lambda c: c.connector_definitions.list(type="connector"),
    "connector_definitions.list workspace": lambda c: c.connector_definitions.list(
        type="source", workspace_id=BAD
    ),
    "regions.list": lambda c: c.regions.list(organization_id=BAD),
    "regions.create": lambda c: c.regions.create(name="n", organization_id=MISSING, enabled="y"),  # type: ignore[arg-type]  # a wrong type on purpose
    "regions.update": lambda c: c.regions.update(BAD, name="n"),
    "regions.delete": lambda c: c.regions.delete(BAD),
    "dataplanes.list": lambda c: c.dataplanes.list(region_ids=[BAD]),
    "dataplanes.create": lambda c: c.dataplanes.create(region_id=BAD, name="n"),
    "dataplanes.update": lambda c: c.dataplanes.update(MISSING, enabled=1),  # type: ignore[arg-type]  # a wrong type on purpose
    "dataplanes.get": lambda c: c.dataplanes.get(BAD),
    "groups.list": lambda c: c.groups.list(organization_id=MISSING, page_size=101),
    "groups.create": lambda c: c.groups.create(name="n", organization_id=BAD),
    "groups.update": lambda c: c.groups.update(MISSING, description=7),  # type: ignore[arg-type]  # a wrong type on purpose
    "groups.list_members": lambda c: c.groups.list_members(BAD),
    "groups.add_member": lambda c: c.groups.add_member(MISSING, user_id=BAD),
    "groups.remove_member": lambda c: c.groups.remove_member(MISSING, BAD),
    "groups.list_permissions": lambda c: c.groups.list_permissions(BAD),
    "groups.create_permission": lambda c: c.groups.create_permission(
        MISSING, permission_type="workspace_reader"
    ),
    "groups.delete_permission": lambda c: c.groups.delete_permission(BAD, MISSING),
    "embedded.widget_token": lambda c: c.embedded.widget_token(
        organization_id=BAD, allowed_origin="https://a.example", external_user_id="u"
    ),
    "embedded.scoped_token": lambda c: c.embedded.scoped_token(workspace_id=BAD),
}


async def test_bad_arguments_raise_before_any_request(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient
) -> None:
    wrong = []
    for case, attempt in BAD_ARGUMENTS.items():
        try:
            outcome = attempt(client)  # a list fails here, at once
            if inspect.isawaitable(outcome):
                await outcome  # a coroutine fails when awaited
        except ValueError:
            pass
        except Exception as exc:
            wrong.append(f"{case}: {exc!r}")
        else:
            wrong.append(f"{case}: no ValueError")
    assert wrong == []
    assert fake.stats.requests == []  # not one of them sent anything


async def test_the_fake_records_each_answer(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient, org: str
) -> None:
    user = fake.admin.add_user(org)
    group = await client.groups.create(name="g", organization_id=org)
    await client.groups.add_member(group.group_id, user_id=user["id"])
    await client.groups.remove_member(group.group_id, user["id"])
    with pytest.raises(aiobyte.NotFoundError):
        await client.groups.get(MISSING)
    fake.faults.inject("POST /groups", drop=True)
    with pytest.raises(aiobyte.APIConnectionError):
        await client.groups.create(name="h", organization_id=org)
    answers = [
        (r.route, r.status, r.content_type)
        for r in fake.stats.requests
        if r.route != "POST /applications/token"
    ]
    assert answers == [
        ("POST /groups", 200, "application/json"),
        ("POST /groups/{groupId}/members", 201, "application/json"),
        ("DELETE /groups/{groupId}/members/{userId}", 204, None),
        ("GET /groups/{groupId}", 404, "application/problem+json"),
        ("POST /groups", None, None),  # dropped: no answer
    ]
    created = fake.stats.requests[1]
    assert created.response_body is not None
    assert json.loads(created.response_body)["groupId"] == group.group_id
