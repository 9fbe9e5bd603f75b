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

Which event loop: the fake and the client must live on the loop the test runs on (an
aiohttp server and session are bound to one loop). So the two fixtures are plain ones
that start the fake on the test's own loop, through the plugin that runs the test:

- a test run by anyio's pytest plugin (``@pytest.mark.anyio``, or ``anyio_mode =
  "auto"``): on anyio's test runner; under a backend other than asyncio (trio) the test
  is skipped, since aiohttp needs asyncio;
- a test run by pytest-asyncio (``@pytest.mark.asyncio``, or ``asyncio_mode = "auto"``;
  pytest-asyncio 1.0 or later): through a ``pytest_asyncio.fixture`` with the test's own
  ``loop_scope`` (the marker's, else ``asyncio_default_test_loop_scope``).

A test that neither plugin runs (a plain ``def`` test) gets an error that says so.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, Literal

import pytest

from aiobyte._clock import SystemClock
from aiobyte.testing import FakeAirbyte

if TYPE_CHECKING:
    from aiobyte import AirbyteClient

__all__ = ["airbyte_client", "fake_airbyte", "fake_airbyte_options"]

MARKER = "fake_airbyte"
#: What the fake is seeded with unless the options say otherwise.
DEFAULT_DATA: dict[str, int] = {"workspaces": 2}

# pytest-asyncio's loop scopes, narrowest first (its marker's ``loop_scope`` values).
_LoopScope = Literal["function", "class", "module", "package", "session"]
_LOOP_SCOPES: tuple[_LoopScope, ...] = ("function", "class", "module", "package", "session")

_NOT_ASYNC = (
    "the {name} fixture starts an aiohttp server, which needs the test's event loop: "
    "make {test} an async test run by anyio's pytest plugin (@pytest.mark.anyio) or by "
    "pytest-asyncio (@pytest.mark.asyncio, or asyncio_mode = auto)"
)


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


@pytest.fixture
def fake_airbyte(request: pytest.FixtureRequest) -> FakeAirbyte:
    """A started FakeAirbyte (``seed(workspaces=2)`` data unless configured otherwise),
    on the test's event loop (anyio's or pytest-asyncio's: see the module's docstring)."""
    fake: FakeAirbyte = request.getfixturevalue(_variant(request, "fake_airbyte"))
    return fake


@pytest.fixture
def airbyte_client(request: pytest.FixtureRequest) -> AirbyteClient:
    """An ``aiobyte.AirbyteClient`` for ``fake_airbyte``, opened and closed around the test."""
    client: AirbyteClient = request.getfixturevalue(_variant(request, "airbyte_client"))
    return client


def _variant(request: pytest.FixtureRequest, name: str) -> str:
    """The name of the fixture that makes ``name`` on the loop the test will run on."""
    item = request.node
    if _run_by_pytest_asyncio(item):
        scope = _asyncio_loop_scope(item)
        if scope not in _LOOP_SCOPES:
            raise pytest.UsageError(f"{item.nodeid}: unknown asyncio loop scope {scope!r}")
        return f"_aiobyte_{name}_asyncio_{scope}"
    if "anyio_backend" in request.fixturenames:
        return f"_aiobyte_{name}_anyio"
    raise pytest.UsageError(_NOT_ASYNC.format(name=name, test=item.nodeid))


def _run_by_pytest_asyncio(item: pytest.Item) -> bool:
    if not item.config.pluginmanager.has_plugin("asyncio"):
        return False
    try:
        from pytest_asyncio import is_async_test
    except ImportError:  # another plugin named "asyncio"
        return False
    return bool(is_async_test(item))


def _asyncio_loop_scope(item: pytest.Item) -> str:
    """The loop scope pytest-asyncio runs the test in (its marker, else its ini option)."""
    marker = item.get_closest_marker("asyncio")
    scope = None
    if marker is not None:
        scope = marker.kwargs.get("loop_scope") or marker.kwargs.get("scope")
    if scope is None:
        scope = item.config.getini("asyncio_default_test_loop_scope")
    return str(scope or "function")


def _options(request: pytest.FixtureRequest, defaults: dict[str, Any]) -> dict[str, Any]:
    options = dict(defaults)
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        if marker.args:
            raise TypeError(f"@pytest.mark.{MARKER} takes keyword arguments only")
        options.update(marker.kwargs)
    return options


async def _start_fake(
    request: pytest.FixtureRequest, fake_airbyte_options: dict[str, Any]
) -> AsyncIterator[FakeAirbyte]:
    options = _options(request, fake_airbyte_options)
    data = options.pop("data", DEFAULT_DATA)
    options.pop("client", None)
    async with FakeAirbyte(**options) as fake:
        if data is not None:
            fake.seed(**data)
        yield fake


async def _open_client(
    request: pytest.FixtureRequest, fake: FakeAirbyte, fake_airbyte_options: dict[str, Any]
) -> AsyncIterator[AirbyteClient]:
    client_options = dict(_options(request, fake_airbyte_options).get("client") or {})
    if not isinstance(fake.clock, SystemClock):
        client_options.setdefault("clock", fake.clock)
    async with fake.client(**client_options) as client:
        yield client


# -- the variants: one for anyio's runner, one per pytest-asyncio loop scope -----------


@pytest.fixture
async def _aiobyte_fake_airbyte_anyio(
    anyio_backend: object,
    request: pytest.FixtureRequest,
    fake_airbyte_options: dict[str, Any],
) -> AsyncIterator[FakeAirbyte]:
    backend = anyio_backend[0] if isinstance(anyio_backend, tuple) else anyio_backend
    if backend != "asyncio":
        pytest.skip("the fake Airbyte server runs on aiohttp, which needs asyncio")
    async for fake in _start_fake(request, fake_airbyte_options):
        yield fake


@pytest.fixture
async def _aiobyte_airbyte_client_anyio(
    anyio_backend: object,
    request: pytest.FixtureRequest,
    fake_airbyte: FakeAirbyte,
    fake_airbyte_options: dict[str, Any],
) -> AsyncIterator[AirbyteClient]:
    async for client in _open_client(request, fake_airbyte, fake_airbyte_options):
        yield client


def _asyncio_variants(scope: _LoopScope) -> dict[str, Callable[..., Any]]:
    """The two fixtures for tests pytest-asyncio runs in a ``scope`` loop."""
    import pytest_asyncio

    @pytest_asyncio.fixture(name=f"_aiobyte_fake_airbyte_asyncio_{scope}", loop_scope=scope)
    async def fake(
        request: pytest.FixtureRequest, fake_airbyte_options: dict[str, Any]
    ) -> AsyncIterator[FakeAirbyte]:
        async for started in _start_fake(request, fake_airbyte_options):
            yield started

    @pytest_asyncio.fixture(name=f"_aiobyte_airbyte_client_asyncio_{scope}", loop_scope=scope)
    async def client(
        request: pytest.FixtureRequest,
        fake_airbyte: FakeAirbyte,
        fake_airbyte_options: dict[str, Any],
    ) -> AsyncIterator[AirbyteClient]:
        async for opened in _open_client(request, fake_airbyte, fake_airbyte_options):
            yield opened

    return {
        f"_aiobyte_fake_airbyte_asyncio_{scope}": fake,
        f"_aiobyte_airbyte_client_asyncio_{scope}": client,
    }


try:
    import pytest_asyncio as _pytest_asyncio  # noqa: F401
except ImportError:  # no pytest-asyncio: anyio's plugin only
    pass
else:
    for _scope in _LOOP_SCOPES:
        globals().update(_asyncio_variants(_scope))
