"""The benchmarks run (``benchmarks/run.py --quick``) and report every scenario and client.

This checks that they run and what they write, never how fast anything is. Counts are
exact whatever the machine, so those are checked: one token request for aiobyte on a
cold start, nothing lost in aiobyte's decoded configurations.

The comparison's own libraries (the official SDK, httpx) come with the ``bench`` extra;
a client whose library is missing must be reported as "not installed", which the second
test checks by hiding both behind modules that fail to import.
"""

# The table's multiplication signs are meant.
# ruff: noqa: RUF001

from __future__ import annotations

import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests._api_docs import api_document, in_ci

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = ROOT / "benchmarks"
SIDES = ("raw", "aiobyte", "httpx", "sdk")
SCENARIOS = {
    "a_decode_page": {"decode_s"},
    "b_list_sources": {"wall_s"},
    "c_get_sources": {"throughput"},
    "d_cold_token": {"token_requests", "failed", "first_s", "last_s", "lag_ms"},
    "d_cold_token_wide": {"token_requests", "last_s", "lag_ms"},
    "e_startup": {"import_s", "first_s"},
    "f_memory": {"peak_rss_mib", "rss_growth_mib"},
    "g_correctness": {
        "pages_failed",
        "objects_failed",
        "keys_dropped",
        "values_changed",
        "nulls_omitted",
    },
    "g2_typed_configurations": {"failed", "changed", "import_s", "decode_s", "read_s"},
}
_WAIT_METRICS = ("requests", "requests_per_s", "cpu_per_wait_s", "kib_per_wait", "lag_ms")
SCENARIOS |= {  # benchmarks/latency.py, at the --quick sizes
    "h_list_latency": {"wall_s", "vs_ideal", "requests"},
    "i_fan_out_latency": {
        *(f"{metric}_{limit}" for metric in ("wall_s", "vs_ideal") for limit in (10, 50, 200))
    },
    "j_waits": {f"{key}_{n}" for key in _WAIT_METRICS for n in (20, 100)},
}
SCENARIOS["k_instructions"] = {"instructions", "instructions_timeouts"}  # instructions.py
ONLY_FLOOR_AND_AIOBYTE = {
    "d_cold_token_wide",
    "h_list_latency",
    "i_fan_out_latency",
    "j_waits",
    "k_instructions",
}
NEEDS_VALGRIND = {"k_instructions"}
WITHOUT_HTTPX = {"g2_typed_configurations"}  # httpx + json decodes as the floor does
NEEDS_SPEC = {"g_correctness", "g2_typed_configurations"}


def _environment(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONIOENCODING": "utf-8", **extra}


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _quick(tmp_path: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], Any]:
    output = tmp_path / "quick.json"
    done = subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            str(BENCHMARKS / "run.py"),
            "--quick",
            "--markdown",
            "--output",
            str(output),
        ],
        cwd=tmp_path,  # nothing depends on the working directory
        capture_output=True,
        encoding="utf-8",
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "| scenario |" in done.stdout
    return done, json.loads(output.read_text(encoding="utf-8"))


