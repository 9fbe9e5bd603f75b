"""The README's main command: the demo runs end to end against the embedded fake."""

from __future__ import annotations

import io
import re

import pytest

from aiobyte._cli import main
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
    with pytest.raises(SystemExit) as caught:
        main([])
    assert caught.value.code == 2
    assert "demo" in capsys.readouterr().err
