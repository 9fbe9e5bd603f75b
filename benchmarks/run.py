#!/usr/bin/env python3
"""aiobyte side by side with raw aiohttp + msgspec (the floor), httpx + json and the official SDK.

    python3 tools/dev.py bench [--quick] [--runs N] [--sdk-runs N] [--sides raw,aiobyte,...]
                               [--markdown] [--output PATH] [--readme]
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
# ruff: noqa: RUF001

from __future__ import annotations

import argparse
import importlib
import io
import json
import os
import platform
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import _configs
import _worker
import connectors as typed_connectors  # scenario (g'): its own module

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent
README = REPOSITORY / "README.md"
RESULTS = HERE / "results"
SERVER_SCRIPT = HERE / "_server.py"
WORKER_SCRIPT = HERE / "_worker.py"
PATH_PREFIX = "/v1"
STATS_PATH = "/_fake/stats"
READY_TIMEOUT = 30.0
TOKEN_LATENCY = 0.2
WORKER_TIMEOUT = 600.0
README_START = "<!-- benchmarks:start -->"
README_END = "<!-- benchmarks:end -->"

SIDES = ("raw", "aiobyte", "httpx", "sdk")
FLOOR = "raw"
LABELS = {
    "raw": "raw aiohttp + msgspec (floor)",
    "aiobyte": "aiobyte",
    "httpx": "httpx + json",
    "sdk": "airbyte-api (official SDK)",
}
MODULES = {"httpx": "httpx", "sdk": "airbyte_api"}  # sides that need a library of their own
SLOW_SIDES = ("sdk",)  # fewer runs (--sdk-runs) and no warm-up round: a run takes seconds

# The speed scenarios list sources configured like these four of aiobyte.testing's sample
# kinds: the official SDK fails to decode the other four (google-ads, github, shopify,
# google-analytics-data-api: "Could not find discriminator field ..."), and a client
# that cannot decode the data has no speed to measure. Scenario (g) measures failures.
SPEED_KINDS = ["source-postgres", "source-mysql", "source-s3", "source-salesforce"]
CORRECTNESS_PAGE_SIZE = 20  # the server's default page size
GET_REPEATS = 5  # (c): batches per run; the best counts (a batch takes about 0.1 s)


class Disagreement(Exception):
    """A client's results are not what the server holds."""


class WorkerFailed(Exception):
    """A worker process failed; the message is the end of what it printed."""


# -- the server process ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerProcess:
    """``_server.py`` in a child process: started, polled until healthy, always stopped."""

    def __init__(self, *, sources: int, token_latency: float, extra: Sequence[str] = ()) -> None:
        self.sources = sources
        self.token_latency = token_latency
        self.extra = list(extra)
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
                *self.extra,
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


class Control:
    """This process's own requests to the fake (never timed): counters, ids, bodies."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self._token: str | None = None

    def _call(self, url: str, body: bytes | None = None, token: str | None = None) -> bytes:
        request = urllib.request.Request(url, data=body)
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if token is not None:
            request.add_header("Authorization", f"Bearer {token}")
        with self._opener.open(request, timeout=30) as answer:
            content: bytes = answer.read()
            return content

    def token(self) -> str:
        if self._token is None:
            body = json.dumps(
                {
                    "client_id": self.server.client_id,
                    "client_secret": self.server.client_secret,
                    "grant-type": "client_credentials",
                }
            ).encode()
            answer = self._call(self.server.base_url + "/applications/token", body)
            self._token = str(json.loads(answer)["access_token"])
        return self._token

    def get(self, path: str) -> bytes:
        return self._call(self.server.base_url + path, token=self.token())

    def stats(self) -> dict[str, Any]:
        answer: dict[str, Any] = json.loads(self._call(self.server.url + STATS_PATH))
        return answer

    def pages(self, actor: str, page_size: int) -> list[bytes]:
        """Every page of ``GET /{actor}s``, as the server sent it."""
        pages: list[bytes] = []
        offset = 0
        while True:
            body = self.get(f"/{actor}s?limit={page_size}&offset={offset}")
            pages.append(body)
            count = len(json.loads(body)["data"])
            if count < page_size:
                return pages
            offset += count


# -- running workers --------------------------------------------------------------------------


def run_worker(task: str, side: str, params: dict[str, Any], scratch: Path) -> dict[str, Any]:
    """One run of ``_worker.py`` in a fresh process; its result."""
    params_path = scratch / f"{task}-{side}-params.json"
    result_path = scratch / f"{task}-{side}-result.json"
    params_path.write_text(json.dumps(params))
    result_path.unlink(missing_ok=True)
    command = [
        sys.executable,
        *(f"-W{option}" for option in sys.warnoptions),
        str(WORKER_SCRIPT),
        task,
        side,
        str(params_path),
        str(result_path),
    ]
    try:
        done = subprocess.run(
            command, capture_output=True, encoding="utf-8", errors="replace",
            timeout=WORKER_TIMEOUT, check=False, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise WorkerFailed(f"no answer after {WORKER_TIMEOUT:.0f} s") from exc
    if done.returncode != 0 or not result_path.exists():
        raise WorkerFailed(_failure(done.stderr, done.returncode))
    result: dict[str, Any] = json.loads(result_path.read_text())
    return result


def run_probe(code: str, args: Sequence[str] = ()) -> float:
    """Run a program that prints seconds; those seconds."""
    done = subprocess.run(
        [sys.executable, *(f"-W{o}" for o in sys.warnoptions), "-c", code, *args],
        capture_output=True, encoding="utf-8", errors="replace",
        timeout=WORKER_TIMEOUT, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    if done.returncode != 0:
        raise WorkerFailed(_failure(done.stderr, done.returncode))
    return float(done.stdout.strip().splitlines()[-1])


def _failure(stderr: str, status: int) -> str:
    """The exception a process died of (the line after its last traceback), or its status."""
    lines = stderr.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent")]
    if starts:
        for line in lines[starts[-1] + 1 :]:
            if line and not line[0].isspace():
                return line.strip()[:500]
    meaningful = [line.strip() for line in lines if line.strip()]
    return meaningful[-1][:500] if meaningful else f"exit status {status}"


def _delta(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    hits = {
        route: count - before["hits"].get(route, 0)
        for route, count in after["hits"].items()
        if count != before["hits"].get(route, 0)
    }
    return {"token_requests": after["token_requests"] - before["token_requests"], "hits": hits}


# -- settings and context ---------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    runs: int
    sdk_runs: int
    sources: int
    page_size: int
    gets: int
    in_flight: int
    concurrent: int
    connectors: int | None  # (g): connector schemas sampled; None: every one
    per_connector: int  # (g): configurations per connector schema
    sides: tuple[str, ...]
    warmup: bool
    quick: bool
    speed_kinds: tuple[str, ...] = tuple(SPEED_KINDS)


@dataclass
class Outcome:
    """One client in one scenario: each run's numbers, or why there are none."""

    runs: list[dict[str, float]] = field(default_factory=list)
    status: str | None = None  # "not installed", "skipped", "failed: ...", or None
    server: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Context:
    settings: Settings
    server: ServerProcess
    control: Control
    status: dict[str, str | None]  # per side: None when it can run
    source_ids: list[str]
    scratch: Path
    spec: Path | None
    details: dict[str, Any] = field(default_factory=dict)  # per scenario: beyond the table
    outcomes: dict[str, dict[str, Outcome]] = field(default_factory=dict)  # per scenario

    def params(self, **more: Any) -> dict[str, Any]:
        return {
            "base_url": self.server.base_url,
            "client_id": self.server.client_id,
            "client_secret": self.server.client_secret,
            **more,
        }

    def runs_for(self, side: str) -> int:
        return self.settings.sdk_runs if side in SLOW_SIDES else self.settings.runs


