"""What a request knows about the code that made it, through context variables.

``fan_out`` runs its calls in tasks whose context holds its :class:`FanOutLimit`; the
transport reads it on each request, so that a fan-out whose ``limit`` is above the
client's ``max_in_flight`` says so once, instead of silently running at the client's
bound (issue 16: ``fan_out(limit=200)`` on a default client ran 32 at a time).
"""

from __future__ import annotations

import warnings
from contextvars import ContextVar

__all__ = ["FAN_OUT", "FanOutLimit"]


class FanOutLimit:
    """A fan-out's ``limit``, and whether it has warned about a bound below it."""

    __slots__ = ("limit", "warned")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.warned = False

    def capped(self, max_in_flight: int) -> None:
        """Warn (once) that ``max_in_flight`` bounds this fan-out below its ``limit``."""
        if self.warned:
            return
        self.warned = True
        warnings.warn(
            f"fan_out(limit={self.limit}) calls a client with max_in_flight="
            f"{max_in_flight}: at most {max_in_flight} of its requests are in flight at "
            f"once, the rest queue. Create the client with AirbyteClient(max_in_flight="
            f"{self.limit}) to run {self.limit} at once, or pass limit={max_in_flight}",
            RuntimeWarning,
            stacklevel=2,
        )


#: The fan-out a task runs for, if any (set in the context its worker tasks copy).
FAN_OUT: ContextVar[FanOutLimit | None] = ContextVar("aiobyte_fan_out", default=None)
