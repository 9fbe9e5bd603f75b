"""Shared test setup: asyncio under anyio, no leaked resources, and the ``fake`` fixture.

pytest runs with ``filterwarnings = error``; collecting garbage after every test makes
an unclosed aiohttp session or connector fail the test that leaked it, not a later one.

Helpers shared by several test modules are modules of their own, imported by path
(``from tests._openapi import ...``, ``from tests._hostile import ...``); nothing is
imported from this file.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from aiobyte.testing import FakeAirbyte

# schemathesis (the test extra) needs Python 3.11: on 3.10 its fuzzer is not collected,
# and the run on the newest Python (CI runs 3.13 too) is the one that fuzzes.
collect_ignore = ["fake/test_fake_fuzz.py"] if sys.version_info < (3, 11) else []


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _collect_garbage() -> Iterator[None]:
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def _no_airbyte_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's own Airbyte credentials must never leak into a test.
    for name in ("AIRBYTE_API_URL", "AIRBYTE_CLIENT_ID", "AIRBYTE_CLIENT_SECRET", "AIRBYTE_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def fake(request: pytest.FixtureRequest) -> AsyncIterator[FakeAirbyte]:
    """A started fake Airbyte on 127.0.0.1 for one test, empty unless configured.

    Configured by the plugin's marker, per test or per module (``pytestmark``):
    ``@pytest.mark.fake_airbyte(data={"workspaces": 1}, record_requests=False)`` seeds it
    with ``fake.seed(**data)`` and passes the rest to ``FakeAirbyte(...)``. Unlike the
    plugin's ``fake_airbyte`` fixture, it holds no data by default.
    """
    marker = request.node.get_closest_marker("fake_airbyte")
    options: dict[str, Any] = dict(marker.kwargs) if marker is not None else {}
    data = options.pop("data", None)
    options.pop("client", None)  # the plugin's airbyte_client fixture's; unused here
    async with FakeAirbyte(**options) as server:
        if data is not None:
            server.seed(**data)
        yield server
