"""dag.test() on a real Airflow 3: deferrable tasks, triggers run in-process, XCom, retries."""

from __future__ import annotations

import pytest

from .conftest import use_connection

pytestmark = pytest.mark.usefixtures("airflow_db")


def xcom(dag_run, task_id, key="return_value"):
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        query = XComModel.get_many(
            run_id=dag_run.run_id, dag_ids=dag_run.dag_id, task_ids=task_id, key=key
        )
        row = session.scalars(query).first()
        return None if row is None else XComModel.deserialize_value(row)


def states(dag_run):
    return {ti.task_id: ti.state for ti in dag_run.get_task_instances()}


def test_a_dag_of_deferrable_syncs_a_sensor_and_an_attach(threaded_fake, monkeypatch):
    from aiobyte_test_dags import syncs

    served = threaded_fake
    fake = served.fake
    use_connection(monkeypatch, fake)

    def setup():
        seeded = fake.seed(workspaces=1, connections=3, jobs=0)
        mine, busy, watched = seeded.connection_ids
        fake.plan_jobs(None, queued_for=0.1, duration=0.4)
        # Started by the DAG's first task: still running when "attach" and "watch" start.
        fake.plan_jobs(busy, queued_for=0, duration=3.0)
        fake.plan_jobs(watched, queued_for=0, duration=5.0)
        return mine, busy, watched

    mine, busy, watched = served.call(setup)
    dag_run = syncs.test(
        run_conf={
            "connection_id": mine,
            "busy_connection_id": busy,
            "watched_connection_id": watched,
        }
    )
    assert dag_run.state == "success", states(dag_run)

    elsewhere = xcom(dag_run, "elsewhere")
    # attach: the 409 of the running job is answered by waiting for that job.
    assert xcom(dag_run, "attach")["job_id"] == elsewhere["busy"]
    assert xcom(dag_run, "attach", key="airbyte_job_id") == elsewhere["busy"]
    assert xcom(dag_run, "watch")["job_id"] == elsewhere["watched"]
    sync_summary = xcom(dag_run, "sync")
    assert sync_summary["status"] == "succeeded"
    assert sync_summary["connection_id"] == mine
    assert sync_summary["rows_synced"] == 400
    assert xcom(dag_run, "sync", key="airbyte_job_id") == sync_summary["job_id"]
    here = xcom(dag_run, "here")
    assert here["status"] == "succeeded"
    assert here["job_id"] != sync_summary["job_id"]

    hits = served.call(lambda: dict(fake.stats.hits))
    assert hits["POST /jobs"] == 5  # elsewhere's two, attach (refused: 409), sync, here
    assert hits.get("DELETE /jobs/{jobId}", 0) == 0  # the sensor never cancels


def test_a_retry_reattaches_to_the_job_its_first_try_started(threaded_fake, monkeypatch):
    from aiobyte_test_dags import retry

    served = threaded_fake
    fake = served.fake
    use_connection(monkeypatch, fake)

    def setup():
        [connection_id] = fake.seed(workspaces=1, connections=1, jobs=0).connection_ids
        fake.plan_jobs(connection_id, queued_for=0.1, duration=3.0)
        # The first try's trigger gets a 403 (not transient): the try fails, the job runs on.
        fake.faults.inject("GET /jobs/{jobId}", status=403)
        return connection_id

    connection_id = served.call(setup)
    dag_run = retry.test(run_conf={"connection_id": connection_id})
    assert dag_run.state == "success", states(dag_run)
    [ti] = dag_run.get_task_instances()
    assert ti.try_number == 2
    summary = xcom(dag_run, "retried")
    assert summary["status"] == "succeeded"
    hits = served.call(lambda: dict(fake.stats.hits))
    assert hits["POST /jobs"] == 1  # no second sync: the retry waited for the first one
    assert served.call(lambda: list(fake.state.jobs)) == [summary["job_id"]]