def availability(requested: Sequence[str]) -> dict[str, str | None]:
    """Per side: None if it can run, else why not."""
    status: dict[str, str | None] = {}
    for side in SIDES:
        if side not in requested:
            status[side] = "skipped"
            continue
        module = MODULES.get(side)
        if module is None:
            status[side] = None
            continue
        try:
            importlib.import_module(module)
        except ImportError:
            status[side] = "not installed"
        else:
            status[side] = None
    return status


# -- scenarios --------------------------------------------------------------------------------


Summaries = dict[str, dict[str, Any]]  # side -> {"median", "min", "max", "runs"}


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    show: Callable[[float], str]
    suffix: str
    target: str = "—"
    # the summaries of the sides that ran -> target met? None: cannot tell
    check: Callable[[Summaries], bool | None] | None = None
    ratio: bool = True  # show each side's ratio to the floor
    of: str | None = None  # a count: shown as "N of <this metric's median>"


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    metrics: tuple[Metric, ...]
    run: Callable[[Context, Scenario], dict[str, Outcome]]
    task: str = ""
    sides: tuple[str, ...] = SIDES
    params: Callable[[Context], dict[str, Any]] = lambda ctx: {}
    expected: Callable[[Context], tuple[str, int]] | None = None  # (ids digest, count)


def _rotation(sides: Sequence[str], i: int) -> list[str]:
    k = i % len(sides) if sides else 0
    return [*sides[k:], *sides[:k]]


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure_workers(ctx: Context, scenario: Scenario) -> dict[str, Outcome]:
    """Warm-up round (fast sides), then rounds in rotating order, each run a fresh worker."""
    outcomes = {side: Outcome() for side in scenario.sides}
    for side, outcome in outcomes.items():
        outcome.status = ctx.status[side]
    ready = [side for side in scenario.sides if outcomes[side].status is None]
    params = ctx.params(**scenario.params(ctx))
    expected = scenario.expected(ctx) if scenario.expected else None
    rounds = [("warmup", 0)] if ctx.settings.warmup else []
    rounds += [("run", i) for i in range(max((ctx.runs_for(s) for s in ready), default=0))]
    for kind, i in rounds:
        for side in _rotation(ready, i):
            outcome = outcomes[side]
            if outcome.status is not None:
                continue
            if kind == "warmup" and side in SLOW_SIDES:
                continue
            if kind == "run" and len(outcome.runs) >= ctx.runs_for(side):
                continue
            before = ctx.control.stats()
            started = time.monotonic()
            try:
                result = run_worker(
                    scenario.task, side, {**params, "slow": side in SLOW_SIDES}, ctx.scratch
                )
            except WorkerFailed as exc:
                outcome.status = f"failed: {exc}"
                _progress(f"  {side}: FAILED: {exc}")
                continue
            after = ctx.control.stats()
            metrics = dict(result["metrics"])
            produced = (result["ids"], result.get("count", expected[1] if expected else 0))
            if expected is not None and not metrics.get("failed") and produced != expected:
                raise Disagreement(
                    f"{scenario.title}: {side} produced {produced[1]} items with "
                    f"fingerprint {produced[0]}, not the {expected[1]} expected ({expected[0]})"
                )
            server = _delta(before, after)
            if result.get("errors"):
                server["errors"] = result["errors"]
            metrics.setdefault("token_requests", float(server["token_requests"]))
            if kind == "run":
                outcome.runs.append(metrics)
                outcome.server.append(server)
            _progress(f"  {kind} {i + 1} {side}: {time.monotonic() - started:.1f} s")
    return outcomes


