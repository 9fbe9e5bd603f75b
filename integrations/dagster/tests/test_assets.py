"""Dagster materialising async assets that sync through AiobyteResource, against the fake."""

from __future__ import annotations

import asyncio
from typing import Any

import dagster as dg
import pytest
from dagster_aiobyte import AiobyteResource, AirbyteSyncError, job_metadata

import aiobyte

from .conftest import ThreadedFake

QUICK = {"queued_for": 0.05, "duration": 0.15, "rows_per_second": 2000}


def _materializations(result: dg.ExecuteInProcessResult) -> dict[str, dict[str, Any]]:
    """Asset key -> its materialisation's metadata, as plain values."""
    found = {}
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        found[materialization.asset_key.to_user_string()] = {
            key: value.value for key, value in materialization.metadata.items()
        }
    return found


def test_one_async_asset_syncs_and_reports_the_job_as_metadata(threaded_fake: ThreadedFake) -> None:
    seeded = threaded_fake.seed(workspaces=1, connections=1, jobs=0)
    connection_id = seeded.connection_ids[0]
    threaded_fake.call(threaded_fake.fake.plan_jobs, connection_id, **QUICK)

    @dg.asset
    async def orders(airbyte: AiobyteResource) -> dg.MaterializeResult:
        summary = await airbyte.sync(connection_id)
        return dg.MaterializeResult(metadata=job_metadata(summary))

    result = dg.materialize([orders], resources={"airbyte": threaded_fake.resource()})

    assert result.success
    metadata = _materializations(result)["orders"]
    job = threaded_fake.jobs()[0]
    assert metadata["job_id"] == job["jobId"]
    assert metadata["connection_id"] == connection_id
    assert metadata["status"] == "succeeded"
    assert metadata["rows_synced"] == job["rowsSynced"] > 0
    assert metadata["bytes_synced"] == job["bytesSynced"] > 0
    assert threaded_fake.job_statuses(connection_id) == ["succeeded"]
    assert threaded_fake.hits("POST /jobs") == 1
    assert threaded_fake.token_requests() == 1


def test_many_concurrent_syncs_share_one_client_and_one_token(
    threaded_fake: ThreadedFake,
) -> None:
    seeded = threaded_fake.seed(workspaces=3, connections=4, jobs=0)
    *many, single = seeded.connection_ids  # 11 through sync_many, 1 in its own asset
    threaded_fake.call(threaded_fake.fake.plan_jobs, None, **QUICK)
    limit = 4

    @dg.multi_asset(specs=[dg.AssetSpec(f"table_{i}") for i in range(len(many))])
    async def tables(airbyte: AiobyteResource):  # type: ignore[no-untyped-def]
        summaries = await airbyte.sync_many(many, limit=limit)
        for i, summary in enumerate(summaries):
            yield dg.MaterializeResult(asset_key=f"table_{i}", metadata=job_metadata(summary))

    @dg.asset
    async def lonely(airbyte: AiobyteResource) -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata=job_metadata(await airbyte.sync(single)))

    result = dg.materialize([tables, lonely], resources={"airbyte": threaded_fake.resource()})

    assert result.success
    metadata = _materializations(result)
    assert [metadata[f"table_{i}"]["connection_id"] for i in range(len(many))] == many
    assert {m["status"] for m in metadata.values()} == {"succeeded"}
    assert threaded_fake.hits("POST /jobs") == len(many) + 1
    # One client for the whole run: one token for twelve syncs and all their polls.
    assert threaded_fake.token_requests() == 1
    # The syncs of sync_many overlapped, never more than `limit` of them at once.
    spans = [
        (job["created"], job["created"] + QUICK["queued_for"] + QUICK["duration"])
        for job in threaded_fake.jobs()
        if job["connectionId"] in many
    ]
    most = max(sum(1 for s, e in spans if s <= start < e) for start, _ in spans)
    assert 2 <= most <= limit


def test_a_failed_sync_fails_the_step_with_the_summary(threaded_fake: ThreadedFake) -> None:
    seeded = threaded_fake.seed(workspaces=1, connections=2, jobs=0)
    good, bad = seeded.connection_ids
    threaded_fake.call(threaded_fake.fake.plan_jobs, good, **QUICK)
    threaded_fake.call(threaded_fake.fake.plan_jobs, bad, **{**QUICK, "outcome": "failed"})
    seen: list[AirbyteSyncError] = []

    @dg.asset
    async def both(airbyte: AiobyteResource) -> None:
        try:
            await airbyte.sync_many([good, bad])
        except AirbyteSyncError as error:
            seen.append(error)
            raise

    result = dg.materialize(
        [both], resources={"airbyte": threaded_fake.resource()}, raise_on_error=False
    )

    assert not result.success
    (error,) = seen
    assert [(s.connection_id, s.status) for s in error.summaries] == [
        (good, "succeeded"),
        (bad, "failed"),
    ]
    assert f"connection {bad} failed" in str(error)
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    user_failure = failure.step_failure_data.user_failure_data
    assert user_failure is not None  # a dagster.Failure, with the jobs as metadata
    jobs = user_failure.metadata["jobs"].value
    assert [job["status"] for job in jobs] == ["succeeded", "failed"]


