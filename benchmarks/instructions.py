"""Scenario (k): instructions per ``GET /sources/{id}``, aiobyte against raw aiohttp + msgspec.

Counted, not timed: each side's worker (``_instructions_worker.py``) runs under
valgrind's callgrind, against the fake in its own process, in a fresh process of its
own with ``PYTHONHASHSEED=0`` (string hashes, so dict probes, are then the same in every
run: the count is exact and repeatable). Valgrind starts with its instrumentation off
(the interpreter's start-up and the imports run at nearly native speed); after the
warm-up gets the worker says so, ``callgrind_control -i on`` switches it on, and the
worker marks the measured gets with two calls of ``os.getppid()``, before each of which
callgrind dumps its counts: the second dump holds the measured gets and nothing else.
Instructions per request are that dump's total over the number of gets; the per-function
totals of both sides (``callgrind_annotate``, self cost) give the functions where the
difference lies, kept in the JSON's details. The floor runs twice: as written (no read
timeout, aiohttp's default of 5 minutes for the whole request), and with aiobyte's
timeouts (``Timeouts``: connect, read, total), for which aiohttp arms a read timer per
request and rearms it on every chunk: the second row compares like with like. Where
``callgrind_control`` cannot reach the process (no ptrace), the instrumentation is on
from the start instead: slower, the same count. Without valgrind the scenario says
"skipped (valgrind not installed)".

    python benchmarks/instructions.py [--gets N] [--warm N]

runs the scenario alone, against a fake of its own, and prints the counts and the
functions of the difference: what to read before and after changing the hot path.
"""

# The table's multiplication signs are meant.
# ruff: noqa: RUF001

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from harness import (
    TOKEN_LATENCY,
    Context,
    Control,
    Metric,
    Outcome,
    Scenario,
    ServerProcess,
    Settings,
    Summaries,
    WorkerFailed,
    _failure,
    _progress,
    _ratio,
)

HERE = Path(__file__).resolve().parent
WORKER = HERE / "_instructions_worker.py"
SIDES = ("raw", "aiobyte")
RUNS = ("raw", "raw_timeouts", "aiobyte")  # raw_timeouts: the floor with aiobyte's timeouts
GETS = 400  # measured gets per side (quick: 40); a few seconds under callgrind
WARM = 20  # gets before the count starts (quick: 10): token, connection, decoders
TARGET = 1.05  # aiobyte's instructions per request at most this times the floor's
TOP = 12  # functions of the difference kept in the details
RUN_TIMEOUT = 300.0  # seconds for one side's run under valgrind
MARK = "getppid"  # the C function the worker calls around the measured gets


def valgrind() -> str | None:
    return shutil.which("valgrind")


def _lines(out: Path) -> list[Path]:
    """Callgrind's dumps of one run: ``out.1``, ``out.2``, ... and the final ``out``."""
    return sorted(out.parent.glob(out.name + ".*"), key=lambda p: int(p.suffix[1:]))


def _total(dump: Path) -> int:
    for line in dump.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("totals:"):
            return int(line.split()[1])
    raise WorkerFailed(f"{dump.name}: no totals line")


_FUNCTION = re.compile(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(.+?)(?:\s+\[[^\]]*\])?$")


def functions(dump: Path) -> dict[str, int]:
    """Self instructions per function of a dump (``callgrind_annotate --inclusive=no``)."""
    annotate = shutil.which("callgrind_annotate")
    if annotate is None:
        return {}
    done = subprocess.run(
        [annotate, "--inclusive=no", "--threshold=100", str(dump)],
        capture_output=True, encoding="utf-8", errors="replace", timeout=120, check=False,
    )  # fmt: skip
    found: dict[str, int] = {}
    body = done.stdout.split("file:function", 1)[-1]
    for line in body.splitlines():
        match = _FUNCTION.match(line)
        if match is None or "PROGRAM TOTALS" in line:
            continue
        name = match.group(2).rsplit("/", 1)[-1]  # the file's name, not its folder
        found[name] = found.get(name, 0) + int(match.group(1).replace(",", ""))
    return found