def measure_startup(ctx: Context, scenario: Scenario) -> dict[str, Outcome]:
    """(e) Fresh processes: the import alone; import, construct and one GET."""
    outcomes = {side: Outcome(status=ctx.status[side]) for side in scenario.sides}
    ready = [side for side in scenario.sides if ctx.status[side] is None]
    token = ctx.control.token()
    args = [ctx.server.base_url, token, ctx.source_ids[0]]
    for i in range(ctx.settings.runs):
        for side in _rotation(ready, i):
            outcome = outcomes[side]
            if outcome.status is not None:
                continue
            try:
                imported = run_probe(_worker.probe_code("import", side))
                first = run_probe(_worker.probe_code("first", side), args)
            except WorkerFailed as exc:
                outcome.status = f"failed: {exc}"
                continue
            outcome.runs.append({"import_s": imported, "first_s": first})
        _progress(f"  run {i + 1}: done")
    return outcomes


def _params_decode(ctx: Context) -> dict[str, Any]:
    page = ctx.scratch / "page.json"
    if not page.exists():
        page.write_bytes(ctx.control.get(f"/sources?limit={ctx.settings.page_size}&offset=0"))
    return {"page_file": str(page)}


def _params_cold(ctx: Context, wide: bool) -> dict[str, Any]:
    return {
        "ids": ctx.source_ids[: ctx.settings.concurrent],
        "warm": min(ctx.settings.in_flight, ctx.settings.concurrent),
        "stats_url": ctx.server.url + STATS_PATH,
        "wide": wide,
    }


def _expect(ids: Callable[[Context], list[str]]) -> Callable[[Context], tuple[str, int]]:
    def expected(ctx: Context) -> tuple[str, int]:
        wanted = ids(ctx)
        return _worker.digest(wanted), len(wanted)

    return expected


# formats and checks


def _millis_1(value: float) -> str:
    return f"{value * 1000:,.1f}"


def _millis(value: float) -> str:
    return f"{value * 1000:,.0f}"


def _micros(value: float) -> str:
    return f"{value * 1e6:,.0f}"


def _lag(value: float) -> str:
    return f"{value:,.1f}"


def _whole(value: float) -> str:
    return f"{value:,.0f}"


def _mib(value: float) -> str:
    return f"{value:,.1f}"


def _ratio(summaries: Summaries, side: str) -> float | None:
    floor, other = summaries.get(FLOOR), summaries.get(side)
    if floor is None or other is None or not floor["median"]:
        return None
    ratio: float = other["median"] / floor["median"]
    return ratio


def _at_most(limit: float) -> Callable[[Summaries], bool | None]:
    def check(summaries: Summaries) -> bool | None:
        ratio = _ratio(summaries, "aiobyte")
        return None if ratio is None else ratio <= limit

    return check


def _at_least(limit: float) -> Callable[[Summaries], bool | None]:
    def check(summaries: Summaries) -> bool | None:
        ratio = _ratio(summaries, "aiobyte")
        return None if ratio is None else ratio >= limit

    return check


def _exactly_one(summaries: Summaries) -> bool | None:
    mine = summaries.get("aiobyte")
    return None if mine is None else bool(mine["min"] == mine["max"] == 1)


def _lag_ok(summaries: Summaries) -> bool | None:
    mine = summaries.get("aiobyte")
    return None if mine is None else bool(mine["median"] < 10.0)


def _not_slower_than_sdk(summaries: Summaries) -> bool | None:
    mine, sdk = summaries.get("aiobyte"), summaries.get("sdk")
    return None if mine is None or sdk is None else bool(mine["median"] <= sdk["median"])


def _zero(summaries: Summaries) -> bool | None:
    mine = summaries.get("aiobyte")
    return None if mine is None else bool(mine["max"] == 0)


