"""One measured run of one client, in a process of its own (started by ``run.py``).

    python benchmarks/_worker.py TASK SIDE PARAMS.json RESULT.json

A fresh process per run keeps the clients apart: no client's garbage, caches or
imports slow another one down, the official SDK's process-wide token cache starts cold,
and the peak memory of a listing is the listing's own. Each task warms the client up
(its token, a connection, its decoders) before the clock starts, unless the task is
about a cold start.

Tasks: ``decode`` (a), ``list`` (b and f), ``gets`` (c), ``cold`` (d),
``correctness`` (g). ``probe_code`` gives the small programs that time the import and
the first request (e). Sides: ``raw``, ``aiobyte``, ``httpx``, ``sdk``.
"""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

HEARTBEAT = 0.001
DECODE_SECONDS = 0.25  # decode a page again and again for this long (at least 3 times)

JSON = dict[str, Any]


def digest(ids: Sequence[str]) -> str:
    """A short fingerprint of ids in order (the sides must produce the same)."""
    return hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]


def peak_rss_mib() -> float | None:
    """The process's peak resident set size so far (``getrusage``), in MiB."""
    try:
        import resource
    except ImportError:  # not on this platform (Windows)
        return None
    peak = float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes or KiB


def current_rss_mib() -> float | None:
    """The process's resident set size now (Linux: ``/proc/self/statm``), in MiB."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            resident = int(statm.read().split()[1])
        page = os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None
    return resident * page / (1024 * 1024)


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
class Burst:
    """What a burst of gets produced: the ids that came back, in order, and the rest."""

    ids: list[str]
    first: float | None  # seconds to the first answer
    last: float | None  # seconds to the last answer
    errors: dict[str, int]  # the gets that failed, by exception


async def burst(
    get: Callable[[str], Awaitable[Any]], wanted: Sequence[str], id_of: Callable[[Any], str]
) -> Burst:
    """Every get at once; a get that fails is counted, not raised."""
    done: list[float] = []

    async def timed(item_id: str) -> Any:
        result = await get(item_id)
        done.append(time.perf_counter())
        return result

    started = time.perf_counter()
    results = await asyncio.gather(*(timed(item_id) for item_id in wanted), return_exceptions=True)
    errors: dict[str, int] = {}
    ids: list[str] = []
    for result in results:
        if isinstance(result, BaseException):
            name = type(result).__module__.split(".")[0] + "." + type(result).__name__
            errors[name] = errors.get(name, 0) + 1
        else:
            ids.append(id_of(result))
    first = min(done) - started if done else None
    last = max(done) - started if done else None
    return Burst(ids, first, last, errors)


def fake_stats(url: str) -> JSON:
    """The fake's counters (``GET /_fake/stats``)."""
    import urllib.request  # here: it loads ssl and email, which would weigh on every worker

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=30) as answer:
        stats: JSON = json.loads(answer.read())
        return stats


# -- the sides ---------------------------------------------------------------------------
#
# Each side is a class with the same methods; it imports its library only when used, so
# a worker loads nothing but the client it measures.


class Side:
    """What every side offers. ``p`` holds the server's URL and the credentials."""

    def __init__(self, p: JSON) -> None:
        self.p = p
        self.base_url: str = p["base_url"]

    async def open(self, *, in_flight: int | None = None, pool: int | None = None) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    def decode_page(self, body: bytes) -> list[str]:
        """The ids of a ``GET /sources`` page, decoded by this side's model layer."""
        raise NotImplementedError

    async def get_source(self, source_id: str) -> str:
        raise NotImplementedError

    async def list_sources(self, page_size: int) -> list[str]:
        raise NotImplementedError

    async def get_sources(self, ids: Sequence[str], in_flight: int) -> list[str]:
        raise NotImplementedError

    async def cold(self, ids: Sequence[str], wide: bool) -> Burst:
        """A new client on a cold token cache gets every id at once."""
        raise NotImplementedError

    async def page(self, actor: str, offset: int, limit: int) -> list[str]:
        """One page of sources or destinations: their ids (raises if it does not decode)."""
        raise NotImplementedError

    async def get(self, actor: str, item_id: str) -> tuple[str, str | None]:
        """One source or destination: its configuration as JSON text, and its model's name."""
        raise NotImplementedError


