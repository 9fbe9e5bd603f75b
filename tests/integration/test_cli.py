"""The ``aiobyte`` command line against a fake started in the test.

Most tests run it in-process (``aiobyte._cli.run``, in the test's event loop, with
its own stdout and stderr and, for jobs, the fake's ManualClock); a few run the real
console entry point as a subprocess. Every run checks that the client secret and the
token never appear in what it printed.
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio
import pytest

import aiobyte
from aiobyte._cli import run
from aiobyte.testing import FakeAirbyte, ManualClock, Seeded

pytestmark = pytest.mark.anyio


@dataclass
class Result:
    code: int
    out: str
    err: str

    def lines(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.out.splitlines()]


@dataclass
class Env:
    fake: FakeAirbyte
    seeded: Seeded
    clock: ManualClock

    def credentials(self) -> list[str]:
        fake = self.fake
        return [
            "--base-url",
            fake.base_url,
            "--client-id",
            fake.client_id,
            "--client-secret",
            fake.client_secret,
        ]

    async def cli(self, *argv: str, credentials: bool = True) -> Result:
        out, err = io.StringIO(), io.StringIO()
        args = [*(self.credentials() if credentials else []), *argv]
        with anyio.fail_after(10):
            code = await run(args, stdout=out, stderr=err, clock=self.clock)
        result = Result(code, out.getvalue(), err.getvalue())
        assert self.fake.client_secret not in result.out + result.err
        assert "Traceback" not in result.err
        return result


@pytest.fixture
async def env() -> AsyncIterator[Env]:
    clock = ManualClock()
    async with FakeAirbyte(clock=clock) as fake:
        seeded = fake.seed(workspaces=2, sources=3, destinations=1, connections=2, jobs=2)
        yield Env(fake, seeded, clock)


async def test_lists_print_json_lines_with_repeatable_filters(env: Env) -> None:
    ws = env.seeded.workspace_ids
    result = await env.cli("sources", "list", "--workspace-id", ws[0], "--workspace-id", ws[1])
    assert result.code == 0
    assert result.err == ""
    sources = result.lines()
    assert sorted(str(s["sourceId"]) for s in sources) == sorted(env.seeded.source_ids)
    assert "configuration" in sources[0]  # the API's own objects, field names as sent

    one = await env.cli("sources", "list", "--workspace-id", ws[1], "--limit", "2")
    assert [s["workspaceId"] for s in one.lines()] == [ws[1], ws[1]]

    jobs = await env.cli(
        "jobs", "list", "--connection-id", env.seeded.connection_ids[0], "--order-by",
        "createdAt|DESC",
    )  # fmt: skip
    assert [j["jobId"] for j in jobs.lines()] == sorted(env.seeded.job_ids[:2], reverse=True)


async def test_every_resource_with_list_or_get_has_commands(env: Env) -> None:
    async with env.fake.client() as client:
        names = [
            name
            for name in dir(client)
            if not name.startswith("_")
            and any(callable(getattr(getattr(client, name), v, None)) for v in ("list", "get"))
        ]
    assert {"workspaces", "sources", "destinations", "connections", "jobs"} <= set(names)
    for name in names:
        command = name.replace("_", "-")
        result = await env.cli(command, "--help", credentials=False)
        assert result.code == 0, name
        verbs = [v for v in ("list", "get") if callable(getattr(getattr(client, name), v, None))]
        for verb in verbs:
            assert verb in result.out, (name, verb)

    workspaces = await env.cli("workspaces", "list")
    assert [w["workspaceId"] for w in workspaces.lines()] == env.seeded.workspace_ids
    connections = await env.cli(
        "connections", "list", "--workspace-id", env.seeded.workspace_ids[0]
    )
    assert len(connections.lines()) == 2


async def test_get_prints_one_object_and_options_go_before_or_after(env: Env) -> None:
    source_id = env.seeded.source_ids[0]
    result = await env.cli("sources", "get", source_id)
    assert result.code == 0
    assert [s["sourceId"] for s in result.lines()] == [source_id]

    fake = env.fake
    after = await env.cli(
        "jobs", "get", str(env.seeded.job_ids[0]), "--base-url", fake.base_url,
        "--client-id", fake.client_id, "--client-secret", fake.client_secret,
        credentials=False,
    )  # fmt: skip
    assert after.code == 0
    assert after.lines()[0]["jobId"] == env.seeded.job_ids[0]


async def test_tables_for_people(env: Env) -> None:
    ws = env.seeded.workspace_ids[0]
    result = await env.cli("--format", "table", "sources", "list", "--workspace-id", ws)
    assert result.code == 0
    header, *rows = result.out.splitlines()
    assert header.split()[:2] == ["sourceId", "name"]
    assert len(rows) == 3
    one = await env.cli("--format", "table", "workspaces", "get", ws)
    assert json.loads(one.out)["workspaceId"] == ws  # one object: indented JSON
    assert one.out.count("\n") > 3


async def test_credentials_from_the_environment(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRBYTE_API_URL", env.fake.base_url)
    monkeypatch.setenv("AIRBYTE_CLIENT_ID", env.fake.client_id)
    monkeypatch.setenv("AIRBYTE_CLIENT_SECRET", env.fake.client_secret)
    result = await env.cli("workspaces", "list", credentials=False)
    assert result.code == 0
    assert len(result.lines()) == 2

    monkeypatch.delenv("AIRBYTE_CLIENT_ID")
    monkeypatch.delenv("AIRBYTE_CLIENT_SECRET")
    token = env.fake.issue_token(3600)
    monkeypatch.setenv("AIRBYTE_TOKEN", token)
    with_token = await env.cli("workspaces", "list", credentials=False)
    assert with_token.code == 0
    assert token not in with_token.out + with_token.err


async def test_health_needs_no_credentials(env: Env) -> None:
    result = await env.cli("health", "--base-url", env.fake.base_url, credentials=False)
    assert result.code == 0
    assert result.lines() == [{"healthy": True, "baseUrl": env.fake.base_url}]


@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (["sources", "get", "5f1c1b3e-0000-4000-8000-000000000001"], 4, "404"),
        (["sources", "get", "not-a-uuid"], 2, "SOURCE_ID must be a UUID"),
        (["jobs", "run", "5f1c1b3e-0000-4000-8000-000000000001"], 4, "404"),
        (["sources", "list", "--page-size", "500"], 2, "--page-size must be between"),
        (["sources", "list", "--workspace-id", "x"], 2, "--workspace-id must be a UUID"),
        (["jobs", "list", "--order-by", "createdAt"], 2, "--order-by must be"),
    ],
)
async def test_errors_are_one_line_with_a_meaningful_exit_code(
    env: Env, argv: list[str], code: int, says: str
) -> None:
    result = await env.cli(*argv)
    assert result.code == code
    assert result.out == ""
    assert result.err.count("\n") == 1
    assert result.err.startswith("aiobyte: error: ")
    assert says in result.err


async def test_wrong_or_missing_credentials(env: Env) -> None:
    fake = env.fake
    wrong_secret = "wrong-" + fake.client_secret[:20]
    wrong = await env.cli(
        "--base-url", fake.base_url, "--client-id", fake.client_id,
        "--client-secret", wrong_secret, "workspaces", "list",
        credentials=False,
    )  # fmt: skip
    assert wrong.code == 4
    assert "401" in wrong.err
    assert wrong_secret not in wrong.out + wrong.err
    assert wrong.err.count("\n") == 1

    missing = await env.cli("--base-url", fake.base_url, "workspaces", "list", credentials=False)
    assert missing.code == 2
    assert "no credentials" in missing.err
    assert "AIRBYTE_CLIENT_ID" in missing.err
    assert "--client-id" in missing.err
    assert "client_id" not in missing.err

    unusable = await env.cli("--base-url", "ftp://example.invalid", "workspaces", "list")
    assert unusable.code == 2
    assert "--base-url must" in unusable.err


async def test_usage_errors_and_help(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    assert (await env.cli("sources", "frobnicate")).code == 2
    assert (await env.cli("jobs", "get", "twelve")).code == 2
    helped = await env.cli("--help", credentials=False)
    assert helped.code == 0
    for text in ("exit codes:", "AIRBYTE_CLIENT_SECRET", "jobs", "health", "demo"):
        assert text in helped.out
    run_help = await env.cli("jobs", "run", "--help", credentials=False)
    assert "--wait" in run_help.out
    assert "3    gave up waiting" in run_help.out


async def test_debug_shows_the_traceback(env: Env) -> None:
    with pytest.raises(aiobyte.NotFoundError):
        await run(
            [*env.credentials(), "--debug", "jobs", "get", "999"],
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )


@pytest.mark.parametrize(("outcome", "code"), [("succeeded", 0), ("failed", 1), ("cancelled", 1)])
async def test_jobs_run_wait_shows_progress_and_tells_the_outcome(
    env: Env, outcome: str, code: int
) -> None:
    connection_id = env.seeded.connection_ids[0]
    env.fake.plan_jobs(connection_id, queued_for=4, duration=30, outcome=outcome)
    result = await env.cli("jobs", "run", connection_id, "--wait", "--timeout", "600")
    assert result.code == code
    [job] = result.lines()
    assert job["status"] == outcome
    progress = result.err.splitlines()
    assert progress[0].startswith(f"job {job['jobId']} pending ")
    assert any(" running " in line for line in progress)
    assert progress[-1].split()[2] == outcome
    assert progress[-1].split()[3] == "0:00:34"  # elapsed, on the fake's clock
    if outcome == "succeeded":
        assert "30,000 rows" in progress[-1]
        assert "6.0 MB" in progress[-1]


async def test_jobs_run_timeout_has_its_own_exit_code(env: Env) -> None:
    connection_id = env.seeded.connection_ids[0]
    env.fake.plan_jobs(connection_id, queued_for=0, duration=3600)
    result = await env.cli("jobs", "run", connection_id, "--wait", "--timeout", "60")
    assert result.code == 3
    assert result.out == ""
    last = result.err.splitlines()[-1]
    assert "did not finish within 60 s" in last
    assert "aiobyte jobs cancel" in last

    job_id = int(last.rsplit(" ", 1)[1].rstrip(")"))
    cancelled = await env.cli("jobs", "cancel", str(job_id))
    assert cancelled.code == 0
    assert cancelled.lines()[0]["status"] == "cancelled"
    waited = await env.cli("jobs", "wait", str(job_id))
    assert waited.code == 1


async def test_jobs_run_without_wait_prints_the_new_job(env: Env) -> None:
    connection_id = env.seeded.connection_ids[1]
    result = await env.cli("jobs", "run", connection_id, "--job-type", "reset")
    assert result.code == 0
    [job] = result.lines()
    assert job["jobType"] == "reset"
    assert job["status"] == "pending"
    again = await env.cli("jobs", "run", connection_id)
    assert again.code == 4
    assert "409" in again.err


async def _subprocess(env: Env, *argv: str) -> Result:
    environment = {
        **os.environ,
        "AIRBYTE_API_URL": env.fake.base_url,
        "AIRBYTE_CLIENT_ID": env.fake.client_id,
        "AIRBYTE_CLIENT_SECRET": env.fake.client_secret,
    }
    with anyio.fail_after(30):
        done = await anyio.run_process(
            [sys.executable, "-m", "aiobyte", *argv], env=environment, check=False
        )
    result = Result(done.returncode, done.stdout.decode(), done.stderr.decode())
    assert env.fake.client_secret not in result.out + result.err
    assert "Traceback" not in result.err
    return result


async def test_the_console_entry_point(env: Env) -> None:
    listed = await _subprocess(env, "sources", "list")  # stdout is a pipe: JSON lines
    assert listed.code == 0
    assert len(listed.lines()) == len(env.seeded.source_ids)

    missing = await _subprocess(env, "workspaces", "get", "5f1c1b3e-0000-4000-8000-000000000001")
    assert missing.code == 4
    assert missing.err.count("\n") == 1
    assert missing.err.startswith("aiobyte: error: GET ")


async def test_a_secret_that_starts_with_a_dash(env: Env) -> None:
    env.fake.client_secret = "-" + env.fake.client_secret
    result = await env.cli("workspaces", "list")
    assert result.code == 0
    assert len(result.lines()) == 2


async def test_fake_server_serves_until_cancelled() -> None:
    out = io.StringIO()
    with anyio.fail_after(10):
        async with anyio.create_task_group() as tg:
            tg.start_soon(
                lambda: run(["fake-server", "--port", "0", "--workspaces", "2"], stdout=out)
            )
            while "press Ctrl-C" not in out.getvalue():  # noqa: ASYNC110 (a StringIO has no event)
                await anyio.sleep(0.01)
            printed = dict(
                line.strip().split("=", 1) for line in out.getvalue().splitlines() if "=" in line
            )
            listed = io.StringIO()
            code = await run(
                [
                    "--base-url", printed["AIRBYTE_API_URL"],
                    "--client-id", printed["AIRBYTE_CLIENT_ID"],
                    "--client-secret", printed["AIRBYTE_CLIENT_SECRET"],
                    "workspaces", "list",
                ],
                stdout=listed,
            )  # fmt: skip
            tg.cancel_scope.cancel()
    assert code == 0
    assert len(listed.getvalue().splitlines()) == 2
    assert printed["AIRBYTE_API_URL"].endswith("/api/public/v1")
