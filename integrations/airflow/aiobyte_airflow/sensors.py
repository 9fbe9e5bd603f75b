"""``AiobyteJobSensor``: waits for an Airbyte job it did not start, and never cancels it."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import aiobyte
from aiobyte.models import Job

from . import _config
from ._compat import (
    AirflowException,
    AirflowSensorTimeout,
    BaseSensorOperator,
    PokeReturnValue,
    conf,
)
from ._run import run_coroutine
from .hooks import AiobyteHook
from .triggers import AiobyteJobTrigger, check_polling, job_event

if TYPE_CHECKING:
    from airflow.sdk import Context

__all__ = ["AiobyteJobSensor"]


class AiobyteJobSensor(BaseSensorOperator):
    """Wait until Airbyte job ``airbyte_job_id`` succeeds; fail if it fails or is cancelled.

    :param airbyte_job_id: the job (an integer, e.g. from an upstream task's XCom). Templated.
    :param airbyte_conn_id: the Airflow connection (type ``aiobyte`` or ``airbyte``).
    :param deferrable: wait on the triggerer (the same trigger as the operator's, never
        cancelling); otherwise poke every ``poke_interval``. Default:
        ``[operators] default_deferrable``.
    :param max_poll_interval: the deferred wait polls from ``poke_interval`` up to this.
    :param grace: seconds a streak of transient poll failures is ridden out (deferred).

    ``timeout`` (the sensor's own, default 7 days) ends the wait with ``AirflowSensorTimeout``;
    the job goes on running. Returns (and pushes to XCom) the job's summary as a dict.
    """

    template_fields: Sequence[str] = ("airbyte_job_id", "airbyte_conn_id")
    ui_color = "#615EFF"

    def __init__(
        self,
        *,
        airbyte_job_id: int | str,
        airbyte_conn_id: str = _config.DEFAULT_CONN_ID,
        deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False),
        max_poll_interval: float = _config.MAX_POLL_INTERVAL,
        grace: float = _config.GRACE,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("poke_interval", _config.POLL_INTERVAL * 5)
        super().__init__(**kwargs)
        check_polling(min(float(self.poke_interval), max_poll_interval), max_poll_interval, grace)
        self.airbyte_job_id = airbyte_job_id
        self.airbyte_conn_id = airbyte_conn_id
        self.deferrable = deferrable
        self.max_poll_interval = max_poll_interval
        self.grace = grace

    def _job_id(self) -> int:
        value = self.airbyte_job_id
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(
                f"airbyte_job_id must be an Airbyte job id (an integer); got {value!r}"
            )
        return value

    def _get(self) -> Job:
        job_id = self._job_id()
        options = AiobyteHook(self.airbyte_conn_id).get_client_options()

        async def get() -> Job:
            async with aiobyte.AirbyteClient(**options) as client:
                return await client.jobs.get(job_id)

        return run_coroutine(get)

    def poke(self, context: Context) -> bool | PokeReturnValue:
        """One look at the job: done when it succeeded; raises if it failed or was cancelled."""
        job = self._get()
        if job.status not in aiobyte.FINAL_STATUSES:
            self.log.info("Airbyte job %d is %s", job.job_id, job.status.value)
            return False
        return PokeReturnValue(is_done=True, xcom_value=self._finish(job_event(job)))

    def execute(self, context: Context) -> Any:
        """Poke (not deferrable), or look once and defer to the trigger."""
        if not self.deferrable:
            return super().execute(context)
        job = self._get()
        if job.status in aiobyte.FINAL_STATUSES:
            return self._finish(job_event(job))
        timeout = float(self.timeout) if self.timeout else None
        self.defer(
            trigger=AiobyteJobTrigger(
                job_id=job.job_id,
                airbyte_conn_id=self.airbyte_conn_id,
                deadline=None if timeout is None else time.time() + timeout,
                poll_interval=min(float(self.poke_interval), self.max_poll_interval),
                max_poll_interval=self.max_poll_interval,
                grace=self.grace,
                cancel_on_timeout=False,
                cancel_on_kill=False,
            ),
            method_name="execute_complete",
            timeout=None
            if timeout is None
            else dt.timedelta(seconds=timeout + _config.DEFER_TIMEOUT_MARGIN),
        )

    def execute_complete(self, context: Context, event: dict[str, Any]) -> Any:
        """Resume after the trigger's event: the job's summary, or an exception."""
        return self._finish(event)

    def _finish(self, event: dict[str, Any]) -> Any:
        status = event.get("status")
        message = event.get("message") or f"Airbyte job {event.get('job_id')} ended {status}"
        if status == "succeeded":
            self.log.info("%s", message)
            return event.get("summary")
        if status == "timeout":
            raise AirflowSensorTimeout(message)
        raise AirflowException(message)
