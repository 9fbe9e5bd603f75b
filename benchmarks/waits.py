#!/usr/bin/env python3
"""Scenario (j) alone: many concurrent ``jobs.wait`` on one client, per job and batched.

    .venv/bin/python benchmarks/waits.py [--sizes 1000,10000] [--sides per-job,batched]
                                         [--history N]

Each run is a fresh process against a fresh fake in a process of its own, as in
``run.py``'s (j) (``latency.measure_waits``); this prints each run's figures instead of
the table. ``--history N`` first runs N per-job waits on the same fake, so that the
measured run's workspace also holds N finished jobs (the condition that once pushed
the watcher back to a GET per poll).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import latency
from harness import STATS_PATH, Context, Settings, run_worker

SIDES = {"per-job": False, "batched": True}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="waits per run (default 1000,10000)")
    parser.add_argument("--sides", default="per-job,batched", help="per-job, batched or both")
    parser.add_argument("--history", type=int, default=0, help="finished jobs left before")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    settings = Settings(
        runs=1, sdk_runs=1, sources=max(10_000, *sizes), page_size=100, gets=1, in_flight=32,
        concurrent=1, connectors=None, per_connector=1, sides=("raw", "aiobyte"),
        warmup=False, quick=False,
    )  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="aiobyte-waits-") as scratch:
        ctx = Context(settings, None, None, {}, [], Path(scratch), None)  # type: ignore[arg-type]
        for n in sizes:
            for side in args.sides.split(","):
                with latency._latency_fake(ctx, connections=max(n, args.history)) as sub:
                    connections = [c["connectionId"] for c in latency._all(sub, "connections")]
                    runs = [(args.history, False)] if args.history else []
                    for waits, batch in [*runs, (n, SIDES[side])]:
                        params = sub.params(
                            connections=connections, waits=waits, batch=batch,
                            stats_url=sub.server.url + STATS_PATH,
                        )  # fmt: skip
                        metrics = run_worker("waits", "aiobyte", params, sub.scratch)["metrics"]
                    shown = ", ".join(f"{key} {value:.4g}" for key, value in metrics.items())
                    print(f"{n} waits, {side}: {shown}", flush=True)


if __name__ == "__main__":
    main()
