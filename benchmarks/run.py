#!/usr/bin/env python3
"""aiobyte side by side with raw aiohttp + msgspec, measured as ratios in one run.

    python3 tools/dev.py bench [--quick] [--runs N] [--markdown] [--output PATH]

The fake Airbyte runs in a process of its own on 127.0.0.1 (``_server.py``); this
process is the client. Every scenario runs aiobyte and the raw baseline (``_raw.py``)
in turn, alternating which goes first, with a garbage collection before each run, and
reports medians with min and max, and the ratio of the medians. Shared, noisy
machines: read the ratios, not the absolute numbers.

Exit status: 0 when everything ran, even if a target was missed (this is a report);
1 when something crashed; 2 when the two sides disagree (different results).
"""

# The table's multiplication signs and en dashes are meant.
# ruff: noqa: RUF001

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import json
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import _raw
import aiohttp

import aiobyte

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SERVER_SCRIPT = HERE / "_server.py"
PATH_PREFIX = "/v1"
STATS_PATH = "/_fake/stats"
READY_TIMEOUT = 30.0
TOKEN_LATENCY = 0.2
HEARTBEAT = 0.001
SIDES = ("raw", "aiobyte")


class Disagreement(Exception):
    """The two sides (or a side and the server) do not agree on a result."""


# -- the server process -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerProcess:
    """``_server.py`` in a child process: started, polled until healthy, always stopped."""

    def __init__(self, *, sources: int, token_latency: float) -> None:
        self.sources = sources
        self.token_latency = token_latency
        self.client_id = secrets.token_hex(16)
        self.client_secret = secrets.token_urlsafe(32)
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return self.url + PATH_PREFIX

    def start(self) -> None:
        for attempt in range(3):
            self.port = free_port()
            self._spawn()
            if self._wait_ready():
                return
            log = self._stop()
            if "address already in use" not in log.lower() or attempt == 2:
                raise RuntimeError(f"the fake server did not start:\n{log}")

    def _spawn(self) -> None:
        env = dict(os.environ)
        env["AIOBYTE_BENCH_CLIENT_ID"] = self.client_id
        env["AIOBYTE_BENCH_CLIENT_SECRET"] = self.client_secret
        self._log = tempfile.TemporaryFile()  # noqa: SIM115  (closed by _stop)
        self._proc = subprocess.Popen(
            [
                sys.executable,
                str(SERVER_SCRIPT),
                "--port",
                str(self.port),
                "--sources",
                str(self.sources),
                "--token-latency",
                str(self.token_latency),
            ],
            stdin=subprocess.PIPE,  # closing it (or dying) stops the server too
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env=env,
        )

    def _wait_ready(self) -> bool:
        assert self._proc is not None
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                return False
            try:
                with opener.open(self.base_url + "/health", timeout=1.0) as answer:
                    if answer.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        return False

    def _stop(self) -> str:
        """Stop the process (if any) and return what it printed."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.stdin is not None:
                proc.stdin.close()
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        log, self._log = self._log, None
        if log is None:
            return ""
        log.seek(0)
        text: str = log.read().decode("utf-8", "replace")
        log.close()
        return text

    def stop(self) -> None:
        self._stop()

    def __enter__(self) -> ServerProcess:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


# -- measuring ------------------------------------------------------------------------------------


@dataclass
class Sample:
    """One run of one side: its numbers and what it produced (for the cross-check)."""

    metrics: dict[str, float]
    ids: list[str]
    server: dict[str, Any] = field(default_factory=dict)


class Heartbeat:
    """Sleeps 1 ms in a loop and keeps the worst overshoot: the event loop's lag."""

    def __init__(self, interval: float = HEARTBEAT) -> None:
        self.interval = interval
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _beat(self) -> None:
        clock = time.perf_counter
        while True:
            started = clock()
            await asyncio.sleep(self.interval)
            self.worst = max(self.worst, clock() - started - self.interval)

    async def __aenter__(self) -> Heartbeat:
        self._task = asyncio.create_task(self._beat())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