def scenarios(settings: Settings) -> list[Scenario]:
    listed = f"{settings.sources:,}"
    size = settings.page_size
    return [
        Scenario(
            "a_decode_page",
            f"(a) decode one {size}-item page of sources: the same bytes through each "
            "client's model layer (aiobyte's PageBody[Source] decoder, a msgspec Struct, "
            "json.loads, the SDK's unmarshal_json_response for SourcesResponse)",
            (
                Metric(
                    "decode_s",
                    f"(a) decode one {size}-item page",
                    _micros,
                    "µs",
                    "≤ 1.2× floor",
                    _at_most(1.2),
                ),
            ),
            measure_workers,
            task="decode",
            params=_params_decode,
            expected=_expect(lambda c: c.source_ids[: c.settings.page_size]),
        ),
        Scenario(
            "b_list_sources",
            f"(b) list {listed} sources, page size {size} (the SDK has no pagination: "
            "driven by offset until a short page)",
            (
                Metric(
                    "wall_s",
                    f"(b) list {listed} sources: wall time",
                    _millis_1,
                    "ms",
                    "≤ 1.2× floor",
                    _at_most(1.2),
                ),
            ),
            measure_workers,
            task="list",
            params=lambda c: {"warm_id": c.source_ids[0], "page_size": c.settings.page_size},
            expected=_expect(lambda c: c.source_ids),
        ),
        Scenario(
            "c_get_sources",
            f"(c) {settings.gets:,} gets of single sources, {settings.in_flight} in flight; "
            f"each run the best of {GET_REPEATS} batches (the SDK: 1)",
            (
                Metric(
                    "throughput",
                    f"(c) {settings.gets:,} gets at {settings.in_flight} in flight: throughput",
                    _whole,
                    "req/s",
                    "≥ 0.85× floor",
                    _at_least(0.85),
                ),
            ),
            measure_workers,
            task="gets",
            params=lambda c: {
                "ids": c.source_ids[: c.settings.gets],
                "in_flight": c.settings.in_flight,
                "repeats": GET_REPEATS,  # the best batch of each run
                "slow_repeats": 1,  # the SDK's batch takes 20 s
            },
            expected=_expect(lambda c: c.source_ids[: c.settings.gets]),
        ),
        Scenario(
            "d_cold_token",
            f"(d) {settings.concurrent:,} concurrent gets on a cold token cache, token "
            f"endpoint slowed to {TOKEN_LATENCY * 1000:.0f} ms; aiobyte as it comes "
            "(max_in_flight 32); floor and httpx: the naive cache (check, then fetch), no "
            "bound; the SDK as it comes",
            (
                Metric(
                    "token_requests",
                    f"(d) {settings.concurrent:,} cold gets: token requests",
                    _whole,
                    "",
                    "aiobyte = 1",
                    _exactly_one,
                    ratio=False,
                ),
                Metric(
                    "failed",
                    "(d) gets that failed",
                    _whole,
                    "",
                    "aiobyte = 0",
                    _zero,
                    ratio=False,
                ),
                Metric("first_s", "(d) time to first response", _millis, "ms"),
                Metric(
                    "last_s", "(d) time to last response (of those that succeeded)", _millis, "ms"
                ),
                Metric(
                    "lag_ms",
                    "(d) worst event-loop lag (1 ms heartbeat)",
                    _lag,
                    "ms",
                    "aiobyte < 10 ms",
                    _lag_ok,
                ),
            ),
            measure_workers,
            task="cold",
            params=lambda c: _params_cold(c, wide=False),
            expected=_expect(lambda c: c.source_ids[: c.settings.concurrent]),
        ),
        Scenario(
            "d_cold_token_wide",
            f"(d') the same with aiobyte's max_in_flight={settings.concurrent}: the whole "
            "burst released at once when the token arrives (floor and aiobyte only)",
            (
                Metric(
                    "token_requests",
                    f"(d') max_in_flight={settings.concurrent}: token requests",
                    _whole,
                    "",
                    "aiobyte = 1",
                    _exactly_one,
                    ratio=False,
                ),
                Metric("last_s", "(d') time to last response", _millis, "ms"),
                # No target: this is what the default bound of 32 prevents, shown.
                Metric("lag_ms", "(d') worst event-loop lag", _lag, "ms"),
            ),
            measure_workers,
            task="cold",
            sides=("raw", "aiobyte"),
            params=lambda c: _params_cold(c, wide=True),
            expected=_expect(lambda c: c.source_ids[: c.settings.concurrent]),
        ),
        Scenario(
            "e_startup",
            "(e) a fresh process: the import statement alone; and import, construct a "
            "client, one GET with a fixed token, close (time to first request)",
            (
                Metric(
                    "import_s",
                    "(e) import time",
                    _millis,
                    "ms",
                    "≤ official SDK",
                    _not_slower_than_sdk,
                ),
                Metric(
                    "first_s",
                    "(e) time to first request",
                    _millis,
                    "ms",
                    "≤ official SDK",
                    _not_slower_than_sdk,
                ),
            ),
            measure_startup,
        ),
        Scenario(
            "f_memory",
            f"(f) peak memory while listing {listed} sources: the runs of (b), each a fresh "
            "process; peak RSS from getrusage (ru_maxrss), and its growth during the listing",
            (
                Metric(
                    "peak_rss_mib",
                    f"(f) peak RSS listing {listed} sources",
                    _mib,
                    "MiB",
                    "≤ 1.2× floor",
                    _at_most(1.2),
                ),
                Metric("rss_growth_mib", "(f) RSS growth during the listing", _mib, "MiB"),
            ),
            lambda ctx, scenario: ctx.outcomes.get("b_list_sources", {}),  # its fresh processes
        ),
        Scenario(
            "g_correctness",
            "(g) configurations generated from the connectors' schemas in api_sdk.yaml, "
            f"served by the fake: pages of {CORRECTNESS_PAGE_SIZE} that fail to decode, then "
            "each object fetched on its own and its configuration compared with what the "
            "server sent, at every depth",
            (
                Metric(
                    "pages_failed",
                    "(g) pages that fail to decode",
                    _whole,
                    "",
                    "aiobyte = 0",
                    _zero,
                    ratio=False,
                    of="pages",
                ),
                Metric(
                    "objects_failed",
                    "(g) configurations that fail to decode",
                    _whole,
                    "",
                    "aiobyte = 0",
                    _zero,
                    ratio=False,
                    of="objects",
                ),
                Metric(
                    "keys_dropped",
                    "(g) configuration keys dropped (non-null values)",
                    _whole,
                    "",
                    "aiobyte = 0",
                    _zero,
                    ratio=False,
                ),
                Metric(
                    "values_changed",
                    "(g) configuration values changed",
                    _whole,
                    "",
                    ratio=False,
                ),
                Metric(
                    "nulls_omitted",
                    "(g) null values omitted",
                    _whole,
                    "",
                    ratio=False,
                ),
            ),
            measure_correctness,
        ),
        typed_connectors.scenario(sys.modules[__name__]),
    ]


