"""Scenario (k)'s program: sequential ``GET /sources/{id}``, run under callgrind.

    valgrind --tool=callgrind --dump-before=getppid ... \\
        python benchmarks/_instructions_worker.py SIDE PARAMS [RESULT] [--wait] [--profile]

``instructions.py`` runs it. It opens the client, makes ``warm`` gets (the token, the
connection, the decoders, the modules loaded on first use); with ``--wait`` it prints
``ready`` and waits for a line on its standard input (meanwhile ``callgrind_control``
switches the instrumentation on); then it calls ``os.getppid()``,
makes ``gets`` gets one after another, and calls ``os.getppid()`` again. Callgrind,
told to dump its counts before every call of ``getppid``, writes the instructions of the
measured gets alone into its second dump: the start-up, the imports and the warm-up are
in the first, the shutdown in the last. Nothing else in these clients calls
``getppid``.

Sides: ``raw`` is ``session.get`` with a prepared ``Authorization`` header, ``read()``
and ``msgspec.json.decode`` into a hand-written Struct (``_raw.py``): the least a
careful programmer writes; ``raw_timeouts`` the same with aiobyte's timeouts on its
session (``ClientTimeout`` with ``sock_connect``, ``sock_read`` and ``total``: aiohttp
then arms a read timer per request and rearms it on every chunk that arrives).
``aiobyte`` is ``await client.sources.get(source_id)``.
Without valgrind it runs all the same (``--profile`` prints cProfile's top functions
of the measured gets instead: the orientation before reading callgrind's output).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


async def _raw(
    p: dict[str, Any], *, timeouts: bool = False
) -> tuple[Callable[[str], Awaitable[str]], Callable[[], Any]]:
    import _raw
    import aiohttp

    if timeouts:  # aiobyte's: connect, read (rearmed on every chunk), and the whole attempt
        connect, read, total = p["timeouts"]
        timeout = aiohttp.ClientTimeout(total=total, sock_connect=connect, sock_read=read)
        session = aiohttp.ClientSession(timeout=timeout)
    else:
        session = aiohttp.ClientSession()
    token = await _raw.fetch_token(session, p["base_url"], p["client_id"], p["client_secret"])
    headers = {"Authorization": f"Bearer {token}"}
    prefix = p["base_url"] + "/sources/"
    decode = _raw._SOURCE.decode

    async def get(source_id: str) -> str:
        async with session.get(prefix + source_id, headers=headers) as answer:
            answer.raise_for_status()
            content = await answer.read()
        return decode(content).source_id

    return get, session.close


async def _aiobyte(
    p: dict[str, Any],
) -> tuple[Callable[[str], Awaitable[str]], Callable[[], Any]]:
    import aiobyte

    client = aiobyte.AirbyteClient(
        base_url=p["base_url"], client_id=p["client_id"], client_secret=p["client_secret"]
    )
    sources = client.sources

    async def get(source_id: str) -> str:
        return (await sources.get(source_id)).source_id

    return get, client.aclose


async def _raw_timeouts(
    p: dict[str, Any],
) -> tuple[Callable[[str], Awaitable[str]], Callable[[], Any]]:
    return await _raw(p, timeouts=True)


SIDES = {"raw": _raw, "raw_timeouts": _raw_timeouts, "aiobyte": _aiobyte}


async def measure(side: str, p: dict[str, Any], *, profile: bool, wait: bool) -> list[str]:
    get, close = await SIDES[side](p)
    ids: list[str] = p["ids"]
    got: list[str] = []
    try:
        for source_id in ids[: p["warm"]]:
            await get(source_id)
        if wait:  # for callgrind_control to switch the instrumentation on
            print("ready", flush=True)
            sys.stdin.readline()
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        os.getppid()  # callgrind dumps here: what came before is not counted
        for source_id in ids[: p["gets"]]:
            got.append(await get(source_id))
        os.getppid()  # and here: the measured gets are the second dump
        if profiler is not None:
            import pstats

            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
    finally:
        await close()
    return got


def main(argv: Sequence[str]) -> int:
    options = {"--profile", "--wait"}
    side, params_path, *rest = [arg for arg in argv if arg not in options]
    p = json.loads(Path(params_path).read_text())
    got = asyncio.run(measure(side, p, profile="--profile" in argv, wait="--wait" in argv))
    if rest:
        Path(rest[0]).write_text(json.dumps({"ids": got}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
