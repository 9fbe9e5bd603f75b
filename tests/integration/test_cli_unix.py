"""The command line as a Unix tool: pipes, Ctrl-C and SIGTERM, help, version, flags,
hostile text.

The CLI runs as a real process (``python -m aiobyte``) against a fake served by the
test's own event loop on 127.0.0.1; help and flag checks run in-process.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator

import anyio
import pytest
from anyio.abc import Process

import aiobyte
from aiobyte._cli import run
from aiobyte.testing import FakeAirbyte, ManualClock

pytestmark = pytest.mark.anyio


@pytest.fixture
async def fake() -> AsyncIterator[FakeAirbyte]:
    async with FakeAirbyte(clock=ManualClock()) as fake:
        fake.seed(workspaces=1, sources=2, destinations=1, connections=1, jobs=0)
        yield fake


def environment(fake: FakeAirbyte) -> dict[str, str]:
    return {
        **os.environ,
        "AIRBYTE_API_URL": fake.base_url,
        "AIRBYTE_CLIENT_ID": fake.client_id,
        "AIRBYTE_CLIENT_SECRET": fake.client_secret,
        "PYTHONUNBUFFERED": "1",
    }


async def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with anyio.fail_after(10):
        code = await run(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


async def read_until(process: Process, text: str, *, limit: float = 20) -> str:
    """stderr of the process until ``text`` shows up in it."""
    assert process.stderr is not None
    seen = b""
    with anyio.fail_after(limit):
        while text.encode() not in seen:
            seen += await process.stderr.receive()
    return seen.decode()


async def finish(process: Process) -> tuple[int, str]:
    """Wait for the process; its exit code and what else it wrote on stderr."""
    assert process.stderr is not None
    rest = b""
    with anyio.fail_after(20):
        async for chunk in process.stderr:
            rest += chunk
        code = await process.wait()
    return code, rest.decode()


async def test_a_closed_pipe_ends_quietly(fake: FakeAirbyte) -> None:
    """``aiobyte sources list | head -1``: no traceback, SIGPIPE's exit status."""
    [workspace] = fake.state.workspaces.ids()
    fake.add_sources(workspace, 3000)  # far more than a pipe's buffer holds

    def head_1() -> tuple[bytes, bytes, int]:
        # Plain blocking pipes in a thread (the fake answers on the event loop): the
        # read end must really be closed, as head closes it after its line.
        with subprocess.Popen(
            [sys.executable, "-m", "aiobyte", "sources", "list"],
            env=environment(fake),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as process:
            assert process.stdout is not None
            assert process.stderr is not None
            line = process.stdout.readline()
            process.stdout.close()
            err = process.stderr.read()
            return line, err, process.wait(timeout=20)

    with anyio.fail_after(30):
        line, err, code = await anyio.to_thread.run_sync(head_1)
    assert json.loads(line)["sourceId"]
    assert err == b""
    assert code == 141
    assert fake.stats.hits["GET /sources"] < 30  # it stopped, it did not list everything


# The signals that stop the CLI as Ctrl-C does, the exit code (128 + the signal's
# number) and the last line: SIGTERM is what a container's stop or an orchestrator sends.
STOPS = pytest.mark.parametrize(
    ("signum", "exit_code", "last_line"),
    [
        (signal.SIGINT, 130, "aiobyte: interrupted"),
        (signal.SIGTERM, 143, "aiobyte: terminated (SIGTERM)"),
    ],
    ids=["SIGINT", "SIGTERM"],
)


async def _run_and_interrupt(
    fake: FakeAirbyte, signum: signal.Signals, *flags: str
) -> tuple[int, str, int]:
    [connection] = fake.state.connections.ids()
    fake.plan_jobs(connection, queued_for=10, duration=3600)  # a ManualClock: never ends
    process = await anyio.open_process(
        [sys.executable, "-m", "aiobyte", "jobs", "run", connection, "--wait", *flags],
        env=environment(fake),
    )
    async with process:
        shown = await read_until(process, " pending ")
        job_id = int(shown.split()[1])
        process.send_signal(signum)
        code, err = await finish(process)
    assert fake.client_secret not in shown + err
    assert "Traceback" not in err
    return code, err, job_id


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals to a child process")
@STOPS
async def test_a_stop_during_jobs_run_wait_says_the_job_goes_on(
    fake: FakeAirbyte, signum: signal.Signals, exit_code: int, last_line: str
) -> None:
    code, err, job_id = await _run_and_interrupt(fake, signum)
    assert code == exit_code
    assert f"job {job_id} goes on running on the server" in err
    assert f"aiobyte jobs cancel {job_id}" in err
    assert err.rstrip().endswith(last_line)
    assert fake.stats.hits.get("DELETE /jobs/{jobId}", 0) == 0
    async with fake.client() as client:
        assert (await client.jobs.get(job_id)).status.value == "pending"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals to a child process")
@STOPS
async def test_a_stop_with_cancel_on_interrupt_cancels_the_job(
    fake: FakeAirbyte, signum: signal.Signals, exit_code: int, last_line: str
) -> None:
    code, err, job_id = await _run_and_interrupt(fake, signum, "--cancel-on-interrupt")
    assert code == exit_code
    assert f"aiobyte: cancelled job {job_id} (cancelled)" in err
    assert err.rstrip().endswith(last_line)
    assert fake.stats.hits["DELETE /jobs/{jobId}"] == 1
    async with fake.client() as client:
        assert (await client.jobs.get(job_id)).status.value == "cancelled"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals to a child process")
@STOPS
async def test_a_stop_while_the_job_is_being_started(
    fake: FakeAirbyte, signum: signal.Signals, exit_code: int, last_line: str
) -> None:
    """Stopped while POST /jobs is in flight: its answer is still awaited, and the job
    it started is cancelled (with the flag), not left running unknown."""
    [connection] = fake.state.connections.ids()
    fake.plan_jobs(connection, queued_for=10, duration=3600)
    fake.faults.inject("POST /jobs", latency=1.0)
    process = await anyio.open_process(
        [
            sys.executable,
            "-m",
            "aiobyte",
            "jobs",
            "run",
            connection,
            "--wait",
            "--cancel-on-interrupt",
        ],
        env=environment(fake),
    )
    async with process:
        with anyio.fail_after(20):
            while not fake.stats.hits.get("POST /jobs"):  # noqa: ASYNC110 (no event to wait on)
                await anyio.sleep(0.01)
        process.send_signal(signum)
        code, err = await finish(process)
    assert code == exit_code
    async with fake.client() as client:
        [job] = await client.jobs.list(connection_id=connection).to_list()
    assert job.status.value == "cancelled"
    assert f"cancelled job {job.job_id}" in err
    assert err.rstrip().endswith(last_line)
    assert "Traceback" not in err


async def _help_texts() -> dict[str, str]:
    """The help of every command and verb, by command line."""
    texts: dict[str, str] = {}
    code, top, _ = await cli("--help")
    assert code == 0
    texts["aiobyte"] = top
    commands = top.split("positional arguments:")[1].split("options:")[0]
    for line in commands.splitlines():
        words = line.split()
        if len(line) - len(line.lstrip()) == 4 and words and words[0] != "COMMAND":
            code, text, _ = await cli(words[0], "--help")
            assert code == 0, words[0]
            texts[words[0]] = text
            if "VERB" not in text:
                continue
            verbs = text.split("positional arguments:")[1].split("options:")[0]
            for verb_line in verbs.splitlines():
                verb = verb_line.split()
                if len(verb_line) - len(verb_line.lstrip()) == 4 and verb and verb[0] != "VERB":
                    code, verb_help, _ = await cli(words[0], verb[0], "--help")
                    assert code == 0, (words[0], verb[0])
                    texts[f"{words[0]} {verb[0]}"] = verb_help
    return texts


async def test_help_lists_only_what_exists_and_speaks_in_flags() -> None:
    texts = await _help_texts()
    assert {"sources list", "sources get", "jobs run", "jobs wait", "jobs cancel"} <= set(texts)
    for name in ("create", "update", "replace", "delete", "watch", "initiate_oauth"):
        assert name not in texts["sources"], name
        assert name not in texts["jobs"], name
    for command, text in texts.items():
        for python in ("``", '="', "=None", "_ids[", "client_id=", "Raises"):
            assert python not in text, (command, python)
    assert "--cancel-on-interrupt" in texts["jobs run"]
    assert "130" in texts["aiobyte"]
    assert "143" in texts["aiobyte"]
    assert "--basic-auth" in texts["aiobyte"]


async def test_version() -> None:
    code, out, _ = await cli("--version")
    assert code == 0
    assert out.strip() == f"aiobyte {aiobyte.__version__}"


async def test_job_types_are_those_the_api_accepts(fake: FakeAirbyte) -> None:
    [connection] = fake.state.connections.ids()
    base = ["--base-url", fake.base_url, "--client-id", fake.client_id]
    base += ["--client-secret", fake.client_secret]
    code, _, err = await cli(*base, "jobs", "run", connection, "--job-type", "refresh")
    assert code == 2  # refused before any request: the public API answers 422
    assert "invalid choice: 'refresh'" in err
    assert fake.stats.hits.get("POST /jobs", 0) == 0
    code, out, _ = await cli(*base, "jobs", "run", connection, "--job-type", "clear")
    assert code == 0
    assert json.loads(out)["jobType"] == "clear"
    code, out, _ = await cli(*base, "jobs", "list", "--job-type", "clear")
    assert code == 0
    assert [job["jobType"] for job in map(json.loads, out.splitlines())] == ["clear"]
    code, _, err = await cli(*base, "jobs", "list", "--status", "paused")
    assert code == 2
    assert "invalid choice" in err


async def test_http_basic(fake: FakeAirbyte, monkeypatch: pytest.MonkeyPatch) -> None:
    username, password = fake.basic_auth or ("", "")
    code, out, err = await cli(
        "--base-url", fake.base_url, "--basic-auth", f"{username}:{password}", "workspaces", "list"
    )
    assert code == 0, err
    assert len(out.splitlines()) == 1
    assert fake.stats.token_requests == 0

    code, _, err = await cli(
        "--base-url", fake.base_url, "--basic-auth", f"{username}:wrong", "workspaces", "list"
    )
    assert code == 4
    assert "401" in err
    assert "wrong" not in err

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # no terminal to ask on
    code, _, err = await cli("--base-url", fake.base_url, "--basic-auth", username, "health")
    assert code == 2
    assert "--basic-auth USER:PASSWORD" in err


async def test_text_from_the_server_cannot_drive_the_terminal(fake: FakeAirbyte) -> None:
    [workspace] = fake.state.workspaces.ids()
    hostile = "evil\x1b[2J\x1b]0;pwned\x07\r\u202egnp.exe\x9b31m"
    fake.add_source(workspace, name=hostile)
    base = ["--base-url", fake.base_url, "--client-id", fake.client_id]
    base += ["--client-secret", fake.client_secret]

    code, table, _ = await cli(*base, "--format", "table", "sources", "list")
    assert code == 0
    assert "evil\\x1b[2J\\x1b]0;pwned\\x07\\x0d" in table  # (the cell is cut at 40)
    code, lines, _ = await cli(*base, "sources", "list")
    names = [json.loads(line)["name"] for line in lines.splitlines()]
    assert hostile in names  # JSON keeps the value exactly, escaped
    for text in (table, lines):
        assert not any(c in text for c in "\x1b\x07\r\u202e\x9b")

    fake.faults.inject("GET /workspaces", status=400, body={"detail": "no\x1b[31m\rway"})
    code, _, err = await cli(*base, "workspaces", "list")
    assert code == 4
    assert "no\\x1b[31m\\x0dway" in err
    assert "\x1b" not in err
    assert "\r" not in err
