"""``AiobyteJobTrigger``: waits for an Airbyte job on the triggerer, never blocking its loop."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import anyio
from airflow.triggers.base import BaseTrigger, TriggerEvent

import aiobyte
from aiobyte.models import Job

from . import _config
from ._shared import shared_client

__all__ = ["AiobyteJobTrigger", "cancel_job", "job_event", "wait_for_job"]

logger = logging.getLogger("aiobyte_airflow")

#: Statuses of the events the trigger fires (``event["status"]``).
EVENT_STATUSES = ("succeeded", "failed", "cancelled", "timeout", "error")


class AiobyteJobTrigger(BaseTrigger):
    """Fires one event when Airbyte job ``job_id`` ends, or when ``deadline`` passes.

    Its arguments are plain JSON (no client, no secret): a restarted or another triggerer
    rebuilds it from them and runs it again, which is harmless. All triggers of a triggerer
    share one client per Airflow connection (one token, one in-flight bound). Polls that
    fail with a transient error (connection errors, 5xx, 429) are ridden out for up to
    ``grace`` seconds.

    The event's payload: ``status`` (``succeeded``, ``failed``, ``cancelled``, ``timeout``
    or ``error``), ``job_id``, ``message``, ``summary`` (the job's ``aiobyte.JobSummary`` as
    a dict, when it is known) and ``job_cancelled`` (whether the trigger cancelled it).

    - At ``deadline`` (seconds since the epoch) the job is cancelled if
      ``cancel_on_timeout``, and a ``timeout`` event fires.
    - ``on_kill`` (a user marked the deferred task failed or success, or cleared it; Airflow
      3.3+ calls it) cancels the job if ``cancel_on_kill``.
    - Any other cancellation (the triggerer stops, or hands the trigger to another one)
      leaves the job running: the next triggerer waits for it.

    Raises ``ValueError`` for bad arguments; creating it does no I/O.
    """

    def __init__(
        self,
        *,
        job_id: int,
        airbyte_conn_id: str = _config.DEFAULT_CONN_ID,
        deadline: float | None = None,
        poll_interval: float = _config.POLL_INTERVAL,
        max_poll_interval: float = _config.MAX_POLL_INTERVAL,
        grace: float = _config.GRACE,
        cancel_on_timeout: bool = False,
        cancel_on_kill: bool = False,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        if isinstance(job_id, bool) or not isinstance(job_id, int) or job_id < 0:
            raise ValueError(f"job_id must be an Airbyte job id (an integer); got {job_id!r}")
        if not isinstance(airbyte_conn_id, str) or not airbyte_conn_id:
            raise ValueError("airbyte_conn_id must be a non-empty string")
        if deadline is not None and not _is_number(deadline):
            raise ValueError(f"deadline must be seconds since the epoch or None; got {deadline!r}")
        check_polling(poll_interval, max_poll_interval, grace)
        for name, flag in (
            ("cancel_on_timeout", cancel_on_timeout),
            ("cancel_on_kill", cancel_on_kill),
        ):
            if not isinstance(flag, bool):
                raise ValueError(f"{name} must be True or False; got {flag!r}")
        self.job_id = job_id
        self.airbyte_conn_id = airbyte_conn_id
        self.deadline = None if deadline is None else float(deadline)
        self.poll_interval = float(poll_interval)
        self.max_poll_interval = float(max_poll_interval)
        self.grace = float(grace)
        self.cancel_on_timeout = cancel_on_timeout
        self.cancel_on_kill = cancel_on_kill

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """The class path and the JSON-only keyword arguments that rebuild this trigger."""
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "job_id": self.job_id,
                "airbyte_conn_id": self.airbyte_conn_id,
                "deadline": self.deadline,
                "poll_interval": self.poll_interval,
                "max_poll_interval": self.max_poll_interval,
                "grace": self.grace,
                "cancel_on_timeout": self.cancel_on_timeout,
                "cancel_on_kill": self.cancel_on_kill,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Wait for the job and yield one event (the client is released before it is)."""
        try:
            async with shared_client(self.airbyte_conn_id) as shared:
                timeout = None
                if self.deadline is not None:
                    timeout = self.deadline - shared.clock.time()
                payload = await wait_for_job(
                    shared.client,
                    self.job_id,
                    timeout=timeout,
                    poll_interval=self.poll_interval,
                    max_poll_interval=self.max_poll_interval,
                    grace=self.grace,
                    cancel_on_timeout=self.cancel_on_timeout,
                )
        except Exception as exc:  # the connection cannot be read or used: say so in the event
            payload = _error(
                self.job_id, f"cannot use Airflow connection {self.airbyte_conn_id!r}", exc
            )
        yield TriggerEvent(payload)  # type: ignore[no-untyped-call]

    async def on_kill(self) -> None:
        """The task was killed by a user while deferred: cancel the job if ``cancel_on_kill``."""
        if not self.cancel_on_kill:
            logger.info(
                "task killed; Airbyte job %d is left running (cancel_on_kill=False)", self.job_id
            )
            return
        async with shared_client(self.airbyte_conn_id) as shared:
            await cancel_job(shared.client, self.job_id, why="the task was killed")


