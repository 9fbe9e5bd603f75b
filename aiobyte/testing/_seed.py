"""Seeding: the one place where the fake's objects are made, for tests and the API alike.

:class:`Seeding` is a base of :class:`~aiobyte.testing.FakeAirbyte`, so a test seeds
with ``fake.seed(...)``, ``fake.add_workspace(...)``, ``fake.add_user(...)`` and so on;
the API handlers create through the same methods, so an object made by a test and one
made by a ``POST`` look alike. Generated data (names, configurations, streams) is drawn
from the fake's seeded data RNG.
"""

from __future__ import annotations

import random
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ._data import (
    CONFIGURATION_KINDS,
    DESTINATION_KINDS,
    SOURCE_KINDS,
    connector_type,
    definition_id,
    sample_configuration,
    sample_name,
    sample_streams,
)
from ._store import (
    CONNECTION_STATUSES,
    FINAL_STATUSES,
    JOB_STATUSES,
    JOB_TYPES,
    JobPlan,
    JobRecord,
    Store,
)

__all__ = ["Seeded", "Seeding", "default_notifications"]

JSON = dict[str, Any]

_JOB_HISTORY = ("succeeded", "failed", "succeeded", "cancelled", "succeeded")
_NAMES = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov"]


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


@dataclass
class Seeded:
    """The ids :meth:`Seeding.seed` created, in creation order."""

    workspaces: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    destinations: list[str] = field(default_factory=list)
    connections: list[str] = field(default_factory=list)
    jobs: list[int] = field(default_factory=list)

    @property
    def workspace_ids(self) -> list[str]:
        """Alias of ``workspaces``."""
        return self.workspaces

    @property
    def source_ids(self) -> list[str]:
        """Alias of ``sources``."""
        return self.sources

    @property
    def destination_ids(self) -> list[str]:
        """Alias of ``destinations``."""
        return self.destinations

    @property
    def connection_ids(self) -> list[str]:
        """Alias of ``connections``."""
        return self.connections

    @property
    def job_ids(self) -> list[int]:
        """Alias of ``jobs``."""
        return self.jobs


