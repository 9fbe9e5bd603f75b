"""``fan_out``: one call per key (workspace, connection, ...), a bounded number at once.

::

    async with aiobyte.fan_out(
        lambda ws: client.sources.list(workspace_ids=[ws]), workspace_ids, limit=10
    ) as results:
        async for result in results:
            if result.ok:
                print(result.key, result.value.name)
            else:
                print(result.key, "failed:", result.error)

``func(key)`` may return an awaitable (``client.workspaces.get``, your own ``async def``):
one :class:`Outcome` per key; or an async iterable such as a pager: one outcome per
item, tagged with its key. A key that fails gives one outcome with ``.error`` (after
any items it gave before failing); the others go on. ``raise_errors=True`` yields only
successes and raises one :class:`FanOutError` listing every failure at the end.

Why a context manager: the calls run in tasks of a task group that must be closed
when the caller stops listening. Leaving the ``async with`` (at the end, on ``break``,
on an exception or a cancellation) cancels what is still running and waits for it, so
no task is left behind and no request slot stays taken. An exception raised in its
body comes out as it is, never wrapped in an ``ExceptionGroup``.
"""

from __future__ import annotations

import inspect
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Callable,
    Coroutine,
    Iterable,
)
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Literal, NoReturn, TypeVar, overload

import anyio
from anyio.abc import TaskGroup
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

from . import _config
from ._errors import AirbyteError

__all__ = ["Failure", "FanOut", "FanOutError", "Outcome", "Success", "fan_out"]

K = TypeVar("K")
T = TypeVar("T")

# Failures named in a FanOutError's message; all of them are in ``.failures``.
_NAMED_FAILURES = 5


class Outcome(Generic[K, T]):
    """What one call (or one item of a listing) gave for ``key``: a :class:`Success`
    with its ``value``, or a :class:`Failure` with its ``error``.

    A fan-out yields ``Success[K, T] | Failure[K, T]``, so ``if outcome.ok:`` tells a type
    checker that ``outcome.value`` is a ``T`` (and otherwise that ``outcome.error`` is an
    ``Exception``).
    """

    __slots__ = ()

    if TYPE_CHECKING:

        @property
        def key(self) -> K: ...
        @property
        def value(self) -> T | None: ...
        @property
        def error(self) -> Exception | None: ...
        @property
        def ok(self) -> bool: ...
        def unwrap(self) -> T: ...


@dataclass(frozen=True, slots=True)
class Success(Outcome[K, T]):
    """A call (or an item of a listing) that gave ``value`` for ``key``."""

    key: K
    value: T

    @property
    def error(self) -> None:
        """None: a success has no error."""
        return None

    @property
    def ok(self) -> Literal[True]:
        """True: this is a success."""
        return True

    def unwrap(self) -> T:
        """The value."""
        return self.value


@dataclass(frozen=True, slots=True)
class Failure(Outcome[K, T]):
    """A call (or a listing) for ``key`` that raised ``error``."""

    key: K
    error: Exception

    @property
    def value(self) -> None:
        """None: a failure has no value."""
        return None

    @property
    def ok(self) -> Literal[False]:
        """False: this is a failure."""
        return False

    def unwrap(self) -> NoReturn:
        """Raises the error."""
        raise self.error


class FanOutError(AirbyteError):
    """Some keys of a ``fan_out(..., raise_errors=True)`` failed.

    ``failures`` holds one :class:`Failure` per failed key, with its ``key`` and ``error``.
    Raised after every successful result has been yielded.
    """

    def __init__(self, failures: list[Failure[Any, Any]], total: int) -> None:
        named = "; ".join(f"{f.key}: {_describe(f.error)}" for f in failures[:_NAMED_FAILURES])
        more = len(failures) - _NAMED_FAILURES
        if more > 0:
            named += f"; and {more} more"
        super().__init__(f"{len(failures)} of {total} keys failed: {named}")
        self.failures = failures


def _describe(error: BaseException | None) -> str:
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


@overload
def fan_out(
    func: Callable[[K], AsyncIterable[T]],
    keys: Iterable[K],
    *,
    limit: int = ...,
    raise_errors: Literal[False] = ...,
) -> FanOut[K, T]: ...


@overload
def fan_out(
    func: Callable[[K], AsyncIterable[T]],
    keys: Iterable[K],
    *,
    limit: int = ...,
    raise_errors: Literal[True],
) -> _RaisingFanOut[K, T]: ...


@overload
def fan_out(
    func: Callable[[K], AsyncIterable[T]],
    keys: Iterable[K],
    *,
    limit: int = ...,
    raise_errors: bool,
) -> FanOut[K, T]: ...


@overload
def fan_out(
    func: Callable[[K], Coroutine[Any, Any, T]],
    keys: Iterable[K],
    *,
    limit: int = ...,
    raise_errors: Literal[False] = ...,
) -> FanOut[K, T]: ...


@overload
def fan_out(
    func: Callable[[K], Coroutine[Any, Any, T]],
    keys: Iterable[K],
    *,
    limit: int = ...,
    raise_errors: Literal[True],
) -> _RaisingFanOut[K, T]: ...


@overload
def fan_out(
    func: Callable[[K], Coroutine[Any, Any, T]],
    keys: Iterable[K],
    *,
    limit: int = ...,
    raise_errors: bool,
) -> FanOut[K, T]: ...


