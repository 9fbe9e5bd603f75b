"""A fake Airbyte served from a thread of the test process, on 127.0.0.1.

Dagster runs a run's async steps on an event loop of its own (``materialize`` is a plain
call), so the fake cannot share the test's loop: it runs on its own loop in a thread,
and the tests read its state through ``ThreadedFake.call`` (run on that loop's thread).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from typing import Any, TypeVar

import pytest
from dagster_aiobyte import AiobyteResource

from aiobyte.testing import FakeAirbyte, Seeded

T = TypeVar("T")

#: Polling of the syncs in these tests: fast, the fake's jobs last a fraction of a second.
FAST_POLLING = {"poll_interval": 0.02, "max_poll_interval": 0.05}


class ThreadedFake:
    """A started FakeAirbyte on its own event loop in a daemon thread."""

    def __init__(self, **options: Any) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.fake: FakeAirbyte = self._run(self._start(options))

    async def _start(self, options: dict[str, Any]) -> FakeAirbyte:
        fake = FakeAirbyte(**options)
        await fake.start()
        return fake

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=30)

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` run on the fake's thread (its state is not thread-safe)."""
        done: Future[T] = Future()

        def run() -> None:
            try:
                done.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # handed to the caller
                done.set_exception(exc)

        self._loop.call_soon_threadsafe(run)
        return done.result(timeout=30)

    def seed(self, **counts: int) -> Seeded:
        return self.call(self.fake.seed, **counts)

    def job_statuses(self, connection_id: str) -> list[str]:
        """The statuses of the connection's jobs, oldest first, as the API shows them now."""

        def read() -> list[str]:
            state = self.fake.state
            now = state.now()
            return [
                job.status(now) for job in state.jobs.values() if job.connection_id == connection_id
            ]

        return self.call(read)

    def jobs(self) -> list[dict[str, Any]]:
        """Every job as the API shows it now, with its record's times."""

        def read() -> list[dict[str, Any]]:
            state = self.fake.state
            now = state.now()
            return [
                {**job.to_json(now), "created": job.created_at, "record": job}
                for job in state.jobs.values()
            ]

        return self.call(read)

    def hits(self, route: str) -> int:
        return self.call(lambda: self.fake.stats.hits[route])

    def token_requests(self) -> int:
        return self.call(lambda: self.fake.stats.token_requests)

    def resource(self, **options: Any) -> AiobyteResource:
        """An AiobyteResource for this fake (its application's credentials)."""
        settings: dict[str, Any] = {
            "base_url": self.fake.base_url,
            "client_id": self.fake.client_id,
            "client_secret": self.fake.client_secret,
            **FAST_POLLING,
        }
        settings.update(options)
        return AiobyteResource(**settings)

    def close(self) -> None:
        self._run(self.fake.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


@pytest.fixture
def threaded_fake() -> Iterator[ThreadedFake]:
    """A fake Airbyte with no data, served from a thread; closed after the test."""
    served = ThreadedFake()
    try:
        yield served
    finally:
        served.close()
