"""Scenario (g): what each client gives back of the configurations the server holds.

Every value sent is compared with what the client decoded (``compare``), losslessly
(numbers as ``Decimal``): keys dropped, nulls omitted, values changed, keys added.
"""

from __future__ import annotations

import importlib
import json
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import _configs
from harness import (
    CORRECTNESS_PAGE_SIZE,
    Context,
    Control,
    Disagreement,
    Outcome,
    Scenario,
    ServerProcess,
    WorkerFailed,
    _progress,
    run_worker,
)

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
