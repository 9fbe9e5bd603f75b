"""``client.jobs``: syncs and resets, started, watched and cancelled."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from .. import _config
from .._errors import JobTimeoutError
from .._pagination import Pager
from .._validate import check_datetime, check_enum, check_int_id, check_uuid, check_uuids
from ..models import Job, JobCreate, JobStatus, JobType
from ._base import Params, Resource

__all__ = ["FINAL_STATUSES", "Jobs"]

#: Statuses a job does not leave. ``incomplete`` is not one: attempts remain.
FINAL_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})

_ORDER_BY = re.compile(r"(createdAt|updatedAt)\|(ASC|DESC)")


class Jobs(Resource):
    """Jobs: ``list``, ``get``, ``create``, ``cancel``, ``wait``."""

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
        params.add("workspaceIds", check_uuids(workspace_ids, "workspace_ids") or None)
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
        timeout: float | None = None,
        poll_interval: float = _config.JOB_POLL_INITIAL,
        max_poll_interval: float = _config.JOB_POLL_MAX,
    ) -> Job:
        """Poll until the job is ``succeeded``, ``failed`` or ``cancelled``, and return it.

        A failed or cancelled job is an answer, not an error. Polling starts every
        ``poll_interval`` seconds and slows down to ``max_poll_interval``. Raises
        ``JobTimeoutError`` (naming the job and its last status) after ``timeout`` seconds.
        """
        check_int_id(job_id, "job_id")
        if timeout is not None and not timeout > 0:
            raise ValueError(f"timeout must be a positive number of seconds; got {timeout!r}")
        if not 0 < poll_interval <= max_poll_interval:
            raise ValueError("poll_interval must be positive and at most max_poll_interval")
        clock = self._transport.clock
        deadline = None if timeout is None else clock.monotonic() + timeout
        interval = poll_interval
        while True:
            job = await self.get(job_id)
            if job.status in FINAL_STATUSES:
                return job
            wait = interval
            if deadline is not None:
                remaining = deadline - clock.monotonic()
                if remaining <= 0:
                    status = job.status.value
                    raise JobTimeoutError(
                        f"job {job_id} did not finish within {timeout:g} s; its last status "
                        f"was {status!r}",
                        job_id=job_id,
                        last_status=status,
                    )
                wait = min(wait, remaining)
            await clock.sleep(wait)
            interval = min(max_poll_interval, interval * _config.JOB_POLL_FACTOR)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()
