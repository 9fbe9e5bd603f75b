"""Proof of fidelity: the official SDK (PyPI ``airbyte-api``) works against the fake.

The official Python SDK is generated from Airbyte's spec by Speakeasy and validates every
answer with pydantic, so it is a strict, independent judge of the fake's wire format. It
lists sources page by page and gets jobs from the fake (its ``*_async`` methods, in the
fake's own event loop: the SDK runs its synchronous token hook in a worker thread, so the
loop is never blocked), and aiobyte does the same; the results must agree.

The sources use the connector configurations the SDK can decode (postgres, mysql, s3,
salesforce). What the SDK gets wrong, measured here with ``airbyte-api`` 1.0.1 (the
assertions in ``test_what_the_sdk_gets_wrong`` are the evidence, and they only run on
that version):

- **Token URL.** Its default token URL, ``/applications/token``, is joined to the server
  URL with ``urljoin``, which drops the URL's path: the token request goes to
  ``http://host/applications/token`` (outside ``/v1`` or ``/api/public/v1``), the web app
  answers HTML and the SDK fails with ``JSONDecodeError``. The token URL must be given in
  full (as here).
- **Older self-managed token answers.** An answer without ``token_type`` (older
  self-managed versions send only ``access_token``) fails with
  ``Exception("Unexpected token type from token endpoint")``.
- **Valid configurations it cannot decode.** A ``source-github`` configuration that the
  SDK's own ``models.SourceGithub`` accepts makes ``list_sources`` fail with
  ``ResponseValidationError`` ("Could not find discriminator field auth_type"): the whole
  page is lost, not just that source. The same holds for ``source-shopify`` (measured
  while writing this test: ``models.SourceShopify`` accepts the configuration, the
  response fails to decode). aiobyte decodes the same page. (The fake's
  ``source-google-ads`` and ``source-google-analytics-data-api`` samples fail to decode
  too, but they carry ``null`` in optional strings, which ``api_sdk.yaml`` does not allow,
  so they prove nothing about the SDK.)
- **Configurations are not returned as sent.** Keys whose value is ``null`` are dropped
  from a decoded configuration; aiobyte keeps every key.
- **A 401 reaches the caller.** After the token is rejected (revoked, or expired before
  ``expires_in`` said), the SDK drops its cached token but does not retry: that call
  fails with a 401 ``SDKError`` and only the next call works. aiobyte refreshes and
  retries once.
- **No retries by default.** A 429 (with ``Retry-After``) or a 503 fails the call at
  once; aiobyte retries both.
- **Errors.** Every error status is an ``SDKError`` carrying the raw body (no problem
  details, no class per status); an HTML answer from a wrong base URL is reported as
  "Unexpected response received ... text/html", with no hint about the base URL.

Weight of the dependency (``pip install airbyte-api`` 1.0.1 into a venv that already has
httpx): the package itself is 13 MB installed (generated models), plus pydantic and
pydantic-core (about 10 MB); it is in the ``test`` extra only.
"""

from __future__ import annotations

import gc
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import Any

import httpx
import pytest

import aiobyte
from aiobyte.testing import FakeAirbyte, ManualClock

airbyte_api = pytest.importorskip("airbyte_api")
from airbyte_api import api, errors, models  # noqa: E402
from airbyte_api._hooks.clientcredentials import ClientCredentialsHook  # noqa: E402

pytestmark = pytest.mark.anyio

SDK_VERSION = version("airbyte-api")
#: Source kinds whose configurations the SDK decodes.
DECODABLE = ("postgres", "mysql", "s3", "salesforce")
measured_version = pytest.mark.skipif(
    SDK_VERSION != "1.0.1", reason=f"measured on airbyte-api 1.0.1, this is {SDK_VERSION}"
)


@pytest.fixture(scope="module", autouse=True)
def _freeze_the_sdk_for_the_garbage_collector() -> Iterator[None]:
    # The SDK's models are some 190,000 objects that live as long as the process: every
    # later gc.collect() (tests/conftest.py runs one after each test) would walk them
    # all, 0.13 s a test. Frozen, the collector leaves them alone.
    yield
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _forget_sdk_tokens() -> Iterator[None]:
    # The SDK caches tokens per process, in a class attribute keyed by the credentials.
    ClientCredentialsHook._sessions.clear()
    yield
    ClientCredentialsHook._sessions.clear()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def fake(clock: ManualClock) -> AsyncIterator[FakeAirbyte]:
    async with FakeAirbyte(clock=clock, path_prefix="/api/public/v1", seed=5) as server:
        workspace = server.add_workspace("fidelity")["workspaceId"]
        for kind in DECODABLE:
            for _ in range(2):
                server.add_source(workspace, source_type=kind)
        server.add_destination(workspace)
        yield server


