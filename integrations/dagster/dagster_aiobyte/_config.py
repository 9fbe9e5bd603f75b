"""Every tunable number of dagster-aiobyte, with its reason."""

from __future__ import annotations

#: Seconds between the first polls of a running sync; the wait slows down from here
#: to ``MAX_POLL_INTERVAL`` (aiobyte's own defaults: quick for short syncs, cheap for long).
POLL_INTERVAL = 1.0
MAX_POLL_INTERVAL = 15.0

#: Syncs ``sync_many`` runs at once unless told otherwise: enough to overlap the waits of
#: a typical workspace, few enough not to start every sync of a large one at once.
SYNC_LIMIT = 10

#: Seconds teardown gives the interrupted syncs to cancel their jobs (one DELETE each,
#: retried by aiobyte), and then each job it still has to cancel itself. Bounded, so that
#: a run stopped by SIGINT/SIGTERM ends even when Airbyte does not answer.
CANCEL_TIMEOUT = 30.0