def _toggle_on(pid: int) -> bool:
    control = shutil.which("callgrind_control")
    if control is None:
        return False
    try:
        done = subprocess.run(
            [control, "-i", "on", str(pid)],
            capture_output=True, encoding="utf-8", errors="replace", timeout=60, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0 and "OK" in done.stdout


def count(
    side: str, params: dict[str, Any], scratch: Path, *, toggle: bool = True
) -> tuple[float, list[str], Path]:
    """Instructions per get of one side's run; the ids it got; the measured dump."""
    tool = valgrind()
    assert tool is not None
    params_path = scratch / f"instructions-{side}-params.json"
    result_path = scratch / f"instructions-{side}-result.json"
    out = scratch / f"callgrind-{side}.out"
    params_path.write_text(json.dumps(params))
    for old in [out, *_lines(out), result_path]:
        old.unlink(missing_ok=True)
    command = [
        tool,
        "--tool=callgrind",
        f"--dump-before={MARK}",
        f"--callgrind-out-file={out}",
        *(["--instr-atstart=no"] if toggle else []),
        "-q",
        sys.executable,
        str(WORKER),
        side,
        str(params_path),
        str(result_path),
        "--wait",
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace") as log:
        proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
            encoding="utf-8", env=env,
        )  # fmt: skip
        assert proc.stdin is not None
        assert proc.stdout is not None
        try:
            ready = proc.stdout.readline().strip()
            if ready != "ready":
                proc.wait(timeout=RUN_TIMEOUT)
                raise WorkerFailed(_failure(_read(log), proc.returncode))
            if toggle and not _toggle_on(proc.pid):
                proc.kill()
                proc.wait()
                return count(side, params, scratch, toggle=False)  # on from the start
            proc.stdin.write("go\n")
            proc.stdin.close()
            proc.wait(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            proc.kill()
            proc.wait()
            raise WorkerFailed(f"no answer after {RUN_TIMEOUT:.0f} s under valgrind") from exc
        finally:
            proc.stdout.close()
        if proc.returncode != 0 or not result_path.exists():
            raise WorkerFailed(_failure(_read(log), proc.returncode))
    dumps = _lines(out)
    if len(dumps) != 2:
        raise WorkerFailed(
            f"expected 2 dumps before calls of {MARK}, callgrind wrote {len(dumps)}: "
            f"something else calls {MARK}"
        )
    measured = dumps[1]
    result = json.loads(result_path.read_text())
    return _total(measured) / params["gets"], result["ids"], measured


def _read(log: IO[str]) -> str:
    log.seek(0)
    return log.read()


def difference(mine: dict[str, int], floor: dict[str, int], gets: int) -> list[dict[str, Any]]:
    """The functions whose self instructions per get differ most, aiobyte minus raw."""
    names = sorted(set(mine) | set(floor), key=lambda n: -abs(mine.get(n, 0) - floor.get(n, 0)))
    return [
        {
            "function": name,
            "aiobyte": round(mine.get(name, 0) / gets),
            "raw": round(floor.get(name, 0) / gets),
            "difference": round((mine.get(name, 0) - floor.get(name, 0)) / gets),
        }
        for name in names[:TOP]
    ]


def timeouts() -> list[float | None]:
    """aiobyte's default timeouts: connect, read, total (for the floor's second run)."""
    from aiobyte import _config

    return [_config.CONNECT_TIMEOUT, _config.READ_TIMEOUT, _config.ATTEMPT_TIMEOUT]


def _params(ctx: Context) -> dict[str, Any]:
    gets = 40 if ctx.settings.quick else GETS
    warm = 10 if ctx.settings.quick else WARM
    gets = min(gets, len(ctx.source_ids))
    return ctx.params(
        ids=ctx.source_ids[: max(gets, warm)], gets=gets, warm=warm, timeouts=timeouts()
    )


def measure(ctx: Context, scenario: Scenario) -> dict[str, Outcome]:
    """One run per side (the count is exact: a second run gives the same number), and a
    second one of the floor with aiobyte's timeouts."""
    outcomes = {side: Outcome(status=ctx.status[side]) for side in scenario.sides}
    if valgrind() is None:
        for outcome in outcomes.values():
            outcome.status = outcome.status or "skipped (valgrind not installed)"
        return outcomes
    params = _params(ctx)
    wanted = params["ids"][: params["gets"]]
    counted: dict[str, tuple[float, Path]] = {}
    for run in RUNS:
        side = "raw" if run == "raw_timeouts" else run
        outcome = outcomes[side]
        if outcome.status is not None:
            continue
        try:
            per_get, ids, dump = count(run, params, ctx.scratch)
        except WorkerFailed as exc:
            outcome.status = f"failed: {exc}"
            _progress(f"  {run}: FAILED: {exc}")
            continue
        if ids != wanted:
            outcome.status = f"failed: got {len(ids)} ids, not the {len(wanted)} asked for"
            continue
        counted[run] = (per_get, dump)
        _progress(f"  {run}: {per_get:,.0f} instructions per get")
    if len(counted) < len(RUNS):
        return outcomes
    mine = counted["aiobyte"][0]
    outcomes["raw"].runs.append(
        {"instructions": counted["raw"][0], "instructions_timeouts": counted["raw_timeouts"][0]}
    )
    outcomes["aiobyte"].runs.append({"instructions": mine, "instructions_timeouts": mine})
    gets = params["gets"]
    found = {run: functions(dump) for run, (_, dump) in counted.items()}
    ctx.details[scenario.key] = {
        "gets": gets,
        "warm": params["warm"],
        "timeouts_connect_read_total_s": params["timeouts"],
        "per_get": {run: round(per_get) for run, (per_get, _) in counted.items()},
        "top_differences": difference(found["aiobyte"], found["raw"], gets),
        "top_differences_with_timeouts": difference(found["aiobyte"], found["raw_timeouts"], gets),
    }
    return outcomes


def _kilo(value: float) -> str:
    return f"{value / 1000:,.1f}k"


def _at_most(limit: float) -> Any:
    def check(summaries: Summaries) -> bool | None:
        ratio = _ratio(summaries, "aiobyte")
        return None if ratio is None else ratio <= limit

    return check


def scenario(settings: Settings) -> Scenario:
    gets = 40 if settings.quick else GETS
    return Scenario(
        "k_instructions",
        f"(k) instructions per GET /sources/{{id}}, {gets} sequential gets after a warm-up, "
        "counted by valgrind's callgrind in the client's process (PYTHONHASHSEED=0: exact "
        "and repeatable); floor: session.get + read + msgspec decode into a Struct; "
        "aiobyte: client.sources.get; and the floor again with aiobyte's timeouts",
        (
            Metric(
                "instructions",
                "(k) instructions per GET (callgrind)",
                _kilo,
                "",
                f"≤ {TARGET:g}× floor",
                _at_most(TARGET),
            ),
            # The floor sets no read timeout; aiobyte does (Timeouts.read), and aiohttp
            # arms a timer for it per request and rearms it on every chunk.
            Metric(
                "instructions_timeouts",
                "(k) the same, the floor with aiobyte's timeouts (a read timer per request)",
                _kilo,
                "",
                f"≤ {TARGET:g}× floor",
                _at_most(TARGET),
            ),
        ),
        measure,
        sides=SIDES,
    )


# -- alone ---------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gets", type=int, default=GETS, help=f"measured gets (default {GETS})")
    parser.add_argument("--warm", type=int, default=WARM, help=f"warm-up gets (default {WARM})")
    args = parser.parse_args(argv)
    if valgrind() is None:
        print("valgrind is not installed", file=sys.stderr)
        return 1
    server = ServerProcess(
        sources=max(args.gets, args.warm),
        token_latency=TOKEN_LATENCY,
        extra=["--kinds", "source-postgres,source-mysql,source-s3,source-salesforce"],
    )
    with server, tempfile.TemporaryDirectory(prefix="aiobyte-instructions-") as scratch:
        control = Control(server)
        ids = [
            item["sourceId"]
            for body in control.pages("source", 100)
            for item in json.loads(body)["data"]
        ]
        params = {
            "base_url": server.base_url,
            "client_id": server.client_id,
            "client_secret": server.client_secret,
            "ids": ids,
            "gets": args.gets,
            "warm": args.warm,
            "timeouts": timeouts(),
        }
        counted: dict[str, tuple[float, Path]] = {}
        for run in RUNS:
            per_get, _, dump = count(run, params, Path(scratch))
            counted[run] = (per_get, dump)
            print(f"{run}: {per_get:,.0f} instructions per get")
        for floor in ("raw", "raw_timeouts"):
            ratio = counted["aiobyte"][0] / counted[floor][0]
            print(f"\naiobyte / {floor}: {ratio:.3f}×; the functions of the difference:")
            rows = difference(
                functions(counted["aiobyte"][1]), functions(counted[floor][1]), args.gets
            )
            for row in rows:
                print(
                    f"{row['difference']:>+8,} {row['raw']:>8,} {row['aiobyte']:>8,}  "
                    f"{row['function']}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
