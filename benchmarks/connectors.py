"""Scenario (g'): the configurations of (g) decoded as typed models, one model per connector.

The same configurations as (g) (``_configs.generate``, seed 2024: 2 per connector, about
1,200), each as the JSON bytes the server sends, decoded by:

- raw: ``msgspec.json.decode`` into a dict (the floor: no model at all);
- aiobyte: the connector's model, ``aiobyte.connectors.model_for(kind, type).decode``;
- the official SDK: its model of the connector (``airbyte_api.models.SourcePostgres``,
  ...), ``model_validate_json``, as its union would pick it.

Counted against what the server sent (parsed losslessly): configurations that fail to
decode, values changed and keys dropped in the re-encoded result (aiobyte: ``encode()``,
the SDK: ``model_dump(mode="json", by_alias=True)``, what it would send back). Timed: the
import of one connector's model in a fresh process (after ``import aiobyte`` or
``import airbyte_api``; raw: ``import msgspec.json``); the decode alone; and the decode
followed by reading every field at every depth (aiobyte's fields are read on access, the
SDK's are built while decoding), per configuration, the best of repeated passes. Each
client runs in a fresh process (this file is also the worker: ``python connectors.py
--side aiobyte --input FILE``). ``python benchmarks/connectors.py --alone
benchmarks/results/latest.json`` runs this scenario by itself and puts it into a full
run's results, with a note saying so.

``run.py`` adds the scenario with ``connectors.scenario(run_module)``; everything else is
here.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
SIDES = ("raw", "aiobyte", "sdk")  # httpx + json decodes as the floor does: left out
PASS_SECONDS = 0.3  # each timing: repeated passes over every configuration for this long
SEED = 2024  # the seed of (g): the same configurations
WORKER_TIMEOUT = 600.0


# -- the scenario (in run.py's process) -------------------------------------------------------


def scenario(run: ModuleType) -> Any:
    """The scenario, built with ``run.py``'s own ``Scenario`` and ``Metric``."""
    metric, whole, zero = run.Metric, run._whole, run._zero
    return run.Scenario(
        "g2_typed_configurations",
        "(g') the configurations of (g) decoded as typed models, one per connector "
        "(aiobyte.connectors; the SDK's models), against msgspec into a dict",
        (
            metric(
                "failed",
                "(g') configurations that fail to decode as typed models",
                whole,
                "",
                "aiobyte = 0",
                zero,
                ratio=False,
                of="configurations",
            ),
            metric(
                "changed",
                "(g') typed models: values changed or keys dropped",
                whole,
                "",
                "aiobyte = 0",
                zero,
                ratio=False,
            ),
            metric(
                "import_s",
                "(g') import one connector's model (after the package; raw: msgspec)",
                millis,
                "ms",
                ratio=False,
            ),
            metric("decode_s", "(g') decode one configuration, typed", micros, "µs"),
            metric(
                "read_s",
                "(g') decode and read every field",
                micros,
                "µs",
            ),
        ),
        lambda ctx, sc: measure(run, ctx, sc),
        sides=SIDES,
    )


def millis(seconds: float) -> str:
    return f"{seconds * 1e3:,.1f}"


def micros(seconds: float) -> str:
    """Microseconds with two decimals: a configuration decodes in about a microsecond."""
    return f"{seconds * 1e6:,.2f}"


def measure(run: ModuleType, ctx: Any, scenario: Any) -> dict[str, Any]:
    outcomes = {side: run.Outcome(status=ctx.status[side]) for side in scenario.sides}
    if ctx.spec is None or not ctx.spec.is_file():
        for outcome in outcomes.values():
            outcome.status = outcome.status or "not run: no api_sdk.yaml"
        return outcomes
    configs = run._configs.generate(
        run._configs.load_connector_schemas(ctx.spec),
        per_connector=ctx.settings.per_connector,
        connectors=ctx.settings.connectors,
        seed=SEED,
    )
    path = ctx.scratch / "typed-configurations.json"
    path.write_text(
        json.dumps([[c.actor, c.connector_type, c.configuration] for c in configs]),
        encoding="utf-8",
    )
    details: dict[str, Any] = {"configurations": len(configs)}
    for i in range(max(ctx.runs_for(side) for side in scenario.sides)):
        for side in run._rotation(list(scenario.sides), i):
            outcome = outcomes[side]
            if outcome.status is not None or len(outcome.runs) >= ctx.runs_for(side):
                continue
            try:
                result = _worker(side, path)
            except RuntimeError as exc:
                outcome.status = f"failed: {exc}"
                continue
            keys = ("failed", "changed", "import_s", "decode_s", "read_s")
            outcome.runs.append({k: result[k] for k in keys})
            outcome.runs[-1]["configurations"] = len(configs)
            details[side] = {"examples": result["examples"]}
    ctx.details[scenario.key] = details
    return outcomes