class Seeding:
    """Make the fake's data: one method per kind of object, and :meth:`seed` for a lot.

    Every method raises ``KeyError`` (:class:`~._store.NotFound`) when an object it
    refers to does not exist, and ``ValueError`` for a value the API would refuse.
    """

    state: Store
    _data_rng: random.Random

    # -- workspaces, sources, destinations ------------------------------------------------

    def add_workspace(
        self, name: str | None = None, *, organization_id: str | None = None, **extra: Any
    ) -> JSON:
        """Create a workspace (in ``organization_id`` if given); ``extra`` camelCase
        fields are stored and answered as given."""
        if organization_id is not None:
            self.state.organizations.get(organization_id)
        workspace: JSON = {
            "workspaceId": str(uuid.uuid4()),
            "name": name or f"Workspace {len(self.state.workspaces) + 1}",
            "dataResidency": "auto",
            "notifications": default_notifications(),
            **extra,
        }
        self.state.workspaces.add(workspace)
        if organization_id is not None:
            self.state.workspace_organizations[workspace["workspaceId"]] = organization_id
        return workspace

    def _actor(
        self,
        actor: str,
        workspace_id: str,
        name: str | None,
        actor_type: str,
        configuration: JSON | None,
        definition: str | None,
    ) -> JSON:
        self.state.workspaces.get(workspace_id)
        kind = f"{actor}-{actor_type}"
        if configuration is None:
            configuration = (
                sample_configuration(kind, rng=self._data_rng)
                if kind in CONFIGURATION_KINDS
                else {}
            )
        return {
            f"{actor}Id": str(uuid.uuid4()),
            "name": name or sample_name(kind, self._data_rng),
            f"{actor}Type": actor_type,
            "definitionId": definition or definition_id(kind),
            "workspaceId": workspace_id,
            "configuration": configuration,
            "createdAt": int(self.state.now()),
        }

    def add_source(
        self,
        workspace_id: str,
        *,
        name: str | None = None,
        source_type: str = "postgres",
        configuration: JSON | None = None,
        definition_id: str | None = None,
    ) -> JSON:
        """Create a source (realistic configuration unless given); ``KeyError`` if no workspace."""
        obj = self._actor("source", workspace_id, name, source_type, configuration, definition_id)
        return self.state.sources.add(obj)

    def add_sources(
        self,
        workspace_id: str,
        count: int,
        *,
        configuration: JSON | Callable[[int], JSON] | None = None,
        source_type: str = "postgres",
    ) -> list[str]:
        """Create ``count`` sources fast (10,000 in a fraction of a second); their ids.

        ``configuration`` is one dict for all, a callable ``i -> dict``, or ``None`` for
        a few realistic configurations shared in turn.
        """
        self.state.workspaces.get(workspace_id)
        kind = f"source-{source_type}"
        if configuration is None:
            pool = (
                [sample_configuration(kind, rng=self._data_rng) for _ in range(8)]
                if kind in CONFIGURATION_KINDS
                else [{}]
            )
            configure: Callable[[int], JSON] = lambda i: pool[i % len(pool)]  # noqa: E731
        elif callable(configuration):
            configure = configuration
        else:
            fixed = configuration
            configure = lambda i: fixed  # noqa: E731
        created = int(self.state.now())
        definition = definition_id(kind)
        start = len(self.state.sources)
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
        self.state.sources.add_many(objs)
        return [o["sourceId"] for o in objs]

    def add_destination(
        self,
        workspace_id: str,
        *,
        name: str | None = None,
        destination_type: str = "bigquery",
        configuration: JSON | None = None,
        definition_id: str | None = None,
    ) -> JSON:
        """Create a destination; ``KeyError`` if the workspace does not exist."""
        obj = self._actor(
            "destination", workspace_id, name, destination_type, configuration, definition_id
        )
        return self.state.destinations.add(obj)

    # -- connections and jobs -----------------------------------------------------------

    def add_connection(
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
        """Create a connection; ``KeyError`` if the source or destination does not exist.

        The name defaults to ``"<source> → <destination>"`` as in the web app; without
        ``configurations`` a few streams are configured, as the server does after it
        discovers the source's schema.
        """
        if status not in CONNECTION_STATUSES:
            raise ValueError(f"status must be one of {CONNECTION_STATUSES}")
        source = self.state.sources.get(source_id)
        destination = self.state.destinations.get(destination_id)
        if configurations is None:
            configurations = {"streams": sample_streams(source["sourceType"], self._data_rng)}
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
            "createdAt": int(self.state.now()),
            "tags": [],
            **extra,
        }
        return self.state.connections.add(connection)

    def add_job(
        self,
        connection_id: str,
        *,
        job_type: str = "sync",
        status: str | None = None,
        created_at: float | None = None,
    ) -> JSON:
        """Create a job directly (no 409 check) and return it as the API shows it now.

        ``status`` makes it look like it is in that state now: a final status means it
        has just finished that way, ``running`` that it has just started, ``queued`` and
        ``incomplete`` stay until cancelled; ``None`` starts it now, per the plan.
        ``created_at`` sets its creation time instead (a final status still holds).
        """
        job = self._new_job(connection_id, job_type=job_type, status=status, created_at=created_at)
        return job.to_json(self.state.now())

    def _new_job(
        self,
        connection_id: str,
        *,
        job_type: str = "sync",
        status: str | None = None,
        created_at: float | None = None,
    ) -> JobRecord:
        if job_type not in JOB_TYPES:
            raise ValueError(f"job_type must be one of {JOB_TYPES}")
        if status is not None and status not in JOB_STATUSES:
            raise ValueError(f"status must be one of {JOB_STATUSES}")
        state = self.state
        connection = state.connections.get(connection_id, include_deleted=True)
        plan = state.plan_for(connection_id)
        now = state.now()
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
            job_id=len(state.jobs) + 1,  # jobs are never deleted: ids count them
            connection_id=connection_id,
            workspace_id=connection["workspaceId"],
            job_type=job_type,
            created_at=now if created_at is None else created_at,
            plan=plan,
            pinned_status=pinned,
            cancelled_at=cancelled_at,
        )
        state.jobs[job.job_id] = job
        return job

    def plan_jobs(
        self,
        connection_id: str | None,
        *,
        queued_for: float = 2.0,
        duration: float = 30.0,
        outcome: str = "succeeded",
        rows_per_second: float = 1000,
        bytes_per_row: int = 200,
    ) -> JobPlan:
        """Decide how the connection's next jobs run (``None``: every connection's default).

        A job is ``pending`` for ``queued_for`` s, ``running`` for ``duration`` s while
        ``rowsSynced`` grows by ``rows_per_second``, then ends in ``outcome``
        (``succeeded``, ``failed`` or ``cancelled``).
        """
        plan = JobPlan(
            queued_for=queued_for,
            duration=duration,
            outcome=outcome,
            rows_per_second=float(rows_per_second),
            bytes_per_row=bytes_per_row,
        )
        if connection_id is None:
            self.state.default_plan = plan
        else:
            self.state.connections.get(connection_id, include_deleted=True)
            self.state.plans[connection_id] = plan
        return plan

    # -- organizations, users, permissions, applications ----------------------------------

    def add_organization(
        self,
        name: str | None = None,
        *,
        email: str | None = None,
        organization_id: str | None = None,
    ) -> JSON:
        """Create an organization (the credentials' user belongs to every one), with a new
        id unless given (self-managed installs have ``00000000-0000-0000-0000-000000000000``)."""
        number = len(self.state.organizations) + 1
        return self.state.organizations.add(
            {
                "organizationId": organization_id or str(uuid.uuid4()),
                "organizationName": name or f"Organization {number}",
                "email": email or f"admin{number}@example.com",
            }
        )

    def add_user(
        self,
        organization_id: str,
        *,
        name: str | None = None,
        email: str | None = None,
        permission_type: str = "organization_member",
    ) -> JSON:
        """Create a user in an organization (with an organization permission); ``KeyError``
        if there is no such organization."""
        self.state.organizations.get(organization_id)
        number = len(self.state.users) + 1
        user = self.state.users.add(
            {
                "id": str(uuid.uuid4()),
                "name": name or _NAMES[(number - 1) % len(_NAMES)],
                "email": email or f"user{number}@example.com",
            }
        )
        self.add_permission(user["id"], permission_type, organization_id=organization_id)
        return user

    def add_permission(
        self,
        user_id: str,
        permission_type: str,
        *,
        workspace_id: str | None = None,
        organization_id: str | None = None,
    ) -> JSON:
        """Grant a user a permission on a workspace or an organization."""
        permission: JSON = {
            "permissionId": str(uuid.uuid4()),
            "permissionType": permission_type,
            "userId": user_id,
        }
        if workspace_id is not None:
            permission["workspaceId"] = workspace_id
        if organization_id is not None:
            permission["organizationId"] = organization_id
        return self.state.permissions.add(permission)

    def add_application(self, name: str) -> JSON:
        """Create an application with fresh client credentials (they get tokens)."""
        return self.state.applications.add(
            {
                "id": str(uuid.uuid4()),
                "name": name,
                "clientId": str(uuid.uuid4()),
                "clientSecret": secrets.token_urlsafe(32),
                "createdAt": int(self.state.now()),
            }
        )

    def embedded_workspace(self, organization_id: str, external_user_id: str) -> str:
        """The workspace of an Embedded end user, created in the organization on first use."""
        key = (organization_id, external_user_id)
        workspace_id = self.state.embedded_workspaces.get(key)
        if workspace_id is None or workspace_id not in self.state.workspaces:
            workspace_id = self.add_workspace(external_user_id, organization_id=organization_id)[
                "workspaceId"
            ]
            self.state.embedded_workspaces[key] = workspace_id
        return workspace_id

    # -- a lot at once --------------------------------------------------------------------

    def seed(
        self,
        workspaces: int = 3,
        sources: int = 4,
        destinations: int = 2,
        connections: int = 2,
        jobs: int = 3,
        *,
        organization_id: str | None = None,
    ) -> Seeded:
        """Fill the fake with realistic data; counts are per workspace (jobs per connection).

        The workspaces are in ``organization_id`` if given (it must exist).

        Sources and destinations cycle through the known connector kinds; connections
        pair them in turn; jobs are finished (mostly ``succeeded``), an hour apart.
        Raises ``ValueError`` for connections without sources or destinations.
        """
        if connections and (not sources or not destinations):
            raise ValueError("connections need at least one source and one destination")
        seeded = Seeded()
        now = self.state.now()
        for _ in range(workspaces):
            workspace_id = self.add_workspace(organization_id=organization_id)["workspaceId"]
            seeded.workspaces.append(workspace_id)
            source_ids = [
                self.add_source(
                    workspace_id, source_type=connector_type(SOURCE_KINDS[i % len(SOURCE_KINDS)])
                )["sourceId"]
                for i in range(sources)
            ]
            destination_ids = [
                self.add_destination(
                    workspace_id,
                    destination_type=connector_type(DESTINATION_KINDS[i % len(DESTINATION_KINDS)]),
                )["destinationId"]
                for i in range(destinations)
            ]
            seeded.sources += source_ids
            seeded.destinations += destination_ids
            for i in range(connections):
                connection_id = self.add_connection(
                    source_ids[i % len(source_ids)], destination_ids[i % len(destination_ids)]
                )["connectionId"]
                seeded.connections.append(connection_id)
                for j in range(jobs):
                    job = self._new_job(
                        connection_id,
                        status=_JOB_HISTORY[j % len(_JOB_HISTORY)],
                        created_at=now - (jobs - j) * 3600.0,
                    )
                    seeded.jobs.append(job.job_id)
        return seeded
