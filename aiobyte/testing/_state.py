"""The fake's in-memory "database": resources as the API answers them, and jobs.

Resources are plain camelCase dicts exactly as the API returns them. They are never
mutated in place (an update stores a new dict), so a dict handed out stays a snapshot
and configurations may be shared between thousands of seeded sources.

Jobs are computed from the clock: a :class:`JobRecord` keeps when it was created and
the :class:`JobPlan` it follows, and its status, progress and timestamps are derived
from ``clock.time()`` whenever it is read.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from aiobyte._clock import Clock

from ._data import DEFINITION_IDS, sample_configuration, sample_name, sample_streams

__all__ = [
    "FINAL_STATUSES",
    "JOB_STATUSES",
    "JOB_TYPES",
    "Collection",
    "JobPlan",
    "JobRecord",
    "NotFound",
    "State",
    "iso_duration",
    "iso_time",
]

JSON = dict[str, Any]

JOB_STATUSES = ("pending", "queued", "running", "incomplete", "failed", "succeeded", "cancelled")
JOB_TYPES = ("sync", "reset", "refresh", "clear")
FINAL_STATUSES = frozenset({"failed", "succeeded", "cancelled"})
CONNECTION_STATUSES = ("active", "inactive", "deprecated", "locked")


class NotFound(KeyError):
    """No such resource (or it was deleted); the server answers 404."""

    def __init__(self, resource_type: str, resource_id: object) -> None:
        super().__init__(f"{resource_type} {resource_id} not found")
        self.resource_type = resource_type
        self.resource_id = resource_id


def iso_time(epoch: float) -> str:
    """``2026-01-15T08:00:00Z``: how the API writes a job's timestamps."""
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_duration(seconds: float) -> str:
    """An ISO-8601 duration such as ``PT8H6M12S`` (whole seconds)."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    out = "PT"
    if hours:
        out += f"{hours}H"
    if minutes:
        out += f"{minutes}M"
    if secs or out == "PT":
        out += f"{secs}S"
    return out


def definition_id(kind: str) -> str:
    """The definition id of ``"source-postgres"`` & co (a stable made-up one if unknown)."""
    known = DEFINITION_IDS.get(kind)
    return known or str(uuid.uuid5(uuid.NAMESPACE_URL, f"airbyte:{kind}"))


def default_notifications() -> JSON:
    """A workspace's notification settings as a new workspace has them."""
    off = {"email": {"enabled": False}, "webhook": {"enabled": False}}
    return {
        "failure": {"email": {"enabled": True}, "webhook": {"enabled": False}},
        "success": off,
        "connectionUpdate": {"email": {"enabled": True}, "webhook": {"enabled": False}},
        "connectionUpdateActionRequired": {
            "email": {"enabled": True},
            "webhook": {"enabled": False},
        },
        "syncDisabled": {"email": {"enabled": True}, "webhook": {"enabled": False}},
        "syncDisabledWarning": {"email": {"enabled": True}, "webhook": {"enabled": False}},
    }


class Collection:
    """One kind of resource in insertion order, with soft deletion.

    Lists are cached per filter until the next change, so paging through 10,000
    sources costs one scan, not one per page.
    """

    def __init__(self, resource_type: str, id_field: str) -> None:
        self.resource_type = resource_type
        self.id_field = id_field
        self.items: dict[str, JSON] = {}
        self.deleted: set[str] = set()
        self._cache: dict[tuple[Any, ...], list[JSON]] = {}

    def add(self, obj: JSON) -> JSON:
        """Store a new object (or replace one, keeping its place in the order)."""
        self.items[obj[self.id_field]] = obj
        self._cache.clear()
        return obj

    def add_many(self, objs: list[JSON]) -> None:
        """Store many new objects at once."""
        field_name = self.id_field
        self.items.update((obj[field_name], obj) for obj in objs)
        self._cache.clear()

    def get(self, resource_id: str, *, include_deleted: bool = False) -> JSON:
        """The object; ``NotFound`` if it does not exist or was deleted."""
        obj = self.items.get(resource_id)
        if obj is None or (resource_id in self.deleted and not include_deleted):
            raise NotFound(self.resource_type, resource_id)
        return obj

    def update(self, resource_id: str, changes: JSON) -> JSON:
        """Store a copy of the object with ``changes`` applied and return it."""
        obj = {**self.get(resource_id), **changes}
        return self.add(obj)

    def delete(self, resource_id: str, **changes: Any) -> None:
        """Soft-delete: hidden from lists (unless asked for) and 404 from now on."""
        if changes:
            self.update(resource_id, changes)
        self.get(resource_id)
        self.deleted.add(resource_id)
        self._cache.clear()

    def query(
        self,
        *,
        workspace_ids: tuple[str, ...] = (),
        include_deleted: bool = False,
        tag_ids: tuple[str, ...] = (),
    ) -> list[JSON]:
        """Every object matching the filters, in insertion order."""
        key = (workspace_ids, include_deleted, tag_ids)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        objs: list[JSON] | Any = self.items.values()
        if not include_deleted and self.deleted:
            deleted, id_field = self.deleted, self.id_field
            objs = [o for o in objs if o[id_field] not in deleted]
        if workspace_ids:
            wanted = frozenset(workspace_ids)
            objs = [o for o in objs if o.get("workspaceId") in wanted]
        if tag_ids:
            tags = frozenset(tag_ids)
            objs = [o for o in objs if any(t.get("tagId") in tags for t in o.get("tags", ()))]
        result = list(objs)
        self._cache[key] = result
        return result

    def ids(self, *, include_deleted: bool = False) -> list[str]:
        """The ids in insertion order (deleted ones only if asked for)."""
        return [o[self.id_field] for o in self.query(include_deleted=include_deleted)]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[JSON]:
        return iter(list(self.items.values()))

    def __contains__(self, resource_id: object) -> bool:
        return resource_id in self.items and resource_id not in self.deleted


