"""The pytest plugin as a user's project meets it: installed aiobyte, a test file, pytest.

Each test writes a small project with ``pytester`` (its own directory, no conftest of
ours, no ini of ours) and runs pytest on it in-process: the fixtures come from the
``pytest11`` entry point ``aiobyte`` that installing the package registers.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]

# The user's project: strict markers and warnings as errors, as a careful project has.
INI = """
[pytest]
addopts = --strict-markers -p no:cacheprovider
filterwarnings = error
asyncio_default_fixture_loop_scope = function
"""


def run(pytester: pytest.Pytester, **files: str) -> pytest.RunResult:
    pytester.makeini(INI)
    pytester.makepyfile(**files)
    return pytester.runpytest_inprocess()


def test_the_plugin_is_registered_by_the_package() -> None:
    plugins = {e.name: e.value for e in entry_points(group="pytest11")}
    assert plugins["aiobyte"] == "aiobyte.testing.pytest_plugin"


def test_the_fixtures_in_a_users_project(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        test_user="""
import pytest

import aiobyte

pytestmark = pytest.mark.anyio


async def test_a_client_bound_to_the_fake(airbyte_client, fake_airbyte):
    workspaces = await airbyte_client.workspaces.list().to_list()
    assert len(workspaces) == 2
    assert fake_airbyte.stats.token_requests == 1
    assert str(airbyte_client.base_url) == fake_airbyte.base_url


async def test_faults_reach_the_users_code(airbyte_client, fake_airbyte):
    fake_airbyte.faults.inject("GET /workspaces", status=403)
    with pytest.raises(aiobyte.PermissionDeniedError):
        await airbyte_client.workspaces.list().to_list()


async def test_a_fresh_fake_for_each_test(fake_airbyte):
    assert fake_airbyte.faults.pending == []
    assert fake_airbyte.stats.hits == {}
""",
    )
    result.assert_outcomes(passed=3)


def test_the_marker_and_the_options_fixture(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(
        """
import pytest


@pytest.fixture
def fake_airbyte_options():
    return {"path_prefix": "/api/public/v1", "data": {"workspaces": 1, "jobs": 0}}
"""
    )
    result = run(
        pytester,
        test_marked="""
import pytest

from aiobyte.models import JobStatus
from aiobyte.testing import ManualClock

pytestmark = pytest.mark.anyio


async def test_the_conftest_options(fake_airbyte, airbyte_client):
    assert fake_airbyte.base_url.endswith("/api/public/v1")
    assert len(await airbyte_client.workspaces.list().to_list()) == 1


@pytest.mark.fake_airbyte(data=None, token_lifetime=60, client={"max_in_flight": 2})
async def test_the_marker_wins(fake_airbyte, airbyte_client):
    assert fake_airbyte.base_url.endswith("/api/public/v1")  # the rest still applies
    assert fake_airbyte.token_lifetime == 60
    assert await airbyte_client.workspaces.list().to_list() == []


@pytest.mark.fake_airbyte(clock=ManualClock(), data={"workspaces": 1, "connections": 1})
async def test_a_manual_clock_is_shared_with_the_client(fake_airbyte, airbyte_client):
    [connection] = fake_airbyte.state.connections.ids()
    fake_airbyte.plan_jobs(connection, queued_for=10, duration=3600, outcome="failed")
    job = await airbyte_client.jobs.run(connection, timeout=7200)  # no real hour passes
    assert job.status is JobStatus.FAILED
    assert job.rows_synced == 3600 * 1000
""",
    )
    result.assert_outcomes(passed=3)


def test_a_misused_marker_says_so(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        test_wrong="""
import pytest

@pytest.mark.anyio
@pytest.mark.fake_airbyte({"workspaces": 1})
async def test_positional(fake_airbyte):
    pass
""",
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fake_airbyte takes keyword arguments only*"])
