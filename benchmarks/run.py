#!/usr/bin/env python3
"""aiobyte side by side with raw aiohttp + msgspec (the floor), httpx + json and the official SDK.

    python3 tools/dev.py bench [--quick] [--runs N] [--sdk-runs N] [--sides raw,aiobyte,...]
                               [--only e_startup,...] [--markdown] [--output PATH] [--readme]
    python benchmarks/run.py --show benchmarks/results/latest.json [--markdown] [--readme]

The fake Airbyte runs in a process of its own on 127.0.0.1 (``_server.py``). Every run of
every client is a fresh process (``_worker.py``), so that the clients never share a heap,
a cache or an import; this process only starts them, in an order that rotates from one
round to the next, and reads the fake's counters between them. The table shows medians
with min and max, and each client's ratio to the floor. Shared, noisy machines: read the
ratios, not the absolute numbers.

A client whose library is not installed is reported as "not installed"; a client that
fails a scenario is reported as failed, with the error, in the table and the JSON.

Exit status: 0 when everything ran, even if a target was missed or a competitor failed
(this is a report); 1 when the harness, the floor or aiobyte crashed; 2 when a client
produced other results than the server holds (different ids).
"""

# The table's multiplication signs and en dashes are meant.

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import _configs

# ``benchmarks/connectors.py --alone`` builds scenario (g') from this module's names
__all__ = [
    "SLOW_SIDES",
    "Metric",
    "Outcome",
    "Scenario",
    "_configs",
    "_rotation",
    "_whole",
    "_zero",
    "availability",
    "main",
    "report",
    "table_rows",
    "write_json",
]
from harness import (
    CORRECTNESS_PAGE_SIZE,
    FLOOR,
    LABELS,
    README,
    RESULTS,
    SIDES,
    SLOW_SIDES,
    TOKEN_LATENCY,
    Context,
    Control,
    Disagreement,
    Metric,
    Outcome,
    Scenario,
    ServerProcess,
    Settings,
    _progress,
    _rotation,
    availability,
)
from report import HEADER, machine, report, show, table_rows, update_readme, write_json
from scenarios import _whole, _zero, scenarios

# -- the command --------------------------------------------------------------------------------


def parse(argv: Sequence[str] | None) -> tuple[Settings, argparse.Namespace]:
    parser = argparse.ArgumentParser(
        description="aiobyte side by side with raw aiohttp + msgspec, httpx + json and the "
        "official SDK (ratios to the floor, one run)."
    )
    parser.add_argument(
        "--quick", action="store_true", help="1 run, small sizes: a smoke run of seconds"
    )
    parser.add_argument("--runs", type=int, help="runs per client (default 5; quick 1)")
    parser.add_argument(
        "--sdk-runs", type=int, help="runs of the official SDK (default 3; quick 1)"
    )
    parser.add_argument("--sources", type=int, help="sources to list (default 10,000; quick 500)")
    parser.add_argument("--gets", type=int, help="gets in (c) (default 1,000; quick 100)")
    parser.add_argument("--concurrent", type=int, help="gets in (d) (default 500; quick 50)")
    parser.add_argument(
        "--connectors",
        type=int,
        help="(g): connector schemas to sample (default every one; quick 24)",
    )
    parser.add_argument(
        "--per-connector", type=int, help="(g): configurations per connector (default 2; quick 1)"
    )
    parser.add_argument(
        "--sides",
        default=",".join(SIDES),
        help=f"comma-separated clients to run (default {','.join(SIDES)}); the others are "
        "reported as skipped",
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated scenario keys (or their starts: e for e_startup) to run alone; "
        "written to results/only.json unless --output is given",
    )
    parser.add_argument("--spec", type=Path, help="api_sdk.yaml (default: ../shared/airbyte-api)")
    parser.add_argument("--output", type=Path, help="write the JSON here instead")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument(
        "--readme",
        action="store_true",
        help="write the table and its reading into README.md between the benchmark markers",
    )
    parser.add_argument(
        "--show", type=Path, metavar="JSON", help="print the table of an earlier run; run nothing"
    )
    args = parser.parse_args(argv)
    quick = bool(args.quick)
    if quick and args.readme:
        parser.error("--readme is for a full run's results: run without --quick")
    args.only = tuple(key for key in args.only.split(",") if key)
    if args.only and args.readme:
        parser.error("--readme is for a full run's results: run without --only")
    sides = tuple(side for side in args.sides.split(",") if side)
    if not set(sides) <= set(SIDES) or FLOOR not in sides:
        parser.error(f"--sides: choose among {', '.join(SIDES)}, the floor ({FLOOR}) included")
    settings = Settings(
        runs=args.runs or (1 if quick else 5),
        sdk_runs=args.sdk_runs or (1 if quick else 3),
        sources=args.sources or (500 if quick else 10_000),
        page_size=100,
        gets=args.gets or (100 if quick else 1_000),
        in_flight=32,
        concurrent=args.concurrent or (50 if quick else 500),
        connectors=args.connectors or (24 if quick else None),
        per_connector=args.per_connector or (1 if quick else 2),
        sides=sides,
        warmup=not quick,
        quick=quick,
    )
    if min(settings.runs, settings.sdk_runs, settings.sources, settings.gets) < 1:
        parser.error("counts must be positive")
    if settings.concurrent < 1 or settings.per_connector < 1:
        parser.error("counts must be positive")
    if max(settings.gets, settings.concurrent) > settings.sources:
        parser.error("--gets and --concurrent cannot exceed --sources")
    return settings, args