class RawSide(Side):
    async def open(self, *, in_flight: int | None = None, pool: int | None = None) -> None:
        import _raw
        import aiohttp

        self._raw = _raw
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=pool or 100))
        self.token = await _raw.fetch_token(
            self.session, self.base_url, self.p["client_id"], self.p["client_secret"]
        )

    async def close(self) -> None:
        await self.session.close()

    def decode_page(self, body: bytes) -> list[str]:
        import _raw

        return [s.source_id for s in _raw._PAGE.decode(body).data]

    async def get_source(self, source_id: str) -> str:
        items = await self._raw.get_sources(self.session, self.base_url, self.token, [source_id], 1)
        return items[0].source_id

    async def list_sources(self, page_size: int) -> list[str]:
        items = await self._raw.list_sources(self.session, self.base_url, self.token, page_size)
        return [s.source_id for s in items]

    async def get_sources(self, ids: Sequence[str], in_flight: int) -> list[str]:
        items = await self._raw.get_sources(self.session, self.base_url, self.token, ids, in_flight)
        return [s.source_id for s in items]

    async def cold(self, ids: Sequence[str], wide: bool) -> Burst:
        import _raw
        import aiohttp

        connector = aiohttp.TCPConnector(limit=len(ids))  # the cache pattern shows, not queueing
        async with aiohttp.ClientSession(connector=connector) as session:
            cache = _raw.NaiveTokenCache(
                session, self.base_url, self.p["client_id"], self.p["client_secret"]
            )
            return await burst(cache.get_source, ids, lambda s: s.source_id)

    async def _body(self, path: str) -> bytes:
        headers = {"Authorization": f"Bearer {self.token}"}
        async with self.session.get(self.base_url + path, headers=headers) as answer:
            answer.raise_for_status()
            return await answer.read()

    async def page(self, actor: str, offset: int, limit: int) -> list[str]:
        import _raw

        body = await self._body(f"/{actor}s?limit={limit}&offset={offset}")
        if actor == "source":
            return [s.source_id for s in _raw._PAGE.decode(body).data]
        return [d.destination_id for d in _raw._DESTINATION_PAGE.decode(body).data]

    async def get(self, actor: str, item_id: str) -> tuple[str, str | None]:
        import _raw
        import msgspec

        body = await self._body(f"/{actor}s/{item_id}")
        decoder = _raw._SOURCE if actor == "source" else _raw._DESTINATION
        return msgspec.json.encode(decoder.decode(body).configuration).decode(), None


class AiobyteSide(Side):
    async def open(self, *, in_flight: int | None = None, pool: int | None = None) -> None:
        import aiobyte

        options: dict[str, Any] = {} if in_flight is None else {"max_in_flight": in_flight}
        self.client = aiobyte.AirbyteClient(
            base_url=self.base_url,
            client_id=self.p["client_id"],
            client_secret=self.p["client_secret"],
            **options,
        )

    async def close(self) -> None:
        await self.client.aclose()

    def decode_page(self, body: bytes) -> list[str]:
        # What the pager does with a page: the transport's decoder for PageBody[Source].
        from aiobyte._codec import decoder
        from aiobyte._pagination import PageBody
        from aiobyte.models import Source

        page: PageBody[Source] = decoder(PageBody[Source]).decode(body)
        return [s.source_id for s in page.data]

    async def get_source(self, source_id: str) -> str:
        return (await self.client.sources.get(source_id)).source_id

    async def list_sources(self, page_size: int) -> list[str]:
        items = [s async for s in self.client.sources.list(page_size=page_size)]  # kept, as
        return [s.source_id for s in items]  # every side keeps what it listed

    async def get_sources(self, ids: Sequence[str], in_flight: int) -> list[str]:
        get = self.client.sources.get
        items = await asyncio.gather(*(get(source_id) for source_id in ids))
        return [s.source_id for s in items]

    async def cold(self, ids: Sequence[str], wide: bool) -> Burst:
        import aiobyte

        options: dict[str, Any] = {"max_in_flight": len(ids)} if wide else {}  # else: 32
        async with aiobyte.AirbyteClient(
            base_url=self.base_url,
            client_id=self.p["client_id"],
            client_secret=self.p["client_secret"],
            **options,
        ) as client:
            return await burst(client.sources.get, ids, lambda s: s.source_id)

    async def page(self, actor: str, offset: int, limit: int) -> list[str]:
        if actor == "source":
            sources = await self.client.sources.list(page_size=limit, cursor=str(offset))
            return [s.source_id for s in sources.items]
        destinations = await self.client.destinations.list(page_size=limit, cursor=str(offset))
        return [d.destination_id for d in destinations.items]

    async def get(self, actor: str, item_id: str) -> tuple[str, str | None]:
        import msgspec

        if actor == "source":
            configuration = (await self.client.sources.get(item_id)).configuration
        else:
            configuration = (await self.client.destinations.get(item_id)).configuration
        # Lossless numbers may come back as Decimal: written as the same number.
        return msgspec.json.encode(configuration, enc_hook=str).decode(), None


