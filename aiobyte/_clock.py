"""Time as aiobyte sees it: one small interface so tests can drive time by hand.

Everything that waits or reads the time (token expiry, retry backoff, job polling,
the retry budget) goes through a ``Clock``; the default is the real one, and
:class:`ManualClock` lets a test move time forward without sleeping.
"""

from __future__ import annotations

import time
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "ManualClock", "SystemClock"]


@runtime_checkable
class Clock(Protocol):
    """What aiobyte needs of a clock."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (for deadlines)."""
        ...

    def time(self) -> float:
        """Seconds since the epoch (for comparing with a token's ``exp`` claim)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait ``seconds``."""
        ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        import anyio  # here: importing aiobyte does not load anyio

        await anyio.sleep(seconds)

    def __repr__(self) -> str:
        return "SystemClock()"


class ManualClock:
    """A clock that moves only when told to; ``sleep`` advances it at once.

    ``sleeps`` records every sleep asked of it, so a test can assert the delays.
    """

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._wall = float(start)
        self._mono = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self._mono

    def time(self) -> float:
        return self._wall

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds`` (never backwards)."""
        if seconds < 0:
            raise ValueError("a clock does not go backwards")
        self._wall += seconds
        self._mono += seconds

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(max(0.0, seconds))
        # Give other tasks their turn, as a real sleep would.
        import anyio.lowlevel

        await anyio.lowlevel.checkpoint()

    def __repr__(self) -> str:
        return f"ManualClock(time={self._wall:.3f})"
