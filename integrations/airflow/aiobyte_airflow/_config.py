"""Every tunable number of the provider, with its reason."""

from __future__ import annotations

#: The Airflow connection the hook, operator and sensor read unless told otherwise. The
#: official provider's default name, so that switching providers touches no connection.
DEFAULT_CONN_ID = "airbyte_default"

#: First poll interval of a wait (seconds): a sync that ends at once is seen at once.
POLL_INTERVAL = 1.0

#: The interval grows (x1.5 a poll, as in aiobyte) up to this. 15 s keeps the event at most
#: 15 s late while 1,000 waits cost about 67 requests a second, far below what the API takes.
MAX_POLL_INTERVAL = 15.0

#: Seconds a streak of failed polls (connection errors, 5xx, 429) is ridden out before a wait
#: gives up: five minutes covers a rolling restart of the Airbyte server or a load balancer.
GRACE = 300.0

#: The Airflow deferral timeout is the job's deadline plus this: a backstop for a triggerer
#: that is down at the deadline, late enough that the trigger's own timeout (which cancels the
#: job and names it) always fires first: a last poll (MAX_POLL_INTERVAL) plus the cancel
#: request (CANCEL_TIMEOUT) fit in it with room to spare.
DEFER_TIMEOUT_MARGIN = 120.0

#: Seconds a cancel request (on timeout, on kill) may take before it is given up and logged.
#: Airflow gives a trigger's on_kill 30 s by default ([triggerer] on_kill_timeout): stay below.
CANCEL_TIMEOUT = 20.0

#: Seconds on_kill of a task running on a worker (not deferred) waits for its cancel request.
KILL_JOIN_TIMEOUT = 25.0

#: The key under which the operator records its job id in XCom and in the task state store.
JOB_ID_KEY = "airbyte_job_id"
