"""``AirbyteConnection`` (a ``JobBlock``) and ``AirbyteSync`` (its ``JobRun``).

The same three steps as prefect-airbyte's blocks of those names, over the public API:
``trigger`` starts the sync (attaching to a running one on 409), ``wait_for_completion``
polls it to its end and cancels it if the wait is cancelled or times out,
``fetch_result`` reads the job as it is now.
"""

from __future__ import annotations

import datetime as dt

from prefect.blocks.abstract import JobBlock, JobRun
from pydantic import BaseModel, Field

from aiobyte import JobSummary

from . import _config
from ._credentials import AirbyteCredentials
from ._tasks import AirbyteSyncFailed, cancel_job, check_connection_id, start_job

__all__ = ["AirbyteConnection", "AirbyteSync", "AirbyteSyncResult"]


class AirbyteSyncResult(BaseModel):
    """A sync job as ``fetch_result`` read it (prefect-airbyte's fields, and more).

    ``records_synced`` is prefect-airbyte's name for ``rows_synced``; ``summary`` is the
    whole ``aiobyte.JobSummary`` as a dict.
    """

    job_id: int
    job_status: str
    records_synced: int | None
    bytes_synced: int | None
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    duration_seconds: float | None
    summary: dict[str, object]

    @classmethod
    def from_summary(cls, summary: JobSummary) -> AirbyteSyncResult:
        """The result for an ``aiobyte.JobSummary``."""
        return cls(
            job_id=summary.job_id,
            job_status=summary.status,
            records_synced=summary.rows_synced,
            bytes_synced=summary.bytes_synced,
            created_at=_datetime(summary.start_time),
            updated_at=_datetime(summary.last_updated_at),
            duration_seconds=summary.duration_seconds,
            summary=summary.to_dict(),
        )


def _datetime(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


class AirbyteSync(JobRun[AirbyteSyncResult]):
    """One sync job of an ``AirbyteConnection``: wait for it, then fetch its result."""

    def __init__(self, airbyte_connection: AirbyteConnection, job_id: int) -> None:
        self.airbyte_connection = airbyte_connection
        self.job_id = job_id

    def __repr__(self) -> str:
        connection_id = self.airbyte_connection.connection_id
        return f"AirbyteSync(job_id={self.job_id}, connection_id={connection_id!r})"

    async def wait_for_completion(self) -> None:  # type: ignore[override]
        """Poll the job until it ends.

        Raises ``AirbyteSyncFailed`` if it ended ``failed`` or ``cancelled``, and
        ``aiobyte.JobTimeoutError`` after the connection's ``wait_timeout``. If the wait
        is cancelled (the task times out or is cancelled) or times out, the job is
        cancelled on Airbyte first.
        """
        block = self.airbyte_connection
        async with block.airbyte_credentials.get_client() as client:
            try:
                job = await client.jobs.wait(
                    self.job_id,
                    timeout=block.wait_timeout,
                    poll_interval=block.poll_interval_s,
                    max_poll_interval=max(block.poll_interval_s, _config.MAX_POLL_INTERVAL),
                )
            except BaseException:
                await cancel_job(client, self.job_id)
                raise
        summary = JobSummary.from_job(job)
        if not summary.succeeded:
            self.logger.error("Airbyte job %d %s", self.job_id, summary.status)
            raise AirbyteSyncFailed([summary])
        self.logger.info("Airbyte job %d succeeded", self.job_id)

    async def fetch_result(self) -> AirbyteSyncResult:
        """The job as it is now (its status, rows, bytes, times)."""
        async with self.airbyte_connection.airbyte_credentials.get_client() as client:
            job = await client.jobs.get(self.job_id)
        return AirbyteSyncResult.from_summary(JobSummary.from_job(job))


class AirbyteConnection(JobBlock[AirbyteSyncResult]):
    """An Airbyte connection whose syncs a flow triggers and waits for.

    ::

        connection = AirbyteConnection(
            airbyte_credentials=AirbyteCredentials(client_id=..., client_secret=...),
            connection_id="...",
        )
        sync = await connection.trigger()
        await sync.wait_for_completion()
        result = await sync.fetch_result()
    """

    _block_type_name = "Aiobyte Connection"
    _block_type_slug = "aiobyte-connection"
    _description = "An Airbyte connection to sync through the public API, via aiobyte."

    airbyte_credentials: AirbyteCredentials = Field(
        default_factory=AirbyteCredentials,
        description="Where the Airbyte public API is and how to authenticate",
    )
    connection_id: str = Field(default=..., description="The connection's id (a UUID)")
    poll_interval_s: float = Field(
        default=_config.POLL_INTERVAL, description="Seconds between the first status polls"
    )
    wait_timeout: float | None = Field(
        default=None,
        description="Seconds wait_for_completion waits before it cancels the job and fails",
    )
    attach: bool = Field(
        default=True,
        description="When a sync is already running (409), track it instead of failing",
    )

    async def trigger(self) -> AirbyteSync:
        """Start a sync of the connection (or find the running one) and return it.

        Cancelled while the request is in flight, it cancels the job it started. Raises
        ``aiobyte.ConflictError`` on a running sync when ``attach`` is off, an
        ``aiobyte.APIStatusError`` if the API refuses (e.g. ``NotFoundError``), and
        ``ValueError`` for a malformed connection id before any request.
        """
        connection_id = check_connection_id(self.connection_id)
        async with self.airbyte_credentials.get_client() as client:
            job = await start_job(client, connection_id, attach=self.attach)
        self.logger.info("Airbyte job %d of connection %s started", job.job_id, connection_id)
        return AirbyteSync(self, job.job_id)