async def wait_for_job(
    client: aiobyte.AirbyteClient,
    job_id: int,
    *,
    timeout: float | None,  # noqa: ASYNC109 (a deadline on the client's clock, as in jobs.wait)
    poll_interval: float,
    max_poll_interval: float,
    grace: float,
    cancel_on_timeout: bool,
) -> dict[str, Any]:
    """Wait for the job to end; the payload of the event that says how it ended.

    ``timeout`` may be zero or negative (the deadline has passed): one poll is made, and the
    job is taken as timed out unless it has ended. Never raises an ``AirbyteError``: it is
    an ``error`` payload. A cancellation leaves the job as it is.
    """
    try:
        if timeout is not None and timeout <= 0:
            job = await client.jobs.get(job_id)
            if job.status not in aiobyte.FINAL_STATUSES:
                raise aiobyte.JobTimeoutError(
                    "deadline passed", job_id=job_id, last_status=job.status.value
                )
        else:
            job = await client.jobs.wait(
                job_id,
                timeout=timeout,
                poll_interval=poll_interval,
                max_poll_interval=max_poll_interval,
                grace=grace,
            )
    except aiobyte.JobTimeoutError as exc:
        cancelled: Job | None = None
        if cancel_on_timeout:
            cancelled = await cancel_job(client, job_id, why="it passed its deadline")
        if cancelled is not None and cancelled.status in aiobyte.FINAL_STATUSES - {
            aiobyte.models.JobStatus.CANCELLED
        }:
            return job_event(cancelled)  # it ended just before the cancel: that is the answer
        return {
            "status": "timeout",
            "job_id": job_id,
            "message": f"Airbyte job {job_id} did not finish by its deadline; its last status "
            f"was {exc.last_status!r}; "
            + ("the job was cancelled" if cancelled is not None else "the job goes on running"),
            "summary": None
            if cancelled is None
            else aiobyte.JobSummary.from_job(cancelled).to_dict(),
            "job_cancelled": cancelled is not None,
        }
    except aiobyte.AirbyteError as exc:
        return _error(job_id, f"waiting for Airbyte job {job_id} failed", exc)
    return job_event(job)


async def cancel_job(client: aiobyte.AirbyteClient, job_id: int, *, why: str) -> Job | None:
    """Cancel the job, bounded and shielded; the job as it then is, or None (logged) if not.

    A job that has already ended (409) is returned as it ended.
    """
    with anyio.CancelScope(shield=True) as scope:
        scope.deadline = anyio.current_time() + _config.CANCEL_TIMEOUT
        try:
            job = await client.jobs.cancel(job_id)
        except aiobyte.ConflictError:
            try:
                return await client.jobs.get(job_id)
            except aiobyte.AirbyteError:
                return None
        except aiobyte.AirbyteError as exc:
            logger.warning("could not cancel Airbyte job %d (%s): %s", job_id, why, exc)
            return None
        logger.info("cancelled Airbyte job %d: %s", job_id, why)
        return job
    logger.warning("could not cancel Airbyte job %d within %g s", job_id, _config.CANCEL_TIMEOUT)
    return None


def job_event(job: Job) -> dict[str, Any]:
    summary = aiobyte.JobSummary.from_job(job)
    status = job.status.value
    message = f"Airbyte job {job.job_id} on connection {job.connection_id} {status}"
    if summary.rows_synced is not None:
        message += f" ({summary.rows_synced:,} rows, {summary.bytes_synced or 0:,} bytes)"
    return {
        "status": status,
        "job_id": job.job_id,
        "message": message,
        "summary": summary.to_dict(),
        "job_cancelled": False,
    }


def _error(job_id: int, what: str, exc: BaseException) -> dict[str, Any]:
    return {
        "status": "error",
        "job_id": job_id,
        "message": f"{what}: {type(exc).__name__}: {exc}",
        "summary": None,
        "job_cancelled": False,
    }


def check_polling(poll_interval: float, max_poll_interval: float, grace: float) -> None:
    """Raise ``ValueError`` unless ``0 < poll_interval <= max_poll_interval`` and ``grace >= 0``."""
    if not (_is_number(poll_interval) and _is_number(max_poll_interval)) or not (
        0 < poll_interval <= max_poll_interval
    ):
        raise ValueError("poll_interval must be positive and at most max_poll_interval")
    if not _is_number(grace) or grace < 0:
        raise ValueError(f"grace must be a number of seconds, zero or more; got {grace!r}")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
