"""The harness: the fake's process, worker processes, and what a scenario is made of.

``ServerProcess`` runs the fake Airbyte (``_server.py``) in a process of its own on
127.0.0.1; ``run_worker`` runs one client's task in a fresh process (``_worker.py``);
``Scenario`` and ``Metric`` describe what is measured and how it is shown and judged;
``measure_workers`` and ``measure_startup`` run a scenario's rounds in rotating order.
The scenarios themselves are in ``scenarios.py``; the report in ``report.py``.
"""

from __future__ import annotations

import importlib
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import _worker

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


def _ratio(summaries: Summaries, side: str) -> float | None:
    floor, other = summaries.get(FLOOR), summaries.get(side)
    if floor is None or other is None or not floor["median"]:
        return None
    ratio: float = other["median"] / floor["median"]
    return ratio


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
