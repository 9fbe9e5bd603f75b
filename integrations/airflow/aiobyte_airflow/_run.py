"""Running aiobyte's coroutines from Airflow's synchronous methods (execute, on_kill)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

__all__ = ["run_coroutine"]

T = TypeVar("T")


def run_coroutine(make: Callable[[], Awaitable[T]], *, timeout: float | None = None) -> T:
    """Run ``make()`` to completion on a fresh event loop and return its result.

    On this thread when no loop runs here; otherwise (a signal handler that interrupted a
    running loop, a caller inside a loop) on a thread of its own, waited for at most
    ``timeout`` seconds (``TimeoutError`` after that; the thread goes on, as a daemon).
    """

    async def main() -> T:
        return await make()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        if timeout is None:
            return asyncio.run(main())
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(main())
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="aiobyte-airflow", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimeoutError(f"gave up waiting after {timeout:g} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]  # type: ignore[no-any-return]