@dataclass
class Context:
    server: ServerProcess
    control: aiohttp.ClientSession  # reads the fake's counters; never timed
    source_ids: list[str]
    page_size: int
    gets: int
    in_flight: int
    concurrent: int

    def client(self, **kwargs: Any) -> aiobyte.AirbyteClient:
        return aiobyte.AirbyteClient(
            base_url=self.server.base_url,
            client_id=self.server.client_id,
            client_secret=self.server.client_secret,
            **kwargs,
        )

    async def raw_token(self, session: aiohttp.ClientSession) -> str:
        server = self.server
        return await _raw.fetch_token(
            session, server.base_url, server.client_id, server.client_secret
        )

    async def stats(self) -> dict[str, Any]:
        async with self.control.get(self.server.url + STATS_PATH) as answer:
            answer.raise_for_status()
            body: dict[str, Any] = await answer.json()
            return body


Side = Callable[[Context], Awaitable[Sample]]


# -- (a) list every source ----------------------------------------------------------------------


async def list_aiobyte(ctx: Context) -> Sample:
    async with ctx.client() as client:
        await client.sources.get(ctx.source_ids[0])  # token and connection: not timed
        gc.collect()
        started = time.perf_counter()
        items = [source async for source in client.sources.list(page_size=ctx.page_size)]
        elapsed = time.perf_counter() - started
    return Sample({"wall_s": elapsed}, [source.source_id for source in items])


async def list_raw(ctx: Context) -> Sample:
    base_url = ctx.server.base_url
    async with aiohttp.ClientSession() as session:
        token = await ctx.raw_token(session)  # obtained once, not timed
        await _raw.get_sources(session, base_url, token, ctx.source_ids[:1], 1)
        gc.collect()
        started = time.perf_counter()
        items = await _raw.list_sources(session, base_url, token, ctx.page_size)
        elapsed = time.perf_counter() - started
    return Sample({"wall_s": elapsed}, [source.source_id for source in items])


# -- (b) many single gets, bounded -------------------------------------------------------------


async def gets_aiobyte(ctx: Context) -> Sample:
    wanted = ctx.source_ids[: ctx.gets]
    async with ctx.client(max_in_flight=ctx.in_flight) as client:
        await client.sources.get(ctx.source_ids[0])
        gc.collect()
        started = time.perf_counter()
        items = await asyncio.gather(*(client.sources.get(source_id) for source_id in wanted))
        elapsed = time.perf_counter() - started
    return Sample({"throughput": len(wanted) / elapsed}, [source.source_id for source in items])


async def gets_raw(ctx: Context) -> Sample:
    wanted = ctx.source_ids[: ctx.gets]
    base_url = ctx.server.base_url
    async with aiohttp.ClientSession() as session:
        token = await ctx.raw_token(session)
        await _raw.get_sources(session, base_url, token, ctx.source_ids[:1], 1)
        gc.collect()
        started = time.perf_counter()
        items = await _raw.get_sources(session, base_url, token, wanted, ctx.in_flight)
        elapsed = time.perf_counter() - started
    return Sample({"throughput": len(wanted) / elapsed}, [source.source_id for source in items])


# -- (c) a cold token cache under a burst -------------------------------------------------------


async def _burst(
    get: Callable[[str], Awaitable[Any]], wanted: Sequence[str]
) -> tuple[list[Any], float, float]:
    """Every get at once: the results, and the seconds to the first and last answer."""
    done: list[float] = []

    async def timed(source_id: str) -> Any:
        result = await get(source_id)
        done.append(time.perf_counter())
        return result

    started = time.perf_counter()
    results = await asyncio.gather(*(timed(source_id) for source_id in wanted))
    return results, min(done) - started, max(done) - started


async def _cold_aiobyte(ctx: Context, **options: Any) -> Sample:
    wanted = ctx.source_ids[: ctx.concurrent]
    gc.collect()
    async with Heartbeat() as heartbeat:
        async with ctx.client(**options) as client:
            items, first, last = await _burst(client.sources.get, wanted)
    metrics = {"first_s": first, "last_s": last, "lag_ms": heartbeat.worst * 1000}
    return Sample(metrics, [source.source_id for source in items])


async def cold_aiobyte(ctx: Context) -> Sample:
    """A client as it comes (``max_in_flight`` 32): the rest of the burst queues."""
    return await _cold_aiobyte(ctx)


async def cold_aiobyte_wide(ctx: Context) -> Sample:
    """``max_in_flight`` as large as the burst: everything is released at once."""
    return await _cold_aiobyte(ctx, max_in_flight=ctx.concurrent)


