"""Errors as users meet them, and the promise that no secret ever shows."""

from __future__ import annotations

import logging
import traceback
from typing import Any

import pytest

import aiobyte
from aiobyte.testing import FakeAirbyte, ManualClock

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.fake_airbyte(
        data={"workspaces": 1, "sources": 2, "destinations": 1, "connections": 1, "jobs": 0}
    ),
]

MISSING = "5d1d4ef8-6ad8-4c63-a8b1-8d6b7e6e6c11"


async def test_not_found_names_method_url_status_and_detail(fake: FakeAirbyte) -> None:
    async with fake.client() as client:
        with pytest.raises(aiobyte.NotFoundError) as caught:
            await client.sources.get(MISSING)
    error = caught.value
    assert error.status == 404
    assert error.method == "GET"
    assert error.url == f"{fake.base_url}/sources/{MISSING}"
    assert error.problem is not None
    assert error.problem.title == "resource-not-found"
    assert str(error).startswith(f"GET {fake.base_url}/sources/{MISSING} answered 404 Not Found:")


async def test_wrong_base_url_answering_html_says_so(fake: FakeAirbyte) -> None:
    # Forgetting the API path: the web app answers with a page.
    async with aiobyte.AirbyteClient(fake.url, token=fake.issue_token()) as client:
        with pytest.raises(aiobyte.AirbyteError) as caught:
            await client.sources.list().to_list()
    text = str(caught.value)
    assert "HTML page" in text
    assert "base URL is probably wrong" in text
    assert "/api/public/v1" in text


async def test_html_fault_on_a_get(fake: FakeAirbyte) -> None:
    fake.faults.inject("GET /sources/{sourceId}", html=True, times=1)
    async with fake.client() as client:
        with pytest.raises(aiobyte.UnexpectedResponseError) as caught:
            await client.sources.get(MISSING)
    assert caught.value.is_html


async def test_undecodable_success_names_the_model_and_quotes_the_body(fake: FakeAirbyte) -> None:
    fake.faults.inject(
        "GET /sources/{sourceId}", status=200, body={"sourceId": 5, "oops": True}, times=1
    )
    async with fake.client() as client:
        with pytest.raises(aiobyte.UnexpectedResponseError) as caught:
            await client.sources.get(MISSING)
    text = str(caught.value)
    assert caught.value.model == "Source"
    assert "does not decode as Source" in text
    assert '"oops":true' in text


async def test_invalid_input_is_refused_before_any_request(fake: FakeAirbyte) -> None:
    async with fake.client() as client:
        with pytest.raises(ValueError, match="source_id"):
            await client.sources.get("not-a-uuid")
        with pytest.raises(ValueError, match="must not be empty"):
            await client.sources.get("")
        with pytest.raises(ValueError, match="job_id"):
            await client.jobs.get("12")  # type: ignore[arg-type]  # a str id on purpose
        with pytest.raises(ValueError, match="job_type"):
            await client.jobs.create(MISSING, job_type="resync")
        with pytest.raises(ValueError, match="configuration"):
            await client.sources.create(name="x", workspace_id=MISSING, configuration=[])  # type: ignore[arg-type]  # a wrong type on purpose
        with pytest.raises(ValueError, match="name"):
            await client.workspaces.create(name="  ")
    assert fake.stats.requests == []


async def test_refresh_job_type_is_refused_by_the_server(fake: FakeAirbyte) -> None:
    connection = next(iter(fake.state.connections.ids()))
    async with fake.client() as client:
        with pytest.raises(aiobyte.UnprocessableEntityError):
            await client.jobs.create(connection, job_type="refresh")


def everything_shown(error: BaseException) -> str:
    """Every text a user could see of an error: message, repr, attributes, traceback, causes."""
    parts = ["".join(traceback.format_exception(type(error), error, error.__traceback__))]
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts += [str(current), repr(current), repr(vars(current))]
        current = current.__cause__ or current.__context__
    return "\n".join(parts)


async def test_no_secret_in_any_error_log_or_repr(caplog: pytest.LogCaptureFixture) -> None:
    async with FakeAirbyte(basic_auth=("airbyte", "b4sic-s3cret")) as fake:
        fake.seed(workspaces=1, sources=0, destinations=0, connections=0, jobs=0)
        await _scan_for_secrets(fake, caplog)


async def _scan_for_secrets(fake: FakeAirbyte, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    shown: list[str] = []
    workspace = next(iter(fake.state.workspaces.ids()))
    clock = ManualClock()
    fixed_token = fake.issue_token()
    clients = [
        fake.client(clock=clock),
        aiobyte.AirbyteClient(fake.base_url, token=fixed_token, clock=clock),
        aiobyte.AirbyteClient(
            fake.base_url, auth=aiobyte.BasicAuth("airbyte", "b4sic-s3cret"), clock=clock
        ),
    ]
    scenarios: list[tuple[str, dict[str, Any]]] = [
        ("GET /workspaces/{workspaceId}", {"status": 401, "times": None}),
        ("GET /workspaces/{workspaceId}", {"drop": True, "times": None}),
        ("GET /workspaces/{workspaceId}", {"truncate": True, "times": None}),
        ("GET /workspaces/{workspaceId}", {"status": 500, "times": None}),
        ("GET /workspaces/{workspaceId}", {"html": True, "times": 1}),
        ("GET /workspaces/{workspaceId}", {"status": 200, "body": "not json", "times": 1}),
    ]
    for client in clients:
        shown.append(repr(client))
        for route, fault in scenarios:
            fake.faults.clear()
            fake.faults.inject(route, **fault)
            with pytest.raises(aiobyte.AirbyteError) as caught:
                await client.workspaces.get(workspace)
            shown.append(everything_shown(caught.value))
        await client.aclose()
    fake.faults.clear()
    # The token endpoint refusing, and failing.
    token_faults: list[dict[str, Any]] = [
        {"status": 401},
        {"status": 500, "times": None},
        {"drop": True, "times": None},
    ]
    for fault in token_faults:
        fake.faults.clear()
        fake.faults.inject("POST /applications/token", **fault)
        async with fake.client(clock=clock) as client:
            with pytest.raises(aiobyte.AirbyteError) as caught:
                await client.workspaces.get(workspace)
            shown.append(everything_shown(caught.value))
    shown.append(caplog.text)

    secrets = {fake.client_secret, fixed_token, "b4sic-s3cret", "YWlyYnl0ZTpiNHNpYy1zM2NyZXQ="}
    for request in fake.stats.requests:
        authorization = request.headers.get("Authorization", "")
        if authorization.startswith("Bearer "):
            secrets.add(authorization.removeprefix("Bearer "))
    assert len(secrets) > 4  # issued tokens were collected too
    text = "\n".join(shown)
    assert "answered 401" in text
    assert "HTML page" in text
    for secret in secrets:
        assert secret not in text


async def test_undecodable_page_names_the_page_model(fake: FakeAirbyte) -> None:
    fake.faults.inject("GET /sources", status=200, body={"data": {"not": "a list"}}, times=1)
    async with fake.client() as client:
        with pytest.raises(aiobyte.UnexpectedResponseError) as caught:
            await client.sources.list().to_list()
    assert caught.value.model == "PageBody[Source]"
    assert "Expected `array`, got `object` - at `$.data`" in str(caught.value)
