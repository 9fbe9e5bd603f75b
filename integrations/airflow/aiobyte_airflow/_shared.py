"""One ``AirbyteClient`` per event loop and Airflow connection, shared by every trigger on it.

The triggerer runs all its triggers on one event loop. Sharing the client there means one
connection lookup, one token (its cache is single-flight), one connection pool and one
in-flight bound for 1,000 deferred syncs instead of 1,000 of each.

The first user opens the client in a task of its own, so its cancellation never cancels
the opening the others wait on; the last user to leave closes it (a later one opens a new
client, reading the connection again, so edited credentials are picked up).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import importlib
import sys
import weakref
from collections.abc import AsyncIterator
from typing import Any

import aiobyte

__all__ = ["SharedClient", "shared_client"]


@dataclasses.dataclass(frozen=True)
class SharedClient:
    """A client shared on this loop, and the clock it runs on (for deadlines)."""

    client: aiobyte.AirbyteClient
    clock: aiobyte.Clock


class _Entry:
    def __init__(self, opening: asyncio.Task[SharedClient]) -> None:
        self.opening = opening
        self.users = 0


_entries: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, _Entry]] = (
    weakref.WeakKeyDictionary()
)
# Closing tasks, kept referenced until done (the loop holds tasks only weakly).
_closing: set[asyncio.Task[None]] = set()


async def _open(conn_id: str) -> SharedClient:
    from .hooks import AiobyteHook

    if "aiohttp" not in sys.modules:
        # aiobyte imports aiohttp on its first request: 0.1-0.3 s that would stall every
        # trigger on the loop once. In a thread, the loop keeps running meanwhile.
        await asyncio.to_thread(importlib.import_module, "aiohttp")
    options: dict[str, Any] = await AiobyteHook(conn_id).aget_client_options()
    clock = options.get("clock") or aiobyte.SystemClock()
    return SharedClient(aiobyte.AirbyteClient(**options), clock)


async def _close(entry: _Entry) -> None:
    try:
        shared = await entry.opening
    except BaseException:
        return  # it never opened: nothing to close
    await shared.client.aclose()


@contextlib.asynccontextmanager
async def shared_client(conn_id: str) -> AsyncIterator[SharedClient]:
    """The shared client of this loop for the Airflow connection ``conn_id``.

    Raises what reading the connection raises (``AirflowNotFoundException`` when there is
    no such connection, ``ValueError`` when its fields cannot work).
    """
    loop = asyncio.get_running_loop()
    per_loop = _entries.setdefault(loop, {})
    entry = per_loop.get(conn_id)
    if entry is None:
        entry = _Entry(loop.create_task(_open(conn_id), name=f"aiobyte: open {conn_id}"))
        per_loop[conn_id] = entry

        def forget_if_failed(task: asyncio.Task[SharedClient], entry: _Entry = entry) -> None:
            # A failed opening is not kept: the next user tries again.
            if (task.cancelled() or task.exception() is not None) and per_loop.get(
                conn_id
            ) is entry:
                del per_loop[conn_id]

        entry.opening.add_done_callback(forget_if_failed)
    entry.users += 1
    try:
        yield await asyncio.shield(entry.opening)
    finally:
        entry.users -= 1
        if entry.users == 0:
            if per_loop.get(conn_id) is entry:
                del per_loop[conn_id]
            closing = loop.create_task(_close(entry), name=f"aiobyte: close {conn_id}")
            _closing.add(closing)
            closing.add_done_callback(_closing.discard)
            # Shielded: a user cancelled while leaving does not leave the client open.
            await asyncio.shield(closing)