# -- (g) correctness ---------------------------------------------------------------------------


@dataclass
class Tally:
    dropped: int = 0  # keys sent with a non-null value that the client does not have
    nulls: int = 0  # keys sent as null that the client does not have
    changed: int = 0  # values the client has, but different
    added: int = 0  # keys the client has that the server did not send (defaults)
    examples: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        if len(self.examples) < 5:
            self.examples.append(text)


def _keys_in(value: Any) -> int:
    """Keys at every depth inside a value (a dropped object loses all of them)."""
    if isinstance(value, dict):
        return sum(1 + _keys_in(v) for v in value.values())
    if isinstance(value, list):
        return sum(_keys_in(v) for v in value)
    return 0


def _exact(number: int | float | Decimal) -> Decimal:
    return Decimal(repr(number)) if isinstance(number, float) else Decimal(number)


def _same_scalar(sent: Any, got: Any) -> bool:
    """Equal JSON scalars: a number is the same number (5 and 5.0 alike), not a boolean."""
    if sent is None or isinstance(sent, bool) or isinstance(got, bool):
        return sent is got
    numbers = (int, float, Decimal)
    if isinstance(sent, numbers):
        return isinstance(got, numbers) and _exact(sent) == _exact(got)
    return type(sent) is type(got) and bool(sent == got)


def compare(sent: Any, got: Any, path: str, tally: Tally) -> None:
    """Tally what ``got`` lost or changed of ``sent`` (JSON values, numbers as Decimal/int)."""
    if isinstance(sent, dict):
        if not isinstance(got, dict):
            tally.changed += 1
            tally.note(f"{path}: an object became {type(got).__name__}")
            return
        for key, value in sent.items():
            if key not in got:
                if value is None:
                    tally.nulls += 1
                else:
                    tally.dropped += 1 + _keys_in(value)
                    tally.note(f"{path}/{key} dropped")
            else:
                compare(value, got[key], f"{path}/{key}", tally)
        tally.added += sum(1 for key in got if key not in sent)
    elif isinstance(sent, list):
        if not isinstance(got, list) or len(got) != len(sent):
            tally.changed += 1
            tally.note(f"{path}: an array of {len(sent)} became {str(got)[:60]}")
            return
        for i, (a, b) in enumerate(zip(sent, got, strict=True)):
            compare(a, b, f"{path}[{i}]", tally)
    elif not _same_scalar(sent, got):
        tally.changed += 1
        tally.note(f"{path}: {sent!r} became {got!r}")


def _lossless(text: str | bytes) -> Any:
    return json.loads(text, parse_float=Decimal)


def _model_matches(model: str, schema_name: str) -> bool:
    def simple(name: str) -> str:
        return re.sub(r"[^a-z0-9]", "", name.lower())

    return simple(model) == simple(schema_name)


def measure_correctness(ctx: Context, scenario: Scenario) -> dict[str, Outcome]:
    """(g) A second fake serving generated configurations; one worker per client."""
    outcomes = {side: Outcome(status=ctx.status[side]) for side in scenario.sides}
    settings = ctx.settings

    def not_run(reason: str) -> dict[str, Outcome]:
        _progress(f"  not run: {reason}")
        for outcome in outcomes.values():
            outcome.status = outcome.status or f"not run: {reason}"
        return outcomes

    if ctx.spec is None or not ctx.spec.is_file():
        return not_run(f"no {_configs.SPEC_NAME} at {ctx.spec} (set AIOBYTE_API_DIR or --spec)")
    try:
        importlib.import_module("yaml")
    except ImportError:
        return not_run("pyyaml is not installed")
    started = time.monotonic()
    schemas = _configs.load_connector_schemas(ctx.spec)
    configs = _configs.generate(
        schemas,
        per_connector=settings.per_connector,
        connectors=settings.connectors,
        seed=2024,
    )
    entries = [
        {"actor": c.actor, "type": c.connector_type, "configuration": c.configuration}
        for c in configs
    ]
    path = ctx.scratch / "configurations.json"
    path.write_text(json.dumps(entries))
    _progress(
        f"  {len(configs)} configurations of {len({c.schema_name for c in configs})} "
        f"connectors generated in {time.monotonic() - started:.1f} s"
    )
    details: dict[str, Any] = {"connectors": len({c.schema_name for c in configs})}
    with ServerProcess(sources=0, token_latency=0.0, extra=["--configurations", str(path)]) as srv:
        control = Control(srv)
        truth: dict[str, Any] = {}
        schema_of: dict[str, str] = {}
        ids: dict[str, list[str]] = {"source": [], "destination": []}
        for actor in ids:
            for body in control.pages(actor, 100):
                for item in _lossless(body)["data"]:
                    item_id = item[f"{actor}Id"]
                    ids[actor].append(item_id)
                    truth[item_id] = item["configuration"]
                    schema_of[item_id] = f"{actor}-{item[f'{actor}Type']}"
        if len(truth) != len(configs):
            raise Disagreement(f"(g): the fake holds {len(truth)} objects, not {len(configs)}")
        params = {
            "base_url": srv.base_url,
            "client_id": srv.client_id,
            "client_secret": srv.client_secret,
            "page_size": CORRECTNESS_PAGE_SIZE,
            "source_ids": ids["source"],
            "destination_ids": ids["destination"],
        }
        for side in scenario.sides:
            outcome = outcomes[side]
            if outcome.status is not None:
                continue
            started = time.monotonic()
            try:
                result = run_worker("correctness", side, params, ctx.scratch)
            except WorkerFailed as exc:
                outcome.status = f"failed: {exc}"
                continue
            metrics, side_details = _judge(result, truth, schema_of)
            outcome.runs.append(metrics)
            details[side] = side_details
            _progress(f"  {side}: {time.monotonic() - started:.1f} s")
    ctx.details[scenario.key] = details
    return outcomes