@dataclass(frozen=True)
class JobPlan:
    """How the jobs of a connection run: queued ``queued_for`` s, run ``duration`` s, end in
    ``outcome``, syncing ``rows_per_second`` rows of ``bytes_per_row`` bytes meanwhile."""

    queued_for: float = 2.0
    duration: float = 30.0
    outcome: str = "succeeded"
    rows_per_second: float = 1000.0
    bytes_per_row: int = 200

    def __post_init__(self) -> None:
        if self.outcome not in FINAL_STATUSES:
            raise ValueError(f"outcome must be one of {sorted(FINAL_STATUSES)}")
        if self.queued_for < 0 or self.duration < 0:
            raise ValueError("queued_for and duration must be >= 0")


@dataclass
class JobRecord:
    """A job: what it is, when it was created and the plan it follows.

    ``pinned_status`` keeps a job in ``queued`` or ``incomplete`` until it is
    cancelled; otherwise the status follows the plan and the clock.
    """

    job_id: int
    connection_id: str
    workspace_id: str
    job_type: str
    created_at: float
    plan: JobPlan
    pinned_status: str | None = None
    cancelled_at: float | None = None
    extra: JSON = field(default_factory=dict)

    def view(self, now: float) -> tuple[str, float, float]:
        """``(status, updated_at, seconds spent running)`` at ``now``."""
        start = self.created_at + self.plan.queued_for
        end = start + self.plan.duration
        if self.cancelled_at is not None:
            return (
                "cancelled",
                self.cancelled_at,
                min(max(0.0, self.cancelled_at - start), self.plan.duration),
            )
        if self.pinned_status is not None:
            return self.pinned_status, self.created_at, 0.0
        if now < start:
            return "pending", self.created_at, 0.0
        if now < end:
            return "running", now, now - start
        return self.plan.outcome, end, self.plan.duration

    def status(self, now: float) -> str:
        """The status at ``now``."""
        return self.view(now)[0]

    def is_final(self, now: float) -> bool:
        """True once it succeeded, failed or was cancelled."""
        return self.status(now) in FINAL_STATUSES

    def updated_at(self, now: float) -> float:
        """When it last changed (``now`` while it runs: its counters grow)."""
        return self.view(now)[1]

    def to_json(self, now: float) -> JSON:
        """The job as ``GET /jobs/{jobId}`` answers it at ``now``."""
        status, updated, running = self.view(now)
        rows = int(running * self.plan.rows_per_second) if self.job_type == "sync" else 0
        return {
            "jobId": self.job_id,
            "status": status,
            "jobType": self.job_type,
            "startTime": iso_time(self.created_at),
            "connectionId": self.connection_id,
            "lastUpdatedAt": iso_time(updated),
            "duration": iso_duration(updated - self.created_at),
            "bytesSynced": rows * self.plan.bytes_per_row,
            "rowsSynced": rows,
            **self.extra,
        }