def test_a_running_sync_is_attached_to_not_refused(threaded_fake: ThreadedFake) -> None:
    seeded = threaded_fake.seed(workspaces=1, connections=1, jobs=0)
    connection_id = seeded.connection_ids[0]
    fake = threaded_fake.fake
    # Long enough to be still running when the run starts, short enough not to wait.
    threaded_fake.call(fake.plan_jobs, connection_id, **{**QUICK, "duration": 1.5})
    running = threaded_fake.call(fake.add_job, connection_id, status="running")

    @dg.asset
    async def orders(airbyte: AiobyteResource) -> dg.MaterializeResult:
        return dg.MaterializeResult(metadata=job_metadata(await airbyte.sync(connection_id)))

    result = dg.materialize([orders], resources={"airbyte": threaded_fake.resource()})

    assert result.success
    assert _materializations(result)["orders"]["job_id"] == running["jobId"]
    assert threaded_fake.job_statuses(connection_id) == ["succeeded"]  # no second job


def test_a_sync_that_times_out_is_cancelled(threaded_fake: ThreadedFake) -> None:
    seeded = threaded_fake.seed(workspaces=1, connections=1, jobs=0)
    connection_id = seeded.connection_ids[0]
    threaded_fake.call(threaded_fake.fake.plan_jobs, connection_id, queued_for=0.0, duration=3600)
    seen: list[BaseException] = []

    @dg.asset
    async def orders(airbyte: AiobyteResource) -> None:
        try:
            await airbyte.sync(connection_id)
        except BaseException as error:
            seen.append(error)
            raise

    resource = threaded_fake.resource(sync_timeout=0.3)
    result = dg.materialize([orders], resources={"airbyte": resource}, raise_on_error=False)

    assert not result.success
    assert isinstance(seen[0], aiobyte.JobTimeoutError)
    assert threaded_fake.job_statuses(connection_id) == ["cancelled"]
    assert threaded_fake.hits("DELETE /jobs/{jobId}") == 1


def test_bad_arguments_fail_before_any_request(threaded_fake: ThreadedFake) -> None:
    seeded = threaded_fake.seed(workspaces=1, connections=2, jobs=0)
    a, b = seeded.connection_ids
    errors: list[str] = []

    @dg.asset
    async def probe(airbyte: AiobyteResource) -> None:
        for call in (
            lambda: airbyte.sync_many([a, b, a]),
            lambda: airbyte.sync_many([a, "not-a-uuid"]),
            lambda: airbyte.sync_many(a),
            lambda: airbyte.sync_many([a], limit=0),
            lambda: airbyte.sync(""),
        ):
            with pytest.raises(ValueError) as caught:
                await call()
            errors.append(str(caught.value))

    assert dg.materialize([probe], resources={"airbyte": threaded_fake.resource()}).success
    assert "must not repeat" in errors[0]
    assert a in errors[0]
    assert "'not-a-uuid'" in errors[1]
    assert "not one string" in errors[2]
    assert "limit" in errors[3]
    assert len(errors) == 5
    assert threaded_fake.hits("POST /jobs") == 0


def test_the_secret_stays_out_of_the_resource_repr() -> None:
    resource = AiobyteResource(client_id="app", client_secret="s3cr3t-value", token=None)
    assert "s3cr3t-value" not in repr(resource)
    assert "s3cr3t-value" not in str(resource)
    with pytest.raises(RuntimeError, match="not set up"):
        _ = resource.client


@pytest.mark.parametrize("when", ["starting", "waiting"])
def test_a_sync_cancelled_by_asyncio_cancels_its_job(
    threaded_fake: ThreadedFake, when: str
) -> None:
    seeded = threaded_fake.seed(workspaces=1, connections=1, jobs=0)
    connection_id = seeded.connection_ids[0]
    fake = threaded_fake.fake
    threaded_fake.call(fake.plan_jobs, connection_id, queued_for=0.0, duration=3600)
    if when == "starting":  # the cancellation lands while POST /jobs is in flight
        threaded_fake.call(fake.faults.inject, "POST /jobs", latency=0.5)
    outcomes: list[str] = []

    @dg.asset
    async def orders(airbyte: AiobyteResource) -> None:
        try:
            await asyncio.wait_for(airbyte.sync(connection_id), 0.2)
        except asyncio.TimeoutError:
            outcomes.append("timed out")
        outcomes.append(",".join(threaded_fake.job_statuses(connection_id)))

    assert dg.materialize([orders], resources={"airbyte": threaded_fake.resource()}).success
    # Cancelled before wait_for returned, not later by teardown.
    assert outcomes == ["timed out", "cancelled"]
    assert threaded_fake.hits("DELETE /jobs/{jobId}") == 1


def test_an_error_in_sync_many_cancels_the_other_syncs(threaded_fake: ThreadedFake) -> None:
    connections = threaded_fake.seed(workspaces=1, connections=3, jobs=0).connection_ids
    fake = threaded_fake.fake
    threaded_fake.call(fake.plan_jobs, None, queued_for=0.0, duration=3600)
    # The first poll of any job is refused (404 is not retried): that sync fails.
    threaded_fake.call(fake.faults.inject, "GET /jobs/{jobId}", status=404)
    seen: list[BaseException] = []

    @dg.asset
    async def tables(airbyte: AiobyteResource) -> None:
        try:
            await airbyte.sync_many(connections)
        except BaseException as error:
            seen.append(error)
            raise

    result = dg.materialize(
        [tables], resources={"airbyte": threaded_fake.resource()}, raise_on_error=False
    )

    assert not result.success
    assert isinstance(seen[0], aiobyte.NotFoundError)  # the error itself, not a group
    assert [threaded_fake.job_statuses(c) for c in connections] == [["cancelled"]] * 3