def _judge(
    result: dict[str, Any], truth: dict[str, Any], schema_of: dict[str, str]
) -> tuple[dict[str, float], dict[str, Any]]:
    pages = result["pages"]
    objects = result["objects"]
    tally = Tally()
    failed_connectors: dict[str, str] = {}
    wrong_model: list[str] = []
    lossy: set[str] = set()
    for obj in objects:
        item_id = obj["id"]
        schema = schema_of[item_id]
        if obj.get("error"):
            failed_connectors.setdefault(schema, obj["error"])
            continue
        before = (tally.dropped, tally.changed)
        compare(truth[item_id], _lossless(obj["configuration"]), schema, tally)
        if (tally.dropped, tally.changed) != before:
            lossy.add(schema)
        model = obj.get("model")
        if model and not _model_matches(model, schema):
            wrong_model.append(f"{schema} as {model}")
    metrics = {
        "pages": float(len(pages)),
        "pages_failed": float(sum(1 for page in pages if page.get("error"))),
        "objects": float(len(objects)),
        "objects_failed": float(sum(1 for obj in objects if obj.get("error"))),
        "keys_dropped": float(tally.dropped),
        "values_changed": float(tally.changed),
        "nulls_omitted": float(tally.nulls),
        "keys_added": float(tally.added),
        "wrong_model": float(len(wrong_model)),
    }
    errors: dict[str, int] = {}
    for error in failed_connectors.values():
        kind = re.sub(r" in \{.*| in None.*", "", error)[:120]
        errors[kind] = errors.get(kind, 0) + 1
    details = {
        "failed_connectors": sorted(failed_connectors),
        "errors": dict(sorted(errors.items(), key=lambda kv: -kv[1])[:10]),
        "error_examples": dict(list(sorted(failed_connectors.items()))[:5]),
        "lossy_connectors": sorted(lossy),
        "wrong_model": wrong_model[:20],
        "loss_examples": tally.examples,
        "page_errors": [p["error"] for p in pages if p.get("error")][:3],
    }
    return metrics, details


# -- the report -------------------------------------------------------------------------------


def summarize(values: list[float]) -> dict[str, Any]:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": values,
    }


def report(
    scenario: Scenario, outcomes: dict[str, Outcome], details: dict[str, Any] | None = None
) -> dict[str, Any]:
    metrics: dict[str, Any] = {}
    for metric in scenario.metrics:
        summaries: Summaries = {}
        status: dict[str, str | None] = {}
        for side in SIDES:
            outcome = outcomes.get(side)
            if outcome is None:
                status[side] = "n/a"
                continue
            values = [run[metric.key] for run in outcome.runs if run.get(metric.key) is not None]
            if outcome.status is None and values:
                summaries[side] = summarize(values)
                status[side] = None
            else:
                status[side] = outcome.status or "no data"
        met = metric.check(summaries) if metric.check is not None else None
        entry: dict[str, Any] = {
            "label": metric.label,
            "sides": summaries,
            "status": status,
            "ratio": {side: _ratio(summaries, side) for side in summaries} if metric.ratio else {},
            "target": None if metric.check is None else metric.target,
            "met": met,
        }
        if metric.of is not None:
            entry["of"] = {
                side: summarize([run[metric.of] for run in outcomes[side].runs])["median"]
                for side in summaries
            }
        metrics[metric.key] = entry
    return {
        "title": scenario.title,
        "metrics": metrics,
        "server": {side: o.server for side, o in outcomes.items() if o.server},
        **({"details": details} if details else {}),
    }


HEADER = [
    "scenario",
    *(f"{LABELS[side]}, median [min–max]" if side == FLOOR else LABELS[side] for side in SIDES),
    "aiobyte target",
    "result",
]
OLD_HEADER = [
    "scenario",
    "raw (median [min–max])",
    "aiobyte (median [min–max])",
    "ratio",
    "target",
    "result",
]


def table_rows(scenario_list: list[Scenario], results: dict[str, Any]) -> list[list[str]]:
    rows: list[list[str]] = []
    for scenario in scenario_list:
        for metric in scenario.metrics:
            entry = results[scenario.key]["metrics"][metric.key]
            cells = [metric.label]
            for side in SIDES:
                summary = entry["sides"].get(side)
                if summary is None:
                    status = entry["status"].get(side) or "—"
                    cells.append("—" if status == "n/a" else _short(status))
                    continue
                show = metric.show
                text = f"{show(summary['median'])} {metric.suffix}".rstrip()
                if metric.of is not None:
                    text = f"{text} of {show(entry['of'][side])}"
                if summary["min"] != summary["max"]:
                    text += f" [{show(summary['min'])}–{show(summary['max'])}]"
                ratio = entry["ratio"].get(side)
                if side != FLOOR and ratio is not None:
                    text += f" ({ratio:,.0f}×)" if ratio >= 100 else f" ({ratio:.3g}×)"
                cells.append(text)
            met = entry["met"]
            cells.append(metric.target)
            cells.append("—" if met is None else ("met" if met else "MISSED"))
            rows.append(cells)
    return rows


