"""``aiobyte demo``: aiobyte's main job, end to end, against the embedded fake Airbyte.

It starts the fake on 127.0.0.1 (self-managed layout), seeds several workspaces, fans
out over them with :func:`aiobyte.fan_out` to list what they hold, runs every
connection's sync at once while :meth:`jobs.watch <aiobyte.resources.jobs.Jobs.watch>`
feeds a live progress line, and prints what it did with timings. No Airbyte, no network.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

from ._fanout import fan_out
from ._terminal import format_bytes, isatty, printable
from .models import Job

__all__ = ["CODE", "run_demo"]

# Listings of one workspace run at once during the survey: enough to overlap the fake's
# latency, few enough to show the bound at work.
_SURVEY_LIMIT = 8

#: What the demo does, in the few lines a user would write (printed at its end; the
#: test suite runs it against a fake, so it stays true).
CODE = """\
import aiobyte


async def main(client: aiobyte.AirbyteClient, workspace_ids: list[str]) -> None:
    # Every workspace's connections, at most 8 listings at once, each tagged by its key.
    async with aiobyte.fan_out(
        lambda ws: client.connections.list(workspace_ids=[ws]), workspace_ids, limit=8
    ) as results:
        connection_ids = [o.value.connection_id async for o in results if o.ok]

    async def sync(connection_id: str) -> aiobyte.models.Job:
        job = await client.jobs.create(connection_id)
        async for job in client.jobs.watch(job.job_id):  # each change, to the final state
            print(job.job_id, job.status.value, job.rows_synced)
        return job

    # Every sync at once; a failed sync is an answer (job.status), not an exception.
    async with aiobyte.fan_out(sync, connection_ids, limit=32) as runs:
        async for run in runs:
            print(run.key, run.value.status.value if run.ok else run.error)
"""

_NEXT = """\
Next:
  {cli} fake-server
      this fake on 127.0.0.1:8000 for any client; it prints the AIRBYTE_* to export
  {cli} sources list --help
      the command line, against that fake or your own Airbyte
  python3 tools/dev.py test
      lint, types and every test (tools/dev.py ci adds what CI runs: 3.10, 3.13, integrations)
  README.md: "Use", "Workflows" and "Testing your code against a fake Airbyte"
"""


def _command() -> str:
    """How to run the ``aiobyte`` command from here: by its name when it is on the PATH,
    else through the Python running the demo (as ``tools/dev.py demo`` runs it)."""
    if shutil.which("aiobyte"):
        return "aiobyte"
    python = Path(sys.executable)
    with contextlib.suppress(ValueError):
        python = python.relative_to(Path.cwd())
    return f"{python} -m aiobyte"


class _Report:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.started = time.perf_counter()
        self.live = isatty(out)

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


async def run_demo(
    *, workspaces: int = 6, seed: int = 7, out: TextIO | None = None, fast: bool = False
) -> int:
    """Run the demo; returns a process exit code. Raises ``ValueError`` for fewer than
    one workspace."""
    if isinstance(workspaces, bool) or not isinstance(workspaces, int) or workspaces < 1:
        raise ValueError(f"workspaces must be at least 1; got {workspaces!r}")
    from .testing import FakeAirbyte  # the fake is only needed here

    report = _Report(out or sys.stdout)
    rng = random.Random(seed)
    print(
        "aiobyte demo: the client against a fake Airbyte embedded in this process\n"
        "(a real HTTP server on 127.0.0.1; no Airbyte and no network needed)\n",
        file=report.out,
    )
    latency = 0.005 if fast else 0.02
    async with FakeAirbyte(path_prefix="/api/public/v1", record_requests=False) as fake:
        since = time.perf_counter()
        # A little latency on every request, as a real server has: it is what makes
        # concurrency worth having.
        fake.faults.inject("*", latency=latency, times=None)
        seeded = fake.seed(workspaces=workspaces, sources=12, destinations=3, connections=4, jobs=2)
        planned: Counter[str] = Counter()
        for connection_id in seeded.connection_ids:
            roll = rng.random()
            outcome = "failed" if roll < 0.15 else "cancelled" if roll < 0.2 else "succeeded"
            planned[outcome] += 1
            fake.plan_jobs(
                connection_id,
                queued_for=0.1 if fast else 0.3,
                duration=(0.3 if fast else 1.0) + rng.random() * (0.5 if fast else 2.5),
                outcome=outcome,
                rows_per_second=rng.randint(5_000, 80_000),
            )
        report.step(f"fake Airbyte on {fake.base_url}, seeded {workspaces} workspaces", since)
        report.detail(
            f"each answer is delayed {latency * 1000:.0f} ms, as a real server's would be"
        )

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
                    f"{rows:,} rows  {format_bytes(size)}"
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
            report.detail(
                f"on purpose: the fake was told to fail {planned['failed']} and cancel "
                f"{planned['cancelled']} of them (fake.plan_jobs(..., outcome=...))"
            )
            report.detail("a failed sync is an answer (job.status), not an exception")
            for failure in runs.failures:
                report.detail(printable(f"connection {failure.key}: {failure.error}"))
        stats = fake.stats
        total = sum(stats.hits.values())
        print(
            f"\n  {total} requests, {stats.token_requests} token request, at most "
            f"{stats.max_in_flight} in flight; total "
            f"{(time.perf_counter() - report.started):.1f} s",
            file=report.out,
        )
    print("\nWhat it did, in the code you would write:\n", file=report.out)
    print(textwrap.indent(CODE, "    "), file=report.out)
    print(_NEXT.format(cli=_command()), end="", file=report.out, flush=True)
    return 0
