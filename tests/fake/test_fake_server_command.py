"""``aiobyte fake-server``'s flags, run in-process: the quirks, jobs, the default
organization, the ids it prints, and one-line errors for bad options and busy ports."""

from __future__ import annotations

import base64
import io
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import anyio
import pytest

from aiobyte._cli import run
from aiobyte.testing._serve import DEFAULT_ORGANIZATION_ID

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def serving(*flags: str) -> AsyncIterator[dict[str, str]]:
    """The fake-server command in this event loop; what it printed, as ``KEY=value``."""
    out, err = io.StringIO(), io.StringIO()
    with anyio.fail_after(20):
        async with anyio.create_task_group() as tg:
            tg.start_soon(
                lambda: run(["fake-server", "--port", "0", *flags], stdout=out, stderr=err)
            )
            while "press Ctrl-C" not in out.getvalue():  # a StringIO has no event
                assert not err.getvalue(), err.getvalue()
                await anyio.sleep(0.01)
            printed = dict(
                line.strip().split("=", 1)
                for line in out.getvalue().splitlines()
                if line.startswith("  AIRBYTE_")
            )
            yield printed
            tg.cancel_scope.cancel()


async def token_answer(printed: dict[str, str], **kwargs: Any) -> tuple[int, Any]:
    credentials = {
        "client_id": printed["AIRBYTE_CLIENT_ID"],
        "client_secret": printed["AIRBYTE_CLIENT_SECRET"],
        "grant-type": "client_credentials",
    }
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
        url = f"{printed['AIRBYTE_API_URL']}/applications/token"
        options = kwargs or {"json": credentials}
        if "form" in kwargs:
            options = {"data": credentials}
        async with http.post(url, **options) as answer:
            body = await answer.read()
            return answer.status, json.loads(body) if body else None


async def get(printed: dict[str, str], path: str, **params: str) -> Any:
    _, answer = await token_answer(printed)
    headers = {"Authorization": f"Bearer {answer['access_token']}"}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
        url = printed["AIRBYTE_API_URL"] + path
        async with http.get(url, headers=headers, params=params) as response:
            assert response.status == 200, await response.text()
            return await response.json()


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=="))
    return decoded


async def test_the_defaults_print_what_to_start_from() -> None:
    async with serving("--workspaces", "2") as printed:
        workspaces = await get(printed, "/workspaces")
        assert printed["AIRBYTE_WORKSPACE_ID"] == workspaces["data"][0]["workspaceId"]
        assert printed["AIRBYTE_ORGANIZATION_ID"] == DEFAULT_ORGANIZATION_ID
        status, answer = await token_answer(printed)
        assert (status, answer["token_type"], answer["expires_in"]) == (200, "Bearer", 180)
        assert (await token_answer(printed, form=True))[0] == 200


async def test_a_default_organization_with_its_user_and_workspaces() -> None:
    async with serving("--workspaces", "2") as printed:
        organizations = await get(printed, "/organizations")
        assert [o["organizationId"] for o in organizations["data"]] == [DEFAULT_ORGANIZATION_ID]
        users = await get(printed, "/users", organizationId=DEFAULT_ORGANIZATION_ID)
        assert [u["name"] for u in users["data"]] == ["Default User"]
        permissions = await get(printed, "/permissions", organizationId=DEFAULT_ORGANIZATION_ID)
        assert [p["permissionType"] for p in permissions["data"]] == ["organization_admin"]
        regions = await get(printed, "/regions", organizationId=DEFAULT_ORGANIZATION_ID)
        assert regions == {"data": []}
        groups = await get(printed, "/groups", organizationId=DEFAULT_ORGANIZATION_ID)
        assert groups["data"] == []


async def test_the_self_managed_quirks() -> None:
    async with serving("--token-answer", "access_token_only") as printed:
        status, answer = await token_answer(printed)
        assert (status, set(answer)) == (200, {"access_token"})
    async with serving("--refuse-form-token-requests") as printed:
        assert (await token_answer(printed, form=True))[0] == 401
        assert (await token_answer(printed))[0] == 200
    async with serving("--token-lifetime", "60", "--token-expires-in", "900") as printed:
        _, answer = await token_answer(printed)
        assert answer["expires_in"] == 900  # the lie
        token = claims(answer["access_token"])
        assert token["exp"] - token["iat"] == 60  # the truth
    internal = "http://airbyte-server-svc:8001/api/public/v1"
    async with serving("--public-url", internal, "--workspaces", "1") as printed:
        page = await get(printed, "/sources", limit="2")
        assert page["next"].startswith(f"{internal}/sources?")


async def test_jobs_run_as_the_flags_say() -> None:
    flags = ("--job-queued", "0", "--job-duration", "0", "--job-outcome", "failed")
    async with serving(*flags, "--workspaces", "1") as printed:
        connections = await get(printed, "/connections")
        connection = connections["data"][0]["connectionId"]
        _, answer = await token_answer(printed)
        headers = {"Authorization": f"Bearer {answer['access_token']}"}
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            url = f"{printed['AIRBYTE_API_URL']}/jobs"
            body = {"connectionId": connection, "jobType": "sync"}
            async with http.post(url, json=body, headers=headers) as created:
                job = await created.json()
        assert (await get(printed, f"/jobs/{job['jobId']}"))["status"] == "failed"


async def fails(*flags: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    with anyio.fail_after(10):
        code = await run(["fake-server", *flags], stdout=out, stderr=err)
    assert code == 2
    assert out.getvalue() == ""
    lines = err.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in lines[0]
    return lines[0]


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (("--port", "abc"), "--port must be a number from 0 to 65535, got 'abc'"),
        (("--port", "70000"), "--port must be a number from 0 to 65535, got '70000'"),
        (("--port", "-1"), "--port must be a number from 0 to 65535"),
        (("--workspaces", "-1"), "--workspaces must be a number from 0 to 10000, got '-1'"),
        (("--workspaces", "2.5"), "--workspaces must be a whole number"),
        (("--token-lifetime", "0"), "--token-lifetime must be a number"),
        (("--public-url", "airbyte:8001"), "--public-url must be an http:// or https:// URL"),
        (("--job-duration", "soon"), "--job-duration must be a number of 0 or more"),
    ],
)
async def test_a_bad_option_is_one_line(flags: tuple[str, ...], says: str) -> None:
    assert says in await fails("--port", "0", *flags)


async def test_a_busy_port_is_one_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = await fails("--port", str(port))
    assert line == (
        f"aiobyte: error: port {port} on 127.0.0.1 is in use (an Airbyte, or another fake?): "
        "choose another with --port"
    )