def _spec_available() -> bool:
    """Scenario (g) needs api_sdk.yaml: without it the run says "not run"; not so in CI."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import _configs

        found = _configs.find_spec().is_file()
    finally:
        sys.path.remove(str(BENCHMARKS))
    if not found and in_ci():
        api_document(_configs.SPEC_NAME)  # fails, saying how to get the documents
    return found


def _check_report(report: dict[str, Any], expected_status: dict[str, str | None]) -> None:
    assert report["date"].endswith("Z")
    assert report["settings"]["quick"] is True
    machine = report["machine"]
    assert machine["cpu_count"] >= 1
    for key in ("platform", "python", "aiohttp", "msgspec"):
        assert machine[key]
    assert set(report["scenarios"]) == set(SCENARIOS)
    spec = _spec_available()
    for name, metrics in SCENARIOS.items():
        measured = report["scenarios"][name]["metrics"]
        assert set(measured) == metrics, name
        for key, entry in measured.items():
            assert entry["met"] in (True, False, None)
            for side in SIDES:
                status = entry["status"][side]
                if name in ONLY_FLOOR_AND_AIOBYTE and side not in ("raw", "aiobyte"):
                    assert status == "n/a", (name, key, side)
                    continue
                if name in WITHOUT_HTTPX and side == "httpx":
                    assert status == "n/a", (name, key, side)
                    continue
                if name in NEEDS_VALGRIND and shutil.which("valgrind") is None:
                    assert status == "skipped (valgrind not installed)", (name, side, status)
                    continue
                if name in NEEDS_SPEC and not spec:
                    # without api_sdk.yaml: "not run (...)", or "not installed" first
                    reason = expected_status[side] or "not run"
                    assert status.startswith(reason), (name, side, status)
                    continue
                assert status == expected_status[side], (name, key, side, status)
                if status is not None:
                    assert side not in entry["sides"]
                    continue
                summary = entry["sides"][side]
                for stat in ("median", "min", "max"):
                    assert _number(summary[stat]), (name, key, side, stat)
                assert summary["runs"], (name, key, side)
                assert all(_number(value) for value in summary["runs"])
    rows = report["table"]
    assert len(rows) == sum(len(metrics) for metrics in SCENARIOS.values())
    assert all(len(row) == len(report["header"]) for row in rows)

    # What is counted rather than timed must be exact, whatever the machine.
    cold = report["scenarios"]["d_cold_token"]["metrics"]
    assert cold["token_requests"]["sides"]["aiobyte"]["runs"] == [1]
    assert cold["failed"]["sides"]["aiobyte"]["runs"] == [0]
    # (h): 500 sources, pages of 100: 6 pages (the last empty); aiobyte wastes at most 8
    listing = report["scenarios"]["h_list_latency"]["metrics"]["requests"]["sides"]
    assert listing["raw"]["runs"] == [6]
    assert 6 <= listing["aiobyte"]["median"] <= 6 + 8
    # (j): 100 waits batched send far fewer requests than polling each job
    waits = report["scenarios"]["j_waits"]["metrics"]["requests_100"]["sides"]
    assert waits["aiobyte"]["median"] * 5 < waits["raw"]["median"]
    concurrent = report["settings"]["concurrent"]
    assert cold["token_requests"]["sides"]["raw"]["median"] == concurrent  # the naive cache
    if shutil.which("valgrind") is not None:  # (k): counted, and the difference read
        counted = report["scenarios"]["k_instructions"]
        assert counted["details"]["top_differences"]
        assert counted["details"]["top_differences_with_timeouts"]
        per_get = counted["metrics"]["instructions"]["sides"]
        assert per_get["raw"]["median"] > 10_000  # no request takes fewer
    if spec:
        correctness = report["scenarios"]["g_correctness"]["metrics"]
        for key in SCENARIOS["g_correctness"]:
            assert correctness[key]["sides"]["aiobyte"]["runs"] == [0], key
            assert correctness[key]["sides"]["raw"]["runs"] == [0], key
        assert correctness["objects_failed"]["of"]["aiobyte"] > 0
        typed = report["scenarios"]["g2_typed_configurations"]["metrics"]
        for key in ("failed", "changed"):
            assert typed[key]["sides"]["aiobyte"]["runs"] == [0], key
            assert typed[key]["sides"]["raw"]["runs"] == [0], key
        assert typed["failed"]["of"]["aiobyte"] > 0


@pytest.mark.slow
def test_quick_benchmark_runs_and_reports_every_scenario(tmp_path: Path) -> None:
    installed = {
        side: importlib.util.find_spec(module) is not None
        for side, module in (("httpx", "httpx"), ("sdk", "airbyte_api"))
    }
    expected: dict[str, str | None] = {
        "raw": None,
        "aiobyte": None,
        **{side: None if ok else "not installed" for side, ok in installed.items()},
    }
    _, report = _quick(tmp_path, _environment())
    _check_report(report, expected)


@pytest.mark.slow
def test_a_client_that_is_not_installed_is_reported_so(tmp_path: Path) -> None:
    hidden = tmp_path / "hidden"
    for module in ("httpx", "airbyte_api"):
        (hidden / module).mkdir(parents=True)
        (hidden / module / "__init__.py").write_text(
            f"raise ImportError('{module} is hidden from this test')\n", encoding="utf-8"
        )
    path = os.pathsep.join(filter(None, [str(hidden), os.environ.get("PYTHONPATH")]))
    done, report = _quick(tmp_path, _environment(PYTHONPATH=path))
    expected = {"raw": None, "aiobyte": None, "httpx": "not installed", "sdk": "not installed"}
    _check_report(report, expected)
    assert "not installed" in done.stdout


@pytest.mark.slow
def test_only_runs_the_chosen_scenarios(tmp_path: Path) -> None:
    output = tmp_path / "only.json"

    def run(*options: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-W", "error", str(BENCHMARKS / "run.py"), "--quick", *options],
            cwd=tmp_path, capture_output=True, encoding="utf-8", env=_environment(),
            timeout=300, check=False,
        )  # fmt: skip

    done = run("--only", "e", "--sides", "raw,aiobyte", "--output", str(output))
    assert done.returncode == 0, done.stderr
    report = json.loads(output.read_text(encoding="utf-8"))
    assert set(report["scenarios"]) == {"e_startup"}
    for metric in report["scenarios"]["e_startup"]["metrics"].values():
        for side in ("raw", "aiobyte"):
            assert metric["status"][side] is None, metric["status"]
            assert _number(metric["sides"][side]["median"]), metric
    refused = run("--only", "e,zz")
    assert refused.returncode != 0
    assert "--only: no scenario zz" in refused.stderr


def test_show_reprints_an_earlier_run(tmp_path: Path) -> None:
    report = {
        "date": "2026-01-01T00:00:00Z",
        "machine": {
            "platform": "Linux",
            "cpu_count": 2,
            "python": "CPython 3.11",
            "aiohttp": "3",
            "msgspec": "0",
            "aiobyte": "0.1.0",
        },
        "settings": {"runs": 5, "sdk_runs": 3},
        "header": ["scenario", "floor", "aiobyte", "target", "result"],
        "table": [["(a) decode", "1.0 ms", "1.1 ms (1.1×)", "≤ 1.2× floor", "met"]],
    }
    done = _show(tmp_path, report)
    assert "| scenario | floor | aiobyte | target | result |" in done.stdout
    assert "| (a) decode | 1.0 ms | 1.1 ms (1.1×) | ≤ 1.2× floor | met |" in done.stdout
    assert "official SDK: 3" in done.stdout


def test_show_reprints_a_run_of_the_first_harness(tmp_path: Path) -> None:
    report = {
        "date": "2026-01-01T00:00:00Z",
        "machine": {"platform": "Linux", "cpu_count": 2, "python": "CPython 3.11"},
        "settings": {"runs": 5},
        "table": [["(a) list", "1.0 ms", "1.1 ms", "1.1x", "at most 1.2x", "met"]],
    }
    done = _show(tmp_path, report)
    assert "| (a) list | 1.0 ms | 1.1 ms | 1.1x | at most 1.2x | met |" in done.stdout


@pytest.fixture
def correctness() -> Any:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import correctness

        yield correctness
    finally:
        sys.path.remove(str(BENCHMARKS))


def test_the_comparison_of_configurations_tells_losses_apart(correctness: Any) -> None:
    sent = {
        "host": "db",
        "port": 5432,
        "ratio": Decimal("0.25"),
        "ssl": True,
        "unset": None,
        "tunnel": {"method": "SSH", "port": 22, "keys": ["a", "b"]},
        "when": "2024-01-01",
    }
    kept = {**sent, "ratio": 0.25, "port": 5432.0}
    tally = correctness.Tally()
    correctness.compare(sent, kept, "", tally)
    assert (tally.dropped, tally.nulls, tally.changed, tally.added) == (0, 0, 0, 0)

    lossy = {
        "host": "db",
        "port": 5432,
        "ratio": Decimal("0.25"),
        "ssl": 1,  # a boolean that became a number
        "when": "2024-01-01T00:00:00",
        "extra": "default",
    }
    tally = correctness.Tally()
    correctness.compare(sent, lossy, "", tally)
    assert tally.dropped == 1 + 3  # the tunnel object and the keys inside it
    assert tally.nulls == 1
    assert tally.changed == 2
    assert tally.added == 1


def _show(tmp_path: Path, report: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    """``run.py --show REPORT --markdown`` on a report written to a file; must succeed."""
    path = tmp_path / "earlier.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--show", str(path), "--markdown"],
        capture_output=True,
        encoding="utf-8",
        env=_environment(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done
