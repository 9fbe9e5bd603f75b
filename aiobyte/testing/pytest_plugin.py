"""pytest fixtures for testing code that talks to Airbyte (registered as plugin ``aiobyte``).

Installing aiobyte registers this plugin (the ``pytest11`` entry point ``aiobyte``):

- ``fake_airbyte``: a started :class:`~aiobyte.testing.FakeAirbyte` on 127.0.0.1, seeded
  with ``seed(workspaces=2)``; closed after the test.
- ``airbyte_client``: an ``aiobyte.AirbyteClient`` for it, opened and closed around the
  test. When the fake runs on a :class:`~aiobyte.testing.ManualClock`, the client shares
  it, so its waits (retry backoff, ``jobs.wait`` polling) move the fake's time instead
  of sleeping.
- ``fake_airbyte_options``: the options of both, ``{}`` by default; override it in a
  ``conftest.py`` to configure every test of a directory.

Per test, the marker ``@pytest.mark.fake_airbyte(...)`` takes the same options and wins
over ``fake_airbyte_options``: ``data=`` the counts given to ``fake.seed(...)`` (``None``:
no data), ``client=`` keyword arguments for the ``AirbyteClient``, and everything else
goes to ``FakeAirbyte(...)`` (``clock=``, ``path_prefix=``, ``token_lifetime=``,
``seed=``, ...)::

    @pytest.mark.anyio
    @pytest.mark.fake_airbyte(data={"workspaces": 1}, clock=ManualClock())
    async def test_sync(airbyte_client, fake_airbyte): ...

The fixtures are async and run under anyio's pytest plugin (anyio is a dependency of
aiobyte): mark the tests ``@pytest.mark.anyio`` (or set ``anyio_mode = "auto"``). The
fake runs on aiohttp, which needs asyncio: under another anyio backend the test is
skipped.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import pytest

from aiobyte._clock import SystemClock
from aiobyte.testing import FakeAirbyte

if TYPE_CHECKING:
    from aiobyte import AirbyteClient

__all__ = ["airbyte_client", "fake_airbyte", "fake_airbyte_options"]

MARKER = "fake_airbyte"
#: What the fake is seeded with unless the options say otherwise.
DEFAULT_DATA: dict[str, int] = {"workspaces": 2}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(data=..., client=..., **options): configure the fake_airbyte fixture: "
        "data= the counts for fake.seed() (None: no data), client= AirbyteClient keyword "
        "arguments, the rest FakeAirbyte keyword arguments",
    )


@pytest.fixture
def fake_airbyte_options() -> dict[str, Any]:
    """Options of ``fake_airbyte`` and ``airbyte_client`` (override it in a conftest.py).

    ``data``: counts for ``fake.seed()`` (``None``: none); ``client``: ``AirbyteClient``
    keyword arguments; anything else: ``FakeAirbyte`` keyword arguments.
    """
    return {}


def _options(request: pytest.FixtureRequest, defaults: dict[str, Any]) -> dict[str, Any]:
    options = dict(defaults)
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        if marker.args:
            raise TypeError(f"@pytest.mark.{MARKER} takes keyword arguments only")
        options.update(marker.kwargs)
    return options


@pytest.fixture
async def fake_airbyte(
    anyio_backend: object,
    request: pytest.FixtureRequest,
    fake_airbyte_options: dict[str, Any],
) -> AsyncIterator[FakeAirbyte]:
    """A started FakeAirbyte (``seed(workspaces=2)`` data unless configured otherwise)."""
    backend = anyio_backend[0] if isinstance(anyio_backend, tuple) else anyio_backend
    if backend != "asyncio":
        pytest.skip("the fake Airbyte server runs on aiohttp, which needs asyncio")
    options = _options(request, fake_airbyte_options)
    data = options.pop("data", DEFAULT_DATA)
    options.pop("client", None)
    async with FakeAirbyte(**options) as fake:
        if data is not None:
            fake.seed(**data)
        yield fake


@pytest.fixture
async def airbyte_client(
    fake_airbyte: FakeAirbyte,
    request: pytest.FixtureRequest,
    fake_airbyte_options: dict[str, Any],
) -> AsyncIterator[AirbyteClient]:
    """An ``aiobyte.AirbyteClient`` for ``fake_airbyte``, opened and closed around the test."""
    client_options = dict(_options(request, fake_airbyte_options).get("client") or {})
    if not isinstance(fake_airbyte.clock, SystemClock):
        client_options.setdefault("clock", fake_airbyte.clock)
    async with fake_airbyte.client(**client_options) as client:
        yield client
