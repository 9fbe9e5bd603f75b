"""A run interrupted by SIGINT or SIGTERM leaves no sync running on Airbyte.

A subprocess materialises an async asset whose syncs last an hour on the fake (served
from a thread of this process, on 127.0.0.1); once the fake shows the jobs running, the
test signals the subprocess and checks on the fake that every job was cancelled.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from .conftest import ThreadedFake

SCRIPT = textwrap.dedent(
    """
    import os

    import dagster as dg
    from dagster_aiobyte import AiobyteResource

    CONNECTIONS = os.environ["TEST_CONNECTION_IDS"].split(",")


    @dg.asset
    async def tables(airbyte: AiobyteResource) -> None:
        await airbyte.sync_many(CONNECTIONS)


    resource = AiobyteResource(
        base_url=dg.EnvVar("AIRBYTE_API_URL"),
        client_id=dg.EnvVar("AIRBYTE_CLIENT_ID"),
        client_secret=dg.EnvVar("AIRBYTE_CLIENT_SECRET"),
        poll_interval=0.05,
        max_poll_interval=0.1,
    )
    result = dg.materialize([tables], resources={"airbyte": resource}, raise_on_error=False)
    print("run ended, success:", result.success, flush=True)
    """
)

#: Bounds of the test (seconds): the subprocess imports Dagster before it syncs.
STARTUP_LIMIT = 60.0
EXIT_LIMIT = 60.0


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signalled_run_cancels_its_running_syncs(
    threaded_fake: ThreadedFake, tmp_path: Path, signum: signal.Signals
) -> None:
    seeded = threaded_fake.seed(workspaces=1, connections=2, jobs=0)
    connections = seeded.connection_ids
    fake = threaded_fake.fake
    threaded_fake.call(fake.plan_jobs, None, queued_for=0.0, duration=3600)
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    env = {
        **os.environ,
        "AIRBYTE_API_URL": fake.base_url,
        "AIRBYTE_CLIENT_ID": fake.client_id,
        "AIRBYTE_CLIENT_SECRET": fake.client_secret,
        "TEST_CONNECTION_IDS": ",".join(connections),
        "DAGSTER_HOME": str(tmp_path),
    }
    env.pop("AIRBYTE_TOKEN", None)
    process = subprocess.Popen(
        [sys.executable, str(script)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + STARTUP_LIMIT
        while [s for c in connections for s in threaded_fake.job_statuses(c)] != [
            "running",
            "running",
        ]:
            assert process.poll() is None, process.communicate()[0]
            assert time.monotonic() < deadline, "the syncs did not start in time"
            time.sleep(0.05)
        time.sleep(0.2)  # a few polls into the wait
        process.send_signal(signum)
        output, _ = process.communicate(timeout=EXIT_LIMIT)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    for connection_id in connections:
        assert threaded_fake.job_statuses(connection_id) == ["cancelled"], output
    assert threaded_fake.hits("DELETE /jobs/{jobId}") == 2, output
    assert "cancelled Airbyte job" in output or "run ended" in output, output