class HttpxSide(Side):
    async def open(self, *, in_flight: int | None = None, pool: int | None = None) -> None:
        import _httpx

        self._httpx = _httpx
        self.http = _httpx.client(pool)
        self.token = await _httpx.fetch_token(
            self.http, self.base_url, self.p["client_id"], self.p["client_secret"]
        )

    async def close(self) -> None:
        await self.http.aclose()

    def decode_page(self, body: bytes) -> list[str]:
        return [s["sourceId"] for s in json.loads(body)["data"]]

    async def get_source(self, source_id: str) -> str:
        items = await self._httpx.get_items(
            self.http, self.base_url, self.token, "/sources", [source_id], 1
        )
        return str(items[0]["sourceId"])

    async def list_sources(self, page_size: int) -> list[str]:
        items = await self._httpx.list_items(
            self.http, self.base_url, self.token, "/sources", page_size
        )
        return [s["sourceId"] for s in items]

    async def get_sources(self, ids: Sequence[str], in_flight: int) -> list[str]:
        items = await self._httpx.get_items(
            self.http, self.base_url, self.token, "/sources", ids, in_flight
        )
        return [s["sourceId"] for s in items]

    async def cold(self, ids: Sequence[str], wide: bool) -> Burst:
        import _httpx

        # httpx's default pool (100): a pool as large as the burst makes httpcore's
        # connection pool so slow that connections time out.
        async with _httpx.client() as http:
            cache = _httpx.NaiveTokenCache(
                http, self.base_url, self.p["client_id"], self.p["client_secret"]
            )
            return await burst(cache.get_source, ids, lambda s: str(s["sourceId"]))

    async def _json(self, path: str) -> Any:
        answer = await self.http.get(
            self.base_url + path, headers={"Authorization": f"Bearer {self.token}"}
        )
        answer.raise_for_status()
        return json.loads(answer.content)

    async def page(self, actor: str, offset: int, limit: int) -> list[str]:
        page = await self._json(f"/{actor}s?limit={limit}&offset={offset}")
        return [item[f"{actor}Id"] for item in page["data"]]

    async def get(self, actor: str, item_id: str) -> tuple[str, str | None]:
        item = await self._json(f"/{actor}s/{item_id}")
        return json.dumps(item["configuration"]), None


class SdkSide(Side):
    async def open(self, *, in_flight: int | None = None, pool: int | None = None) -> None:
        import _sdk

        self._sdk = _sdk
        self.sdk = _sdk.client(self.base_url, self.p["client_id"], self.p["client_secret"])

    async def close(self) -> None:
        await self.sdk.__aexit__(None, None, None)  # type: ignore[no-untyped-call]  # async
        self.sdk.__exit__(None, None, None)  # type: ignore[no-untyped-call]  # sync (tokens)

    def decode_page(self, body: bytes) -> list[str]:
        import _sdk

        return [s.source_id for s in _sdk.decode_page(body).data]

    async def get_source(self, source_id: str) -> str:
        return (await self._sdk.get_source(self.sdk, source_id)).source_id

    async def list_sources(self, page_size: int) -> list[str]:
        return [s.source_id for s in await self._sdk.list_sources(self.sdk, page_size)]

    async def get_sources(self, ids: Sequence[str], in_flight: int) -> list[str]:
        items = await self._sdk.get_sources(self.sdk, ids, in_flight)
        return [s.source_id for s in items]

    async def cold(self, ids: Sequence[str], wide: bool) -> Burst:
        import _sdk

        _sdk.forget_tokens()  # its token cache is per process, not per client
        sdk = _sdk.client(self.base_url, self.p["client_id"], self.p["client_secret"])
        async with sdk:
            return await burst(lambda i: _sdk.get_source(sdk, i), ids, lambda s: s.source_id)

    async def page(self, actor: str, offset: int, limit: int) -> list[str]:
        items = await self._sdk.list_page(self.sdk, actor, offset, limit)
        if actor == "source":
            return [s.source_id for s in items]
        return [d.destination_id for d in items]

    async def get(self, actor: str, item_id: str) -> tuple[str, str | None]:
        if actor == "source":
            item: Any = await self._sdk.get_source(self.sdk, item_id)
        else:
            item = await self._sdk.get_destination(self.sdk, item_id)
        configuration = item.configuration
        return json.dumps(self._sdk.plain(configuration)), type(configuration).__name__


