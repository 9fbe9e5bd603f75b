"""The README's main command: the demo runs end to end against the embedded fake, and
says what it did, why some syncs failed, the code behind it and what to try next."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import textwrap

import pytest

from aiobyte._cli import main, run
from aiobyte._demo import CODE, run_demo
from aiobyte.testing import FakeAirbyte, ManualClock

pytestmark = pytest.mark.anyio


async def test_demo_runs_and_reports_what_it_did() -> None:
    out = io.StringIO()
    assert await run_demo(workspaces=3, fast=True, out=out) == 0
    text = out.getvalue()
    assert "listed 3 workspaces" in text
    assert "36 sources, 9 destinations, 12 connections" in text
    synced = re.search(r"ran 12 syncs at once: (.*); ([\d,]+) rows", text)
    assert synced is not None
    outcomes = dict((s, int(n)) for n, s in re.findall(r"(\d+) (\w+)", synced.group(1)))
    assert sum(outcomes.values()) == 12
    assert set(outcomes) <= {"succeeded", "failed", "cancelled"}
    assert "1 token request" in text

    # The failures are explained as planned, and the numbers agree with what happened.
    planned = re.search(r"on purpose: the fake was told to fail (\d+) and cancel (\d+)", text)
    assert planned is not None
    assert int(planned.group(1)) == outcomes.get("failed", 0)
    assert int(planned.group(2)) == outcomes.get("cancelled", 0)
    # The code behind it, as printed, and what to try next.
    assert textwrap.indent(CODE, "    ") in text
    assert "aiobyte fake-server" in text.split("Next:")[1]


async def test_the_code_the_demo_shows_runs() -> None:
    namespace: dict[str, object] = {}
    exec(compile(CODE, "<the demo's code>", "exec"), namespace)
    async with FakeAirbyte(clock=ManualClock()) as fake:
        seeded = fake.seed(workspaces=2, connections=2, jobs=0)
        fake.plan_jobs(None, queued_for=1, duration=30)
        async with fake.client() as client:
            await namespace["main"](client, seeded.workspace_ids)  # type: ignore[operator]  # the demo's main, from exec
        assert fake.stats.hits["POST /jobs"] == 4
        async with fake.client() as client:
            jobs = await client.jobs.list().to_list()
        assert {job.status.value for job in jobs} == {"succeeded"}


def test_command_line_needs_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "demo" in capsys.readouterr().err


async def test_demo_through_the_command_line() -> None:
    out = io.StringIO()
    assert await run(["demo", "--workspaces", "2", "--fast"], stdout=out) == 0
    assert (
        "fanned out over 2 workspaces: 24 sources, 6 destinations, 8 connections" in out.getvalue()
    )
    assert "6 listings, at most 8 at once; 0 failed" in out.getvalue()


@pytest.mark.parametrize("count", ["0", "many"])
def test_degenerate_workspace_counts_are_refused_in_one_line(count: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "aiobyte", "demo", "--workspaces", count],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert "argument --workspaces:" in done.stderr.splitlines()[-1]


async def test_run_demo_refuses_no_workspaces() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        await run_demo(workspaces=0)