# The overloads take an awaitable as a coroutine (what an ``async def`` returns), not as
# any ``Awaitable``: a pager is awaitable too, and a lambda returning one (its parameter
# typed Any while overloads are matched) would match both kinds, which makes mypy give up
# and type every outcome as Any. Other awaitables still work at run time.
def fan_out(
    func: Callable[[K], Any],
    keys: Iterable[K],
    *,
    limit: int = _config.FAN_OUT_LIMIT,
    raise_errors: bool = False,
) -> FanOut[K, Any]:
    """Call ``func(key)`` for every key, at most ``limit`` at once; results as they come.

    Use it as ``async with fan_out(func, keys) as results: async for outcome in results``.
    ``func`` returns an awaitable (one :class:`Outcome` per key) or an async iterable
    such as a pager (one outcome per item, each tagged with its key). Failures
    (``Exception``, not cancellation) are :class:`Failure` outcomes with ``.error``;
    with ``raise_errors=True`` they are not yielded (so every outcome is typed as a
    :class:`Success`) and a :class:`FanOutError` listing them is raised once everything
    else has been yielded.

    ``keys`` is read at once (a generator is fine). Raises ``ValueError`` for a
    ``limit`` that is not a positive integer.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a positive integer; got {limit!r}")
    if not callable(func):
        raise ValueError(f"func must be callable; got {type(func).__name__}")
    kind = _RaisingFanOut if raise_errors else FanOut
    return kind(func, list(keys), limit=limit, raise_errors=raise_errors)


class FanOut(Generic[K, T]):
    """A running fan-out (see :func:`fan_out`): enter it, then iterate its outcomes.

    ``failures`` lists the failed outcomes seen so far (also with ``raise_errors``).
    """

    def __init__(
        self,
        func: Callable[[K], Any],
        keys: list[K],
        *,
        limit: int,
        raise_errors: bool,
    ) -> None:
        self._func = func
        self._keys = keys
        self._limit = limit
        self._raise_errors = raise_errors
        self._task_group: TaskGroup | None = None
        self._receive: MemoryObjectReceiveStream[Success[K, T] | Failure[K, T]] | None = None
        self._entered = False
        self.failures: list[Failure[K, T]] = []

    def __repr__(self) -> str:
        return f"<FanOut of {len(self._keys)} keys, limit {self._limit}>"

    async def __aenter__(self) -> FanOut[K, T]:
        if self._entered:
            raise RuntimeError("a fan_out(...) can be entered only once")
        self._entered = True
        # A buffer as large as the bound: a worker can hand over a result and start on
        # its next key without waiting for the consumer to take the previous one.
        send, receive = anyio.create_memory_object_stream[Success[K, T] | Failure[K, T]](
            self._limit
        )
        self._receive = receive
        task_group = anyio.create_task_group()
        await task_group.__aenter__()
        self._task_group = task_group
        keys = iter(self._keys)
        with send:
            for _ in range(min(self._limit, len(self._keys))):
                task_group.start_soon(self._worker, keys, send.clone())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        task_group, self._task_group = self._task_group, None
        if self._receive is not None:
            self._receive.close()
        if task_group is not None:
            # Whatever is still running is no longer wanted. The body's own exception is
            # not handed to the task group, which would wrap it in an ExceptionGroup: it
            # propagates from here as it was raised.
            task_group.cancel_scope.cancel()
            await task_group.__aexit__(None, None, None)

    def __aiter__(self) -> AsyncIterator[Success[K, T] | Failure[K, T]]:
        return self

    async def __anext__(self) -> Success[K, T] | Failure[K, T]:
        receive = self._receive
        if receive is None or self._task_group is None:
            raise RuntimeError(
                "iterate a fan-out inside its context: "
                "'async with fan_out(func, keys) as results: async for outcome in results'"
            )
        while True:
            try:
                outcome = await receive.receive()
            except anyio.EndOfStream:
                if self._raise_errors and self.failures:
                    raise FanOutError(list(self.failures), len(self._keys)) from None
                raise StopAsyncIteration from None
            if outcome.ok:
                return outcome
            self.failures.append(outcome)
            if not self._raise_errors:
                return outcome

    async def _worker(
        self, keys: Iterable[K], send: MemoryObjectSendStream[Success[K, T] | Failure[K, T]]
    ) -> None:
        # ``keys`` is one iterator shared by the workers: next() never awaits, so each
        # key goes to exactly one of them.
        with send:
            for key in keys:
                await self._one(key, send)

    async def _one(
        self, key: K, send: MemoryObjectSendStream[Success[K, T] | Failure[K, T]]
    ) -> None:
        try:
            produced = self._func(key)
            if not hasattr(produced, "__aiter__"):  # a pager is awaitable too: items first
                if not inspect.isawaitable(produced):
                    raise TypeError(
                        "fan_out's func must return an awaitable or an async iterable; "
                        f"it returned {type(produced).__name__}"
                    )
                value = await produced
        except Exception as exc:
            await send.send(Failure(key, exc))
            return
        if not hasattr(produced, "__aiter__"):
            await send.send(Success(key, value))
            return
        items = aiter(produced)
        try:
            while True:
                # Only the iteration is guarded: an error while handing over a result is
                # not this key's failure.
                try:
                    item = await anext(items)
                except StopAsyncIteration:
                    return
                except Exception as exc:
                    await send.send(Failure(key, exc))
                    return
                await send.send(Success(key, item))
        finally:
            close = getattr(items, "aclose", None)  # an async generator (a pager has none)
            if close is not None:
                with anyio.CancelScope(shield=True):
                    await close()


class _RaisingFanOut(FanOut[K, T]):
    """A fan-out with ``raise_errors=True``: it yields successes only (failures are
    raised together at the end as a :class:`FanOutError`). The same at run time; the
    types say so, for type checkers."""

    if TYPE_CHECKING:

        async def __aenter__(self) -> _RaisingFanOut[K, T]: ...
        def __aiter__(self) -> AsyncIterator[Success[K, T]]: ...
        async def __anext__(self) -> Success[K, T]: ...