async def cold_raw_naive(ctx: Context) -> Sample:
    """No bound, and a pool as large as the burst: the naive cache, not queueing, shows."""
    wanted = ctx.source_ids[: ctx.concurrent]
    server = ctx.server
    gc.collect()
    async with Heartbeat() as heartbeat:
        connector = aiohttp.TCPConnector(limit=ctx.concurrent)
        async with aiohttp.ClientSession(connector=connector) as session:
            cache = _raw.NaiveTokenCache(
                session, server.base_url, server.client_id, server.client_secret
            )
            items, first, last = await _burst(cache.get_source, wanted)
    metrics = {"first_s": first, "last_s": last, "lag_ms": heartbeat.worst * 1000}
    return Sample(metrics, [source.source_id for source in items])


# -- scenarios and the report ---------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str  # of the value measured and stored in the JSON
    show: Callable[[float], str]  # the value as a number in the table's unit
    suffix: str  # the table's unit
    target: str = "—"
    # (raw summary, aiobyte summary) -> target met? None: no target.
    check: Callable[[dict[str, Any], dict[str, Any]], bool] | None = None


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    sides: dict[str, Side]
    metrics: tuple[Metric, ...]
    expected: Callable[[Context], list[str]]
    warmup: bool = True


def _millis_1(value: float) -> str:
    return f"{value * 1000:.1f}"


def _millis(value: float) -> str:
    return f"{value * 1000:.0f}"


def _lag(value: float) -> str:
    return f"{value:.1f}"


def _whole(value: float) -> str:
    return f"{value:,.0f}"


def _ratio(raw: dict[str, Any], fast: dict[str, Any]) -> float | None:
    return fast["median"] / raw["median"] if raw["median"] else None


def scenarios(ctx: Context) -> list[Scenario]:
    listed = f"{len(ctx.source_ids):,}"
    return [
        Scenario(
            "a_list_sources",
            f"(a) list {listed} sources, page size {ctx.page_size}",
            {"raw": list_raw, "aiobyte": list_aiobyte},
            (
                Metric(
                    "wall_s",
                    f"(a) list {listed} sources: wall time",
                    "s",
                    _millis_1,
                    "ms",
                    "≤ 1.2× raw",
                    lambda raw, fast: (_ratio(raw, fast) or 0.0) <= 1.2,
                ),
            ),
            lambda c: c.source_ids,
        ),
        Scenario(
            "b_get_sources",
            f"(b) {ctx.gets:,} gets of single sources, {ctx.in_flight} in flight",
            {"raw": gets_raw, "aiobyte": gets_aiobyte},
            (
                Metric(
                    "throughput",
                    f"(b) {ctx.gets:,} gets at {ctx.in_flight} in flight: throughput",
                    "req/s",
                    _whole,
                    "req/s",
                    "≥ 0.85× raw",
                    lambda raw, fast: (_ratio(raw, fast) or 0.0) >= 0.85,
                ),
            ),
            lambda c: c.source_ids[: c.gets],
        ),
        Scenario(
            "c_cold_token",
            f"(c) {ctx.concurrent:,} concurrent gets on a cold token cache, token endpoint "
            f"slowed to {TOKEN_LATENCY * 1000:.0f} ms; aiobyte as it comes (max_in_flight "
            "32), raw: naive cache (check-then-fetch), no bound",
            {"raw": cold_raw_naive, "aiobyte": cold_aiobyte},
            (
                Metric(
                    "token_requests",
                    f"(c) {ctx.concurrent:,} cold gets: token requests (raw: naive cache)",
                    "requests",
                    _whole,
                    "",
                    "aiobyte = 1",
                    _exactly_one,
                ),
                Metric("first_s", "(c) time to first response", "s", _millis, "ms"),
                Metric("last_s", "(c) time to last response", "s", _millis, "ms"),
                Metric(
                    "lag_ms",
                    "(c) worst event-loop lag (1 ms heartbeat)",
                    "ms",
                    _lag,
                    "ms",
                    "aiobyte < 10 ms",
                    _lag_ok,
                ),
            ),
            lambda c: c.source_ids[: c.concurrent],
        ),
        Scenario(
            "c_cold_token_wide",
            f"(c') the same with aiobyte's max_in_flight={ctx.concurrent}: the whole burst "
            "released at once when the token arrives",
            {"raw": cold_raw_naive, "aiobyte": cold_aiobyte_wide},
            (
                Metric(
                    "token_requests",
                    f"(c') max_in_flight={ctx.concurrent}: token requests",
                    "requests",
                    _whole,
                    "",
                    "aiobyte = 1",
                    _exactly_one,
                ),
                Metric("last_s", "(c') time to last response", "s", _millis, "ms"),
                Metric(
                    "lag_ms",
                    "(c') worst event-loop lag",
                    "ms",
                    _lag,
                    "ms",
                    "aiobyte < 10 ms",
                    _lag_ok,
                ),
            ),
            lambda c: c.source_ids[: c.concurrent],
        ),
    ]


