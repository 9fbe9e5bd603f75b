"""The README's main command: the demo runs end to end against the embedded fake."""

from __future__ import annotations

import io
import re

import pytest

from aiobyte._cli import main, run
from aiobyte._demo import run_demo

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