def _short(status: str) -> str:
    if status.startswith("failed: "):
        reason = status.removeprefix("failed: ")
        return f"failed ({reason.split(':')[0][:40]})"
    if status.startswith("not run"):
        return "not run"
    return status


def plain_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    import aiobyte

    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "aiohttp": version("aiohttp"),
        "msgspec": version("msgspec"),
        "anyio": version("anyio"),
        "aiobyte": aiobyte.__version__,
        "httpx": version("httpx"),
        "airbyte-api": version("airbyte-api"),
        "pydantic": version("pydantic"),
    }


def headline(document: dict[str, Any]) -> str:
    info, settings = document["machine"], document["settings"]
    versions = ", ".join(
        f"{name} {info[name]}"
        for name in ("aiobyte", "aiohttp", "msgspec", "httpx", "airbyte-api", "pydantic")
        if info.get(name)
    )
    runs = f"{settings['runs']} run(s) per client"
    if "sdk_runs" in settings and settings["sdk_runs"] != settings["runs"]:
        runs += f" (official SDK: {settings['sdk_runs']})"
    system = " ".join(filter(None, [info["platform"].split("-")[0], info.get("machine")]))
    return (
        f"{document['date']}, {system}, {info['cpu_count']} CPUs, {info['python']}; "
        f"{versions}; {runs}"
    )


def show(document: dict[str, Any], markdown: bool) -> None:
    print(headline(document))
    header = document.get("header", OLD_HEADER)
    rows = document["table"]
    print(markdown_table(header, rows) if markdown else plain_table(header, rows))


# -- the reading of a run, and the README block -------------------------------------------------


def _get(document: dict[str, Any], scenario: str, metric: str) -> dict[str, Any] | None:
    entry: dict[str, Any] | None = document.get("scenarios", {}).get(scenario, {})
    if not entry:
        return None
    found: dict[str, Any] | None = entry.get("metrics", {}).get(metric)
    return found


def _median(document: dict[str, Any], scenario: str, metric: str, side: str) -> float | None:
    entry = _get(document, scenario, metric)
    if entry is None or side not in entry["sides"]:
        return None
    value: float = entry["sides"][side]["median"]
    return value


def _ratio_of(document: dict[str, Any], scenario: str, metric: str, side: str) -> float | None:
    entry = _get(document, scenario, metric)
    if entry is None:
        return None
    ratio: float | None = entry["ratio"].get(side)
    return ratio


def _count(value: float) -> str:
    return f"{value:,.0f}"


