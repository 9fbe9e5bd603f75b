"""Every operation of the core resources, through the public surface, against the fake."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import msgspec
import pytest

import aiobyte
from aiobyte.models import ConnectionStatus, JobStatus, JobType, NamespaceDefinition
from aiobyte.testing import FakeAirbyte, ManualClock

pytestmark = pytest.mark.anyio

CONFIGURATION: dict[str, Any] = {
    "sourceType": "custom-postgres",  # a custom connector: sent unchecked
    "host": "db.internal",
    "port": 5432,
    "database": "analytics",
    "schemas": ["public", "sales"],
    "password": None,
    "big": 123456789012345678901234567890,
    "ratio": 0.125,
    "negative": -7,
    "ssl_mode": {"mode": "verify-full", "ca_certificate": "-----BEGIN..."},
    "replication_method": {
        "method": "CDC",
        "initial_waiting_seconds": 300,
        "lsn_commit_behaviour": None,
    },
    "tunnel_method": {
        "tunnel_method": "SSH_KEY_AUTH",
        "nested": {"deeper": [1, {"deepest": True}]},
    },
    "empty_object": {},
    "empty_list": [],
    "enabled": False,
}


@pytest.fixture
async def fake() -> AsyncIterator[FakeAirbyte]:
    # Configurations here are made up to test the client; the fake does not check them.
    async with FakeAirbyte(check_configurations=False) as server:
        yield server


@pytest.fixture
async def client(fake: FakeAirbyte) -> AsyncIterator[aiobyte.AirbyteClient]:
    async with fake.client() as c:
        yield c


async def test_workspaces_crud(fake: FakeAirbyte, client: aiobyte.AirbyteClient) -> None:
    ws = await client.workspaces.create(name="analytics")
    assert ws.name == "analytics"
    assert (await client.workspaces.get(ws.workspace_id)) == ws
    renamed = await client.workspaces.update(ws.workspace_id, name="analytics-2")
    assert renamed.name == "analytics-2"
    assert [w.workspace_id async for w in client.workspaces.list()] == [ws.workspace_id]
    await client.workspaces.delete(ws.workspace_id)
    with pytest.raises(aiobyte.NotFoundError):
        await client.workspaces.get(ws.workspace_id)
    assert [w async for w in client.workspaces.list()] == []
    deleted = [w async for w in client.workspaces.list(include_deleted=True)]
    assert [w.workspace_id for w in deleted] == [ws.workspace_id]


async def test_workspace_update_sends_only_what_was_given(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient
) -> None:
    ws = await client.workspaces.create(name="a")
    await client.workspaces.update(ws.workspace_id, name="b")
    patch = [r for r in fake.stats.requests if r.method == "PATCH"][-1]
    assert json.loads(patch.body) == {"name": "b"}


async def test_workspace_oauth_credentials(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient
) -> None:
    ws = await client.workspaces.create(name="oauth")
    await client.workspaces.set_oauth_credentials(
        ws.workspace_id,
        actor_type="source",
        name="google-ads",
        configuration={"client_id": "abc", "client_secret": "xyz"},
    )
    await client.workspaces.delete_oauth_credentials(ws.workspace_id, "source", "google-ads")
    routes = [r.route for r in fake.stats.requests]
    assert "PUT /workspaces/{workspaceId}/oauthCredentials" in routes
    assert "DELETE /workspaces/{workspaceId}/oauthCredentials/{actorType}/{name}" in routes
    with pytest.raises(ValueError, match="actor_type"):
        await client.workspaces.delete_oauth_credentials(ws.workspace_id, "connector", "x")


async def test_source_configuration_round_trips_every_key(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient
) -> None:
    ws = await client.workspaces.create(name="w")
    created = await client.sources.create(
        name="pg", workspace_id=ws.workspace_id, configuration=CONFIGURATION
    )
    sent = next(r for r in fake.stats.requests if r.route == "POST /sources")
    assert json.loads(sent.body)["configuration"] == CONFIGURATION
    assert created.configuration == CONFIGURATION
    fetched = await client.sources.get(created.source_id)
    assert fetched.configuration == CONFIGURATION
    listed = [s async for s in client.sources.list(workspace_ids=[ws.workspace_id])]
    assert listed[0].configuration == CONFIGURATION


async def test_numbers_a_float_cannot_hold_are_kept_exactly(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient
) -> None:
    raw = (
        b'{"sourceId":"18dccc91-0ab1-4f72-9ed7-0b8fc27c5826","name":"s","sourceType":"x",'
        b'"definitionId":"18dccc91-0ab1-4f72-9ed7-0b8fc27c5826",'
        b'"workspaceId":"18dccc91-0ab1-4f72-9ed7-0b8fc27c5826","createdAt":1,'
        b'"configuration":{"sourceType":"x","precise":12345678901234567890.5,"tiny":1e-400,'
        b'"plain":0.1}}'
    )
    fake.faults.inject("GET /sources/{sourceId}", status=200, body=raw, times=1)
    source = await client.sources.get("18dccc91-0ab1-4f72-9ed7-0b8fc27c5826")
    assert source.configuration["precise"] == Decimal("12345678901234567890.5")
    assert source.configuration["plain"] == 0.1
    # Sent back unchanged.
    ws = await client.workspaces.create(name="w")
    await client.sources.create(
        name="copy", workspace_id=ws.workspace_id, configuration=source.configuration
    )
    sent = next(r for r in fake.stats.requests if r.route == "POST /sources")
    exact = msgspec.json.Decoder(float_hook=Decimal)
    assert exact.decode(sent.body)["configuration"] == exact.decode(raw)["configuration"]


async def test_sources_update_replace_delete_and_oauth(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient
) -> None:
    ws = await client.workspaces.create(name="w")
    src = await client.sources.create(
        name="pg", workspace_id=ws.workspace_id, configuration={"sourceType": "custom", "a": 1}
    )
    patched = await client.sources.update(src.source_id, name="pg2")
    assert patched.name == "pg2"
    assert patched.configuration == {"sourceType": "custom", "a": 1}
    replaced = await client.sources.replace(src.source_id, name="pg3", configuration={"b": 2})
    assert replaced.name == "pg3"
    oauth = await client.sources.initiate_oauth(
        workspace_id=ws.workspace_id, redirect_url="https://example.com/cb", source_type="github"
    )
    assert oauth.redirect_url
    await client.sources.delete(src.source_id)
    with pytest.raises(aiobyte.NotFoundError):
        await client.sources.get(src.source_id)


async def test_destinations_crud(client: aiobyte.AirbyteClient) -> None:
    ws = await client.workspaces.create(name="w")
    dst = await client.destinations.create(
        name="bq",
        workspace_id=ws.workspace_id,
        configuration={
            "destinationType": "bigquery",
            "project_id": "analytics",
            "dataset_location": "US",
            "dataset_id": "raw",
        },
    )
    assert dst.configuration["dataset_id"] == "raw"
    assert (await client.destinations.get(dst.destination_id)).name == "bq"
    assert (await client.destinations.update(dst.destination_id, name="bq2")).name == "bq2"
    replaced = await client.destinations.replace(
        dst.destination_id, name="bq3", configuration={"dataset_id": "clean"}
    )
    assert replaced.configuration["dataset_id"] == "clean"
    assert [d.destination_id async for d in client.destinations.list()] == [dst.destination_id]
    await client.destinations.delete(dst.destination_id)
    assert [d async for d in client.destinations.list()] == []


async def test_connections_crud(fake: FakeAirbyte, client: aiobyte.AirbyteClient) -> None:
    seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=0, jobs=0)
    conn = await client.connections.create(
        source_id=seeded.source_ids[0],
        destination_id=seeded.destination_ids[0],
        name="pg to bq",
        schedule={"scheduleType": "cron", "cronExpression": "0 0 * * * ?"},
        namespace_definition="destination",
        status=ConnectionStatus.ACTIVE,
    )
    assert conn.name == "pg to bq"
    assert conn.schedule is not None
    assert conn.schedule.cron_expression == "0 0 * * * ?"
    assert conn.namespace_definition is NamespaceDefinition.DESTINATION
    updated = await client.connections.update(
        conn.connection_id, status="inactive", namespace_format=None
    )
    assert updated.status is ConnectionStatus.INACTIVE
    patch = [r for r in fake.stats.requests if r.method == "PATCH"][-1]
    assert json.loads(patch.body) == {"status": "inactive", "namespaceFormat": None}
    listed = [c async for c in client.connections.list(workspace_ids=[seeded.workspace_ids[0]])]
    assert [c.connection_id for c in listed] == [conn.connection_id]
    await client.connections.delete(conn.connection_id)
    with pytest.raises(aiobyte.NotFoundError):
        await client.connections.get(conn.connection_id)
    with pytest.raises(ValueError, match="status"):
        await client.connections.update(conn.connection_id, status="paused")


async def test_jobs_create_get_cancel_and_conflict() -> None:
    clock = ManualClock()
    async with FakeAirbyte(clock=clock) as fake:
        seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=1, jobs=0)
        connection = seeded.connection_ids[0]
        async with fake.client(clock=clock) as client:
            job = await client.jobs.create(connection)
            assert job.job_type is JobType.SYNC
            assert job.status is JobStatus.PENDING
            with pytest.raises(aiobyte.ConflictError) as caught:
                await client.jobs.create(connection)
            assert caught.value.status == 409
            clock.advance(5)
            running = await client.jobs.get(job.job_id)
            assert running.status is JobStatus.RUNNING
            cancelled = await client.jobs.cancel(job.job_id)
            assert cancelled.status is JobStatus.CANCELLED
            assert [j.job_id async for j in client.jobs.list(connection_id=connection)] == [
                job.job_id
            ]


async def test_jobs_wait_returns_the_final_job_or_times_out() -> None:
    clock = ManualClock()
    async with FakeAirbyte(clock=clock) as fake:
        seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=2, jobs=0)
        ok, bad = seeded.connection_ids
        fake.plan_jobs(ok, duration=60, outcome="succeeded")
        fake.plan_jobs(bad, duration=600, outcome="failed")
        async with fake.client(clock=clock) as client:
            job = await client.jobs.create(ok)
            done = await client.jobs.wait(job.job_id, timeout=3600)
            assert done.status is JobStatus.SUCCEEDED
            assert done.rows_synced
            polls = clock.sleeps
            assert polls[0] == 1.0
            assert max(polls) <= 15.0
            assert polls == sorted(polls)  # backing off, never faster

            failing = await client.jobs.create(bad)
            with pytest.raises(aiobyte.JobTimeoutError) as caught:
                await client.jobs.wait(failing.job_id, timeout=120)
            assert caught.value.job_id == failing.job_id
            assert caught.value.last_status == "running"
            assert str(failing.job_id) in str(caught.value)
            assert "running" in str(caught.value)
            failed = await client.jobs.wait(failing.job_id)
            assert failed.status is JobStatus.FAILED  # an answer, not an error


async def test_unknown_fields_and_enum_values_decode(
    fake: FakeAirbyte, client: aiobyte.AirbyteClient
) -> None:
    body = {
        "jobId": 42,
        "status": "paused",
        "jobType": "backfill",
        "startTime": "2026-01-01T00:00:00Z",
        "connectionId": "18dccc91-0ab1-4f72-9ed7-0b8fc27c5826",
        "someNewField": {"x": 1},
    }
    fake.faults.inject("GET /jobs/{jobId}", status=200, body=body, times=1)
    job = await client.jobs.get(42)
    assert job.status.name == "UNKNOWN"
    assert job.status.value == "paused"
    assert not job.status.is_known
    assert job.job_type == "backfill"
    assert msgspec.json.decode(msgspec.json.encode(job))["status"] == "paused"


async def test_applications_token(fake: FakeAirbyte, client: aiobyte.AirbyteClient) -> None:
    token = await client.applications.token(
        client_id=fake.client_id, client_secret=fake.client_secret
    )
    assert token.value
    assert token.expires_in == 180
    assert token.value not in repr(token)
    with pytest.raises(aiobyte.AuthenticationError):
        await client.applications.token(client_id=fake.client_id, client_secret="nope")
