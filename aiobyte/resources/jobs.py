"""``client.jobs``: syncs and resets, started, watched and cancelled."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import AsyncIterator, Iterable

import anyio

from .. import _config
from .._errors import AirbyteError, ConflictError, JobTimeoutError
from .._pagination import Pager
from .._validate import check_datetime, check_enum, check_int_id, check_uuid
from ..models import Job, JobCreate, JobStatus, JobType
from ._base import Params, Resource

__all__ = ["FINAL_STATUSES", "Jobs"]

#: Statuses a job does not leave. ``incomplete`` is not one: attempts remain.
FINAL_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})

logger = logging.getLogger("aiobyte")

_ORDER_BY = re.compile(r"(createdAt|updatedAt)\|(ASC|DESC)")


class Jobs(Resource):
    """Jobs: ``list``, ``get``, ``create``, ``cancel``; ``wait``, ``watch`` and ``run``."""

    def list(
        self,
        *,
        connection_id: str | None = None,
        workspace_ids: Iterable[str] | None = None,
        job_type: JobType | str | None = None,
        status: JobStatus | str | None = None,
        created_at_start: dt.datetime | str | None = None,
        created_at_end: dt.datetime | str | None = None,
        updated_at_start: dt.datetime | str | None = None,
        updated_at_end: dt.datetime | str | None = None,
        order_by: str | None = None,
        page_size: int = 100,
        cursor: str | None = None,
    ) -> Pager[Job]:
        """Jobs matching every filter given, e.g. ``order_by="createdAt|DESC"``.

        Every page is requested with all the filters: the server's own next link
        drops ``status``, the date ranges and ``order_by``.
        """
        if order_by is not None and (
            not isinstance(order_by, str) or _ORDER_BY.fullmatch(order_by) is None
        ):
            raise ValueError(
                "order_by must be 'createdAt|ASC', 'createdAt|DESC', 'updatedAt|ASC' or "
                f"'updatedAt|DESC'; got {order_by!r}"
            )
        params = Params()
        if connection_id is not None:
            params.add("connectionId", check_uuid(connection_id, "connection_id"))
        params.uuids("workspaceIds", workspace_ids, "workspace_ids")
        if job_type is not None:
            params.add("jobType", check_enum(JobType, job_type, "job_type").value)
        if status is not None:
            params.add("status", check_enum(JobStatus, status, "status").value)
        for name, value in (
            ("createdAtStart", created_at_start),
            ("createdAtEnd", created_at_end),
            ("updatedAtStart", updated_at_start),
            ("updatedAtEnd", updated_at_end),
        ):
            if value is not None:
                params.add(name, check_datetime(value, _snake(name)))
        params.add("orderBy", order_by)
        # Jobs are filtered after paging on the server: a short page is not the last.
        return self._pager(
            "/jobs", Job, params, page_size=page_size, cursor=cursor, full_pages=False
        )

    async def get(self, job_id: int, /) -> Job:
        """One job. Raises ``NotFoundError`` if there is none with this id."""
        return await self._call("GET", f"/jobs/{check_int_id(job_id, 'job_id')}", Job)

    async def create(self, connection_id: str, /, *, job_type: JobType | str = JobType.SYNC) -> Job:
        """Start a job (a sync by default) on a connection.

        Raises ``ConflictError`` when a sync is already running on it. Never resent after
        an ambiguous failure: that could start a second sync.
        """
        body = JobCreate(
            connection_id=check_uuid(connection_id, "connection_id"),
            job_type=check_enum(JobType, job_type, "job_type"),
        )
        return await self._call("POST", "/jobs", Job, body=body)

    async def cancel(self, job_id: int, /) -> Job:
        """Cancel a running job; returns it as the server left it."""
        return await self._call("DELETE", f"/jobs/{check_int_id(job_id, 'job_id')}", Job)

    async def wait(
        self,
        job_id: int,
        /,
        *,
        # A parameter, not anyio.fail_after: it runs on the client's (injectable) clock
        # and its error names the job and its last status.
        timeout: float | None = None,  # noqa: ASYNC109
        poll_interval: float = _config.JOB_POLL_INITIAL,
        max_poll_interval: float = _config.JOB_POLL_MAX,
    ) -> Job:
        """Poll until the job is ``succeeded``, ``failed`` or ``cancelled``, and return it.

        A failed or cancelled job is an answer, not an error. Polling starts every
        ``poll_interval`` seconds and slows down to ``max_poll_interval``. Raises
        ``JobTimeoutError`` (naming the job and its last status) after ``timeout`` seconds.
        """
        polls = _Polls(
            self,
            job_id,
            timeout=timeout,
            interval=poll_interval,
            max_interval=max_poll_interval,
        )
        last = None
        async for job in polls:
            last = job
        assert last is not None  # the first poll either returns a job or raises
        return last

    def watch(
        self,
        job_id: int,
        /,
        *,
        poll_interval: float = _config.JOB_WATCH_INTERVAL,
        timeout: float | None = None,
    ) -> AsyncIterator[Job]:
        """The job each time its status, rows or bytes synced change, for progress displays.

        ::

            async for job in client.jobs.watch(job_id):
                print(job.status, job.rows_synced, job.bytes_synced)

        The first poll is yielded at once; then one poll every ``poll_interval`` seconds,
        yielding only what changed. The iteration ends after yielding the job in a final
        state (``succeeded``, ``failed`` or ``cancelled``). Raises ``JobTimeoutError``
        after ``timeout`` seconds, and ``ValueError`` for bad arguments before any I/O.
        Leaving the loop early (``break``) leaves nothing behind.
        """
        return _Watch(
            _Polls(
                self,
                job_id,
                timeout=timeout,
                interval=poll_interval,
                max_interval=poll_interval,
            )
        )

    async def run(
        self,
        connection_id: str,
        /,
        *,
        job_type: JobType | str = JobType.SYNC,
        timeout: float | None = None,  # noqa: ASYNC109 (as in wait)
        attach: bool = False,
        cancel_on_exit: bool = False,
        poll_interval: float = _config.JOB_POLL_INITIAL,
        max_poll_interval: float = _config.JOB_POLL_MAX,
    ) -> Job:
        """Start a job (a sync by default) on a connection and wait for its final state.

        ::

            job = await client.jobs.run(connection_id, timeout=3600)
            if job.status is not JobStatus.SUCCEEDED: ...

        Returns the job as ``succeeded``, ``failed`` or ``cancelled`` (an answer, not an
        error), polling as :meth:`wait` does. Raises ``JobTimeoutError`` after ``timeout``
        seconds (the job goes on running unless ``cancel_on_exit``), ``ConflictError``
        when a job is already running on the connection (unless ``attach``), and
        ``ValueError`` for bad arguments before any request.

        ``attach=True``: when the server refuses to start the job because one is already
        running on the connection (409), wait for the running job of the same type
        instead. It is found through the API (the connection's newest jobs), not in the
        error message; if none of that type is running any more, starting is tried once
        more.

        ``cancel_on_exit=True``: if ``run`` is left before the job ends (the awaiting
        task is cancelled, the timeout expires, or polling fails) the job is cancelled
        on the server (``DELETE /jobs/{jobId}``) before the exception propagates, even a
        job it attached to. The cancel request runs shielded from the cancellation, for
        at most ``JOB_CANCEL_TIMEOUT`` seconds; a failure to cancel is logged, never
        raised over the original exception. The request that starts the job is shielded
        too, so that a job started just as the task is cancelled is still cancelled.
        """
        check_uuid(connection_id, "connection_id")
        kind = check_enum(JobType, job_type, "job_type")
        _check_polling(timeout, poll_interval, max_poll_interval)
        # With cancel_on_exit, starting is shielded: a job started just as this task is
        # cancelled is still known, and so still cancelled.
        with anyio.CancelScope(shield=cancel_on_exit):
            job = await self._start(connection_id, kind, attach=attach)
        try:
            if job.status in FINAL_STATUSES:
                return job
            return await self.wait(
                job.job_id,
                timeout=timeout,
                poll_interval=poll_interval,
                max_poll_interval=max_poll_interval,
            )
        except BaseException:
            if cancel_on_exit:
                await self._cancel_quietly(job.job_id)
            raise

    async def _start(self, connection_id: str, job_type: JobType, *, attach: bool) -> Job:
        """Create the job; with ``attach``, on a 409 the running job of that type."""
        for attempt in range(2):
            try:
                return await self.create(connection_id, job_type=job_type)
            except ConflictError:
                if not attach:
                    raise
                running = await self._running(connection_id, job_type)
                if running is not None:
                    logger.info(
                        "a %s is already running on connection %s: attaching to job %d",
                        job_type.value,
                        connection_id,
                        running.job_id,
                    )
                    return running
                if attempt:
                    raise
                # The job that was in the way has just ended, or it is of another type:
                # a 409 means nothing was started, so asking once more is safe.
        raise AssertionError("unreachable")

    async def _running(self, connection_id: str, job_type: JobType) -> Job | None:
        """The connection's newest job of this type that has not ended, if any."""
        page = await self.list(
            connection_id=connection_id,
            job_type=job_type,
            order_by="createdAt|DESC",
            page_size=_config.JOB_ATTACH_SCAN,
        )
        return next((job for job in page.items if job.status not in FINAL_STATUSES), None)

    async def _cancel_quietly(self, job_id: int) -> None:
        """Cancel the job, shielded and bounded; log (never raise) what goes wrong."""
        with anyio.CancelScope(shield=True) as scope:
            scope.deadline = anyio.current_time() + _config.JOB_CANCEL_TIMEOUT
            try:
                await self.cancel(job_id)
            except ConflictError:
                return  # it ended meanwhile: nothing left to cancel
            except AirbyteError as exc:
                logger.warning("could not cancel job %d: %s", job_id, exc)
                return
            logger.info("cancelled job %d on leaving jobs.run", job_id)
        if scope.cancelled_caught:
            logger.warning(
                "could not cancel job %d within %g s", job_id, _config.JOB_CANCEL_TIMEOUT
            )


def _check_polling(timeout: float | None, interval: float, max_interval: float) -> None:
    if timeout is not None and not (isinstance(timeout, (int, float)) and timeout > 0):
        raise ValueError(f"timeout must be a positive number of seconds; got {timeout!r}")
    if not (
        isinstance(interval, (int, float))
        and isinstance(max_interval, (int, float))
        and 0 < interval <= max_interval
    ):
        raise ValueError("poll_interval must be positive and at most max_poll_interval")


class _Polls:
    """Polls one job until it ends: a plain async iterator, nothing to finalise.

    Yields every answer; sleeps between polls on the transport's clock, from
    ``interval`` growing to ``max_interval``; raises ``JobTimeoutError`` once the
    deadline has passed. Arguments are checked when it is created, before any I/O.
    """

    def __init__(
        self,
        jobs: Jobs,
        job_id: int,
        *,
        timeout: float | None,
        interval: float,
        max_interval: float,
    ) -> None:
        check_int_id(job_id, "job_id")
        _check_polling(timeout, interval, max_interval)
        self._jobs = jobs
        self._job_id = job_id
        self._timeout = timeout
        self._interval = float(interval)
        self._max_interval = float(max_interval)
        self._clock = jobs._transport.clock
        self._deadline: float | None = None
        self._last: Job | None = None
        self._ended = False

    def __aiter__(self) -> _Polls:
        return self

    async def __anext__(self) -> Job:
        if self._ended:
            raise StopAsyncIteration
        clock = self._clock
        if self._last is None:
            if self._timeout is not None:
                self._deadline = clock.monotonic() + self._timeout
        else:
            wait = self._interval
            if self._deadline is not None:
                remaining = self._deadline - clock.monotonic()
                if remaining <= 0:
                    self._ended = True
                    status = self._last.status.value
                    raise JobTimeoutError(
                        f"job {self._job_id} did not finish within {self._timeout:g} s; its "
                        f"last status was {status!r}",
                        job_id=self._job_id,
                        last_status=status,
                    )
                wait = min(wait, remaining)
            await clock.sleep(wait)
            self._interval = min(self._max_interval, self._interval * _config.JOB_POLL_FACTOR)
        job = await self._jobs.get(self._job_id)
        self._last = job
        if job.status in FINAL_STATUSES:
            self._ended = True
        return job


class _Watch:
    """The polls of a job, only those where status, rows or bytes changed."""

    def __init__(self, polls: _Polls) -> None:
        self._polls = polls
        self._seen: tuple[str, int | None, int | None] | None = None

    def __aiter__(self) -> _Watch:
        return self

    async def __anext__(self) -> Job:
        while True:
            job = await self._polls.__anext__()
            progress = (job.status.value, job.rows_synced, job.bytes_synced)
            if progress != self._seen or job.status in FINAL_STATUSES:
                self._seen = progress
                return job

    def __repr__(self) -> str:
        return f"<jobs.watch of job {self._polls._job_id}>"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()
