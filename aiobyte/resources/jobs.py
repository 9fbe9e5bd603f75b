"""``client.jobs``: syncs and resets, started, watched and cancelled."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections.abc import AsyncIterator, Iterable
from typing import Any

import msgspec

from .. import _config
from .._errors import (
    AirbyteError,
    APIConnectionError,
    ConflictError,
    InternalServerError,
    JobTimeoutError,
    RateLimitError,
)
from .._pagination import Pager
from .._transport import RequestOptions, Transport
from .._types import Id
from .._validate import check_datetime, check_enum, check_int_id, check_uuid
from ..models import Job, JobCreate, JobStatus, JobType
from ._base import Params, Resource
from ._watcher import Alarm, JobWatcher

__all__ = ["FINAL_STATUSES", "JobSummary", "Jobs"]

#: Statuses a job does not leave. ``incomplete`` is not one: attempts remain.
FINAL_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})
_FINAL_VALUES = frozenset(status.value for status in FINAL_STATUSES)

logger = logging.getLogger("aiobyte")

_ORDER_BY = re.compile(r"(createdAt|updatedAt)\|(ASC|DESC)")

#: What a failed poll may be ridden out for (``grace``): the request got no answer, or
#: the server said it could not answer now. Anything else (404, 401, 403, ...) will not
#: get better by asking again.
_TRANSIENT = (APIConnectionError, InternalServerError, RateLimitError)

# ISO 8601 durations as the server writes them (Java's Duration: "PT1H2M3.5S"), with
# days allowed; years and months have no fixed length and are not converted.
_DURATION = re.compile(
    r"(?P<sign>-)?P(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>-?\d+(?:\.\d+)?)H)?(?:(?P<minutes>-?\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>-?\d+(?:\.\d+)?)S)?)?"
)


def duration_seconds(duration: str | None) -> float | None:
    """Seconds in an ISO 8601 duration (``"PT1H2M3.5S"`` is 3723.5); None if not one."""
    if not duration:
        return None
    match = _DURATION.fullmatch(duration)
    if match is None or duration in ("P", "PT") or duration.endswith("T"):
        return None
    parts = match.groupdict()
    total = (
        float(parts["days"] or 0) * 86400
        + float(parts["hours"] or 0) * 3600
        + float(parts["minutes"] or 0) * 60
        + float(parts["seconds"] or 0)
    )
    return -total if parts["sign"] else total


class JobSummary(msgspec.Struct, frozen=True, kw_only=True):
    """A job in a few JSON-friendly fields: what an orchestrator records about a sync.

    ::

        summary = JobSummary.from_job(job)
        json.dumps(summary.to_dict())   # {"job_id": 42, "status": "succeeded", ...}

    ``duration_seconds`` is the server's ISO 8601 ``duration`` in seconds (None when it
    sent none or one without a fixed length); ``duration`` keeps what it sent.
    """

    job_id: int
    connection_id: str
    job_type: str
    status: str
    rows_synced: int | None = None
    bytes_synced: int | None = None
    start_time: str | None = None
    last_updated_at: str | None = None
    duration: str | None = None
    duration_seconds: float | None = None

    @classmethod
    def from_job(cls, job: Job) -> JobSummary:
        """The summary of a job as the API returned it."""
        return cls(
            job_id=job.job_id,
            connection_id=job.connection_id,
            job_type=job.job_type.value,
            status=job.status.value,
            rows_synced=job.rows_synced,
            bytes_synced=job.bytes_synced,
            start_time=job.start_time,
            last_updated_at=job.last_updated_at,
            duration=job.duration,
            duration_seconds=duration_seconds(job.duration),
        )

    @classmethod
    def from_dict(cls, data: Any) -> JobSummary:
        """The summary back from :meth:`to_dict`'s form; ``ValueError`` if it is not one."""
        try:
            return msgspec.convert(data, cls)
        except msgspec.ValidationError as exc:
            raise ValueError(f"not a job summary: {exc}") from None

    def to_dict(self) -> dict[str, Any]:
        """The summary as a dict of JSON values (snake_case keys, every field present)."""
        return {field: getattr(self, field) for field in self.__struct_fields__}

    @property
    def succeeded(self) -> bool:
        """Whether the job ended ``succeeded``."""
        return self.status == JobStatus.SUCCEEDED.value

    @property
    def final(self) -> bool:
        """Whether the job is in a final state (``succeeded``, ``failed``, ``cancelled``)."""
        return self.status in _FINAL_VALUES