def _exactly_one(raw: dict[str, Any], fast: dict[str, Any]) -> bool:
    return bool(fast["min"] == fast["max"] == 1)


def _lag_ok(raw: dict[str, Any], fast: dict[str, Any]) -> bool:
    return bool(fast["median"] < 10.0)


def summarize(values: list[float]) -> dict[str, Any]:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": values,
    }


def _delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    hits = {
        route: count - before["hits"].get(route, 0)
        for route, count in after["hits"].items()
        if count != before["hits"].get(route, 0)
    }
    return {"token_requests": after["token_requests"] - before["token_requests"], "hits": hits}


async def measure(
    ctx: Context, scenario: Scenario, runs: int, warmup: bool
) -> dict[str, list[Sample]]:
    expected = scenario.expected(ctx)
    samples: dict[str, list[Sample]] = {side: [] for side in SIDES}
    rounds = [("warmup", i) for i in range(1 if warmup and scenario.warmup else 0)]
    rounds += [("run", i) for i in range(runs)]
    for kind, i in rounds:
        order = ("aiobyte", "raw") if i % 2 == 0 else ("raw", "aiobyte")
        for side in order:
            gc.collect()
            before = await ctx.stats()
            sample = await scenario.sides[side](ctx)
            after = await ctx.stats()
            sample.server = _delta(before, after)
            sample.metrics["token_requests"] = float(sample.server["token_requests"])
            if sample.ids != expected:
                raise Disagreement(
                    f"{scenario.title}: {side} produced {len(sample.ids)} ids, not the "
                    f"{len(expected)} expected ones (or not in the same order)"
                )
            if kind == "run":
                samples[side].append(sample)
    return samples


def report(scenario: Scenario, samples: dict[str, list[Sample]]) -> dict[str, Any]:
    metrics: dict[str, Any] = {}
    for metric in scenario.metrics:
        raw = summarize([s.metrics[metric.key] for s in samples["raw"]])
        fast = summarize([s.metrics[metric.key] for s in samples["aiobyte"]])
        metrics[metric.key] = {
            "label": metric.label,
            "unit": metric.unit,
            "raw": raw,
            "aiobyte": fast,
            "ratio": _ratio(raw, fast),
            "target": None if metric.check is None else metric.target,
            "met": None if metric.check is None else bool(metric.check(raw, fast)),
        }
    return {
        "title": scenario.title,
        "metrics": metrics,
        "server": {side: [s.server for s in samples[side]] for side in SIDES},
    }


def table_rows(scenario_list: list[Scenario], results: dict[str, Any]) -> list[list[str]]:
    rows: list[list[str]] = []
    for scenario in scenario_list:
        for metric in scenario.metrics:
            entry = results[scenario.key]["metrics"][metric.key]

            def cell(summary: dict[str, Any], metric: Metric = metric) -> str:
                show = metric.show
                median = f"{show(summary['median'])} {metric.suffix}".rstrip()
                return f"{median} [{show(summary['min'])}–{show(summary['max'])}]"

            ratio = entry["ratio"]
            met = entry["met"]
            rows.append(
                [
                    metric.label,
                    cell(entry["raw"]),
                    cell(entry["aiobyte"]),
                    "—" if ratio is None else f"{ratio:.3g}×",
                    metric.target,
                    "—" if met is None else ("met" if met else "MISSED"),
                ]
            )
    return rows


HEADER = [
    "scenario",
    "raw (median [min–max])",
    "aiobyte (median [min–max])",
    "ratio",
    "target",
    "result",
]


def plain_table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [HEADER, *rows]) for i in range(len(HEADER))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(HEADER), line(["-" * w for w in widths]), *map(line, rows)])


def markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "aiohttp": version("aiohttp"),
        "msgspec": version("msgspec"),
        "anyio": version("anyio"),
        "aiobyte": aiobyte.__version__,
    }


# -- the command --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    runs: int
    sources: int
    page_size: int
    gets: int
    in_flight: int
    concurrent: int
    warmup: bool
    quick: bool


