"""``AiobyteSyncOperator``: runs an Airbyte sync (or another job) and waits for it."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import aiobyte
from aiobyte.models import Job, JobType

from . import _config
from ._compat import AirflowException, BaseOperator, conf
from ._run import run_coroutine
from .hooks import AiobyteHook
from .triggers import AiobyteJobTrigger, cancel_job, check_polling, job_event, wait_for_job

if TYPE_CHECKING:
    from airflow.sdk import Context

__all__ = ["AiobyteSyncOperator"]


class AiobyteSyncOperator(BaseOperator):
    """Start a job on an Airbyte connection (or attach to the one running), wait, summarise.

    :param connection_id: the Airbyte connection (a UUID). Templated.
    :param airbyte_conn_id: the Airflow connection (type ``aiobyte`` or ``airbyte``).
    :param job_type: ``sync`` (default), ``reset``, ``refresh`` or ``clear``.
    :param attach: when a job of that type already runs on the connection (409), wait for
        it instead of failing (default True).
    :param deferrable: wait on the triggerer (frees the worker slot); otherwise wait on the
        worker. Default: ``[operators] default_deferrable``.
    :param timeout: seconds (or a timedelta) the job may take from the start of the task;
        the earlier of this and ``execution_timeout`` applies. None: no limit.
    :param cancel_on_timeout: cancel the job when it passes its deadline (default True).
    :param cancel_on_kill: cancel the job when the task is killed (default True).
    :param poll_interval: first poll interval (seconds); it grows to ``max_poll_interval``.
    :param grace: seconds a streak of transient poll failures is ridden out.

    The job id goes to XCom (key ``airbyte_job_id``) and to the task state store (Airflow
    3.3+), so a retry whose job still runs waits for it instead of starting another. Returns
    the job's summary (``aiobyte.JobSummary`` as a dict, the task's XCom return value).
    Raises ``AirflowException`` naming the job when it fails, is cancelled or times out.
    """

    template_fields: Sequence[str] = ("connection_id", "airbyte_conn_id", "job_type")
    ui_color = "#615EFF"

    def __init__(
        self,
        *,
        connection_id: str,
        airbyte_conn_id: str = _config.DEFAULT_CONN_ID,
        job_type: str = "sync",
        attach: bool = True,
        deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False),
        timeout: float | dt.timedelta | None = None,
        cancel_on_timeout: bool = True,
        cancel_on_kill: bool = True,
        poll_interval: float = _config.POLL_INTERVAL,
        max_poll_interval: float = _config.MAX_POLL_INTERVAL,
        grace: float = _config.GRACE,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        check_polling(poll_interval, max_poll_interval, grace)
        self.connection_id = connection_id
        self.airbyte_conn_id = airbyte_conn_id
        self.job_type = job_type
        self.attach = attach
        self.deferrable = deferrable
        self.timeout = _seconds_or_none(timeout, "timeout")
        self.cancel_on_timeout = cancel_on_timeout
        self.cancel_on_kill = cancel_on_kill
        self.poll_interval = poll_interval
        self.max_poll_interval = max_poll_interval
        self.grace = grace
        self.job_id: int | None = None

    def execute(self, context: Context) -> Any:
        """Start or reattach, record the job id, then defer (or wait here)."""
        job_type = JobType(self.job_type) if self.job_type in _JOB_TYPES else None
        if job_type is None:
            raise ValueError(
                f"job_type must be one of {', '.join(_JOB_TYPES)}; got {self.job_type!r}"
            )
        hook = AiobyteHook(self.airbyte_conn_id)
        options = hook.get_client_options()
        store = context.get("task_state_store")
        prior = store.get(_config.JOB_ID_KEY) if store is not None else None
        started = time.time()
        deadline = self._deadline(started)

        async def start() -> Job:
            async with aiobyte.AirbyteClient(**options) as client:
                if isinstance(prior, int) and not isinstance(prior, bool):
                    job = await self._still_running(client, prior)
                    if job is not None:
                        return job
                return await client.jobs.start(
                    self.connection_id, job_type=job_type, attach=self.attach
                )

        job = run_coroutine(start)
        self.job_id = job.job_id
        context["ti"].xcom_push(key=_config.JOB_ID_KEY, value=job.job_id)
        if store is not None and prior != job.job_id:
            store.set(_config.JOB_ID_KEY, job.job_id)
        self.log.info(
            "Airbyte job %d (%s) on connection %s is %s",
            job.job_id,
            job.job_type.value,
            job.connection_id,
            job.status.value,
        )
        if job.status in aiobyte.FINAL_STATUSES:
            return self._finish(job_event(job))
        if self.deferrable:
            self.defer(
                trigger=AiobyteJobTrigger(
                    job_id=job.job_id,
                    airbyte_conn_id=self.airbyte_conn_id,
                    deadline=deadline,
                    poll_interval=self.poll_interval,
                    max_poll_interval=self.max_poll_interval,
                    grace=self.grace,
                    cancel_on_timeout=self.cancel_on_timeout,
                    cancel_on_kill=self.cancel_on_kill,
                ),
                method_name="execute_complete",
                timeout=None
                if deadline is None
                else dt.timedelta(seconds=deadline - started + _config.DEFER_TIMEOUT_MARGIN),
            )

        async def wait() -> dict[str, Any]:
            async with aiobyte.AirbyteClient(**options) as client:
                return await wait_for_job(
                    client,
                    job.job_id,
                    timeout=None if deadline is None else deadline - time.time(),
                    poll_interval=self.poll_interval,
                    max_poll_interval=self.max_poll_interval,
                    grace=self.grace,
                    cancel_on_timeout=self.cancel_on_timeout,
                )

        return self._finish(run_coroutine(wait))

    def execute_complete(self, context: Context, event: dict[str, Any]) -> Any:
        """Resume after the trigger's event: the job's summary, or an ``AirflowException``."""
        self.job_id = event.get("job_id")
        return self._finish(event)

    def on_kill(self) -> None:
        """Killed while waiting on the worker: cancel the job if ``cancel_on_kill``."""
        if self.job_id is None or not self.cancel_on_kill:
            return
        job_id = self.job_id
        options = AiobyteHook(self.airbyte_conn_id).get_client_options()

        async def cancel() -> None:
            async with aiobyte.AirbyteClient(**options) as client:
                await cancel_job(client, job_id, why="the task was killed")

        try:
            run_coroutine(cancel, timeout=_config.KILL_JOIN_TIMEOUT)
        except Exception as exc:  # on_kill must not raise over the kill
            self.log.warning("could not cancel Airbyte job %d: %s", job_id, exc)

    def _deadline(self, started: float) -> float | None:
        limits = [s for s in (self.timeout, _seconds_or_none(self.execution_timeout, "")) if s]
        return started + min(limits) if limits else None

    async def _still_running(self, client: aiobyte.AirbyteClient, job_id: int) -> Job | None:
        """The job an earlier try started, if it still runs (then this try waits for it)."""
        try:
            job = await client.jobs.get(job_id)
        except aiobyte.NotFoundError:
            return None
        if job.status in aiobyte.FINAL_STATUSES or job.connection_id != self.connection_id:
            return None
        self.log.info(
            "an earlier try started Airbyte job %d, still %s: waiting for it",
            job_id,
            job.status.value,
        )
        return job

    def _finish(self, event: dict[str, Any]) -> Any:
        status = event.get("status")
        message = event.get("message") or f"Airbyte job {event.get('job_id')} ended {status}"
        if status == "succeeded":
            self.log.info("%s", message)
            return event.get("summary")
        raise AirflowException(message)


_JOB_TYPES = tuple(t.value for t in JobType if t.value != "unknown")


def _seconds_or_none(value: float | dt.timedelta | None, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, dt.timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        raise ValueError(f"{name} must be seconds or a timedelta; got {value!r}")
    if not seconds > 0:
        raise ValueError(f"{name} must be positive; got {value!r}")
    return seconds
