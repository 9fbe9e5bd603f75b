"""Importing aiobyte stays cheap: aiohttp, the resources and the models load on first use."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import anyio
import anyio.abc
import pytest

import aiobyte
from aiobyte.testing import FakeAirbyte


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


# What a fresh process holds: a heavy module must not sneak back into ``import aiobyte``
# or the construction of a client (the cold start of issue 16), and each loads when used.
_LOADED = (
    "import json, sys\n"
    "def loaded():\n"
    "    heavy = ('aiohttp', 'anyio', 'sniffio', 'aiobyte.resources', 'aiobyte._fanout',\n"
    "             'aiobyte._pagination', 'aiobyte.models._generated')\n"
    "    return sorted(m for m in sys.modules if m.startswith(heavy))\n"
)


def _run(code: str, *args: str) -> list[list[str]]:
    """Run ``code`` in a fresh process; each ``print(json.dumps(loaded()))`` it made."""
    done = subprocess.run(
        [sys.executable, "-c", _LOADED + code, *args],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_import_and_a_client_load_no_resource_model_or_transport_library() -> None:
    code = (
        "import aiobyte\n"
        "client = aiobyte.AirbyteClient('http://127.0.0.1:9/v1', token='t')\n"
        "view = client.with_options(timeout=5)\n"
        "print(json.dumps(loaded()))\n"
        "client.sources, view.jobs\n"
        "print(json.dumps(loaded()))\n"
    )
    constructed, used = _run(code)
    assert constructed == []
    for module in ("aiobyte.resources.sources", "aiobyte.resources.jobs"):
        assert module in used
    assert "aiobyte.resources.tags" not in used  # only what was used
    assert "aiobyte.models._generated" in used  # the resources' models
    assert "aiohttp" not in used
    assert "anyio" not in used


def test_the_lazy_names_load_on_first_use_and_are_the_real_ones() -> None:
    code = (
        "import aiobyte, aiobyte.models\n"
        "print(json.dumps(loaded()))\n"
        "from aiobyte import fan_out, Pager, JobSummary\n"
        "from aiobyte.models import Job\n"
        "import aiobyte._fanout, aiobyte._pagination, aiobyte.resources.jobs\n"
        "assert fan_out is aiobyte._fanout.fan_out and Pager is aiobyte._pagination.Pager\n"
        "assert JobSummary is aiobyte.resources.jobs.JobSummary\n"
        "assert Job is aiobyte.models._generated.Job is aiobyte.models.Job\n"
        "print(json.dumps(loaded()))\n"
    )
    before, after = _run(code)
    assert before == []
    for module in ("aiobyte._fanout", "aiobyte._pagination", "aiobyte.models._generated"):
        assert module in after
    assert "anyio" not in after  # fan_out takes anyio when it runs, not when imported


def test_every_public_name_is_there_and_listed() -> None:
    import aiobyte.models

    for module in (aiobyte, aiobyte.models):
        for name in module.__all__:
            assert getattr(module, name) is not None, name
        assert set(module.__all__) <= set(dir(module))
    assert {"Job", "Source", "JobStatus", "UNSET", "OpenEnum"} <= set(aiobyte.models.__all__)
    with pytest.raises(AttributeError):
        aiobyte.NoSuchName  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(AttributeError):
        aiobyte.models.NoSuchModel  # type: ignore[attr-defined]  # noqa: B018
    star: dict[str, object] = {}
    exec("from aiobyte.models import *", star)
    assert set(aiobyte.models.__all__) <= set(star)


@pytest.mark.anyio
async def test_a_first_request_loads_the_transport_and_its_resource_only(
    fake: FakeAirbyte,
) -> None:
    workspace = fake.add_workspace()["workspaceId"]
    source_id = fake.add_sources(workspace, 1)[0]
    code = (
        "import asyncio, aiobyte\n"
        "async def first():\n"
        "    async with aiobyte.AirbyteClient(sys.argv[1], token=sys.argv[2]) as client:\n"
        "        source = await client.sources.get(sys.argv[3])\n"
        "        print(json.dumps(loaded()))\n"
        "        assert source.source_id == sys.argv[3]\n"
        "asyncio.run(first())\n"
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _LOADED + code, fake.base_url, fake.issue_token(3600), source_id,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    with anyio.fail_after(60):
        out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    (loaded,) = [json.loads(line) for line in out.decode().splitlines()]
    assert "aiohttp" in loaded
    assert "aiobyte.resources.sources" in loaded
    unused = {"aiobyte._fanout", "aiobyte.resources.jobs", "aiobyte.resources.tags", "anyio"}
    assert unused.isdisjoint(loaded)