def parse(argv: Sequence[str] | None) -> tuple[Settings, argparse.Namespace]:
    parser = argparse.ArgumentParser(
        description="aiobyte side by side with raw aiohttp + msgspec (ratios, one run)."
    )
    parser.add_argument(
        "--quick", action="store_true", help="1 run, small sizes: a smoke run of a few seconds"
    )
    parser.add_argument("--runs", type=int, help="measured runs per side (default 5; quick 1)")
    parser.add_argument("--sources", type=int, help="sources to list (default 10,000; quick 500)")
    parser.add_argument("--gets", type=int, help="gets in (b) (default 1,000; quick 100)")
    parser.add_argument("--concurrent", type=int, help="gets in (c) (default 500; quick 50)")
    parser.add_argument("--output", type=Path, help="write the JSON here instead")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument(
        "--show", type=Path, metavar="JSON", help="print the table of an earlier run; run nothing"
    )
    args = parser.parse_args(argv)
    quick = bool(args.quick)
    settings = Settings(
        runs=args.runs or (1 if quick else 5),
        sources=args.sources or (500 if quick else 10_000),
        page_size=100,
        gets=args.gets or (100 if quick else 1_000),
        in_flight=32,
        concurrent=args.concurrent or (50 if quick else 500),
        warmup=True,
        quick=quick,
    )
    if min(settings.runs, settings.sources, settings.gets, settings.concurrent) < 1:
        parser.error("counts must be positive")
    if max(settings.gets, settings.concurrent) > settings.sources:
        parser.error("--gets and --concurrent cannot exceed --sources")
    return settings, args


async def bench(
    settings: Settings, server: ServerProcess
) -> tuple[list[list[str]], dict[str, Any]]:
    async with aiohttp.ClientSession() as control:
        token = await _raw.fetch_token(
            control, server.base_url, server.client_id, server.client_secret
        )
        listed = await _raw.list_sources(control, server.base_url, token, settings.page_size)
        source_ids = [source.source_id for source in listed]
        if len(source_ids) != settings.sources or len(set(source_ids)) != settings.sources:
            raise Disagreement(
                f"the server lists {len(source_ids)} sources, {settings.sources} were created"
            )
        ctx = Context(
            server=server,
            control=control,
            source_ids=source_ids,
            page_size=settings.page_size,
            gets=settings.gets,
            in_flight=settings.in_flight,
            concurrent=settings.concurrent,
        )
        scenario_list = scenarios(ctx)
        results: dict[str, Any] = {}
        for scenario in scenario_list:
            print(f"running {scenario.title} ...", file=sys.stderr, flush=True)
            samples = await measure(ctx, scenario, settings.runs, settings.warmup)
            results[scenario.key] = report(scenario, samples)
    return table_rows(scenario_list, results), results


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(path.name + ".tmp")
    scratch.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    scratch.replace(path)


def show(document: dict[str, Any], markdown: bool) -> None:
    info, settings = document["machine"], document["settings"]
    print(
        f"{document['date']}  {info['platform']}, {info['cpu_count']} CPUs, {info['python']}, "
        f"aiohttp {info['aiohttp']}, msgspec {info['msgspec']}; {settings['runs']} run(s) per side"
    )
    rows = document["table"]
    print(markdown_table(rows) if markdown else plain_table(rows))


def main(argv: Sequence[str] | None = None) -> int:
    settings, args = parse(argv)
    if isinstance(sys.stdout, io.TextIOWrapper):  # a console without the table's signs
        sys.stdout.reconfigure(errors="replace")
    if args.show is not None:
        show(json.loads(args.show.read_text()), args.markdown)
        return 0
    started = datetime.now(timezone.utc)
    try:
        with ServerProcess(sources=settings.sources, token_latency=TOKEN_LATENCY) as server:
            rows, results = asyncio.run(bench(settings, server))
    except Disagreement as exc:
        print(f"the results disagree: {exc}", file=sys.stderr)
        return 2
    info = machine()
    document: dict[str, Any] = {
        "date": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seconds": round((datetime.now(timezone.utc) - started).total_seconds(), 1),
        "machine": info,
        "settings": {**asdict(settings), "token_latency_s": TOKEN_LATENCY},
        "scenarios": results,
        "table": rows,
    }
    output = args.output or RESULTS / ("quick.json" if settings.quick else "latest.json")
    write_json(output, document)
    show(document, args.markdown)
    print(f"results: {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
