"""Jobs: started, listed (with the server's paging defects), read and cancelled."""

from __future__ import annotations

import re

from aiohttp import web

from .._problems import bad_request, conflict, json_response, unprocessable
from .._requests import (
    Call,
    page_answer,
    path_uuid,
    query_instant,
    query_page,
    query_uuids,
    required_str,
    required_uuid,
)
from .._routing import Route, Scope
from .._store import FINAL_STATUSES, JOB_STATUSES, JOB_TYPES, JobRecord

_ORDER_BY = re.compile(r"^(\w+)\|(ASC|DESC)$")


def _job(call: Call) -> JobRecord:
    raw = call.params["jobId"]
    try:
        job_id = int(raw)
    except ValueError:
        raise bad_request(f"jobId must be an integer, got {raw!r}.") from None
    return call.store.get_job(job_id)


def _within(moment: float, start: float | None, end: float | None) -> bool:
    return (start is None or moment >= start) and (end is None or moment <= end)


def list_jobs(call: Call) -> web.Response:
    """GET /jobs: one database page, THEN filtered by status and dates (as the server does)."""
    limit, offset = query_page(call, call.default_limit)
    connection_id = call.query.get("connectionId") or None
    if connection_id is not None:
        connection_id = path_uuid(connection_id)
    workspace_ids = query_uuids(call, "workspaceIds")
    job_type = call.query.get("jobType") or None
    if job_type is not None and job_type not in JOB_TYPES:
        raise bad_request(f"Invalid jobType {job_type!r}.")
    status = call.query.get("status") or None
    if status is not None and status not in JOB_STATUSES:
        raise bad_request(f"Invalid status {status!r}.")
    order_field, descending = "createdAt", False
    order_by = call.query.get("orderBy")
    if order_by:
        match = _ORDER_BY.match(order_by)
        if match is None or match.group(1) not in ("createdAt", "updatedAt"):
            raise bad_request(
                f"Invalid orderBy {order_by!r}: expected createdAt|ASC, updatedAt|DESC, ..."
            )
        order_field, descending = match.group(1), match.group(2) == "DESC"
    ranges = {
        name: query_instant(call, name)
        for name in ("createdAtStart", "createdAtEnd", "updatedAtStart", "updatedAtEnd")
    }
    jobs = call.store.query_jobs(
        connection_id=connection_id,
        workspace_ids=workspace_ids,
        job_type=job_type,
        order_by=order_field,
        descending=descending,
    )
    page = jobs[offset : offset + limit]
    now = call.store.now()
    data = []
    for job in page:
        updated = job.updated_at(now)
        if (
            (status is not None and job.status(now) != status)
            or not _within(job.created_at, ranges["createdAtStart"], ranges["createdAtEnd"])
            or not _within(updated, ranges["updatedAtStart"], ranges["updatedAtEnd"])
        ):
            continue
        data.append(job.to_json(now))
    # The server's jobs `next` keeps only these three filters: status, the date
    # ranges and orderBy are dropped (a real defect, reproduced on purpose).
    filters: list[tuple[str, str]] = []
    if job_type is not None:
        filters.append(("jobType", job_type))
    if connection_id is not None:
        filters.append(("connectionId", connection_id))
    if workspace_ids:
        filters.append(("workspaceIds", ",".join(workspace_ids)))
    return page_answer(call, "/jobs", data, filters, limit, offset, had_items=bool(page))


def create_job(call: Call) -> web.Response:
    """POST /jobs: 409 while the connection has a job that has not finished."""
    body = call.json()
    connection_id = required_uuid(body, "connectionId")
    job_type = required_str(body, "jobType")
    if job_type not in JOB_TYPES:
        raise bad_request(f"jobType must be one of {', '.join(JOB_TYPES)}.")
    if job_type == "refresh":
        raise unprocessable("Refresh jobs cannot be started through the public API.")
    call.store.connections.get(connection_id)
    running = call.store.running_job(connection_id)
    if running is not None:
        raise conflict(
            f"A sync is already running for connection {connection_id}: job {running.job_id}."
        )
    job = call.fake._new_job(connection_id, job_type=job_type)
    return json_response(job.to_json(call.store.now()))


def get_job(call: Call) -> web.Response:
    """GET /jobs/{jobId}"""
    return json_response(_job(call).to_json(call.store.now()))


def cancel_job(call: Call) -> web.Response:
    """DELETE /jobs/{jobId}: cancels a job that has not finished; 409 if it has."""
    job = _job(call)
    now = call.store.now()
    status = job.status(now)
    if status in FINAL_STATUSES:
        raise conflict(
            f"Job {job.job_id} has already {status} and cannot be cancelled.",
            title="state-conflict",
        )
    job.cancelled_at = now
    return json_response(job.to_json(now))


_IN = Scope.WORKSPACE
ROUTES = (
    Route("GET", "/jobs", list_jobs, _IN),
    Route("POST", "/jobs", create_job, _IN),
    Route("GET", "/jobs/{jobId}", get_job, _IN),
    Route("DELETE", "/jobs/{jobId}", cancel_job, _IN),
)