@asynccontextmanager
async def sdk_for(fake: FakeAirbyte, *, token_url: str | None = "full") -> AsyncIterator[Any]:
    """The SDK with the fake's application credentials; its two HTTP clients closed after."""
    credentials: dict[str, str] = {
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
    }
    if token_url == "full":
        credentials["token_url"] = f"{fake.base_url}/applications/token"
    elif token_url is not None:
        credentials["token_url"] = token_url
    with httpx.Client() as sync_client:
        async with httpx.AsyncClient() as async_client:
            yield airbyte_api.AirbyteAPI(
                server_url=fake.base_url,
                security=models.Security(
                    client_credentials=models.SchemeClientCredentials(**credentials)
                ),
                client=sync_client,
                async_client=async_client,
            )


async def sdk_sources(sdk: Any, page_size: int) -> list[Any]:
    """Every source: the SDK has no pagination, so offsets are driven by hand."""
    items: list[Any] = []
    while True:
        answer = await sdk.sources.list_sources_async(
            request=api.ListSourcesRequest(limit=page_size, offset=len(items))
        )
        page = answer.sources_response.data
        items += page
        if len(page) < page_size:
            return items


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


async def test_the_sdk_and_aiobyte_see_the_same_sources_and_jobs(
    fake: FakeAirbyte, clock: ManualClock
) -> None:
    [workspace] = fake.state.workspaces.ids()
    [destination] = fake.state.destinations.ids()
    source = fake.state.sources.ids()[0]
    connection = fake.add_connection(source, destination)["connectionId"]
    fake.plan_jobs(connection, queued_for=5, duration=100, rows_per_second=10)
    finished = fake.add_job(connection, status="succeeded")["jobId"]
    running = fake.add_job(connection)["jobId"]
    clock.advance(30)  # the second job is running, 25 s in

    async with sdk_for(fake) as sdk:
        sdk_listed = await sdk_sources(sdk, page_size=3)
        sdk_jobs = [
            (await sdk.jobs.get_job_async(request=api.GetJobRequest(job_id=j))).job_response
            for j in (finished, running)
        ]
        sdk_page = (
            await sdk.jobs.list_jobs_async(request=api.ListJobsRequest(connection_id=connection))
        ).jobs_response
    sent = list(fake.stats.requests)
    async with fake.client(clock=clock) as client:
        ours = await client.sources.list(page_size=3).to_list()
        our_jobs = [await client.jobs.get(j) for j in (finished, running)]
        our_page = await client.jobs.list(connection_id=connection).to_list()

    # The same sources, in the same order, with the same fields.
    assert len(ours) == len(sdk_listed) == 2 * len(DECODABLE)
    assert [
        (s.source_id, s.name, s.source_type, s.workspace_id, s.definition_id, s.created_at)
        for s in sdk_listed
    ] == [
        (s.source_id, s.name, s.source_type, s.workspace_id, s.definition_id, s.created_at)
        for s in ours
    ]
    assert {s.workspace_id for s in ours} == {workspace}
    for theirs, mine in zip(sdk_listed, ours, strict=True):
        stored = fake.state.sources.get(mine.source_id)["configuration"]
        assert json.loads(json.dumps(mine.configuration)) == stored  # aiobyte: as sent
        decoded = theirs.configuration.model_dump(mode="json", by_alias=True, exclude_unset=True)
        assert type(theirs.configuration).__name__.lower() == f"source{mine.source_type}"
        assert without_nulls(decoded) == without_nulls(stored)  # the SDK: nulls dropped

    # The same jobs, one finished and one running.
    for their_job, my_job in zip(sdk_jobs, our_jobs, strict=True):
        assert (
            their_job.job_id,
            their_job.status.value,
            their_job.job_type.value,
            their_job.connection_id,
            their_job.start_time,
            their_job.last_updated_at,
            their_job.duration,
            their_job.rows_synced,
            their_job.bytes_synced,
        ) == (
            my_job.job_id,
            my_job.status.value,
            my_job.job_type.value,
            my_job.connection_id,
            my_job.start_time,
            my_job.last_updated_at,
            my_job.duration,
            my_job.rows_synced,
            my_job.bytes_synced,
        )
    assert [j.status.value for j in our_jobs] == ["succeeded", "running"]
    assert our_jobs[1].rows_synced == 250
    assert [j.job_id for j in sdk_page.data] == [j.job_id for j in our_page]

    # What the SDK sent: one form-encoded token request, and plain GETs.
    token_requests = [r for r in sent if r.route == "POST /applications/token"]
    assert len(token_requests) == 1
    assert token_requests[0].headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert b"grant_type=client_credentials" in token_requests[0].body
    assert {r.status for r in sent} == {200}
    assert fake.stats.server_errors == []


