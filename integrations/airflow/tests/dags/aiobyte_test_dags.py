"""DAGs that tests/test_dag.py runs with dag.test(); their Airbyte ids come in the run's conf."""

from __future__ import annotations

import datetime as dt

from airflow.sdk import DAG

from aiobyte_airflow import AiobyteJobSensor, AiobyteSyncOperator

FAST = {"poll_interval": 0.1, "max_poll_interval": 0.3}
START = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)

with DAG("aiobyte_syncs", start_date=START, schedule=None, catchup=False) as syncs:
    sync = AiobyteSyncOperator(
        task_id="sync",
        connection_id="{{ dag_run.conf['connection_id'] }}",
        deferrable=True,
        timeout=600,
        **FAST,
    )
    watch = AiobyteJobSensor(
        task_id="watch",
        airbyte_job_id="{{ dag_run.conf['watched_job_id'] }}",
        deferrable=True,
        poke_interval=0.1,
        max_poll_interval=0.3,
    )
    attach = AiobyteSyncOperator(
        task_id="attach",
        connection_id="{{ dag_run.conf['busy_connection_id'] }}",
        deferrable=True,
        **FAST,
    )
    here = AiobyteSyncOperator(
        task_id="here",
        connection_id="{{ dag_run.conf['connection_id'] }}",
        deferrable=False,
        **FAST,
    )
    sync >> watch >> attach >> here

with DAG("aiobyte_retry", start_date=START, schedule=None, catchup=False) as retry:
    AiobyteSyncOperator(
        task_id="retried",
        connection_id="{{ dag_run.conf['connection_id'] }}",
        attach=False,  # a retry that started a second sync would get a 409 and fail
        deferrable=True,
        retries=1,
        retry_delay=dt.timedelta(0),
        **FAST,
    )
