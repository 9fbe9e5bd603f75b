"""The fake's state beyond the core resources: organizations, users, permissions, groups,
applications, regions, dataplanes and custom connector definitions.

Objects are camelCase dicts as the API answers them, kept in
:class:`~._state.Collection` like the core ones. Custom definitions also keep the
``workspaceId`` they belong to (left out of answers); a group's ``memberCount`` and an
organization's users are derived (from members and permissions) when read.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from ._data import DEFINITION_IDS
from ._state import Collection, State, iso_time

__all__ = ["CATALOG_VERSION", "AdminState", "catalog_definition"]

JSON = dict[str, Any]

#: The image tag the fake gives the definitions of Airbyte's catalog.
CATALOG_VERSION = "1.0.0"

_NAMES = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov"]


def catalog_definition(kind: str) -> JSON:
    """A catalog connector (``"source-postgres"``) as a ``DefinitionResponse``."""
    actor, _, name = kind.partition("-")
    return {
        "id": DEFINITION_IDS[kind],
        "name": name.replace("-", " ").title(),
        "dockerRepository": f"airbyte/{kind}",
        "dockerImageTag": CATALOG_VERSION,
        "documentationUrl": f"https://docs.airbyte.com/integrations/{actor}s/{name}",
    }


class AdminState:
    """Everything the fake keeps beyond workspaces, sources, destinations, connections,
    jobs and tags. ``fake.admin``; its ``add_*`` methods seed data for tests."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.organizations = Collection("organization", "organizationId")
        self.users = Collection("user", "id")
        self.permissions = Collection("permission", "permissionId")
        self.applications = Collection("application", "id")
        self.regions = Collection("region", "regionId")
        self.dataplanes = Collection("dataplane", "dataplaneId")
        self.groups = Collection("group", "groupId")
        self.group_members = Collection("group member", "memberId")
        self.group_permissions = Collection("group permission", "permissionId")
        #: Custom definitions by path segment; each keeps its ``workspaceId``.
        self.definitions = {
            "sources": Collection("source definition", "id"),
            "destinations": Collection("destination definition", "id"),
            "declarative_sources": Collection("declarative source definition", "id"),
        }
        #: ``(organizationId, actorType, name) -> configuration`` of OAuth overrides.
        self.oauth_credentials: dict[tuple[str, str, str], JSON] = {}
        #: ``(organizationId, externalUserId) -> workspaceId`` of Embedded end users.
        self.embedded_workspaces: dict[tuple[str, str], str] = {}

    def now_iso(self) -> str:
        """The fake's time as regions and dataplanes write it."""
        return iso_time(self.state.now())

    # -- seeding helpers -----------------------------------------------------------------

    def add_organization(self, name: str | None = None, *, email: str | None = None) -> JSON:
        """Create an organization (the credentials' user belongs to every one)."""
        number = len(self.organizations) + 1
        return self.organizations.add(
            {
                "organizationId": str(uuid.uuid4()),
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
        self.organizations.get(organization_id)
        number = len(self.users) + 1
        user = self.users.add(
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
        return self.permissions.add(permission)

    def add_application(self, name: str) -> JSON:
        """Create an application with fresh client credentials."""
        return self.applications.add(
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
        workspace_id = self.embedded_workspaces.get(key)
        if workspace_id is None or workspace_id not in self.state.workspaces:
            workspace_id = self.state.new_workspace(external_user_id)["workspaceId"]
            self.state.workspace_organizations[workspace_id] = organization_id
            self.embedded_workspaces[key] = workspace_id
        return workspace_id

    # -- derived views -------------------------------------------------------------------

    def organization_of(self, workspace_id: str) -> str | None:
        """The organization a workspace was created in, if known."""
        known = self.state.workspace_organizations.get(workspace_id)
        if known is not None:
            return known
        workspace = self.state.workspaces.items.get(workspace_id) or {}
        organization = workspace.get("organizationId")
        return organization if isinstance(organization, str) else None

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
        count = sum(1 for m in self.group_members.query() if m["groupId"] == group_id)
        return {**group, "memberCount": count}
