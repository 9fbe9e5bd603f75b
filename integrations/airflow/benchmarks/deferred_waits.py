"""N deferred Airbyte waits on one event loop: this provider's trigger beside the official one.

    integrations/airflow/.venv/bin/python integrations/airflow/benchmarks/deferred_waits.py
    ... --n 1000 --sides aiobyte,official --latency 0.05 --json results.json

For each side, in one run: a fresh fake Airbyte in a process of its own (127.0.0.1, every
``GET /jobs/{jobId}`` answered after ``--latency`` s, every token after 0.2 s) holding N
running syncs that end over a ten-second window; then a fresh worker process that does
what a triggerer does: it creates the N triggers one by one (``await asyncio.sleep(0)``
between them, as ``TriggerRunner.create_triggers``), runs each ``run()`` in a task of its
own on one loop, and beside them a watchdog that sleeps 50 ms again and again and records
how late it wakes (the loop's lag: what every other trigger on the triggerer suffers).

Reported per side: loop lag p99 and max; peak memory per wait (peak RSS less the RSS before
the triggers, over N); CPU per poll (the worker's CPU time over the job polls the fake
served: ``GET /jobs/{jobId}``, and ``GET /jobs`` pages of aiobyte's job watcher);
token requests; how late each event fires after its job ended (p50, max); the full
garbage collections during the waits, and what one forced after them takes. Not a test:
timings depend on the machine; compare the sides of one run.

The official trigger is run as its operator defers it (``poll_interval=60``); this one with
its defaults (1 s growing to 15 s). The side ``aiobyte-frozen`` is this one again with
``gc.freeze()`` after the imports: the worst lag of the other two is a full garbage
collection of the process's heap, mostly Airflow's own objects, whatever the triggers do.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
WATCHDOG_INTERVAL = 0.05
#: Jobs end between START_AFTER and START_AFTER + SPREAD seconds after the fake starts:
#: late enough for every trigger to be created and polling, spread like real syncs.
START_AFTER = float(os.environ.get("BENCH_START_AFTER", "30"))
SPREAD = 10.0
TOKEN_LATENCY = 0.2
#: The requests that poll jobs: one job, or (aiobyte's job watcher) a page of a hundred.
JOB_ROUTES = ("GET /jobs/{jobId}", "GET /jobs")
SIDES = ("aiobyte", "official", "aiobyte-frozen")


# -- the fake, in its own process ------------------------------------------------------


def serve(n: int, latency: float) -> None:
    """Serve a fake with n running jobs; print its address and the jobs, one JSON line."""
    from aiobyte.testing import FakeAirbyte

    async def main() -> None:
        fake = FakeAirbyte(record_requests=False, token_lifetime=3600)
        async with fake:
            fake.seed(workspaces=1, sources=1, destinations=1, connections=0, jobs=0)
            [source_id] = fake.state.sources.ids()
            [destination_id] = fake.state.destinations.ids()
            jobs = []
            for i in range(n):
                conn = fake.add_connection(source_id, destination_id)["connectionId"]
                duration = START_AFTER + SPREAD * i / max(1, n - 1)
                fake.plan_jobs(conn, queued_for=0, duration=duration)
                job_id = fake.add_job(conn)["jobId"]
                record = fake.state.jobs[job_id]
                jobs.append((job_id, record.created_at + duration))
            if latency > 0:
                for route in JOB_ROUTES:
                    fake.faults.inject(route, latency=latency, times=None)
            fake.faults.inject("POST /applications/token", latency=TOKEN_LATENCY, times=None)
            info = {
                "url": fake.url,
                "base_url": fake.base_url,
                "client_id": fake.client_id,
                "client_secret": fake.client_secret,
                "jobs": jobs,
            }
            print(json.dumps(info), flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until EOF

    asyncio.run(main())


def fake_stats(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/_fake/stats", timeout=30) as answer:
        return json.load(answer)  # type: ignore[no-any-return]


# -- one side, in its own process --------------------------------------------------------


def worker(side: str, info: dict[str, Any]) -> dict[str, Any]:
    import gc
    import resource

    frozen = side.endswith("-frozen")
    kind = side.removesuffix("-frozen")

    home = tempfile.mkdtemp(prefix="aiobyte-bench-")
    conn_type = "aiobyte" if kind == "aiobyte" else "airbyte"
    os.environ.update(
        AIRFLOW_HOME=home,
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__LOGGING__LOGGING_LEVEL="WARNING",
        AIRFLOW_CONN_AIRBYTE_DEFAULT=json.dumps(
            {
                "conn_type": conn_type,
                "host": info["base_url"],
                "login": info["client_id"],
                "password": info["client_secret"],
            }
        ),
    )
    import psutil

    if kind == "aiobyte":
        from aiobyte_airflow import AiobyteJobTrigger

        def make(job_id: int) -> Any:
            return AiobyteJobTrigger(job_id=job_id)
    else:
        from airflow.providers.airbyte.triggers.airbyte import AirbyteSyncTrigger

        def make(job_id: int) -> Any:
            return AirbyteSyncTrigger(
                job_id=job_id,
                conn_id="airbyte_default",
                end_time=time.time() + 3600,
                poll_interval=60,
            )

    # Imports are once per process, not per wait: done before the memory baseline, as the
    # official trigger's module imports its SDK and httpx. (Without it, the shared client
    # imports aiohttp in a thread on first use: BENCH_NO_PREIMPORT=1 shows the loop's lag.)
    if kind == "aiobyte" and not os.environ.get("BENCH_NO_PREIMPORT"):
        import aiohttp  # noqa: F401
    if frozen:
        # What a triggerer could do after its start: take the startup heap (mostly
        # Airflow's ~150,000 objects) out of the full collections, whose pause is the
        # loop's worst lag otherwise.
        gc.collect()
        gc.freeze()
    jobs = info["jobs"]
    ends = {job_id: ends_at for job_id, ends_at in jobs}
    process = psutil.Process()
    gc.collect()
    rss_before = process.memory_info().rss
    fired: dict[int, tuple[float, str]] = {}
    lags: list[float] = []
    spikes: list[tuple[float, float, float]] = []  # (lag, when, CPU used meanwhile)

    full_collections: list[float] = []  # seconds each full (generation 2) collection took
    gc_started = [0.0]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if info["generation"] == 2:
            if phase == "start":
                gc_started[0] = time.perf_counter()
            else:
                full_collections.append(time.perf_counter() - gc_started[0])

    gc.callbacks.append(on_gc)

    async def run_one(trigger: Any, job_id: int) -> None:
        async for event in trigger.run():
            fired[job_id] = (time.time(), event.payload["status"])
            break

    async def watchdog(stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        first = loop.time()
        while not stop.is_set():
            start, cpu = loop.time(), time.process_time()
            await asyncio.sleep(WATCHDOG_INTERVAL)
            lag = loop.time() - start - WATCHDOG_INTERVAL
            lags.append(lag)
            if lag > 0.1:
                # The CPU this process used meanwhile: far less than the lag means the
                # machine did not run it (a shared machine), not that the loop was busy.
                used = time.process_time() - cpu
                spikes.append((round(lag, 3), round(start - first, 1), round(used, 3)))

    async def main() -> float:
        stop = asyncio.Event()
        dog = asyncio.create_task(watchdog(stop))
        tasks = []
        started = time.monotonic()
        for job_id, _ in jobs:  # as TriggerRunner.create_triggers does
            tasks.append(asyncio.create_task(run_one(make(job_id), job_id)))
            await asyncio.sleep(0)
        await asyncio.gather(*tasks)
        elapsed = time.monotonic() - started
        stop.set()
        await dog
        return elapsed

    stats_before = fake_stats(info["url"])
    cpu_before = time.process_time()
    elapsed = asyncio.run(main())
    cpu = time.process_time() - cpu_before
    stats_after = fake_stats(info["url"])
    gc.callbacks.remove(on_gc)
    # What a full collection of this heap costs, whether or not one came during the run:
    # the pause any trigger on this triggerer suffers when Python does one.
    objects = len(gc.get_objects())
    forced = time.perf_counter()
    gc.collect()
    forced = time.perf_counter() - forced
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    polls = sum(
        stats_after["hits"].get(route, 0) - stats_before["hits"].get(route, 0)
        for route in JOB_ROUTES
    )
    lateness = sorted(fired[job_id][0] - ends[job_id] for job_id in ends)
    statuses: dict[str, int] = {}
    for _, status in fired.values():
        statuses[status] = statuses.get(status, 0) + 1
    lags.sort()
    return {
        "side": side,
        "n": len(jobs),
        "elapsed_s": elapsed,
        "lag_p99_ms": 1000 * lags[int(0.99 * (len(lags) - 1))],
        "lag_max_ms": 1000 * lags[-1],
        "memory_per_wait_kib": (peak - rss_before) / len(jobs) / 1024,
        "cpu_per_poll_ms": 1000 * cpu / max(1, polls),
        "cpu_s": cpu,
        "polls": polls,
        "token_requests": stats_after["token_requests"] - stats_before["token_requests"],
        "lateness_p50_s": statistics.median(lateness),
        "lateness_max_s": lateness[-1],
        "statuses": statuses,
        "spikes": sorted(spikes, reverse=True)[:5],
        "full_gc_max_ms": 1000 * max(full_collections, default=0.0),
        "full_gcs": len(full_collections),
        "heap_objects": objects,
        "forced_full_gc_ms": 1000 * forced,
    }


# -- the parent ---------------------------------------------------------------------------


def run_side(side: str, n: int, latency: float) -> dict[str, Any]:
    server = subprocess.Popen(
        [sys.executable, str(HERE), "--serve", "--n", str(n), "--latency", str(latency)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        if not line:
            raise RuntimeError("the fake did not start")
        done = subprocess.run(
            [sys.executable, str(HERE), "--worker", side],
            input=line,
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{side} worker failed:\n{done.stderr[-3000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]
    finally:
        with contextlib.suppress(Exception):
            assert server.stdin is not None
            server.stdin.close()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


ROWS = (
    ("loop lag p99", "lag_p99_ms", "{:,.0f} ms"),
    ("loop lag max (target < 200 ms)", "lag_max_ms", "{:,.0f} ms"),
    ("full garbage collections during the waits", "full_gcs", "{:,}"),
    ("worst full garbage collection (in the lag)", "full_gc_max_ms", "{:,.0f} ms"),
    ("a full collection of the heap after the waits", "forced_full_gc_ms", "{:,.0f} ms"),
    ("objects on the heap after the waits", "heap_objects", "{:,}"),
    ("memory per wait (target ≤ 16 KiB)", "memory_per_wait_kib", "{:,.1f} KiB"),
    ("job polls served (GET /jobs/{jobId} or GET /jobs)", "polls", "{:,}"),
    ("CPU per poll served", "cpu_per_poll_ms", "{:,.2f} ms"),
    ("CPU, all N waits", "cpu_s", "{:,.1f} s"),
    ("token requests (target 1)", "token_requests", "{:,}"),
    ("event after the job ended, p50", "lateness_p50_s", "{:,.1f} s"),
    ("event after the job ended, max", "lateness_max_s", "{:,.1f} s"),
    ("all N events, wall time", "elapsed_s", "{:,.0f} s"),
)


def table(results: list[dict[str, Any]]) -> str:
    names = {
        "aiobyte": "aiobyte_airflow",
        "official": "official provider 6.2.0",
        "aiobyte-frozen": "aiobyte_airflow, startup heap frozen",
    }
    head = "| N = {:,} waits, one loop | ".format(results[0]["n"]) + " | ".join(
        names[r["side"]] for r in results
    )
    lines = [head + " |", "| --- |" + " --- |" * len(results)]
    for label, key, fmt in ROWS:
        lines.append(f"| {label} | " + " | ".join(fmt.format(r[key]) for r in results) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="deferred waits (default 1000)")
    parser.add_argument(
        "--sides",
        default=",".join(SIDES),
        help="of aiobyte, official, aiobyte-frozen (gc.freeze() after the imports)",
    )
    parser.add_argument(
        "--latency", type=float, default=0.05, help="seconds per job poll (default 0.05)"
    )
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--worker", choices=SIDES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.n, args.latency)
    if args.worker:
        print(json.dumps(worker(args.worker, json.loads(sys.stdin.readline()))))
        return None
    results = []
    for side in args.sides.split(","):
        print(f"running {side} with N={args.n} ...", file=sys.stderr, flush=True)
        results.append(run_side(side, args.n, args.latency))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return None


if __name__ == "__main__":
    main()