@measured_version
async def test_what_the_sdk_gets_wrong(fake: FakeAirbyte) -> None:
    [workspace] = fake.state.workspaces.ids()

    # The default token URL loses the API's path and meets the web app's HTML.
    async with sdk_for(fake, token_url=None) as sdk:
        with pytest.raises(json.JSONDecodeError):
            await sdk.sources.list_sources_async(request=api.ListSourcesRequest())
    wrong = fake.stats.requests[-1]
    assert (wrong.method, wrong.path, wrong.route) == ("POST", "/applications/token", None)
    assert wrong.content_type == "text/html; charset=utf-8"

    # An older self-managed token answer (no token_type) is refused.
    fake.token_answer = "access_token_only"
    async with sdk_for(fake) as sdk:
        with pytest.raises(Exception, match="Unexpected token type from token endpoint"):
            await sdk.sources.list_sources_async(request=api.ListSourcesRequest())
    fake.token_answer = "full"

    async with sdk_for(fake) as sdk:
        listing = api.ListSourcesRequest(workspace_ids=[workspace], limit=100)
        # A 401 reaches the caller once, then the next call gets a new token.
        await sdk.sources.list_sources_async(request=listing)
        fake.revoke_tokens()
        with pytest.raises(errors.SDKError) as rejected:
            await sdk.sources.list_sources_async(request=listing)
        assert rejected.value.status_code == 401
        await sdk.sources.list_sources_async(request=listing)

        # No retry of a 429 with Retry-After, nor of a 503.
        for status, headers in ((429, {"Retry-After": "1"}), (503, {})):
            fake.faults.inject("GET /sources", status=status, headers=headers)
            with pytest.raises(errors.SDKError) as failed:
                await sdk.sources.list_sources_async(request=listing)
            assert failed.value.status_code == status
        assert fake.stats.hits["GET /sources"] == 5

        # A configuration the SDK's own model accepts loses the whole page.
        github = fake.add_source(workspace, source_type="github")
        assert isinstance(models.SourceGithub.model_validate(github["configuration"]), object)
        with pytest.raises(errors.ResponseValidationError, match="discriminator field auth_type"):
            await sdk.sources.list_sources_async(request=listing)

    async with fake.client() as client:
        listed = await client.sources.list(workspace_ids=[workspace]).to_list()
        assert listed[-1].configuration == github["configuration"]
        fake.faults.inject("GET /sources", status=429, headers={"Retry-After": "0"})
        fake.faults.inject("GET /sources", status=503)
        assert len(await client.sources.list(workspace_ids=[workspace]).to_list()) == len(listed)
        fake.revoke_tokens()
        assert len(await client.sources.list(workspace_ids=[workspace]).to_list()) == len(listed)


@measured_version
async def test_the_sdk_errors_carry_the_raw_body(fake: FakeAirbyte) -> None:
    async with sdk_for(fake) as sdk:
        with pytest.raises(errors.SDKError) as missing:
            await sdk.sources.get_source_async(
                request=api.GetSourceRequest(source_id="decd338e-5647-4c0b-adf4-da0e75f5a750")
            )
        assert missing.value.status_code == 404
        assert type(missing.value) is errors.SDKError  # no class per status
        assert json.loads(missing.value.body)["title"] == "resource-not-found"
    async with fake.client() as client:
        with pytest.raises(aiobyte.NotFoundError) as ours:
            await client.sources.get("decd338e-5647-4c0b-adf4-da0e75f5a750")
        assert ours.value.problem is not None