class State:
    """Everything the fake knows; also usable directly from tests (``fake.state``)."""

    def __init__(self, clock: Clock, *, rng: random.Random | None = None) -> None:
        self.clock = clock
        self.rng = rng if rng is not None else random.Random(0)
        self.workspaces = Collection("workspace", "workspaceId")
        self.sources = Collection("source", "sourceId")
        self.destinations = Collection("destination", "destinationId")
        self.connections = Collection("connection", "connectionId")
        self.tags = Collection("tag", "tagId")
        self.jobs: dict[int, JobRecord] = {}
        self.plans: dict[str, JobPlan] = {}
        self.default_plan = JobPlan()
        #: ``(workspaceId, actorType, name) -> configuration`` of OAuth overrides.
        self.oauth_credentials: dict[tuple[str, str, str], JSON] = {}
        #: ``workspaceId -> organizationId`` of workspaces created in an organization (the
        #: API does not answer it, so it is kept beside the workspace).
        self.workspace_organizations: dict[str, str] = {}
        self._next_job_id = 1

    def now(self) -> float:
        """The fake's current time (epoch seconds)."""
        return self.clock.time()

    # -- workspaces, sources, destinations ---------------------------------------------

    def new_workspace(self, name: str, **extra: Any) -> JSON:
        """Create a workspace; ``extra`` camelCase fields are stored and answered as given."""
        workspace: JSON = {
            "workspaceId": str(uuid.uuid4()),
            "name": name,
            "dataResidency": "auto",
            "notifications": default_notifications(),
            **extra,
        }
        return self.workspaces.add(workspace)

    def _actor(
        self,
        actor: str,
        workspace_id: str,
        name: str | None,
        actor_type: str,
        configuration: JSON | None,
        definition: str | None,
    ) -> JSON:
        self.workspaces.get(workspace_id)
        kind = f"{actor}-{actor_type}"
        if configuration is None:
            configuration = (
                sample_configuration(kind, rng=self.rng) if kind in DEFINITION_IDS else {}
            )
        return {
            f"{actor}Id": str(uuid.uuid4()),
            "name": name or sample_name(kind, self.rng),
            f"{actor}Type": actor_type,
            "definitionId": definition or definition_id(kind),
            "workspaceId": workspace_id,
            "configuration": configuration,
            "createdAt": int(self.now()),
        }

    def new_source(
        self,
        workspace_id: str,
        *,
        name: str | None = None,
        source_type: str = "postgres",
        configuration: JSON | None = None,
        definition_id: str | None = None,
    ) -> JSON:
        """Create a source in ``workspace_id`` (``NotFound`` if the workspace does not exist)."""
        obj = self._actor("source", workspace_id, name, source_type, configuration, definition_id)
        return self.sources.add(obj)

    def new_sources(
        self,
        workspace_id: str,
        count: int,
        *,
        source_type: str = "postgres",
        configuration: JSON | Callable[[int], JSON] | None = None,
    ) -> list[str]:
        """Create ``count`` sources at once (fast: no per-source configuration generation)."""
        self.workspaces.get(workspace_id)
        kind = f"source-{source_type}"
        if configuration is None:
            pool = (
                [sample_configuration(kind, rng=self.rng) for _ in range(8)]
                if (kind in DEFINITION_IDS)
                else [{}]
            )
            configure: Callable[[int], JSON] = lambda i: pool[i % len(pool)]  # noqa: E731
        elif callable(configuration):
            configure = configuration
        else:
            fixed = configuration
            configure = lambda i: fixed  # noqa: E731
        created = int(self.now())
        definition = definition_id(kind)
        start = len(self.sources)
        objs: list[JSON] = [
            {
                "sourceId": str(uuid.uuid4()),
                "name": f"{source_type} source {start + i + 1}",
                "sourceType": source_type,
                "definitionId": definition,
                "workspaceId": workspace_id,
                "configuration": configure(i),
                "createdAt": created,
            }
            for i in range(count)
        ]
        self.sources.add_many(objs)
        return [o["sourceId"] for o in objs]

    def new_destination(
        self,
        workspace_id: str,
        *,
        name: str | None = None,
        destination_type: str = "bigquery",
        configuration: JSON | None = None,
        definition_id: str | None = None,
    ) -> JSON:
        """Create a destination in ``workspace_id``."""
        obj = self._actor(
            "destination", workspace_id, name, destination_type, configuration, definition_id
        )
        return self.destinations.add(obj)

    # -- connections -------------------------------------------------------------------

    def new_connection(
        self,
        source_id: str,
        destination_id: str,
        *,
        name: str | None = None,
        status: str = "active",
        schedule: JSON | None = None,
        configurations: JSON | None = None,
        **extra: Any,
    ) -> JSON:
        """Create a connection from a source to a destination (``NotFound`` if either is gone).

        The name defaults to ``"<source> → <destination>"`` as in the web app; without
        ``configurations`` a few streams are configured, as the server does after it
        discovers the source's schema.
        """
        if status not in CONNECTION_STATUSES:
            raise ValueError(f"status must be one of {CONNECTION_STATUSES}")
        source = self.sources.get(source_id)
        destination = self.destinations.get(destination_id)
        if configurations is None:
            configurations = {"streams": sample_streams(source["sourceType"], self.rng)}
        connection: JSON = {
            "connectionId": str(uuid.uuid4()),
            "name": name or f"{source['name']} → {destination['name']}",
            "sourceId": source_id,
            "destinationId": destination_id,
            "workspaceId": source["workspaceId"],
            "status": status,
            "schedule": schedule or {"scheduleType": "manual"},
            "dataResidency": "auto",
            "nonBreakingSchemaUpdatesBehavior": "ignore",
            "namespaceDefinition": "destination",
            "prefix": "",
            "configurations": configurations,
            "createdAt": int(self.now()),
            "tags": [],
            **extra,
        }
        return self.connections.add(connection)

    def delete_actor(self, collection: Collection, resource_id: str) -> None:
        """Delete a source or destination and, as the server does, its connections."""
        collection.delete(resource_id)
        field_name = collection.id_field
        for connection in self.connections.query():
            if connection[field_name] == resource_id:
                self.delete_connection(connection["connectionId"])

    def delete_connection(self, connection_id: str) -> None:
        """Soft-delete a connection: it is listed as ``deprecated`` with ``includeDeleted``."""
        self.connections.delete(connection_id, status="deprecated")

    # -- jobs --------------------------------------------------------------------------

    def plan_for(self, connection_id: str) -> JobPlan:
        """The plan new jobs of this connection follow."""
        return self.plans.get(connection_id, self.default_plan)

    def running_job(self, connection_id: str) -> JobRecord | None:
        """The connection's job that has not finished yet, if any."""
        now = self.now()
        for job in reversed(self.jobs.values()):
            if job.connection_id == connection_id and not job.is_final(now):
                return job
        return None

    def new_job(
        self,
        connection_id: str,
        *,
        job_type: str = "sync",
        status: str | None = None,
        created_at: float | None = None,
    ) -> JobRecord:
        """Start a job now, following the connection's plan.

        ``status`` makes it look like it is in that state now: a final status
        backdates it so it has just finished that way, ``running`` so it has just
        started; ``queued``/``incomplete`` pin it there until it is cancelled.
        ``created_at`` sets its creation time instead (a final status still holds).
        """
        if job_type not in JOB_TYPES:
            raise ValueError(f"job_type must be one of {JOB_TYPES}")
        if status is not None and status not in JOB_STATUSES:
            raise ValueError(f"status must be one of {JOB_STATUSES}")
        connection = self.connections.get(connection_id, include_deleted=True)
        plan = self.plan_for(connection_id)
        now = self.now()
        pinned = None
        cancelled_at = None
        if status in FINAL_STATUSES:
            if created_at is None:
                created_at = now - plan.queued_for - plan.duration
            queued_for = min(plan.queued_for, max(0.0, now - created_at))
            duration = min(plan.duration, max(0.0, now - created_at - queued_for))
            outcome = status if status != "cancelled" else plan.outcome
            plan = replace(plan, queued_for=queued_for, duration=duration, outcome=outcome)
            if status == "cancelled":
                cancelled_at = created_at + queued_for + duration
        elif status == "running" and created_at is None:
            created_at = now - plan.queued_for
        elif status in ("queued", "incomplete"):
            pinned = status
        job = JobRecord(
            job_id=self._next_job_id,
            connection_id=connection_id,
            workspace_id=connection["workspaceId"],
            job_type=job_type,
            created_at=now if created_at is None else created_at,
            plan=plan,
            pinned_status=pinned,
            cancelled_at=cancelled_at,
        )
        self._next_job_id += 1
        self.jobs[job.job_id] = job
        return job

    def get_job(self, job_id: int) -> JobRecord:
        """The job; ``NotFound`` if there is none with that id."""
        job = self.jobs.get(job_id)
        if job is None:
            raise NotFound("job", job_id)
        return job

    def cancel_job(self, job: JobRecord) -> None:
        """Cancel a job that has not finished (the caller checks that)."""
        job.cancelled_at = self.now()

    def query_jobs(
        self,
        *,
        connection_id: str | None = None,
        workspace_ids: tuple[str, ...] = (),
        job_type: str | None = None,
        order_by: str = "createdAt",
        descending: bool = False,
    ) -> list[JobRecord]:
        """The jobs the database query selects, ordered; status and dates are not filtered here."""
        now = self.now()
        jobs = [
            job
            for job in self.jobs.values()
            if (connection_id is None or job.connection_id == connection_id)
            and (not workspace_ids or job.workspace_id in workspace_ids)
            and (job_type is None or job.job_type == job_type)
        ]
        if order_by == "updatedAt":
            jobs.sort(key=lambda j: (j.updated_at(now), j.job_id), reverse=descending)
        else:
            jobs.sort(key=lambda j: (j.created_at, j.job_id), reverse=descending)
        return jobs
