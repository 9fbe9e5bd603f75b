"""The task ``run_airbyte_sync`` and the flow ``run_airbyte_syncs``.

A sync's job never outlives the task that started it: aiobyte's ``jobs.run`` with
``cancel_on_exit`` cancels the job on Airbyte when the task times out
(``timeout_seconds``: Prefect cancels the task's anyio scope), when the task's asyncio
task is cancelled, and when the wait itself times out.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import uuid
from collections import Counter
from collections.abc import Sequence

import anyio
from prefect import flow, task
from prefect.blocks.abstract import LoggerOrAdapter
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import MissingContextError
from prefect.logging import get_logger, get_run_logger

import aiobyte
from aiobyte import AirbyteClient, JobSummary
from aiobyte.models import Job

from . import _config

if sys.version_info < (3, 11):  # anyio depends on the backport there
    from exceptiongroup import BaseExceptionGroup  # type: ignore[import-not-found,unused-ignore]
from ._credentials import AirbyteCredentials

__all__ = ["AirbyteSyncFailed", "run_airbyte_sync", "run_airbyte_syncs"]


class AirbyteSyncFailed(Exception):
    """One or more syncs ended ``failed`` or ``cancelled``; ``summaries`` has them all."""

    def __init__(self, summaries: Sequence[JobSummary]) -> None:
        self.summaries = list(summaries)
        bad = [s for s in self.summaries if not s.succeeded]
        super().__init__(
            "Airbyte sync did not succeed: "
            + ", ".join(f"job {s.job_id} of connection {s.connection_id} {s.status}" for s in bad)
        )


def _logger() -> LoggerOrAdapter:
    try:
        return get_run_logger()
    except MissingContextError:
        return get_logger("prefect_aiobyte")


def _first_error(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The error to raise for a failed task group: its first that is not a cancellation."""
    leaves: list[BaseException] = []
    pending: list[BaseException] = [group]
    while pending:
        error = pending.pop(0)
        if isinstance(error, BaseExceptionGroup):
            pending[:0] = list(error.exceptions)
        else:
            leaves.append(error)
    chosen = [e for e in leaves if not isinstance(e, asyncio.CancelledError)] or leaves
    return chosen[0]


def check_connection_id(connection_id: object) -> str:
    """The id as a string; ``ValueError`` unless it is a UUID (a connection id)."""
    text = str(connection_id) if isinstance(connection_id, uuid.UUID) else connection_id
    try:
        uuid.UUID(text)  # type: ignore[arg-type]
    except (TypeError, ValueError, AttributeError):
        raise ValueError(f"connection_id must be a UUID; got {connection_id!r}") from None
    return text  # type: ignore[return-value]


async def cancel_job(client: AirbyteClient, job_id: int) -> None:
    """Cancel the job on Airbyte, shielded from cancellation and bounded in time.

    Logs, never raises, what goes wrong: it runs while another exception propagates.
    """
    with anyio.CancelScope(shield=True) as scope:
        scope.deadline = anyio.current_time() + _config.CANCEL_TIMEOUT
        try:
            await client.jobs.cancel(job_id)
        except aiobyte.ConflictError:
            return  # it ended meanwhile: nothing to cancel
        except aiobyte.AirbyteError as exc:
            _logger().warning("could not cancel Airbyte job %d: %s", job_id, exc)
            return
        _logger().info("cancelled Airbyte job %d", job_id)
    if scope.cancelled_caught:
        _logger().warning(
            "could not cancel Airbyte job %d within %g s", job_id, _config.CANCEL_TIMEOUT
        )


async def start_job(client: AirbyteClient, connection_id: str, *, attach: bool) -> Job:
    """Start a sync (attaching on 409); cancelled meanwhile, the job it started is cancelled.

    The request runs shielded: if the caller is cancelled while ``POST /jobs`` is in
    flight, the answer is still awaited (bounded) and the job it started is cancelled
    before the cancellation propagates, so that no sync is left running unseen.
    """
    starting = asyncio.ensure_future(client.jobs.start(connection_id, attach=attach))
    try:
        return await asyncio.shield(starting)
    except BaseException:
        with anyio.CancelScope(shield=True) as scope:
            scope.deadline = anyio.current_time() + _config.CANCEL_TIMEOUT
            with contextlib.suppress(Exception):
                started = await starting
                if started.status not in aiobyte.FINAL_STATUSES:
                    await cancel_job(client, started.job_id)
        if not starting.done():
            starting.cancel()
        raise


