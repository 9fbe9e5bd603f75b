"""The scenarios of the benchmark: what is measured, shown and judged, in table order.

To add a scenario: write its worker task in ``_worker.py`` (a function registered in its
``TASKS``, run in a fresh process per client), then add a ``Scenario`` to the list in
``scenarios()`` below: a key (the JSON's), a title (the table's), its ``Metric``s (each a
key of what the task returns, a label, a format from the helpers here, a target and a
check of the target), and how it runs (``measure_workers`` for a worker task;
``measure_startup`` or a function of your own taking ``(ctx, scenario)`` otherwise). A
scenario with a module of its own (as ``correctness.py``) returns its ``Scenario`` from a
function called in that list. The smoke test (``tests/benchmarks``) lists every scenario
and metric key: add yours there too.
"""

# The table's multiplication signs and en dashes are meant.
# ruff: noqa: RUF001

from __future__ import annotations

import compileall
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _configs
import _worker
import connectors as typed_connectors
import instructions  # (k): its own module  # scenario (g'): its own module
import latency  # (h)-(j): their own module
from correctness import measure_correctness
from harness import (
    CORRECTNESS_PAGE_SIZE,
    GET_REPEATS,
    STATS_PATH,
    TOKEN_LATENCY,
    Context,
    Metric,
    Outcome,
    Scenario,
    Settings,
    Summaries,
    _ratio,
    _rotation,
    measure_startup,
    measure_workers,
)

# scenario (g') (``connectors.scenario``) is built from this module's names
__all__ = [
    "Metric",
    "Outcome",
    "Scenario",
    "_configs",
    "_rotation",
    "_whole",
    "_zero",
    "scenarios",
]


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


def measure_installed_startup(ctx: Context, scenario: Scenario) -> dict[str, Outcome]:
    """(e) with every side's bytecode compiled first, as ``pip install`` compiles it.

    The other libraries were installed by pip, with their bytecode; aiobyte (installed
    editable) and the helpers here would otherwise compile from source in every fresh
    process when ``PYTHONDONTWRITEBYTECODE`` is set, which no installed package does.
    """
    spec = importlib.util.find_spec("aiobyte")
    package = list(spec.submodule_search_locations or ()) if spec is not None else []
    for folder in [*package, str(Path(__file__).parent)]:
        compileall.compile_dir(folder, quiet=1, workers=0)
    return measure_startup(ctx, scenario)


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
            "client, one GET with a fixed token, close (time to first request); bytecode "
            "compiled beforehand, as pip install does",
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
                    "≤ 1.1× floor",
                    _at_most(1.1),
                ),
            ),
            measure_installed_startup,
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
        *latency.scenarios(settings),
        instructions.scenario(settings),
    ]
