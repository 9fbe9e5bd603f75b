"""DAGs that tests/test_dag.py runs with dag.test(); their Airbyte ids come in the run's conf."""

from __future__ import annotations

import asyncio
import datetime as dt

from aiobyte_airflow import AiobyteHook, AiobyteJobSensor, AiobyteSyncOperator
from airflow.providers.standard.operators.python import PythonOperator
from airflow.sdk import DAG

FAST = {"poll_interval": 0.1, "max_poll_interval": 0.3}
START = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def start_elsewhere(dag_run):
    """Jobs started outside the provider's operators (as another tool would)."""

    async def start():
        async with AiobyteHook().get_conn() as client:
            busy = await client.jobs.create(dag_run.conf["busy_connection_id"])
            watched = await client.jobs.create(dag_run.conf["watched_connection_id"])
            return {"busy": busy.job_id, "watched": watched.job_id}

    return asyncio.run(start())


with DAG("aiobyte_syncs", start_date=START, schedule=None, catchup=False) as syncs:
    elsewhere = PythonOperator(task_id="elsewhere", python_callable=start_elsewhere)
    attach = AiobyteSyncOperator(  # its sync is refused (409): it waits for the running one
        task_id="attach",
        connection_id="{{ dag_run.conf['busy_connection_id'] }}",
        deferrable=True,
        **FAST,
    )
    watch = AiobyteJobSensor(
        task_id="watch",
        airbyte_job_id="{{ ti.xcom_pull(task_ids='elsewhere')['watched'] }}",
        deferrable=True,
        poke_interval=0.1,
        max_poll_interval=0.3,
    )
    sync = AiobyteSyncOperator(
        task_id="sync",
        connection_id="{{ dag_run.conf['connection_id'] }}",
        deferrable=True,
        timeout=600,
        **FAST,
    )
    here = AiobyteSyncOperator(
        task_id="here",
        connection_id="{{ dag_run.conf['connection_id'] }}",
        deferrable=False,
        **FAST,
    )
    elsewhere >> attach >> watch >> sync >> here

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
