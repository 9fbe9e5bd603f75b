"""The pytest plugin's fixtures under pytest-asyncio as well as anyio's plugin.

A user's project is written with ``pytester`` and run in-process, as in
test_pytest_plugin.py. Each test body bounds its calls (``asyncio.wait_for``): a fixture
started on another event loop than the test's makes every request wait out the read
timeout, which must show up here as a quick failure, not a hang.
"""

from __future__ import annotations

import pytest

pytest.importorskip("pytest_asyncio", reason="pytest-asyncio is in the test extra")

pytest_plugins = ["pytester"]


def ini(mode: str, *extra: str) -> str:
    lines = [
        "[pytest]",
        "addopts = --strict-markers -p no:cacheprovider",
        "filterwarnings = error",
        f"asyncio_mode = {mode}",
        "asyncio_default_fixture_loop_scope = function",
        *extra,
    ]
    return "\n".join(lines) + "\n"


def run(pytester: pytest.Pytester, ini_text: str, *args: str, **files: str) -> pytest.RunResult:
    pytester.makeini(ini_text)
    pytester.makepyfile(**files)
    return pytester.runpytest_inprocess(*args)


USER_TESTS = """
import asyncio

import pytest

import aiobyte
from aiobyte.models import JobStatus
from aiobyte.testing import ManualClock

{mark}


async def test_a_client_bound_to_the_fake(airbyte_client, fake_airbyte):
    workspaces = await asyncio.wait_for(airbyte_client.workspaces.list().to_list(), 20)
    assert len(workspaces) == 2
    assert fake_airbyte.stats.token_requests == 1


async def test_faults_reach_the_users_code(airbyte_client, fake_airbyte):
    fake_airbyte.faults.inject("GET /workspaces", status=403)
    with pytest.raises(aiobyte.PermissionDeniedError):
        await asyncio.wait_for(airbyte_client.workspaces.list().to_list(), 20)


async def test_the_users_own_client(fake_airbyte):
    async with fake_airbyte.client() as client:
        assert len(await asyncio.wait_for(client.workspaces.list().to_list(), 20)) == 2


@pytest.mark.fake_airbyte(clock=ManualClock(), data={{"workspaces": 1, "connections": 1}})
async def test_the_marker_and_a_manual_clock(fake_airbyte, airbyte_client):
    [connection] = fake_airbyte.state.connections.ids()
    fake_airbyte.plan_jobs(connection, queued_for=10, duration=3600, outcome="failed")
    job = await asyncio.wait_for(airbyte_client.jobs.run(connection, timeout=7200), 20)
    assert job.status is JobStatus.FAILED
"""


def test_strict_mode_with_marked_tests(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        ini("strict"),
        test_user=USER_TESTS.format(mark="pytestmark = pytest.mark.asyncio"),
    )
    result.assert_outcomes(passed=4)


def test_auto_mode_with_unmarked_tests(pytester: pytest.Pytester) -> None:
    result = run(pytester, ini("auto"), test_user=USER_TESTS.format(mark=""))
    result.assert_outcomes(passed=4)


def test_a_loop_shared_by_a_module(pytester: pytest.Pytester) -> None:
    mark = 'pytestmark = pytest.mark.asyncio(loop_scope="module")'
    result = run(pytester, ini("strict"), test_user=USER_TESTS.format(mark=mark))
    result.assert_outcomes(passed=4)


def test_the_default_test_loop_scope_from_the_ini(pytester: pytest.Pytester) -> None:
    text = ini("auto", "asyncio_default_test_loop_scope = session")
    result = run(pytester, text, test_user=USER_TESTS.format(mark=""))
    result.assert_outcomes(passed=4)


def test_anyio_tests_next_to_pytest_asyncio(pytester: pytest.Pytester) -> None:
    """pytest-asyncio installed, strict: tests marked anyio still run on anyio's loop."""
    result = run(
        pytester, ini("strict"), test_user=USER_TESTS.format(mark="pytestmark = pytest.mark.anyio")
    )
    result.assert_outcomes(passed=4)


def test_anyio_tests_without_pytest_asyncio(pytester: pytest.Pytester) -> None:
    text = "[pytest]\naddopts = -p no:cacheprovider -p no:asyncio\nfilterwarnings = error\n"
    result = run(pytester, text, test_user=USER_TESTS.format(mark="pytestmark = pytest.mark.anyio"))
    result.assert_outcomes(passed=4)


def test_both_plugins_in_one_module(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        ini("strict"),
        test_mixed="""
import pytest


@pytest.mark.anyio
async def test_on_anyio(airbyte_client):
    assert len(await airbyte_client.workspaces.list().to_list()) == 2


@pytest.mark.asyncio
async def test_on_pytest_asyncio(airbyte_client):
    assert len(await airbyte_client.workspaces.list().to_list()) == 2
""",
    )
    result.assert_outcomes(passed=2)


def test_a_test_no_plugin_runs_gets_a_clear_error(pytester: pytest.Pytester) -> None:
    result = run(
        pytester,
        ini("strict"),
        test_sync="""
def test_not_async(fake_airbyte):
    pass
""",
    )
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.anyio*@pytest.mark.asyncio*"])