def _worker(side: str, path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(Path(__file__)), "--side", side, "--input", str(path)],
        capture_output=True,
        text=True,
        timeout=WORKER_TIMEOUT,
        env={**os.environ, "PYTHONHASHSEED": "0"},
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "no output")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


# -- the worker (a fresh process per client) ----------------------------------------------------


def _lossless(data: bytes | str) -> Any:
    return json.loads(data, parse_float=Decimal)


def _differences(sent: Any, got: Any, path: str, out: list[str]) -> None:
    """Values changed and non-null keys dropped (nulls left out are not counted here)."""
    if isinstance(sent, dict):
        if not isinstance(got, dict):
            out.append(f"{path}: an object became {type(got).__name__}")
            return
        for key, value in sent.items():
            if key not in got:
                if value is not None:
                    out.append(f"{path}/{key} dropped")
            else:
                _differences(value, got[key], f"{path}/{key}", out)
    elif isinstance(sent, list):
        if not isinstance(got, list) or len(got) != len(sent):
            out.append(f"{path}: an array became {str(got)[:40]}")
            return
        for i, (a, b) in enumerate(zip(sent, got, strict=True)):
            _differences(a, b, f"{path}[{i}]", out)
    elif isinstance(sent, bool) or isinstance(got, bool) or sent is None:
        if sent is not got:
            out.append(f"{path}: {sent!r} became {got!r}")
    elif isinstance(sent, (int, Decimal)) and isinstance(got, (int, float, Decimal)):
        if Decimal(str(got)) != Decimal(sent):
            out.append(f"{path}: {sent!r} became {got!r}")
    elif type(sent) is not type(got) or sent != got:
        out.append(f"{path}: {sent!r} became {got!r}")


def _decoders(side: str, items: list[tuple[str, str, bytes]]) -> tuple[list[Any], Any, Any]:
    """Per configuration its decoder (built first, as a user builds it once), and how to
    read every field and re-encode a decoded value."""
    if side == "raw":
        import msgspec

        decoder = msgspec.json.Decoder()
        return (
            [decoder.decode] * len(items),
            lambda value: _walk_plain(value),
            lambda value: msgspec.json.encode(value),
        )
    if side == "aiobyte":
        from aiobyte.connectors import Configuration, model_for

        def read(model: Any) -> None:
            for f in type(model)._fields:
                value = getattr(model, f.attr)
                for item in value if isinstance(value, list) else (value,):
                    if isinstance(item, Configuration):
                        read(item)

        return (
            [model_for(kind, name).decode for kind, name, _ in items],  # type: ignore[arg-type]
            read,
            lambda model: model.encode(),
        )
    from airbyte_api import models

    def name_of(kind: str, name: str) -> str:
        from aiobyte.connectors import model_for  # the SDK's names (checked by the tests)

        return model_for(kind, name).__name__  # type: ignore[arg-type]

    def sdk_read(model: Any) -> None:
        for key in type(model).model_fields:
            value = getattr(model, key)
            for item in value if isinstance(value, list) else (value,):
                if hasattr(type(item), "model_fields"):
                    sdk_read(item)

    return (
        [getattr(models, name_of(kind, name)).model_validate_json for kind, name, _ in items],
        sdk_read,
        lambda model: json.dumps(model.model_dump(mode="json", by_alias=True)),
    )


def _walk_plain(value: Any) -> None:
    if isinstance(value, dict):
        for item in value.values():
            _walk_plain(item)
    elif isinstance(value, list):
        for item in value:
            _walk_plain(item)


def _time(passes: Any) -> float:
    """Seconds per pass: the best of repeated passes for PASS_SECONDS."""
    best = float("inf")
    deadline = time.perf_counter() + PASS_SECONDS
    while True:
        started = time.perf_counter()
        passes()
        best = min(best, time.perf_counter() - started)
        if time.perf_counter() > deadline:
            return best


