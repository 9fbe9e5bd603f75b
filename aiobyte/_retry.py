"""Retry policy as pure functions: what to retry, how long to wait, when to stop.

The transport asks :meth:`RetryPolicy.delay` after each failed attempt; nothing here
sleeps or sends anything, so every rule is tested without a network.

Safety by request: a request whose failure is *ambiguous* (a 5xx, a dropped connection
or a read timeout after the request went out) may have taken effect, so it is resent
only when resending is harmless, as the one table below decides (:func:`is_retry_safe`).
A request that certainly did not take effect (the connection was never made, 429 rate
limiting, 408) may be resent whatever it is.
"""

from __future__ import annotations

import email.utils
import enum
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from . import _config

__all__ = ["Failure", "RetryBudget", "RetryPolicy", "is_retry_safe", "parse_retry_after"]

#: Methods whose repetition has the same effect as a single request: GET, HEAD and
#: OPTIONS read; PUT and DELETE are idempotent by HTTP's definition; Airbyte's PATCH
#: bodies set fields to the values given (never increment or append), so a PATCH sent
#: twice leaves the state that one leaves.
RETRY_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"})
#: POSTs that create nothing lasting: a second token is as good as the first.
RETRY_SAFE_POSTS = frozenset({"/applications/token", "/embedded/scoped_token"})


class Failure(enum.Enum):
    """How an attempt failed, as far as retrying is concerned."""

    #: The connection was never made: nothing was sent.
    CONNECT = "connect"
    #: The connection broke, or no answer came in time, after the request went out.
    AMBIGUOUS = "ambiguous"
    #: The server answered with a status.
    STATUS = "status"


def is_retry_safe(method: str, path: str) -> bool:
    """Whether a request may be resent after an ambiguous failure (it may have acted).

    ``path`` is the request's path below the base URL, without its query.
    """
    method = method.upper()
    return method in RETRY_SAFE_METHODS or (method == "POST" and path in RETRY_SAFE_POSTS)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date).

    ``now`` is the current time in seconds since the epoch. Returns None when the
    header is missing or unreadable; never a negative number.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # an HTTP date is GMT even when it forgets to say so
            return None
        seconds = when.timestamp() - now
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN or infinite
        return None
    return max(0.0, seconds)


RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
#: Statuses that mean the server did not act on the request, so any method may be resent.
NOT_PROCESSED_STATUSES = frozenset({408, 429})


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to wait before resending a request.

    ``max_retries`` bounds the retries after the first attempt; backoff is exponential
    from ``backoff_base`` to ``backoff_cap`` seconds with equal jitter; ``Retry-After`` is
    honoured up to ``retry_after_cap`` (a longer wait is not attempted: the error is
    raised with ``retry_after`` set); a 429 without ``Retry-After`` is treated as a hard
    limit: at most ``hard_rate_limit_retries`` retries, backing off from
    ``hard_rate_limit_backoff`` seconds. ``jitter`` gives the random share (0 <= x < 1).
    """

    max_retries: int = _config.MAX_RETRIES
    backoff_base: float = _config.BACKOFF_BASE
    backoff_cap: float = _config.BACKOFF_CAP
    retry_after_cap: float = _config.RETRY_AFTER_CAP
    hard_rate_limit_retries: int = _config.HARD_RATE_LIMIT_RETRIES
    hard_rate_limit_backoff: float = _config.HARD_RATE_LIMIT_BACKOFF
    jitter: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0 or self.hard_rate_limit_retries < 0:
            raise ValueError("retry counts cannot be negative")
        if self.backoff_base < 0 or self.backoff_cap < 0 or self.retry_after_cap < 0:
            raise ValueError("retry delays cannot be negative")

    def backoff(self, retry: int, base: float | None = None, cap: float | None = None) -> float:
        """Seconds before retry number ``retry`` (0 for the first): equal jitter."""
        start = self.backoff_base if base is None else base
        ceiling = min(self.backoff_cap if cap is None else cap, start * 2.0**retry)
        return ceiling / 2 + self.jitter() * ceiling / 2

    def delay(
        self,
        *,
        failure: Failure,
        retry_safe: bool,
        retries_done: int,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> float | None:
        """Seconds to wait before resending, or None to give up.

        ``retries_done`` counts the retries already made for this request.
        """
        if failure is Failure.CONNECT:
            if retries_done >= self.max_retries:
                return None
            return self.backoff(retries_done)
        if failure is Failure.AMBIGUOUS:
            if not retry_safe or retries_done >= self.max_retries:
                return None
            return self.backoff(retries_done)
        assert status is not None
        if status not in RETRYABLE_STATUSES:
            return None
        if status not in NOT_PROCESSED_STATUSES and not retry_safe:
            return None
        if retry_after is not None:
            if retry_after > self.retry_after_cap or retries_done >= self.max_retries:
                return None
            return retry_after
        if status == 429:
            # Load shedding: a hard limit, not an invitation to hammer.
            if retries_done >= min(self.hard_rate_limit_retries, self.max_retries):
                return None
            return self.backoff(
                retries_done, base=self.hard_rate_limit_backoff, cap=self.retry_after_cap
            )
        if retries_done >= self.max_retries:
            return None
        return self.backoff(retries_done)


class RetryBudget:
    """Retries one client may still make, shared by all its requests.

    It starts with ``initial`` retries; every retry spends one; every request that
    succeeds adds ``ratio`` (never above ``initial``). So over its lifetime a client
    makes at most ``initial + ratio * successes`` retries: against a server that is
    down, N concurrent callers cost at most N + ``initial`` requests, not
    N x (max_retries + 1).
    """

    def __init__(
        self, initial: float = _config.RETRY_BUDGET, ratio: float = _config.RETRY_BUDGET_RATIO
    ) -> None:
        if initial < 0 or ratio < 0:
            raise ValueError("a retry budget cannot be negative")
        self.capacity = float(initial)
        self.ratio = float(ratio)
        self._balance = float(initial)

    @property
    def balance(self) -> float:
        """Retries left (fractional: successes add fractions)."""
        return self._balance

    def try_spend(self) -> bool:
        """Take one retry from the budget; False when none is left."""
        if self._balance >= 1.0:
            self._balance -= 1.0
            return True
        return False

    def deposit(self) -> None:
        """Record a success."""
        self._balance = min(self.capacity, self._balance + self.ratio)

    def __repr__(self) -> str:
        return f"RetryBudget(balance={self._balance:.1f}, capacity={self.capacity:g})"