class Jobs(Resource):
    """Jobs: ``list``, ``get``, ``create``, ``cancel``; ``wait``, ``watch`` and ``run``.

    Many concurrent waits on one client share a watcher that answers their polls from
    list calls (a hundred jobs each) instead of one request per job per poll; see
    ``aiobyte/resources/_watcher.py``.
    """

    def __init__(self, transport: Transport, options: RequestOptions | None = None) -> None:
        super().__init__(transport, options)
        self._watcher = JobWatcher(self, transport.clock)
        self._alarm = Alarm(transport.clock)
        #: Whether many concurrent waits share list calls (True) or each poll is a
        #: ``GET /jobs/{jobId}`` (False). Either way every wait ends with its job.
        self.batch_polls = True

    def list(
        self,
        *,
        connection_id: Id | None = None,
        workspace_ids: Iterable[Id] | None = None,
        job_type: JobType | str | None = None,
        status: JobStatus | str | None = None,
        created_at_start: dt.datetime | str | None = None,
        created_at_end: dt.datetime | str | None = None,
        updated_at_start: dt.datetime | str | None = None,
        updated_at_end: dt.datetime | str | None = None,
        order_by: str | None = None,
        page_size: int = _config.PAGE_SIZE,
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

    async def create(self, connection_id: Id, /, *, job_type: JobType | str = JobType.SYNC) -> Job:
        """Start a job (a sync by default) on a connection.

        Raises ``ConflictError`` when a sync is already running on it. Never resent after
        an ambiguous failure: that could start a second sync.
        """
        body = JobCreate(
            connection_id=check_uuid(connection_id, "connection_id"),
            job_type=check_enum(JobType, job_type, "job_type"),
        )
        return await self._call("POST", "/jobs", Job, body=body)

    async def start(
        self,
        connection_id: Id,
        /,
        *,
        job_type: JobType | str = JobType.SYNC,
        attach: bool = False,
    ) -> Job:
        """Start a job (a sync by default) on a connection, or attach to the running one.

        Like :meth:`create`; with ``attach=True``, when the server refuses because a job
        is already running on the connection (409), returns that running job of the
        same type instead. It is found through the API (the connection's newest jobs),
        not in the error message; if none of that type is running any more, starting
        is tried once more (a 409 means nothing was started, so that is safe).

        Raises ``ConflictError`` (409 and not ``attach``, or a job of another type is
        running), and ``ValueError`` for bad arguments before any request.
        """
        check_uuid(connection_id, "connection_id")
        kind = check_enum(JobType, job_type, "job_type")
        return await self._start(connection_id, kind, attach=bool(attach))

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
        timeout: float | None = None,
        poll_interval: float = _config.JOB_POLL_INITIAL,
        max_poll_interval: float = _config.JOB_POLL_MAX,
        grace: float = _config.JOB_WAIT_GRACE,
    ) -> Job:
        """Poll until the job is ``succeeded``, ``failed`` or ``cancelled``, and return it.

        A failed or cancelled job is an answer, not an error. Polling starts every
        ``poll_interval`` seconds and slows down to ``max_poll_interval``.

        ``grace``: seconds for which polls that keep failing transiently (no connection,
        a timeout, 5xx, 429; each already retried by the client) are ridden out, polling
        on, before the wait ends with the last such error; 0 ends it at the first. Other
        errors (404, 401, 403, ...) end the wait at once.

        Raises ``JobTimeoutError`` (naming the job and its last status) after ``timeout``
        seconds, and ``ValueError`` for bad arguments before any request.
        """
        polls = _Polls(
            self,
            job_id,
            timeout=timeout,
            interval=poll_interval,
            max_interval=max_poll_interval,
            grace=grace,
        )
        job = await polls.__anext__()
        while job.status not in FINAL_STATUSES:
            job = await polls.news()
        return job

    def watch(
        self,
        job_id: int,
        /,
        *,
        poll_interval: float = _config.JOB_WATCH_INTERVAL,
        timeout: float | None = None,
        grace: float = _config.JOB_WAIT_GRACE,
    ) -> AsyncIterator[Job]:
        """The job each time its status, rows or bytes synced change, for progress displays.

        ::

            async for job in client.jobs.watch(job_id):
                print(job.status, job.rows_synced, job.bytes_synced)

        The first poll is yielded at once; then one poll every ``poll_interval`` seconds,
        yielding only what changed. The iteration ends after yielding the job in a final
        state (``succeeded``, ``failed`` or ``cancelled``). Raises ``JobTimeoutError``
        after ``timeout`` seconds, and ``ValueError`` for bad arguments before any I/O.
        Transient failures are ridden out for ``grace`` seconds, as in :meth:`wait`.
        Leaving the loop early (``break``) leaves nothing behind.
        """
        return _Watch(
            _Polls(
                self,
                job_id,
                timeout=timeout,
                interval=poll_interval,
                max_interval=poll_interval,
                grace=grace,
            )
        )

    async def run(
        self,
        connection_id: Id,
        /,
        *,
        job_type: JobType | str = JobType.SYNC,
        timeout: float | None = None,
        attach: bool = False,
        cancel_on_exit: bool = False,
        poll_interval: float = _config.JOB_POLL_INITIAL,
        max_poll_interval: float = _config.JOB_POLL_MAX,
        grace: float = _config.JOB_WAIT_GRACE,
    ) -> Job:
        """Start a job (a sync by default) on a connection and wait for its final state.

        ::

            job = await client.jobs.run(connection_id, timeout=3600)
            if job.status is not JobStatus.SUCCEEDED: ...

        Returns the job as ``succeeded``, ``failed`` or ``cancelled`` (an answer, not an
        error), polling as :meth:`wait` does (``grace`` included). Raises
        ``JobTimeoutError`` after ``timeout`` seconds (the job goes on running unless
        ``cancel_on_exit``), ``ConflictError`` when a job is already running on the
        connection (unless ``attach``, see :meth:`start`), and ``ValueError`` for bad
        arguments before any request.

        ``cancel_on_exit=True``: if ``run`` is left before the job ends (the awaiting
        task is cancelled, by anyio or by asyncio's own ``task.cancel()``,
        ``asyncio.timeout`` or ``asyncio.wait_for``; the timeout expires; or polling
        fails) the job is cancelled on the server (``DELETE /jobs/{jobId}``) before the
        exception propagates, even a job it attached to. A cancellation that arrives
        while the request starting the job is in flight waits for its answer, so the
        job it started is cancelled too. The cancel request is shielded from the
        cancellation and bounded by ``JOB_CANCEL_TIMEOUT`` seconds; a failure to cancel
        is logged, never raised over the original exception. Where no cleanup can run
        (the coroutine is closed without an event loop, at interpreter shutdown) a
        warning names the job that may still be running.
        """
        check_uuid(connection_id, "connection_id")
        kind = check_enum(JobType, job_type, "job_type")
        _check_polling(timeout, poll_interval, max_poll_interval, grace)
        if cancel_on_exit:
            job = await self._start_for_cancel(connection_id, kind, attach=attach)
        else:
            job = await self._start(connection_id, kind, attach=attach)
        try:
            if job.status in FINAL_STATUSES:
                return job
            return await self.wait(
                job.job_id,
                timeout=timeout,
                poll_interval=poll_interval,
                max_poll_interval=max_poll_interval,
                grace=grace,
            )
        except BaseException as exc:
            if cancel_on_exit:
                await self._cancel_on_exit(job.job_id, exc)
            raise

    async def _start_for_cancel(self, connection_id: Id, job_type: JobType, *, attach: bool) -> Job:
        """``_start`` in a task of its own, so that a cancellation arriving while its
        request is in flight (anyio's or asyncio's own) still learns the job it started,
        and cancels it, before the cancellation goes on."""
        starting = asyncio.get_running_loop().create_task(
            self._start(connection_id, job_type, attach=attach)
        )
        try:
            return await asyncio.shield(starting)
        except BaseException as exc:
            if not starting.done():
                import anyio  # here: importing aiobyte does not load anyio

                with anyio.CancelScope(shield=True):
                    await asyncio.wait([starting], timeout=_config.JOB_CANCEL_TIMEOUT)
            if not starting.done():
                starting.cancel()
                logger.warning(
                    "a job may have been started on connection %s and left running: the "
                    "request starting it had no answer within %g s of the cancellation",
                    connection_id,
                    _config.JOB_CANCEL_TIMEOUT,
                )
            elif not starting.cancelled() and starting.exception() is None:
                await self._cancel_on_exit(starting.result().job_id, exc)
            # Otherwise the start failed (its error now retrieved): nothing to cancel.
            raise

    async def _cancel_on_exit(self, job_id: int, exc: BaseException) -> None:
        """Cancel the job ``run`` is leaving because of ``exc``; never raise over it."""
        if isinstance(exc, GeneratorExit) or not _loop_running():
            # The coroutine was closed (garbage collection, interpreter shutdown): no
            # request can be awaited any more, so say what is left behind.
            logger.warning(
                "jobs.run was closed before job %d ended and could not cancel it: the job "
                "may still be running (cancel it with client.jobs.cancel(%d))",
                job_id,
                job_id,
            )
            return
        try:
            await self._cancel_quietly(job_id)
        except Exception as problem:  # cleanup must not replace the original exception
            logger.warning("could not cancel job %d: %s", job_id, problem)

    async def _start(self, connection_id: Id, job_type: JobType, *, attach: bool) -> Job:
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

    async def _running(self, connection_id: Id, job_type: JobType) -> Job | None:
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
        import anyio  # here: importing aiobyte does not load anyio

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


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _is_seconds(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_polling(
    timeout: float | None, interval: float, max_interval: float, grace: float
) -> None:
    if timeout is not None and not (_is_seconds(timeout) and 0 < timeout < float("inf")):
        raise ValueError(f"timeout must be a positive number of seconds; got {timeout!r}")
    if not (_is_seconds(grace) and 0 <= grace < float("inf")):
        raise ValueError(f"grace must be a number of seconds >= 0; got {grace!r}")
    if not (
        isinstance(interval, (int, float))
        and isinstance(max_interval, (int, float))
        and 0 < interval <= max_interval
    ):
        raise ValueError("poll_interval must be positive and at most max_poll_interval")


class _Polls:
    """Polls one job until it ends: a plain async iterator.

    Yields every answer; sleeps between polls on the transport's clock, from
    ``interval`` growing to ``max_interval``; raises ``JobTimeoutError`` once the
    deadline has passed. Arguments are checked when it is created, before any I/O.
    The first poll is a ``GET`` of the job; the others go through the client's job
    watcher, which the job is registered with until the polls end (or the iterator
    is dropped).
    """

    def __init__(
        self,
        jobs: Jobs,
        job_id: int,
        *,
        timeout: float | None,
        interval: float,
        max_interval: float,
        grace: float,
    ) -> None:
        check_int_id(job_id, "job_id")
        _check_polling(timeout, interval, max_interval, grace)
        self._jobs = jobs
        self._grace = float(grace)
        self._failing_since: float | None = None
        self._job_id = job_id
        self._timeout = timeout
        self._interval = float(interval)
        self._max_interval = float(max_interval)
        self._clock = jobs._transport.clock
        self._deadline: float | None = None
        self._last: Job | None = None
        self._ended = False
        self._look_now = False  # the next poll without sleeping first (a last look)
        self._watcher: JobWatcher | None = None

    def _stop_watching(self) -> None:
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.unwatch(self._job_id, self._last)

    def __del__(self) -> None:
        if "_watcher" in self.__dict__:  # not when __init__ refused its arguments
            self._stop_watching()

    def __aiter__(self) -> _Polls:
        return self

    async def __anext__(self) -> Job:
        # One coroutine from the sleep to the poll (no helper awaited in between): each
        # is a frame more per wait, and 10,000 waits begin and sleep together.
        if self._ended:
            raise StopAsyncIteration
        looking = self._look_now  # a last look: now, and from the server itself
        try:
            clock = self._clock
            if self._last is None:
                if self._timeout is not None:
                    self._deadline = clock.monotonic() + self._timeout
            elif looking:
                self._look_now = False
            else:
                wait = self._interval
                if self._deadline is not None:
                    remaining = self._deadline - clock.monotonic()
                    if remaining <= 0:
                        self._ended = True
                        raise self._timeout_error()
                    wait = min(wait, remaining)
                await self._jobs._transport.closable(self._jobs._alarm.sleep, wait)
                self._interval = min(self._max_interval, self._interval * _config.JOB_POLL_FACTOR)
            jobs, job_id = self._jobs, self._job_id
            while True:
                try:
                    last = self._last
                    if not jobs.batch_polls or looking:
                        job = await jobs.get(job_id)
                    elif last is None:  # with many waits, from a round of list calls too
                        job = await jobs._watcher.first(job_id)
                    elif self._watcher is None:
                        job = await jobs.get(job_id)
                    else:
                        job = await self._watcher.poll(job_id, last)
                except _TRANSIENT as exc:
                    failure: AirbyteError = exc
                else:
                    break
                # Raised outside the except block: the error is the answer, not its
                # context.
                await self._ride_out(failure)
            self._failing_since = None
            self._last = job
            if job.status in FINAL_STATUSES:
                self._ended = True
        except BaseException:
            self._stop_watching()
            raise
        if job.status in FINAL_STATUSES:
            self._stop_watching()
        elif self._watcher is None:
            self._watcher = self._jobs._watcher
            self._watcher.watch(job)
        return job

    async def news(self) -> Job:
        """``wait``'s next answer: the job's final state, from the watcher's rounds when
        they answer the waits (the wait handed over, sleeping on nothing of its own),
        else the next poll."""
        watcher = self._watcher
        jobs = self._jobs
        last = self._last
        if watcher is None or last is None or not jobs.batch_polls or not watcher.answering:
            return await self.__anext__()
        try:
            job = await jobs._transport.closable(
                watcher.until_final,
                self._job_id,
                last,
                self._interval,
                self._max_interval,
                self._deadline,
            )
        except BaseException:
            self._ended = True
            self._stop_watching()
            raise
        self._last = job
        if job.status in FINAL_STATUSES:
            self._ended = True
            self._stop_watching()
            return job
        # Handed back (the deadline, or the rounds stopped answering): polls on its own.
        if self._deadline is not None and self._clock.monotonic() >= self._deadline:
            # Its deadline: one last look at the job, now, as a wait polling alone takes
            # (it sleeps to its deadline and polls), then the end either way.
            self._look_now = True
            job = await self.__anext__()
            if job.status not in FINAL_STATUSES:
                self._ended = True
                self._stop_watching()
                raise self._timeout_error()
            return job
        return await self.__anext__()

    async def _ride_out(self, failure: AirbyteError) -> None:
        """After a transient failure: sleep and poll again; raise ``failure`` once
        failures have lasted ``grace`` seconds, or ``JobTimeoutError`` at the deadline."""
        clock = self._clock
        now = clock.monotonic()
        if self._failing_since is None:
            self._failing_since = now
        grace_left = self._failing_since + self._grace - now
        if grace_left <= 0:
            self._ended = True
            raise failure
        wait = min(self._interval, grace_left)
        if self._deadline is not None:
            deadline_left = self._deadline - now
            if deadline_left <= 0:
                self._ended = True
                raise self._timeout_error(f"; polling it was failing: {failure}")
            wait = min(wait, deadline_left)
        logger.info(
            "polling job %d failed (%s); polling again in %.1f s", self._job_id, failure, wait
        )
        await self._jobs._transport.closable(self._jobs._alarm.sleep, wait)
        self._interval = min(self._max_interval, self._interval * _config.JOB_POLL_FACTOR)

    def _timeout_error(self, detail: str = "") -> JobTimeoutError:
        status = None if self._last is None else self._last.status.value
        said = "no status was read" if status is None else f"its last status was {status!r}"
        return JobTimeoutError(
            f"job {self._job_id} did not finish within {self._timeout:g} s; {said}{detail}",
            job_id=self._job_id,
            last_status=status,
        )


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