SIDES: dict[str, type[Side]] = {
    "raw": RawSide,
    "aiobyte": AiobyteSide,
    "httpx": HttpxSide,
    "sdk": SdkSide,
}


# -- the tasks ---------------------------------------------------------------------------


def task_decode(side: Side, p: JSON) -> JSON:
    """(a) The same page, decoded again and again: seconds per decode."""
    body: bytes = p["page_body"]
    ids = side.decode_page(body)  # warm-up: decoders and models built
    gc.collect()
    count = 0
    clock = time.perf_counter
    started = clock()
    elapsed = 0.0
    while count < 3 or elapsed < DECODE_SECONDS:
        side.decode_page(body)
        count += 1
        elapsed = clock() - started
    return {"metrics": {"decode_s": elapsed / count, "decodes": count}, "ids": digest(ids)}


async def task_list(side: Side, p: JSON) -> JSON:
    """(b) and (f): every source, page after page, after a warm-up; and the peak memory."""
    await side.open()
    try:
        await side.get_source(p["warm_id"])  # token, connection, decoders
        gc.collect()
        before = current_rss_mib() or peak_rss_mib()
        started = time.perf_counter()
        ids = await side.list_sources(p["page_size"])
        elapsed = time.perf_counter() - started
        peak = peak_rss_mib()
    finally:
        await side.close()
    metrics: JSON = {"wall_s": elapsed}
    if peak is not None and before is not None:
        # The peak is the whole process's (interpreter, imports, the listing); the growth
        # is the peak over the resident size just before the listing started.
        metrics |= {"peak_rss_mib": peak, "rss_growth_mib": max(0.0, peak - before)}
    return {"metrics": metrics, "ids": digest(ids), "count": len(ids)}


async def task_gets(side: Side, p: JSON) -> JSON:
    """(c) Many single gets, ``in_flight`` at once: requests per second, best of ``repeats``.

    The best batch, as ``timeit`` takes the best time: on a shared machine, a slower
    batch measures the neighbours, not the client.
    """
    ids: list[str] = p["ids"]
    await side.open(in_flight=p["in_flight"])
    times: list[float] = []
    try:
        await side.get_sources(ids[: p["in_flight"]], p["in_flight"])  # every connection open
        for _ in range(p["slow_repeats"] if p.get("slow") else p["repeats"]):
            gc.collect()
            started = time.perf_counter()
            got = await side.get_sources(ids, p["in_flight"])
            times.append(time.perf_counter() - started)
    finally:
        await side.close()
    metrics = {"throughput": len(ids) / min(times), "throughput_all": [len(ids) / t for t in times]}
    return {"metrics": metrics, "ids": digest(got), "count": len(got)}


async def task_cold(side: Side, p: JSON) -> JSON:
    """(d) A new client gets every id at once on a cold token cache.

    A smaller burst with another client comes first, untimed, so that what is measured is
    a cold token cache, not a cold process (modules that load on first use, a thread
    pool that starts, decoders that are built).
    """
    ids: list[str] = p["ids"]
    wide = bool(p.get("wide"))
    await side.cold(ids[: p["warm"]], wide)
    gc.collect()
    before = await asyncio.to_thread(fake_stats, p["stats_url"])
    async with Heartbeat() as heartbeat:
        got = await side.cold(ids, wide)
    after = await asyncio.to_thread(fake_stats, p["stats_url"])
    metrics: JSON = {
        "token_requests": after["token_requests"] - before["token_requests"],
        "failed": sum(got.errors.values()),
        "lag_ms": heartbeat.worst * 1000,
    }
    if got.first is not None and got.last is not None:
        metrics |= {"first_s": got.first, "last_s": got.last}
    return {"metrics": metrics, "ids": digest(got.ids), "count": len(got.ids), "errors": got.errors}


