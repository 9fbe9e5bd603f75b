"""``aiobyte fake-server`` as a user runs it: a process of its own, found by what it prints.

The server is started with ``python -m aiobyte fake-server --port 0`` (an ephemeral port,
so tests never collide with a real install on 8000), its printed bearer token is used
with plain aiohttp, as ``curl`` would, and it must stop cleanly on SIGINT and SIGTERM.
Every wait is bounded and the process is killed if a test fails half-way.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
import anyio
import pytest
from anyio.abc import Process
from anyio.streams.text import TextReceiveStream

from aiobyte._cli import _parser

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
]


@dataclass
class Served:
    process: Process
    banner: str
    base_url: str
    token: str
    client_id: str
    client_secret: str


async def read_until(stream: TextReceiveStream, text: str, seen: str = "") -> str:
    with anyio.fail_after(20):
        while text not in seen:
            seen += await stream.receive()
    return seen


@asynccontextmanager
async def fake_server(*arguments: str) -> AsyncIterator[Served]:
    command = [sys.executable, "-m", "aiobyte", "fake-server", "--port", "0", *arguments]
    process = await anyio.open_process(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout is not None
        banner = await read_until(TextReceiveStream(process.stdout), "press Ctrl-C to stop\n")
        printed = dict(
            line.strip().split("=", 1) for line in banner.splitlines() if line.startswith("  AIR")
        )
        token = banner.split("Authorization: Bearer ", 1)[1].split("'", 1)[0]
        yield Served(
            process,
            banner,
            printed["AIRBYTE_API_URL"],
            token,
            printed["AIRBYTE_CLIENT_ID"],
            printed["AIRBYTE_CLIENT_SECRET"],
        )
    finally:
        if process.returncode is None:
            process.kill()
        with anyio.fail_after(10):
            await process.aclose()


async def stop(served: Served, signum: int) -> tuple[int, str, str]:
    """Send ``signum``; the exit code and the rest of stdout and stderr."""
    process = served.process
    assert process.stdout is not None
    assert process.stderr is not None
    process.send_signal(signal.Signals(signum))
    out, err = "", ""
    with anyio.fail_after(10):
        async for chunk in TextReceiveStream(process.stdout):
            out += chunk
        async for chunk in TextReceiveStream(process.stderr):
            err += chunk
        code = await process.wait()
    return code, out, err


def test_defaults_are_a_local_self_managed_install() -> None:
    args = _parser().parse_args(["fake-server"])
    assert (args.port, args.path_prefix) == ("8000", "/api/public/v1")  # checked by serve()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
async def test_serves_with_the_printed_credentials_and_stops_cleanly(signum: int) -> None:
    async with fake_server("--workspaces", "2") as served:
        assert served.base_url.startswith("http://127.0.0.1:")
        assert served.base_url.endswith("/api/public/v1")
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            headers = {"Authorization": f"Bearer {served.token}"}
            async with http.get(f"{served.base_url}/sources", headers=headers) as answer:
                assert answer.status == 200
                page = await answer.json()
            assert len(page["data"]) == 8  # two workspaces of four sources
            assert page["next"].startswith(served.base_url)
            credentials = {
                "client_id": served.client_id,
                "client_secret": served.client_secret,
                "grant-type": "client_credentials",
            }
            async with http.post(
                f"{served.base_url}/applications/token", json=credentials
            ) as answer:
                assert answer.status == 200
                assert (await answer.json())["token_type"] == "Bearer"
            async with http.get(served.base_url.rsplit("/api/", 1)[0] + "/_fake/stats") as answer:
                assert (await answer.json())["hits"]["GET /sources"] == 1

        code, out, err = await stop(served, signum)
    assert code == 0, err
    assert f"stopped ({signal.Signals(signum).name})" in out
    assert "Traceback" not in err
