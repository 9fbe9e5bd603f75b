"""Prefect's test harness, offline, once per session; the fake Airbyte per test.

The environment is set before Prefect is imported (its settings are read then): a
throw-away PREFECT_HOME, no API URL of a real server, no analytics or telemetry;
the harness starts its temporary server on 127.0.0.1 with a SQLite file, bounded by
``HARNESS_STARTUP_TIMEOUT``.
"""

from __future__ import annotations

import os
import tempfile

_HOME = tempfile.mkdtemp(prefix="prefect-aiobyte-tests-")
for _name in ("PREFECT_API_URL", "PREFECT_API_KEY", "PREFECT_PROFILES_PATH"):
    os.environ.pop(_name, None)
os.environ.update(
    {
        "PREFECT_HOME": _HOME,
        "PREFECT_PROFILES_PATH": os.path.join(_HOME, "profiles.toml"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        # Prefect's client-side telemetry (it would post to the internet): off.
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_UI_ENABLED": "false",
        "PREFECT_LOGGING_TO_API_ENABLED": "false",
    }
)

from collections.abc import Iterator  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from prefect.testing.utilities import prefect_test_harness  # noqa: E402
from prefect_aiobyte import AirbyteCredentials  # noqa: E402

from aiobyte.testing import FakeAirbyte  # noqa: E402

#: Seconds the harness may take to start its temporary server (a subprocess).
HARNESS_STARTUP_TIMEOUT = 60

#: Jobs on the fake that end quickly, and polling to match.
QUICK = {"queued_for": 0.05, "duration": 0.15, "rows_per_second": 2000}
FAST = {"poll_interval": 0.02, "max_poll_interval": 0.05}


@pytest.fixture(scope="session", autouse=True)
def prefect_harness() -> Iterator[None]:
    """Every test runs against Prefect's temporary local server."""
    with prefect_test_harness(server_startup_timeout=HARNESS_STARTUP_TIMEOUT):
        yield


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def credentials_for(fake: FakeAirbyte, **options: Any) -> AirbyteCredentials:
    """An AirbyteCredentials block for the fake (its application's credentials)."""
    settings: dict[str, Any] = {
        "base_url": fake.base_url,
        "client_id": fake.client_id,
        "client_secret": fake.client_secret,
    }
    settings.update(options)
    return AirbyteCredentials(**settings)


def job_statuses(fake: FakeAirbyte, connection_id: str) -> list[str]:
    """The statuses of the connection's jobs, oldest first, as the API shows them now."""
    now = fake.state.now()
    return [
        job.status(now) for job in fake.state.jobs.values() if job.connection_id == connection_id
    ]
