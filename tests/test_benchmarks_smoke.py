"""The benchmarks run (``benchmarks/run.py --quick``) and report every scenario.

This checks that they run and what they write, never how fast anything is.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {
    "a_list_sources": {"wall_s"},
    "b_get_sources": {"throughput"},
    "c_cold_token": {"token_requests", "first_s", "last_s", "lag_ms"},
    "c_cold_token_wide": {"token_requests", "last_s", "lag_ms"},
}


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONIOENCODING": "utf-8"}


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def test_quick_benchmark_runs_and_reports_every_scenario(tmp_path: Path) -> None:
    output = tmp_path / "quick.json"
    done = subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            str(ROOT / "benchmarks" / "run.py"),
            "--quick",
            "--markdown",
            "--output",
            str(output),
        ],
        cwd=tmp_path,  # nothing depends on the working directory
        capture_output=True,
        encoding="utf-8",
        env=_environment(),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "| scenario |" in done.stdout

    report = json.loads(output.read_text())
    assert report["date"].endswith("Z")
    assert report["settings"]["quick"] is True
    machine = report["machine"]
    assert machine["cpu_count"] >= 1
    for key in ("platform", "python", "aiohttp", "msgspec"):
        assert machine[key]

    assert set(report["scenarios"]) == set(SCENARIOS)
    for name, metrics in SCENARIOS.items():
        measured = report["scenarios"][name]["metrics"]
        assert set(measured) == metrics, name
        for key, entry in measured.items():
            for side in ("raw", "aiobyte"):
                summary = entry[side]
                for stat in ("median", "min", "max"):
                    assert _number(summary[stat]), (name, key, side, stat)
                assert summary["runs"], (name, key, side)
                assert all(_number(value) for value in summary["runs"])
            assert entry["met"] in (True, False, None)

    assert len(report["table"]) == sum(len(metrics) for metrics in SCENARIOS.values())

    # What is counted rather than timed must be exact, whatever the machine.
    cold = report["scenarios"]["c_cold_token"]["metrics"]["token_requests"]
    concurrent = report["settings"]["concurrent"]
    assert cold["aiobyte"]["runs"] == [1] * len(cold["aiobyte"]["runs"])
    assert cold["raw"]["median"] == concurrent  # the naive cache: one per caller


def test_show_reprints_an_earlier_run(tmp_path: Path) -> None:
    report = {
        "date": "2026-01-01T00:00:00Z",
        "machine": {
            "platform": "Linux",
            "cpu_count": 2,
            "python": "CPython 3.11",
            "aiohttp": "3",
            "msgspec": "0",
        },
        "settings": {"runs": 5},
        "table": [["(a) list", "1.0 ms", "1.1 ms", "1.1x", "at most 1.2x", "met"]],
    }
    path = tmp_path / "earlier.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--show", str(path), "--markdown"],
        capture_output=True,
        encoding="utf-8",
        env=_environment(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "| (a) list | 1.0 ms | 1.1 ms | 1.1x | at most 1.2x | met |" in done.stdout
