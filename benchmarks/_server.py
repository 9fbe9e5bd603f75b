"""The fake Airbyte for the benchmarks, in a process of its own.

    python benchmarks/_server.py --port 8765 --sources 10000 --token-latency 0.2
    python benchmarks/_server.py --port 8765 --sources 0 --configurations configs.json

Serves on 127.0.0.1 only, with request recording off, one workspace and ``--sources``
sources whose configurations come from ``aiobyte.testing.sample_configuration``
(spread evenly over the ``--kinds`` given, by default every source kind; deterministic).
``--configurations`` adds sources and destinations with the configurations a JSON file
holds: ``[{"actor": "source", "type": "postgres", "configuration": {...}}, ...]``, in
that order (scenario (g)). The application's credentials are read from the
environment (``AIOBYTE_BENCH_CLIENT_ID``/``AIOBYTE_BENCH_CLIENT_SECRET``), so that the
parent knows them without a handshake. ``--token-latency`` makes every token request
take that long (a fault injected for ever); ``--latency "GET /sources=0.05"`` does the
same for any route (scenarios (h)-(j)). ``--connections N`` adds a connection for each
of the first N sources (one destination for all), whose jobs run ``--job-duration`` s.

The counters are at ``GET /_fake/stats``. It stops on SIGTERM or SIGINT, and also when
its standard input closes: if the parent dies without stopping it, it does not linger.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import sys
import threading

from aiobyte.testing import FakeAirbyte, sample_configuration
from aiobyte.testing._data import SOURCE_KINDS, connector_type

ENV_CLIENT_ID = "AIOBYTE_BENCH_CLIENT_ID"
ENV_CLIENT_SECRET = "AIOBYTE_BENCH_CLIENT_SECRET"
PATH_PREFIX = "/v1"
TOKEN_LIFETIME = 3600.0  # no refresh in the middle of a measured run


def add_sources(
    fake: FakeAirbyte, workspace_id: str, count: int, seed: int, kinds: list[str]
) -> None:
    """``count`` sources, spread evenly over ``kinds``, each configured its own way."""
    rng = random.Random(seed)
    for k, kind in enumerate(kinds):
        n = count // len(kinds) + (1 if k < count % len(kinds) else 0)
        configurations = [sample_configuration(kind, rng=rng) for _ in range(n)]
        fake.add_sources(
            workspace_id,
            n,
            configuration=configurations.__getitem__,
            source_type=connector_type(kind),
        )


def add_configurations(fake: FakeAirbyte, workspace_id: str, path: str) -> None:
    """Sources and destinations with the configurations of a JSON file, in its order."""
    with open(path, encoding="utf-8") as handle:
        entries = json.load(handle)
    for entry in entries:
        if entry["actor"] == "source":
            fake.add_source(
                workspace_id, source_type=entry["type"], configuration=entry["configuration"]
            )
        else:
            fake.add_destination(
                workspace_id, destination_type=entry["type"], configuration=entry["configuration"]
            )


def build(
    sources: int,
    token_latency: float,
    port: int,
    seed: int,
    kinds: list[str],
    configurations: str | None,
    latency: dict[str, float] | None = None,
    connections: int = 0,
    job_duration: float = 30.0,
) -> FakeAirbyte:
    fake = FakeAirbyte(
        path_prefix=PATH_PREFIX,
        host="127.0.0.1",
        port=port,
        token_lifetime=TOKEN_LIFETIME,
        record_requests=False,
        # Configurations come back as stored: (g) compares every value a client decodes,
        # secrets included, with what the fake holds.
        mask_secrets=False,
    )
    client_id = os.environ.get(ENV_CLIENT_ID)
    client_secret = os.environ.get(ENV_CLIENT_SECRET)
    if client_id and client_secret:
        fake.client_id, fake.client_secret = client_id, client_secret
    workspace_id = fake.add_workspace("Benchmarks")["workspaceId"]
    add_sources(fake, workspace_id, sources, seed, kinds)
    if configurations:
        add_configurations(fake, workspace_id, configurations)
    if token_latency > 0:
        fake.faults.inject("POST /applications/token", latency=token_latency, times=None)
    for route, seconds in (latency or {}).items():
        fake.faults.inject(route, latency=seconds, times=None)
    if connections:
        source_ids = fake.state.sources.ids()[:connections]
        if len(source_ids) < connections:
            raise SystemExit(f"--connections {connections}: only {len(source_ids)} sources")
        destination = fake.add_destination(workspace_id, destination_type="postgres")
        for source_id in source_ids:
            fake.add_connection(source_id, destination["destinationId"])
        fake.plan_jobs(None, duration=job_duration)
    return fake


async def serve(fake: FakeAirbyte) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # e.g. on Windows
            loop.add_signal_handler(signum, stop.set)

    def watch_stdin() -> None:
        with contextlib.suppress(OSError, ValueError):
            while sys.stdin.buffer.read(4096):
                pass
        with contextlib.suppress(RuntimeError):  # the loop is already closed
            loop.call_soon_threadsafe(stop.set)

    if sys.stdin is not None and not sys.stdin.isatty():
        threading.Thread(target=watch_stdin, name="stdin-watch", daemon=True).start()
    async with fake:
        await stop.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="port on 127.0.0.1")
    parser.add_argument("--sources", type=int, default=10_000, help="sources to create")
    parser.add_argument(
        "--token-latency", type=float, default=0.0, help="seconds every token request takes"
    )
    parser.add_argument("--seed", type=int, default=2024, help="seed of the configurations")
    parser.add_argument(
        "--kinds",
        default=",".join(SOURCE_KINDS),
        help="comma-separated source kinds of the --sources (default: every one)",
    )
    parser.add_argument("--configurations", help="a JSON file of configurations to add")
    parser.add_argument(
        "--latency",
        action="append",
        default=[],
        metavar="ROUTE=SECONDS",
        help='seconds every request to ROUTE takes, e.g. "GET /sources=0.05" (repeatable)',
    )
    parser.add_argument("--connections", type=int, default=0, help="connections to create")
    parser.add_argument("--job-duration", type=float, default=30.0, help="seconds a job runs")
    args = parser.parse_args()
    latency: dict[str, float] = {}
    for entry in args.latency:
        route, _, seconds = entry.rpartition("=")
        if not route:
            parser.error(f"--latency {entry!r}: expected ROUTE=SECONDS")
        latency[route] = float(seconds)
    kinds = [kind for kind in args.kinds.split(",") if kind]
    unknown = sorted(set(kinds) - set(SOURCE_KINDS))
    if unknown or not kinds:
        parser.error(f"--kinds: unknown {unknown}; known: {SOURCE_KINDS}")
    fake = build(
        args.sources,
        args.token_latency,
        args.port,
        args.seed,
        kinds,
        args.configurations,
        latency,
        args.connections,
        args.job_duration,
    )
    asyncio.run(serve(fake))
    return 0


if __name__ == "__main__":
    sys.exit(main())
