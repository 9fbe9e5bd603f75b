"""pytest fixtures for testing code that talks to Airbyte (registered as plugin ``aiobyte``).

``fake_airbyte`` is a started :class:`~aiobyte.testing.FakeAirbyte` seeded with two
workspaces of data; ``airbyte_client`` is an ``aiobyte.AirbyteClient`` connected to
it. Both are async fixtures run by anyio's pytest plugin: mark tests with
``@pytest.mark.anyio``. anyio's own ``anyio_backend`` fixture defaults to asyncio;
the fake needs asyncio (aiohttp) and skips the test under any other backend.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest

from aiobyte.testing import FakeAirbyte

if TYPE_CHECKING:
    from aiobyte import AirbyteClient

__all__ = ["airbyte_client", "fake_airbyte"]


@pytest.fixture
async def fake_airbyte(anyio_backend: object) -> AsyncIterator[FakeAirbyte]:
    """A started FakeAirbyte with ``seed(workspaces=2)`` data."""
    backend = anyio_backend[0] if isinstance(anyio_backend, tuple) else anyio_backend
    if backend != "asyncio":
        pytest.skip("the fake Airbyte server runs on aiohttp, which needs asyncio")
    async with FakeAirbyte() as fake:
        fake.seed(workspaces=2)
        yield fake


@pytest.fixture
async def airbyte_client(fake_airbyte: FakeAirbyte) -> AsyncIterator[AirbyteClient]:
    """An ``aiobyte.AirbyteClient`` for ``fake_airbyte``, opened and closed around the test."""
    async with fake_airbyte.client() as client:
        yield client
