"""The fake's one store: every resource as the API answers it, and jobs.

Resources are plain camelCase dicts exactly as the API returns them, kept in a
:class:`Collection` per kind. They are never mutated in place (an update stores a new
dict), so a dict handed out stays a snapshot and configurations may be shared between
thousands of seeded sources. Reading a missing (or deleted) one raises
:class:`NotFound`, which the server answers with 404.

Jobs are computed from the clock: a :class:`JobRecord` keeps when it was created and
the :class:`JobPlan` it follows, and its status, progress and timestamps are derived
from ``clock.time()`` whenever it is read.

Objects are created in :mod:`._seed` (for tests and for the API handlers alike); the
store keeps them, answers queries and derives what the server derives (an
organization's members, a group's ``memberCount``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from aiobyte._clock import Clock

__all__ = [
    "CONNECTION_STATUSES",
    "DEFINITION_KINDS",
    "FINAL_STATUSES",
    "JOB_STATUSES",
    "JOB_TYPES",
    "Collection",
    "JobPlan",
    "JobRecord",
    "NotFound",
    "State",
    "Store",
    "iso_duration",
    "iso_time",
]

JSON = dict[str, Any]

JOB_STATUSES = ("pending", "queued", "running", "incomplete", "failed", "succeeded", "cancelled")
JOB_TYPES = ("sync", "reset", "refresh", "clear")
FINAL_STATUSES = frozenset({"failed", "succeeded", "cancelled"})
CONNECTION_STATUSES = ("active", "inactive", "deprecated", "locked")
#: The path segments of custom connector definitions.
DEFINITION_KINDS = ("sources", "destinations", "declarative_sources")


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

    def where(self, key: str, value: object) -> list[JSON]:
        """The objects (not deleted) whose ``key`` is ``value``, in insertion order."""
        return [o for o in self.query() if o.get(key) == value]

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


class Store:
    """Everything the fake knows (``fake.state``): one collection per resource, jobs,
    job plans, OAuth overrides and what the API does not answer but the server knows
    (the organization a workspace belongs to, Embedded end users' workspaces)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.workspaces = Collection("workspace", "workspaceId")
        self.sources = Collection("source", "sourceId")
        self.destinations = Collection("destination", "destinationId")
        self.connections = Collection("connection", "connectionId")
        self.tags = Collection("tag", "tagId")
        self.organizations = Collection("organization", "organizationId")
        self.users = Collection("user", "id")
        self.permissions = Collection("permission", "permissionId")
        self.applications = Collection("application", "id")
        self.regions = Collection("region", "regionId")
        self.dataplanes = Collection("dataplane", "dataplaneId")
        self.groups = Collection("group", "groupId")
        self.group_members = Collection("group member", "memberId")
        self.group_permissions = Collection("group permission", "permissionId")
        #: Custom definitions by path segment; each keeps its ``workspaceId`` (not answered).
        self.definitions = {
            "sources": Collection("source definition", "id"),
            "destinations": Collection("destination definition", "id"),
            "declarative_sources": Collection("declarative source definition", "id"),
        }
        self.jobs: dict[int, JobRecord] = {}
        self.plans: dict[str, JobPlan] = {}
        self.default_plan = JobPlan()
        #: ``(workspaceId or organizationId, actorType, name) -> configuration``: the OAuth
        #: overrides of workspaces and organizations (their ids never collide).
        self.oauth_credentials: dict[tuple[str, str, str], JSON] = {}
        #: ``workspaceId -> organizationId`` (the API does not answer it).
        self.workspace_organizations: dict[str, str] = {}
        #: ``(organizationId, externalUserId) -> workspaceId`` of Embedded end users.
        self.embedded_workspaces: dict[tuple[str, str], str] = {}

    def now(self) -> float:
        """The fake's current time (epoch seconds)."""
        return self.clock.time()

    def now_iso(self) -> str:
        """The fake's time as regions and dataplanes write it."""
        return iso_time(self.now())

    # -- deletion as the server cascades it -----------------------------------------------

    def delete_actor(self, collection: Collection, resource_id: str) -> None:
        """Delete a source or destination and, as the server does, its connections."""
        collection.delete(resource_id)
        for connection in self.connections.where(collection.id_field, resource_id):
            self.delete_connection(connection["connectionId"])

    def delete_connection(self, connection_id: str) -> None:
        """Soft-delete a connection: it is listed as ``deprecated`` with ``includeDeleted``."""
        self.connections.delete(connection_id, status="deprecated")

    def delete_group(self, group_id: str) -> None:
        """Delete a group with its members and permissions."""
        for collection in (self.group_members, self.group_permissions):
            for item in collection.where("groupId", group_id):
                collection.delete(item[collection.id_field])
        self.groups.delete(group_id)

    # -- derived views ------------------------------------------------------------------

    def organization_of(self, workspace_id: str) -> str | None:
        """The organization a workspace was created in, if any."""
        return self.workspace_organizations.get(workspace_id)

    def members(self, organization_id: str) -> list[JSON]:
        """The users with a permission in the organization, in creation order."""
        ids = {
            p["userId"]
            for p in self.permissions.query()
            if p.get("organizationId") == organization_id
            or self.organization_of(p.get("workspaceId", "")) == organization_id
        }
        return [u for u in self.users.query() if u["id"] in ids]

    def group(self, group_id: str) -> JSON:
        """A group as the API answers it, with its ``memberCount``."""
        group = self.groups.get(group_id)
        return {**group, "memberCount": len(self.group_members.where("groupId", group_id))}

    # -- jobs ---------------------------------------------------------------------------

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

    def get_job(self, job_id: int) -> JobRecord:
        """The job; ``NotFound`` if there is none with that id."""
        job = self.jobs.get(job_id)
        if job is None:
            raise NotFound("job", job_id)
        return job

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


#: The name ``fake.state`` has always had.
State = Store