def _error(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:300] if text else ''}".rstrip(": ")


async def task_correctness(side: Side, p: JSON) -> JSON:
    """(g) Every page, then every object on its own: what decodes, and what it holds."""
    await side.open()
    pages: list[JSON] = []
    objects: list[JSON] = []
    try:
        for actor, ids in (("source", p["source_ids"]), ("destination", p["destination_ids"])):
            limit = p["page_size"]
            for offset in range(0, len(ids), limit):
                try:
                    got = await side.page(actor, offset, limit)
                except Exception as exc:
                    pages.append({"actor": actor, "offset": offset, "error": _error(exc)})
                    continue
                expected = ids[offset : offset + limit]
                error = None if got == expected else f"ids {got[:3]}... not {expected[:3]}..."
                pages.append({"actor": actor, "offset": offset, "error": error})
            for item_id in ids:
                try:
                    text, model = await side.get(actor, item_id)
                except Exception as exc:
                    objects.append({"actor": actor, "id": item_id, "error": _error(exc)})
                    continue
                objects.append(
                    {"actor": actor, "id": item_id, "configuration": text, "model": model}
                )
    finally:
        await side.close()
    return {"pages": pages, "objects": objects}


TASKS: dict[str, Callable[[Side, JSON], Any]] = {
    "decode": task_decode,
    "list": task_list,
    "gets": task_gets,
    "cold": task_cold,
    "correctness": task_correctness,
}


# -- (e) the programs that time an import and a first request ------------------------------

IMPORTS = {
    "raw": "import aiohttp, msgspec",
    "aiobyte": "import aiobyte",
    "httpx": "import httpx, json",
    "sdk": "import airbyte_api",
}

_FIRST = {
    "raw": """
import asyncio, _raw, aiohttp
async def first():
    async with aiohttp.ClientSession() as session:
        await _raw.get_sources(session, BASE, TOKEN, [ID], 1)
""",
    "aiobyte": """
import asyncio, aiobyte
async def first():
    async with aiobyte.AirbyteClient(base_url=BASE, token=TOKEN) as client:
        await client.sources.get(ID)
""",
    "httpx": """
import asyncio, _httpx
async def first():
    async with _httpx.client() as http:
        await _httpx.get_items(http, BASE, TOKEN, "/sources", [ID], 1)
""",
    "sdk": """
import asyncio, _sdk
async def first():
    async with _sdk.token_client(BASE, TOKEN) as sdk:
        await _sdk.get_source(sdk, ID)
""",
}


def probe_code(kind: str, side: str) -> str:
    """A program that prints the seconds its measured part took.

    ``import``: the import statement alone. ``first``: import, construct a client, one
    ``GET /sources/{id}`` with a fixed token (argv: base URL, token, id), close.
    """
    if kind == "import":
        return (
            "import time\nstarted = time.perf_counter()\n"
            f"{IMPORTS[side]}\nprint(time.perf_counter() - started)\n"
        )
    return (
        f"import sys, time\nsys.path.insert(0, {str(HERE)!r})\n"
        "BASE, TOKEN, ID = sys.argv[1:4]\nstarted = time.perf_counter()\n"
        f"{_FIRST[side].strip()}\n"
        "asyncio.run(first())\nprint(time.perf_counter() - started)\n"
    )


def main(argv: Sequence[str]) -> int:
    task, side_name, params_path, result_path = argv
    params: JSON = json.loads(Path(params_path).read_text())
    if "page_file" in params:
        params["page_body"] = Path(params["page_file"]).read_bytes()
    side = SIDES[side_name](params)
    run = TASKS[task]
    result = run(side, params)
    if asyncio.iscoroutine(result):
        result = asyncio.run(result)
    Path(result_path).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
