"""``AiobyteResource``: Airbyte syncs for async Dagster assets and ops, through aiobyte.

Dagster runs a run's async steps on one event loop per process and enters an async
``yield_for_execution`` on that loop; the resource opens its ``AirbyteClient`` there, so
every sync of the run (in-process executor: the whole run; multiprocess executor: each
step process) shares one connection pool and one token.

Why teardown cancels jobs: on SIGINT/SIGTERM Dagster raises
``DagsterExecutionInterruptedError`` out of ``loop.run_until_complete``. The step's task
is not cancelled, it is abandoned on the loop, so a ``finally`` or aiobyte's
``cancel_on_exit`` inside it never runs. Teardown then runs on the same loop: it cancels
the tasks still inside ``sync`` (whose own handlers cancel their jobs) and cancels every
job it started that is not known to have ended.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from typing import Any

import anyio
import dagster as dg
from pydantic import Field, PrivateAttr

import aiobyte
from aiobyte import AirbyteClient, JobSummary
from aiobyte.models import Job

from . import _config

if sys.version_info < (3, 11):  # anyio depends on the backport there
    from exceptiongroup import BaseExceptionGroup  # type: ignore[import-not-found,unused-ignore]

__all__ = ["AiobyteResource", "AirbyteSyncError", "job_metadata"]

logger = logging.getLogger("dagster_aiobyte")


class AirbyteSyncError(dg.Failure):
    """One or more syncs ended ``failed`` or ``cancelled``; ``summaries`` says which.

    A ``dagster.Failure``: the step fails with the job summaries as its metadata.
    """

    def __init__(self, summaries: Sequence[JobSummary]) -> None:
        self.summaries = list(summaries)
        bad = [s for s in self.summaries if not s.succeeded]
        described = ", ".join(
            f"job {s.job_id} of connection {s.connection_id} {s.status}" for s in bad
        )
        metadata: dict[str, Any] = {}
        if len(self.summaries) == 1:
            metadata = job_metadata(self.summaries[0])
        else:
            metadata = {"jobs": dg.MetadataValue.json([s.to_dict() for s in self.summaries])}
        super().__init__(
            description=f"Airbyte sync did not succeed: {described}", metadata=metadata
        )


def job_metadata(summary: JobSummary) -> dict[str, dg.MetadataValue]:
    """A job summary as Dagster metadata: one entry per field (``None`` as null)."""
    return {
        key: (dg.MetadataValue.null() if value is None else _metadata_value(value))
        for key, value in summary.to_dict().items()
    }


def _metadata_value(value: Any) -> dg.MetadataValue:
    if isinstance(value, bool):
        return dg.MetadataValue.bool(value)
    if isinstance(value, int):
        return dg.MetadataValue.int(value)
    if isinstance(value, float):
        return dg.MetadataValue.float(value)
    if isinstance(value, str):
        return dg.MetadataValue.text(value)
    return dg.MetadataValue.json(value)


class AiobyteResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """Airbyte through aiobyte: one client per run, and no sync outlives the run.

    ::

        @dg.asset
        async def orders(airbyte: AiobyteResource) -> dg.MaterializeResult:
            summary = await airbyte.sync(ORDERS_CONNECTION_ID)
            return dg.MaterializeResult(metadata=job_metadata(summary))

    Credentials: ``client_id`` and ``client_secret`` (an Airbyte application), or a fixed
    ``token``; with none, aiobyte reads ``AIRBYTE_CLIENT_ID``/``AIRBYTE_CLIENT_SECRET``
    (or ``AIRBYTE_TOKEN``). ``base_url``: Airbyte Cloud by default (or ``AIRBYTE_API_URL``);
    self-managed: ``http://<host>:8000/api/public/v1``. Raises ``ValueError`` at setup
    for a bad URL or missing credentials, before any request.
    """

    base_url: str | None = Field(
        default=None,
        description="The public API's base URL: Airbyte Cloud (or $AIRBYTE_API_URL) by "
        "default; self-managed: http://<host>:8000/api/public/v1",
    )
    client_id: str | None = Field(default=None, description="An Airbyte application's client id")
    client_secret: str | None = Field(
        default=None, repr=False, description="That application's client secret"
    )
    token: str | None = Field(
        default=None, repr=False, description="A fixed bearer token instead of client credentials"
    )
    sync_timeout: float | None = Field(
        default=None,
        description="Seconds a sync may take before the step fails (its job is then "
        "cancelled); none by default",
    )
    poll_interval: float = Field(
        default=_config.POLL_INTERVAL, description="Seconds between the first polls of a job"
    )
    max_poll_interval: float = Field(
        default=_config.MAX_POLL_INTERVAL, description="Polls slow down to this interval"
    )
    attach: bool = Field(
        default=True,
        description="When a sync is already running on the connection (409), wait for it "
        "instead of failing",
    )
    max_in_flight: int | None = Field(
        default=None, description="Requests the client sends at once (aiobyte's default if unset)"
    )

    _client: AirbyteClient | None = PrivateAttr(default=None)
    # Jobs this resource started (or attached to) and has not seen end: id -> connection.
    _unfinished: dict[int, str] = PrivateAttr(default_factory=dict)
    # Tasks inside sync() right now: what teardown cancels when the run is interrupted.
    _tasks: set[asyncio.Task[Any]] = PrivateAttr(default_factory=set)

    @contextlib.asynccontextmanager
    async def yield_for_execution(  # type: ignore[override]
        self, context: dg.InitResourceContext
    ) -> AsyncIterator[AiobyteResource]:
        """Open the run's client; on the way out cancel every sync that is still running."""
        options: dict[str, Any] = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "token": self.token,
        }
        if self.max_in_flight is not None:
            options["max_in_flight"] = self.max_in_flight
        async with self._make_client(**options) as client:
            self._client = client
            try:
                yield self
            finally:
                try:
                    await self._stop_unfinished()
                finally:
                    self._client = None

    def _make_client(self, **options: Any) -> AirbyteClient:
        """The client for one run (a hook for tests and subclasses)."""
        return AirbyteClient(self.base_url, **options)

    @property
    def client(self) -> AirbyteClient:
        """The run's ``AirbyteClient``, for anything beyond syncs.

        Raises ``RuntimeError`` outside a run (the resource was not set up).
        """
        if self._client is None:
            raise RuntimeError(
                "AiobyteResource is not set up: use it from an asset or op of a Dagster run "
                "(its client opens in the run's async setup)"
            )
        return self._client

    async def sync(
        self,
        connection_id: str,
        *,
        # A parameter, as in aiobyte's jobs.wait: its error names the job and its status.
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> JobSummary:
        """Start a sync of the connection (or attach to the running one) and wait for it.

        Returns the job's summary when it succeeded. Raises ``AirbyteSyncError`` (a
        ``dagster.Failure`` carrying the summary as metadata) when it ended ``failed`` or
        ``cancelled``; ``aiobyte.JobTimeoutError`` after ``timeout`` (default
        ``sync_timeout``) seconds, the job then cancelled; ``aiobyte.ConflictError`` on a
        running sync with ``attach=False``; ``ValueError`` for a malformed id before any
        request. If the step is cancelled or interrupted, the job is cancelled on Airbyte.
        """
        summary = await self._sync(connection_id, timeout)
        if not summary.succeeded:
            raise AirbyteSyncError([summary])
        return summary

    async def sync_many(
        self,
        connection_ids: Iterable[str],
        *,
        limit: int | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 (as in sync)
    ) -> list[JobSummary]:
        """Sync the connections concurrently, at most ``limit`` at once; summaries in order.

        Every sync runs to its end even when another fails; then ``AirbyteSyncError``
        names every one that did not succeed (its ``summaries`` has them all). An error
        that is not a job's outcome (the API refused, a timeout) cancels the other syncs
        and their jobs, and propagates. ``limit`` defaults to ``SYNC_LIMIT`` (10).
        Raises ``ValueError`` before any request for a bad ``limit``, a malformed or a
        repeated connection id.
        """
        if isinstance(connection_ids, str):
            raise ValueError("connection_ids must be a list of ids, not one string")
        ids = list(connection_ids)
        for cid in ids:
            _check_connection_id(cid)
        limit = _config.SYNC_LIMIT if limit is None else limit
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
            raise ValueError(f"limit must be a positive integer; got {limit!r}")
        repeated = sorted(cid for cid, n in Counter(ids).items() if n > 1)
        if repeated:
            raise ValueError(f"connection ids must not repeat: {repeated}")
        results: list[JobSummary | None] = [None] * len(ids)
        slots = anyio.Semaphore(limit)

        async def one(index: int, cid: str) -> None:
            async with slots:
                results[index] = await self._sync(cid, timeout)

        with self._tracked():
            try:
                async with anyio.create_task_group() as group:
                    for index, cid in enumerate(ids):
                        group.start_soon(one, index, cid)
            except BaseExceptionGroup as group_error:
                raise _first_error(group_error) from group_error
        summaries = [s for s in results if s is not None]
        if any(not s.succeeded for s in summaries):
            raise AirbyteSyncError(summaries)
        return summaries

    async def _sync(self, connection_id: str, timeout: float | None) -> JobSummary:  # noqa: ASYNC109
        _check_connection_id(connection_id)
        client = self.client
        timeout = self.sync_timeout if timeout is None else timeout
        with self._tracked():
            job = await self._start(client, connection_id)
            try:
                if job.status not in aiobyte.FINAL_STATUSES:
                    job = await client.jobs.wait(
                        job.job_id,
                        timeout=timeout,
                        poll_interval=self.poll_interval,
                        max_poll_interval=self.max_poll_interval,
                    )
            except BaseException:
                await self._cancel(job.job_id)
                raise
            self._unfinished.pop(job.job_id, None)
            return JobSummary.from_job(job)

    @contextlib.contextmanager
    def _tracked(self) -> Iterator[None]:
        """Keep the current task in ``_tasks`` meanwhile: teardown cancels what is left."""
        task = asyncio.current_task()
        if task is None or task in self._tasks:
            yield
            return
        self._tasks.add(task)
        try:
            yield
        finally:
            self._tasks.discard(task)

    async def _start(self, client: AirbyteClient, connection_id: str) -> Job:
        """Start the job, recorded even if the caller is cancelled while POST /jobs is out."""
        starting = asyncio.ensure_future(
            client.jobs.start(connection_id, job_type="sync", attach=self.attach)
        )
        try:
            job = await asyncio.shield(starting)
        except BaseException:
            # Cancelled or interrupted with the request in flight: let it finish (shielded,
            # bounded) so that a job it started is known, and cancel that job.
            with anyio.CancelScope(shield=True) as scope:
                scope.deadline = anyio.current_time() + _config.CANCEL_TIMEOUT
                with contextlib.suppress(Exception):
                    started = await starting
                    self._unfinished[started.job_id] = connection_id
                    await self._cancel(started.job_id)
            if not starting.done():
                starting.cancel()
            raise
        if job.status not in aiobyte.FINAL_STATUSES:
            self._unfinished[job.job_id] = connection_id
        return job

    async def _cancel(self, job_id: int) -> None:
        """Cancel the job on Airbyte, shielded and bounded; log, never raise, a failure."""
        client = self._client
        if client is None:
            return
        with anyio.CancelScope(shield=True) as scope:
            scope.deadline = anyio.current_time() + _config.CANCEL_TIMEOUT
            try:
                job = await client.jobs.cancel(job_id)
            except aiobyte.ConflictError:
                self._unfinished.pop(job_id, None)  # it ended meanwhile
                return
            except aiobyte.NotFoundError:
                self._unfinished.pop(job_id, None)
                logger.warning("job %d to cancel no longer exists", job_id)
                return
            except aiobyte.AirbyteError as exc:
                logger.warning("could not cancel Airbyte job %d: %s", job_id, exc)
                return
            self._unfinished.pop(job_id, None)
            logger.info("cancelled Airbyte job %d (%s)", job_id, job.status.value)
        if scope.cancelled_caught:
            logger.warning(
                "could not cancel Airbyte job %d within %g s", job_id, _config.CANCEL_TIMEOUT
            )

    async def _stop_unfinished(self) -> None:
        """Teardown: cancel the syncs still running, then any job still not ended."""
        current = asyncio.current_task()
        tasks = [t for t in self._tasks if not t.done() and t is not current]
        for task in tasks:
            task.cancel()
        if tasks:
            logger.warning(
                "the run ended with %d Airbyte sync(s) still running: cancelling them", len(tasks)
            )
            with anyio.CancelScope(shield=True):
                await asyncio.wait(tasks, timeout=_config.CANCEL_TIMEOUT)
            for task in tasks:
                if task.done() and not task.cancelled():
                    task.exception()  # retrieved: the step already reported its outcome
        for job_id in list(self._unfinished):
            await self._cancel(job_id)


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


def _check_connection_id(connection_id: str) -> None:
    """``ValueError`` unless it is a connection id (a UUID), before any request."""
    try:
        uuid.UUID(connection_id)
    except (TypeError, ValueError, AttributeError):
        raise ValueError(f"connection_id must be a UUID string; got {connection_id!r}") from None
