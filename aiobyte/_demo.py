"""``aiobyte demo``: aiobyte's main job, end to end, against the embedded fake Airbyte.

It starts the fake on 127.0.0.1 (self-managed layout), seeds several workspaces, fans
out over them with :func:`aiobyte.fan_out` to list what they hold, runs every
connection's sync at once while :meth:`jobs.watch <aiobyte.resources.jobs.Jobs.watch>`
feeds a live progress line, and prints what it did with timings. No Airbyte, no network.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from typing import Any, TextIO

from ._fanout import fan_out
from .models import Job

__all__ = ["run_demo"]

# Listings of one workspace run at once during the survey: enough to overlap the fake's
# latency, few enough to show the bound at work.
_SURVEY_LIMIT = 8


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
        self.live = _isatty(out)

    def step(self, text: str, since: float) -> None:
        self.clear()
        elapsed = time.perf_counter() - since
        print(f"  {elapsed * 1000:6.0f} ms  {text}", file=self.out, flush=True)

    def detail(self, text: str) -> None:
        print(f"             {text}", file=self.out, flush=True)

    def progress(self, text: str) -> None:
        if self.live:
            print(f"\r  {text:<76}", end="", file=self.out, flush=True)

    def clear(self) -> None:
        if self.live:
            print("\r" + " " * 78 + "\r", end="", file=self.out, flush=True)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


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

            # One fan-out over (kind, workspace) keys: every listing of every workspace,
            # at most _SURVEY_LIMIT at once, each item tagged with the key it came from.
            since = time.perf_counter()
            listings: dict[str, Any] = {
                "sources": client.sources,
                "destinations": client.destinations,
                "connections": client.connections,
            }
            keys = [(kind, ws) for ws in workspace_ids for kind in listings]
            counts: Counter[str] = Counter()
            connections: list[str] = []
            async with fan_out(
                lambda key: listings[key[0]].list(workspace_ids=[key[1]]),
                keys,
                limit=_SURVEY_LIMIT,
            ) as results:
                async for result in results:
                    kind, _workspace = result.key
                    counts[kind] += 1
                    if kind == "connections":
                        connections.append(result.unwrap().connection_id)
            report.step(
                f"fanned out over {len(workspace_ids)} workspaces: {counts['sources']} sources, "
                f"{counts['destinations']} destinations, {counts['connections']} connections",
                since,
            )
            report.detail(
                f"{len(keys)} listings, at most {_SURVEY_LIMIT} at once; "
                f"{len(results.failures)} failed"
            )

            since = time.perf_counter()
            latest: dict[str, Job] = {}

            def show() -> None:
                states = Counter(job.status.value for job in latest.values())
                rows = sum(job.rows_synced or 0 for job in latest.values())
                size = sum(job.bytes_synced or 0 for job in latest.values())
                summary = ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
                report.progress(
                    f"{time.perf_counter() - since:4.1f} s  {summary}  "
                    f"{rows:,} rows  {_format_bytes(size)}"
                )

            async def sync(connection_id: str) -> Job:
                created = await client.jobs.create(connection_id)
                async for job in client.jobs.watch(
                    created.job_id, poll_interval=0.1 if fast else 0.25
                ):
                    latest[connection_id] = job
                    show()
                return latest[connection_id]

            # Every sync at once (the client's own bound still applies to requests).
            async with fan_out(sync, connections, limit=max(1, len(connections))) as runs:
                async for _run in runs:
                    pass
            finished = list(latest.values())
            outcomes = Counter(job.status.value for job in finished)
            rows = sum(job.rows_synced or 0 for job in finished)
            report.step(
                f"ran {len(finished)} syncs at once: "
                + ", ".join(f"{n} {s}" for s, n in sorted(outcomes.items()))
                + f"; {rows:,} rows",
                since,
            )
            for failure in runs.failures:
                report.detail(f"connection {failure.key}: {failure.error}")
        stats = fake.stats
        total = sum(stats.hits.values())
        print(
            f"\n  {total} requests, {stats.token_requests} token request, at most "
            f"{stats.max_in_flight} in flight; total "
            f"{(time.perf_counter() - report.started):.1f} s",
            file=report.out,
        )
    return 0