def import_time(side: str) -> float:
    """Seconds to import one connector's model in this fresh process, after the package."""
    if side == "raw":
        started = time.perf_counter()
        import msgspec.json  # noqa: F401  (what the floor needs to decode a configuration)

        return time.perf_counter() - started
    if side == "aiobyte":
        import aiobyte.connectors  # noqa: F401

        started = time.perf_counter()
        from aiobyte.connectors import SourcePostgres as Model

        assert Model is not None
        return time.perf_counter() - started
    import airbyte_api  # noqa: F401

    started = time.perf_counter()
    from airbyte_api.models import SourcePostgres as SdkModel

    assert SdkModel is not None

    return time.perf_counter() - started


def work(side: str, path: Path) -> dict[str, Any]:
    imported = import_time(side)  # first: the process is fresh
    entries = json.loads(path.read_text(encoding="utf-8"))
    items = [(kind, name, json.dumps(value).encode()) for kind, name, value in entries]
    decoders, read, encode = _decoders(side, items)
    failed = changed = 0
    examples: list[str] = []
    decoded: list[Any] = []
    good: list[int] = []
    for index, ((kind, name, body), decode) in enumerate(zip(items, decoders, strict=True)):
        try:
            value = decode(body)
            read(value)
        except Exception as exc:  # what the client raises on data it cannot decode
            failed += 1
            if len(examples) < 5:
                examples.append(f"{kind}-{name}: {type(exc).__name__}: {str(exc)[:120]}")
            continue
        good.append(index)
        decoded.append(value)
        found: list[str] = []
        _differences(_lossless(body), _lossless(encode(value)), f"{kind}-{name}", found)
        changed += len(found)
        examples.extend(found[: max(0, 5 - len(examples))])
    pairs = [(decoders[i], items[i][2]) for i in good]

    def decode_all() -> None:
        for decode, body in pairs:
            decode(body)

    def decode_and_read_all() -> None:
        for decode, body in pairs:
            read(decode(body))

    count = max(1, len(pairs))
    return {
        "failed": failed,
        "changed": changed,
        "import_s": imported,
        "decode_s": _time(decode_all) / count,
        "read_s": _time(decode_and_read_all) / count,
        "examples": examples,
    }


def alone(results: Path) -> int:
    """Run (g') by itself and put its entry and rows into ``results`` (a full run's JSON),
    with a note saying so."""
    import tempfile
    from datetime import datetime, timezone
    from types import SimpleNamespace

    import run

    document = json.loads(results.read_text(encoding="utf-8"))
    runs = {side: 3 if side in run.SLOW_SIDES else 5 for side in SIDES}  # a full run's
    started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    with tempfile.TemporaryDirectory(prefix="aiobyte-bench-") as scratch:
        ctx = SimpleNamespace(
            settings=SimpleNamespace(per_connector=2, connectors=None),
            status=run.availability(SIDES),
            spec=run._configs.find_spec(None),
            scratch=Path(scratch),
            details={},
            runs_for=runs.__getitem__,
        )
        made = scenario(run)
        entry = run.report(made, made.run(ctx, made), ctx.details.get(made.key))
    rows = run.table_rows([made], {made.key: entry})
    document["scenarios"][made.key] = entry
    document["table"] = [r for r in document["table"] if not r[0].startswith("(g')")] + rows
    notes = [n for n in document.get("notes", []) if not n.startswith("(g')")]
    document["notes"] = [
        *notes,
        f"(g') rows: from a run of that scenario alone on {started} "
        "(benchmarks/connectors.py --alone); its ratios are within that run.",
    ]
    run.write_json(results, document)
    for row in rows:
        print(" | ".join(row))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description="(g') worker: one client, one pass")
    parser.add_argument("--side", choices=SIDES)
    parser.add_argument("--input", type=Path)
    parser.add_argument(
        "--alone",
        type=Path,
        metavar="RESULTS",
        help="run (g') alone and put it into RESULTS (a full run's JSON)",
    )
    args = parser.parse_args()
    if args.alone is not None:
        return alone(args.alone)
    if args.side is None or args.input is None:
        parser.error("--side and --input (a worker), or --alone RESULTS")
    print(json.dumps(work(args.side, args.input)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
