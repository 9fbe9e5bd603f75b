"""``aiobyte demo``: aiobyte's main job, end to end, against the embedded fake Airbyte.

It starts the fake on 127.0.0.1 (self-managed layout), seeds several workspaces, fans
out over them to list what they hold, runs every connection's sync at once while
showing progress, and prints what it did with timings. No Airbyte, no network.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from typing import TextIO

import anyio

from .models import Job
from .resources.jobs import FINAL_STATUSES

__all__ = ["run_demo"]


def _format_bytes(count: int) -> str:
    size = float(count)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000:
            return f"{size:.0f} {unit}"
        size /= 1000
    return f"{size:.0f} TB"


class _Report:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.started = time.perf_counter()
        self.live = out.isatty()

    def step(self, text: str, since: float) -> None:
        self.clear()
        elapsed = time.perf_counter() - since
        print(f"  {elapsed * 1000:6.0f} ms  {text}", file=self.out, flush=True)

    def progress(self, text: str) -> None:
        if self.live:
            print(f"\r  {text:<72}", end="", file=self.out, flush=True)

    def clear(self) -> None:
        if self.live:
            print("\r" + " " * 76 + "\r", end="", file=self.out, flush=True)


async def run_demo(
    *, workspaces: int = 6, seed: int = 7, out: TextIO | None = None, fast: bool = False
) -> int:
    """Run the demo; returns a process exit code."""
    from .testing import FakeAirbyte  # the fake is only needed here

    report = _Report(out or sys.stdout)
    rng = random.Random(seed)
    print("aiobyte demo: the client against an embedded fake Airbyte\n", file=report.out)
    async with FakeAirbyte(path_prefix="/api/public/v1", record_requests=False) as fake:
        since = time.perf_counter()
        # A little latency on every request, as a real server has: it is what makes
        # concurrency worth having.
        fake.faults.inject("*", latency=0.005 if fast else 0.02, times=None)
        seeded = fake.seed(workspaces=workspaces, sources=12, destinations=3, connections=4, jobs=2)
        for connection_id in seeded.connection_ids:
            roll = rng.random()
            outcome = "failed" if roll < 0.15 else "cancelled" if roll < 0.2 else "succeeded"
            fake.plan_jobs(
                connection_id,
                queued_for=0.1 if fast else 0.3,
                duration=(0.3 if fast else 1.0) + rng.random() * (0.5 if fast else 2.5),
                outcome=outcome,
                rows_per_second=rng.randint(5_000, 80_000),
            )
        report.step(f"fake Airbyte on {fake.base_url}, seeded {workspaces} workspaces", since)

        async with fake.client() as client:
            since = time.perf_counter()
            workspace_ids = [ws.workspace_id async for ws in client.workspaces.list()]
            report.step(f"listed {len(workspace_ids)} workspaces", since)

            since = time.perf_counter()
            counts: Counter[str] = Counter()

            async def survey(workspace_id: str) -> None:
                async for _source in client.sources.list(workspace_ids=[workspace_id]):
                    counts["sources"] += 1
                async for _destination in client.destinations.list(workspace_ids=[workspace_id]):
                    counts["destinations"] += 1
                async for connection in client.connections.list(workspace_ids=[workspace_id]):
                    counts["connections"] += 1
                    connections.append(connection.connection_id)

            connections: list[str] = []
            async with anyio.create_task_group() as tg:
                for workspace_id in workspace_ids:
                    tg.start_soon(survey, workspace_id)
            report.step(
                f"fanned out over {len(workspace_ids)} workspaces: {counts['sources']} sources, "
                f"{counts['destinations']} destinations, {counts['connections']} connections",
                since,
            )

            since = time.perf_counter()
            latest: dict[int, Job] = {}

            def show() -> None:
                states = Counter(job.status.value for job in latest.values())
                rows = sum(job.rows_synced or 0 for job in latest.values())
                size = sum(job.bytes_synced or 0 for job in latest.values())
                summary = ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
                report.progress(
                    f"{time.perf_counter() - since:4.1f} s  {summary}  "
                    f"{rows:,} rows  {_format_bytes(size)}"
                )

            async def sync(connection_id: str) -> None:
                job = await client.jobs.create(connection_id)
                latest[job.job_id] = job
                interval = 0.1 if fast else 0.2
                while job.status not in FINAL_STATUSES:
                    await anyio.sleep(interval)
                    job = await client.jobs.get(job.job_id)
                    latest[job.job_id] = job
                    show()
                    interval = min(interval * 1.5, 0.5)

            async with anyio.create_task_group() as tg:
                for connection_id in connections:
                    tg.start_soon(sync, connection_id)
            outcomes = Counter(job.status.value for job in latest.values())
            rows = sum(job.rows_synced or 0 for job in latest.values())
            report.step(
                f"ran {len(latest)} syncs at once: "
                + ", ".join(f"{n} {s}" for s, n in sorted(outcomes.items()))
                + f"; {rows:,} rows",
                since,
            )
        stats = fake.stats
        total = sum(stats.hits.values())
        print(
            f"\n  {total} requests, {stats.token_requests} token request, at most "
            f"{stats.max_in_flight} in flight; total "
            f"{(time.perf_counter() - report.started):.1f} s",
            file=report.out,
        )
    return 0
