"""The report of a run: summaries, the table (plain or Markdown), the machine, and the
reading of a full run that goes into README.md between the benchmark markers."""

# The table's multiplication signs and en dashes are meant.
# ruff: noqa: RUF001

from __future__ import annotations

import json
import os
import platform
import statistics
import textwrap
from importlib import metadata
from pathlib import Path
from typing import Any

from harness import (
    CORRECTNESS_PAGE_SIZE,
    FLOOR,
    LABELS,
    README_END,
    README_START,
    SIDES,
    Outcome,
    Scenario,
    Summaries,
    _ratio,
)

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
    ki = _ratio_of(document, "k_instructions", "instructions", "aiobyte")
    kr = _median(document, "k_instructions", "instructions", "raw")
    ka = _median(document, "k_instructions", "instructions", "aiobyte")
    kt = _median(document, "k_instructions", "instructions_timeouts", "raw")
    if ki is not None and kr is not None and ka is not None and kt is not None:
        sentences.append(
            f"Per GET of one source, counted by valgrind, aiobyte executed {ka / 1000:,.0f}k "
            f"instructions and the floor {kr / 1000:,.0f}k ({ki:.2f}×); given aiobyte's "
            f"timeouts, whose read timer aiohttp rearms on every chunk, the floor executed "
            f"{kt / 1000:,.0f}k ({ka / kt:.2f}×)"
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


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(path.name + ".tmp")
    scratch.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    scratch.replace(path)
