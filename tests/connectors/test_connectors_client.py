"""Sources and destinations take typed models or mappings, checked before anything is sent."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

import aiobyte
from aiobyte.connectors import (
    DestinationBigquery,
    SourcePostgres,
    SourcePostgresReadChangesUsingWriteAheadLogCDC,
    SourcePostgresVerifyFull,
    definition_id,
)
from aiobyte.testing import FakeAirbyte

pytestmark = pytest.mark.anyio

POSTGRES = SourcePostgres(
    host="db.internal",
    port=5432,
    database="app",
    username="airbyte",
    password="hunter2-secret",
    ssl_mode=SourcePostgresVerifyFull(ca_certificate="-----BEGIN CERTIFICATE-----"),
    replication_method=SourcePostgresReadChangesUsingWriteAheadLogCDC(
        replication_slot="airbyte_slot", publication="airbyte_publication"
    ),
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeAirbyte]:
    async with FakeAirbyte() as server:
        server.seed(workspaces=1, sources=0, destinations=0, connections=0, jobs=0)
        yield server


def _sent(fake: FakeAirbyte, route: str) -> Any:
    [request] = [r for r in fake.stats.requests if r.route == route]
    return json.loads(request.body)["configuration"]


async def test_a_typed_configuration_is_sent_exactly_and_read_back(fake: FakeAirbyte) -> None:
    [workspace] = fake.state.workspaces.ids()
    async with fake.client() as client:
        created = await client.sources.create(
            name="pg", workspace_id=workspace, configuration=POSTGRES
        )
        assert _sent(fake, "POST /sources") == POSTGRES.to_dict()
        read = SourcePostgres.from_dict(created.configuration)
        # The server gives no secret back: each shows as its mask, the rest exactly.
        mask = aiobyte.connectors.SERVER_MASK
        masked = POSTGRES.replace(
            password=mask, ssl_mode=SourcePostgresVerifyFull(ca_certificate=mask)
        )
        assert read == masked
        assert isinstance(read.replication_method, SourcePostgresReadChangesUsingWriteAheadLogCDC)
        assert read.replication_method.publication == "airbyte_publication"

        # Sent back as read (masks and all), with a change: the stored secrets stay.
        replaced = await client.sources.replace(
            created.source_id, name="pg", configuration=read.replace(port=6543)
        )
        assert replaced.configuration["port"] == 6543
        assert _sent(fake, "PUT /sources/{sourceId}") == {**masked.to_dict(), "port": 6543}
        stored = fake.state.sources.get(created.source_id)["configuration"]
        assert stored == {**POSTGRES.to_dict(), "port": 6543}

        destination = DestinationBigquery(
            project_id="analytics", dataset_location="US", dataset_id="raw"
        )
        made = await client.destinations.create(
            name="bq", workspace_id=workspace, configuration=destination
        )
        assert made.configuration == {**destination.to_dict()}
        assert made.configuration["destinationType"] == "bigquery"


async def test_a_mapping_naming_its_connector_is_checked_before_any_request(
    fake: FakeAirbyte,
) -> None:
    [workspace] = fake.state.workspaces.ids()
    wrong = {**POSTGRES.to_dict(), "port": "abc"}
    del wrong["host"]
    async with fake.client() as client:
        with pytest.raises(ValueError, match="source 'postgres'") as raised:
            await client.sources.create(name="pg", workspace_id=workspace, configuration=wrong)
        message = str(raised.value)
        assert "- configuration.host: required" in message
        assert "- configuration.port: expected an integer, got 'abc'" in message

        by_id = {k: v for k, v in wrong.items() if k != "sourceType"}
        with pytest.raises(ValueError, match=r"configuration\.host: required"):
            await client.sources.create(
                name="pg",
                workspace_id=workspace,
                configuration=by_id,
                definition_id=definition_id("source", "postgres") or "",
            )
        with pytest.raises(ValueError, match=r"configuration\.project_id: required"):
            await client.destinations.create(
                name="bq", workspace_id=workspace, configuration={"destinationType": "bigquery"}
            )
        with pytest.raises(ValueError, match="not a destination one"):
            await client.destinations.create(
                name="bq",
                workspace_id=workspace,
                configuration=POSTGRES,
            )
        with pytest.raises(ValueError, match="a part of one"):
            await client.sources.create(
                name="pg",
                workspace_id=workspace,
                configuration=POSTGRES.ssl_mode,  # type: ignore[arg-type]  # a part, not a whole configuration, on purpose
            )
    assert fake.stats.requests == []  # not even a token request


async def test_secrets_stay_out_of_the_problems(fake: FakeAirbyte) -> None:
    [workspace] = fake.state.workspaces.ids()
    wrong = {**POSTGRES.to_dict(), "password": ["hunter2-secret"]}
    async with fake.client() as client:
        with pytest.raises(ValueError, match=r"configuration\.password") as raised:
            await client.sources.create(name="pg", workspace_id=workspace, configuration=wrong)
    assert "hunter2" not in str(raised.value)
    assert "hunter2" not in repr(raised.value)


async def test_a_patch_is_checked_as_a_merge_patch_and_custom_connectors_pass(
    fake: FakeAirbyte,
) -> None:
    [workspace] = fake.state.workspaces.ids()
    async with fake.client() as client:
        source = await client.sources.create(
            name="pg", workspace_id=workspace, configuration=POSTGRES
        )
        with pytest.raises(ValueError, match=r"configuration\.port: expected an integer"):
            await client.sources.update(
                source.source_id, configuration={"sourceType": "postgres", "port": "x"}
            )
        patched = await client.sources.update(
            source.source_id,
            configuration={"sourceType": "postgres", "port": 6543, "jdbc_url_params": None},
        )
        assert patched.configuration["port"] == 6543
        assert patched.configuration["host"] == "db.internal"

        crm = await client.source_definitions.create(
            workspace, name="crm", docker_repository="acme/source-crm", docker_image_tag="1.0"
        )
        custom = {"anything": {"goes": [1, 2.5]}, "port": "a custom connector's own"}
        made = await client.sources.create(
            name="crm", workspace_id=workspace, configuration=custom, definition_id=crm.id
        )
        assert made.configuration == custom  # not checked: a connector this release does not know

        # No connector named: the client cannot check; the server checks what it stores.
        with pytest.raises(aiobyte.UnprocessableEntityError):
            await client.sources.replace(
                source.source_id, name="pg", configuration={"port": "not checked here"}
            )
    assert fake.stats.hits["POST /sources"] == 2
    assert fake.stats.hits["PUT /sources/{sourceId}"] == 1


async def test_reprs_of_the_api_models_mask_configuration_secrets(fake: FakeAirbyte) -> None:
    [workspace] = fake.state.workspaces.ids()
    fake.mask_secrets = False  # answered with the secrets, as a careless server might
    async with fake.client() as client:
        source = await client.sources.create(
            name="pg", workspace_id=workspace, configuration=POSTGRES
        )
    text = repr(source)
    assert "hunter2" not in text
    assert "BEGIN CERTIFICATE" not in text
    assert "db.internal" in text  # what is not secret is shown
    assert source.configuration["password"] == "hunter2-secret"  # the data is unchanged
    assert "hunter2" not in repr(POSTGRES)
    assert aiobyte.connectors.MASK in repr(POSTGRES)


def test_every_model_carrying_a_configuration_masks_its_secrets() -> None:
    from aiobyte import models

    token_request = models.ApplicationTokenRequestWithGrant(
        client_id="id", client_secret="the-client-secret", grant_type="client_credentials"
    )
    assert "the-client-secret" not in repr(token_request)
    assert "client_id='id'" in repr(token_request)

    by_definition = models.SourceCreate(
        name="pg",
        workspace_id="3c0c6a52-0000-4000-8000-000000000000",
        definition_id=definition_id("source", "postgres") or "",
        configuration={"host": "db", "tunnel_method": {"ssh_key": "PRIVATE-KEY"}},
    )
    assert "PRIVATE-KEY" not in repr(by_definition)
    assert "'host': 'db'" in repr(by_definition)

    oauth = models.WorkspaceOAuthCredentials(
        actor_type=models.ActorType.SOURCE,
        name="github",
        configuration={"client_id": "app", "client_secret": "oauth-app-secret"},
    )
    assert "oauth-app-secret" not in repr(oauth)

    custom = models.Destination(
        destination_id="d",
        name="x",
        definition_id="e",
        workspace_id="w",
        configuration={"endpoint": "https://x", "auth": {"apiKey": "custom-key"}},
    )
    assert "custom-key" not in repr(custom)
    assert "https://x" in repr(custom)
    assert custom.configuration["auth"] == {"apiKey": "custom-key"}
