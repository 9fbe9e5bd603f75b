"""A real Airflow 3 for the tests: its home and SQLite metadata DB in a temporary folder.

Airflow reads its configuration when it is first imported, so the environment is set
here, before any test module imports it. No service runs: ``dag.test()`` runs tasks and
triggers in this process, against the fake Airbyte (``aiobyte.testing``).
"""

from __future__ import annotations

import asyncio
import atexit
import gc
import json
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

sys.path.insert(0, str(Path(__file__).parent / "dags"))  # the test DAGs, importable by name

_HOME = tempfile.mkdtemp(prefix="aiobyte-airflow-")
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
os.environ.update(
    AIRFLOW_HOME=_HOME,
    AIRFLOW__CORE__LOAD_EXAMPLES="False",
    AIRFLOW__CORE__DAGS_FOLDER=str(Path(__file__).parent / "dags"),
    AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{_HOME}/airflow.db",
)
os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")

T = TypeVar("T")

CONN_ID = "airbyte_default"


def pytest_configure(config: pytest.Config) -> None:
    # The repository's pytest settings make every warning an error. These come from
    # Airflow itself (not from this provider), on import and inside dag.test().
    for line in (
        "ignore::DeprecationWarning:airflow.*",
        "ignore::PendingDeprecationWarning:airflow.*",
        "ignore:.*airflow.*:DeprecationWarning",
        "ignore::ResourceWarning:sqlalchemy.*",
        # Airflow's in-process execution API (dag.test) imports starlette's test client.
        "ignore:Using `httpx` with `starlette.testclient` is deprecated",
    ):
        config.addinivalue_line("filterwarnings", line)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session", autouse=True)
def _freeze_airflow() -> None:
    # Airflow's import leaves a large heap: frozen, the collection after each test only
    # looks at what the test made (1 s less per test).
    import aiobyte_airflow.operators  # noqa: F401
    import airflow.sdk  # noqa: F401

    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def _collect_garbage(_freeze_airflow: None) -> Iterator[None]:
    # An unclosed aiohttp session fails the test that leaked it (warnings are errors).
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def _no_airbyte_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AIRBYTE_API_URL", "AIRBYTE_CLIENT_ID", "AIRBYTE_CLIENT_SECRET", "AIRBYTE_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def connection_json(fake: Any, *, conn_type: str = "aiobyte", **fields: Any) -> str:
    """An Airflow connection (as ``AIRFLOW_CONN_*`` JSON) for a fake's application."""
    conn: dict[str, Any] = {
        "conn_type": conn_type,
        "host": fake.base_url,
        "login": fake.client_id,
        "password": fake.client_secret,
    }
    conn.update(fields)
    return json.dumps(conn)


def use_connection(
    monkeypatch: pytest.MonkeyPatch, fake: Any, conn_id: str = CONN_ID, **kw: Any
) -> None:
    """Point the Airflow connection ``conn_id`` at the fake (an environment variable)."""
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", connection_json(fake, **kw))


class ThreadedFake:
    """A FakeAirbyte serving from a loop on its own thread, for synchronous Airflow code."""

    def __init__(self, **options: Any) -> None:
        from aiobyte.testing import FakeAirbyte

        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.fake: FakeAirbyte = self.call(lambda: FakeAirbyte(**options))
        self.run(self.fake.start())

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the fake's thread (its state is not for two threads at once)."""

        async def wrapped() -> T:
            return fn()

        return self.run(wrapped())

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)

    def close(self) -> None:
        self.run(self.fake.close())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()


@pytest.fixture
def threaded_fake() -> Iterator[ThreadedFake]:
    served = ThreadedFake()
    try:
        yield served
    finally:
        served.close()


@pytest.fixture(scope="session")
def airflow_db() -> None:
    """Airflow's metadata DB (SQLite, created once for the session: about 1 s)."""
    from airflow.utils import db

    db.initdb()
