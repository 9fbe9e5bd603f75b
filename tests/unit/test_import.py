"""Importing aiobyte stays cheap: aiohttp (most of the import time) loads on first use."""

from __future__ import annotations

import subprocess
import sys

import anyio
import anyio.abc
import pytest

import aiobyte


def test_import_does_not_load_aiohttp() -> None:
    code = (
        "import sys, aiobyte\n"
        "client = aiobyte.AirbyteClient('http://127.0.0.1:9/v1', token='t')\n"
        "print('aiohttp' in sys.modules)\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert shown.stdout.strip() == "False"


def test_the_version_has_one_source() -> None:
    # pyproject.toml reads it from aiobyte/_version.py: the installed metadata agrees
    import importlib.metadata

    assert importlib.metadata.version("aiobyte") == aiobyte.__version__


@pytest.mark.anyio
async def test_the_user_agent_names_the_version() -> None:
    seen: list[bytes] = []

    async def answer(stream: anyio.abc.SocketStream) -> None:
        async with stream:
            head = b""
            while b"\r\n\r\n" not in head:
                head += await stream.receive()
            seen.append(head)
            await stream.send(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    with anyio.fail_after(10):
        async with listener, anyio.create_task_group() as tg:
            tg.start_soon(listener.serve, answer)
            async with aiobyte.AirbyteClient(f"http://127.0.0.1:{port}/v1", token="t") as client:
                assert await client.health.check() is True
            tg.cancel_scope.cancel()
    assert f"user-agent: aiobyte/{aiobyte.__version__} ".encode() in seen[0].lower()