def select(scenario_list: list[Scenario], only: Sequence[str]) -> list[Scenario]:
    """The scenarios whose key starts with one of ``only`` (all of them when it is empty)."""
    if not only:
        return scenario_list
    chosen = [s for s in scenario_list if any(s.key.startswith(key) for key in only)]
    unknown = [key for key in only if not any(s.key.startswith(key) for s in scenario_list)]
    if unknown:
        keys = ", ".join(s.key for s in scenario_list)
        raise SystemExit(f"--only: no scenario {', '.join(unknown)}; choose among {keys}")
    return chosen


def bench(
    settings: Settings, server: ServerProcess, spec: Path | None, only: Sequence[str] = ()
) -> dict[str, Any]:
    control = Control(server)
    status = availability(settings.sides)
    for side in SIDES:
        if status[side] is not None:
            _progress(f"{LABELS[side]}: {status[side]}")
    source_ids = [
        item["sourceId"]
        for body in control.pages("source", settings.page_size)
        for item in json.loads(body)["data"]
    ]
    if len(source_ids) != settings.sources or len(set(source_ids)) != settings.sources:
        raise Disagreement(
            f"the server lists {len(source_ids)} sources, {settings.sources} were created"
        )
    scenario_list = select(scenarios(settings), only)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="aiobyte-bench-") as scratch:
        ctx = Context(settings, server, control, status, source_ids, Path(scratch), spec)
        for scenario in scenario_list:
            _progress(f"running {scenario.title}")
            outcomes = scenario.run(ctx, scenario)
            ctx.outcomes[scenario.key] = outcomes
            results[scenario.key] = report(scenario, outcomes, ctx.details.get(scenario.key))
    return {"scenarios": results, "table": table_rows(scenario_list, results)}


def main(argv: Sequence[str] | None = None) -> int:
    settings, args = parse(argv)
    if isinstance(sys.stdout, io.TextIOWrapper):  # a console without the table's signs
        sys.stdout.reconfigure(errors="replace")
    if args.show is not None:
        shown = json.loads(args.show.read_text(encoding="utf-8"))
        show(shown, args.markdown)
        if args.readme:
            update_readme(README, shown)
        return 0
    started = datetime.now(timezone.utc)
    spec = _configs.find_spec(args.spec)
    try:
        server = ServerProcess(
            sources=settings.sources,
            token_latency=TOKEN_LATENCY,
            extra=["--kinds", ",".join(settings.speed_kinds)],
        )
        with server:
            measured = bench(settings, server, spec, args.only)
    except Disagreement as exc:
        print(f"the results disagree: {exc}", file=sys.stderr)
        return 2
    document: dict[str, Any] = {
        "date": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seconds": round((datetime.now(timezone.utc) - started).total_seconds(), 1),
        "machine": machine(),
        "settings": {
            **asdict(settings),
            "token_latency_s": TOKEN_LATENCY,
            "correctness_page_size": CORRECTNESS_PAGE_SIZE,
            "memory": "peak RSS of the worker process (resource.getrusage ru_maxrss)",
        },
        "sides": {side: LABELS[side] for side in SIDES},
        "header": HEADER,
        **measured,
    }
    name = "only.json" if args.only else "quick.json" if settings.quick else "latest.json"
    output = args.output or RESULTS / name
    write_json(output, document)
    show(document, args.markdown)
    print(f"results: {output} ({document['seconds']:.0f} s)", file=sys.stderr)
    if args.readme:
        update_readme(README, document)
    crashed = [
        f"{key} {side}: {status}"
        for key, entry in measured["scenarios"].items()
        for metric in entry["metrics"].values()
        for side, status in metric["status"].items()
        if side in ("raw", "aiobyte") and status and status.startswith("failed")
    ]
    if crashed:
        print("crashed: " + "; ".join(sorted(set(crashed))), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