def reading(document: dict[str, Any]) -> str:
    """One paragraph that reads the run's numbers (generated, so it never goes stale)."""
    sentences: list[str] = []
    a = _ratio_of(document, "a_decode_page", "decode_s", "aiobyte")
    b = _ratio_of(document, "b_list_sources", "wall_s", "aiobyte")
    c = _ratio_of(document, "c_get_sources", "throughput", "aiobyte")
    f = _ratio_of(document, "f_memory", "peak_rss_mib", "aiobyte")
    if a is not None and b is not None and c is not None and f is not None:
        sentences.append(
            f"Against the floor (raw aiohttp + msgspec), aiobyte took {a:.2f}× the time to "
            f"decode a page and {b:.2f}× to list every source, reached {c:.2f}× its "
            f"throughput on single gets, and peaked at {f:.2f}× its memory while listing"
        )
    ha = _ratio_of(document, "a_decode_page", "decode_s", "httpx")
    hb = _ratio_of(document, "b_list_sources", "wall_s", "httpx")
    hc = _ratio_of(document, "c_get_sources", "throughput", "httpx")
    if ha is not None and hb is not None and hc is not None:
        sentences.append(
            f"httpx + json, which builds no models at all, took {ha:.2f}× the floor's time to "
            f"decode and {hb:.2f}× to list, and reached {hc:.2f}× its throughput with 32 "
            "requests in flight"
        )
    sa = _ratio_of(document, "a_decode_page", "decode_s", "sdk")
    sb = _median(document, "b_list_sources", "wall_s", "sdk")
    sc = _ratio_of(document, "c_get_sources", "throughput", "sdk")
    sf = _ratio_of(document, "f_memory", "peak_rss_mib", "sdk")
    if sa is not None and sb is not None and sc is not None and sf is not None:
        sentences.append(
            f"The official SDK took {_count(sa)}× the floor's time to decode the same page "
            "(pydantic validates each configuration against a union of every connector's "
            "model, after building a model class for the response), "
            f"{sb:,.1f} s to list every source, with {sf:.1f}× the floor's peak memory, and "
            f"reached {sc:.3f}× its throughput"
        )
    concurrent = document["settings"].get("concurrent", 0)
    dt = _median(document, "d_cold_token", "token_requests", "sdk")
    dl = _median(document, "d_cold_token", "lag_ms", "sdk")
    df = _median(document, "d_cold_token", "failed", "sdk")
    at = _median(document, "d_cold_token", "token_requests", "aiobyte")
    al = _median(document, "d_cold_token", "lag_ms", "aiobyte")
    if dt is not None and dl is not None and df is not None and at is not None and al is not None:
        failed = f", and {_count(df)} of the gets failed" if df else ""
        errors = _errors(document, "sdk")
        if df and errors:
            failed += f" ({errors})"
        sentences.append(
            f"On a cold start of {_count(concurrent)} concurrent gets, the SDK sent "
            f"{_count(dt)} token requests (its token refresh runs in executor threads, "
            f"without a lock) where aiobyte sent {_count(at)}, blocked the event loop for up "
            f"to {_count(dl)} ms where aiobyte did for {al:.1f} ms{failed}"
        )
    imp = _median(document, "e_startup", "import_s", "aiobyte")
    simp = _median(document, "e_startup", "import_s", "sdk")
    rimp = _median(document, "e_startup", "import_s", "raw")
    first = _median(document, "e_startup", "first_s", "aiobyte")
    sfirst = _median(document, "e_startup", "first_s", "sdk")
    if imp is not None and simp is not None and first is not None and sfirst is not None:
        floor = f"; importing aiohttp and msgspec takes {rimp * 1000:,.0f} ms" if rimp else ""
        sentences.append(
            f"Importing aiobyte took {imp * 1000:,.0f} ms and the SDK {simp * 1000:,.0f} ms "
            f"(both defer work to the first request: aiobyte loads aiohttp then, the SDK "
            f"its models{floor}); from a fresh process to a "
            f"first answer, aiobyte took {first * 1000:,.0f} ms and the SDK "
            f"{sfirst * 1000:,.0f} ms"
        )
    g = document.get("scenarios", {}).get("g_correctness", {})
    gm = g.get("metrics", {})
    sdk_failed = gm.get("objects_failed", {}).get("sides", {}).get("sdk")
    if sdk_failed is not None:
        details = g.get("details", {}).get("sdk", {})
        objects = gm["objects_failed"]["of"]["sdk"]
        pages = gm["pages_failed"]["sides"]["sdk"]["median"]
        page_total = gm["pages_failed"]["of"]["sdk"]
        changed = gm["values_changed"]["sides"]["sdk"]["median"]
        dropped = gm["keys_dropped"]["sides"]["sdk"]["median"]
        nulls = gm["nulls_omitted"]["sides"]["sdk"]["median"]
        examples = [e for e in details.get("loss_examples", []) if "became" in e]
        example = f" (e.g. {examples[0].split(': ', 1)[1]})" if examples else ""
        wrong = len(details.get("wrong_model", []))
        wrongly = f"; {wrong} came back as another connector's model" if wrong else ""
        sentences.append(
            f"On {_count(objects)} configurations of "
            f"{g.get('details', {}).get('connectors', 0):,} connectors, generated to follow "
            f"each connector's schema, the SDK failed to decode {_count(sdk_failed['median'])} "
            f"(from {len(details.get('failed_connectors', []))} connectors), so "
            f"{_count(pages)} of {_count(page_total)} pages of {CORRECTNESS_PAGE_SIZE} failed "
            f"whole; in the ones it decoded, it dropped {_count(dropped)} keys that had a "
            f"value, changed {_count(changed)} values{example} and left out {_count(nulls)} "
            f"nulls{wrongly}"
        )
    mine = gm.get("objects_failed", {}).get("sides", {}).get("aiobyte")
    if mine is not None:
        lost = sum(
            gm[key]["sides"]["aiobyte"]["median"]
            for key in ("objects_failed", "keys_dropped", "values_changed", "nulls_omitted")
        )
        sentences.append(
            "aiobyte decoded every configuration and kept it exactly, as did raw msgspec and "
            "json.loads"
            if lost == 0
            else f"aiobyte lost or changed {_count(lost)} things (see the JSON)"
        )
    return ". ".join(sentences) + "." if sentences else ""


def _errors(document: dict[str, Any], side: str) -> str:
    """The exceptions of a side's failed gets in (d), over its runs."""
    counts: dict[str, int] = {}
    server = document.get("scenarios", {}).get("d_cold_token", {}).get("server", {})
    for run in server.get(side, []):
        for name, count in run.get("errors", {}).items():
            counts[name] = counts.get(name, 0) + count
    return ", ".join(sorted(counts, key=lambda name: -counts[name]))


def readme_block(document: dict[str, Any]) -> str:
    header = document.get("header", OLD_HEADER)

    def prose(text: str) -> str:
        return textwrap.fill(text, width=90, break_long_words=False, break_on_hyphens=False)

    return "\n".join(
        [
            README_START,
            prose(
                "Generated from `benchmarks/results/latest.json` by "
                "`python benchmarks/run.py --show benchmarks/results/latest.json --readme`. "
                f"Last full run: {headline(document)}. Cells: median [min–max] (ratio to "
                "the floor); timings and memory vary with the machine: read the ratios."
            ),
            "",
            markdown_table(header, document["table"]),
            "",
            prose(reading(document)),
            README_END,
        ]
    )


def update_readme(path: Path, document: dict[str, Any]) -> None:
    """Replace the block between the markers (read right before writing)."""
    text = path.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise SystemExit(f"{path}: the markers {README_START} ... {README_END} are missing")
    updated = text[:start] + readme_block(document) + text[end + len(README_END) :]
    if updated != text:
        path.write_text(updated, encoding="utf-8")


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


def bench(settings: Settings, server: ServerProcess, spec: Path | None) -> dict[str, Any]:
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
    scenario_list = scenarios(settings)
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
        document = json.loads(args.show.read_text(encoding="utf-8"))
        show(document, args.markdown)
        if args.readme:
            update_readme(README, document)
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
            measured = bench(settings, server, spec)
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
    output = args.output or RESULTS / ("quick.json" if settings.quick else "latest.json")
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


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(path.name + ".tmp")
    scratch.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    scratch.replace(path)


if __name__ == "__main__":
    sys.exit(main())
