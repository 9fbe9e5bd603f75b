"""Every tunable number of prefect-aiobyte, with its reason."""

from __future__ import annotations

#: Seconds between the first polls of a running sync; the wait slows down from here to
#: ``MAX_POLL_INTERVAL`` (aiobyte's own defaults: quick for short syncs, cheap for long).
POLL_INTERVAL = 1.0
MAX_POLL_INTERVAL = 15.0

#: Syncs ``run_airbyte_syncs`` runs at once unless told otherwise: enough to overlap the
#: waits of a typical workspace, few enough not to start every sync of a large one at once.
SYNC_LIMIT = 10

#: Seconds a cancel of a job (one DELETE, retried by aiobyte) may take while the task is
#: being cancelled or timed out: bounded, so a stuck Airbyte cannot hold the flow.
CANCEL_TIMEOUT = 30.0