async def _sync(
    client: AirbyteClient,
    connection_id: str,
    *,
    timeout: float | None,  # noqa: ASYNC109 (aiobyte's own, as in run_airbyte_sync)
    attach: bool,
    poll_interval: float,
    max_poll_interval: float,
) -> JobSummary:
    job = await client.jobs.run(
        connection_id,
        job_type="sync",
        timeout=timeout,
        attach=attach,
        cancel_on_exit=True,
        poll_interval=poll_interval,
        max_poll_interval=max_poll_interval,
    )
    summary = JobSummary.from_job(job)
    _logger().info(
        "Airbyte job %d of connection %s ended %s (%s rows, %s bytes)",
        summary.job_id,
        summary.connection_id,
        summary.status,
        summary.rows_synced,
        summary.bytes_synced,
    )
    return summary


@task(name="run_airbyte_sync", cache_policy=NO_CACHE)
async def run_airbyte_sync(
    connection_id: str,
    credentials: AirbyteCredentials | None = None,
    *,
    client: AirbyteClient | None = None,
    timeout: float | None = None,  # noqa: ASYNC109 (aiobyte's own clock, names the job)
    attach: bool = True,
    poll_interval: float = _config.POLL_INTERVAL,
    max_poll_interval: float = _config.MAX_POLL_INTERVAL,
) -> JobSummary:
    """Sync one connection and wait for its end; the job's summary when it succeeded.

    Uses ``client`` if given (share one across tasks: one pool, one token), else a
    client of its own from ``credentials`` (default: ``AirbyteCredentials()``, the
    environment's). ``attach``: a sync already running on the connection (409) is
    waited for instead of failing. The job is cancelled on Airbyte if the task times
    out (``timeout_seconds``) or is cancelled, and after ``timeout`` seconds of waiting.

    Raises ``AirbyteSyncFailed`` when the job ended ``failed`` or ``cancelled``,
    ``aiobyte.JobTimeoutError`` after ``timeout``, ``aiobyte.ConflictError`` on a running
    sync with ``attach=False``, ``ValueError`` for a malformed id before any request.
    """
    connection_id = check_connection_id(connection_id)
    options = {
        "timeout": timeout,
        "attach": attach,
        "poll_interval": poll_interval,
        "max_poll_interval": max_poll_interval,
    }
    if client is not None:
        summary = await _sync(client, connection_id, **options)  # type: ignore[arg-type]
    else:
        async with (credentials or AirbyteCredentials()).get_client() as own:
            summary = await _sync(own, connection_id, **options)  # type: ignore[arg-type]
    if not summary.succeeded:
        raise AirbyteSyncFailed([summary])
    return summary


@flow(name="run_airbyte_syncs")
async def run_airbyte_syncs(
    connection_ids: list[str],
    credentials: AirbyteCredentials | None = None,
    limit: int = _config.SYNC_LIMIT,
    timeout: float | None = None,  # noqa: ASYNC109 (as in run_airbyte_sync)
    attach: bool = True,
) -> list[JobSummary]:
    """Sync the connections concurrently, at most ``limit`` at once, through one client.

    Each sync is a ``run_airbyte_sync`` task run; all share one ``AirbyteClient`` (one
    connection pool, one token). Every sync runs to its end even when another fails;
    then ``AirbyteSyncFailed`` names those that did not succeed. Any other error (the
    API refused, a timeout) cancels the remaining syncs, and their jobs, and propagates.
    Returns the summaries in the order of ``connection_ids``. Raises ``ValueError``
    before any request for a bad ``limit`` or a malformed or repeated id.
    """
    ids = [check_connection_id(cid) for cid in connection_ids]
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise ValueError(f"limit must be a positive integer; got {limit!r}")
    repeated = sorted(cid for cid, n in Counter(ids).items() if n > 1)
    if repeated:
        raise ValueError(f"connection ids must not repeat: {repeated}")
    results: list[JobSummary | None] = [None] * len(ids)
    slots = anyio.Semaphore(limit)

    async with (credentials or AirbyteCredentials()).get_client() as client:

        async def one(index: int, connection_id: str) -> None:
            async with slots:
                try:
                    results[index] = await run_airbyte_sync(
                        connection_id, client=client, timeout=timeout, attach=attach
                    )
                except AirbyteSyncFailed as failed:
                    results[index] = failed.summaries[0]

        try:
            async with anyio.create_task_group() as group:
                for index, connection_id in enumerate(ids):
                    group.start_soon(one, index, connection_id)
        except BaseExceptionGroup as group_error:
            raise _first_error(group_error) from group_error

    summaries = [s for s in results if s is not None]
    if any(not s.succeeded for s in summaries):
        raise AirbyteSyncFailed(summaries)
    return summaries
