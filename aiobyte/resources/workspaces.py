"""``client.workspaces``: the containers of sources, destinations and connections."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .._pagination import Pager
from .._validate import check_enum, check_name, check_uuid, check_uuids
from ..models import (
    UNSET,
    ActorType,
    NotificationsConfig,
    UnsetType,
    Workspace,
    WorkspaceCreate,
    WorkspaceOAuthCredentials,
    WorkspaceUpdate,
)
from ._base import Params, Resource, as_model, configuration_arg, segment

__all__ = ["Workspaces"]


def _notifications(value: Any) -> Any:
    if value is UNSET:
        return value
    return as_model(NotificationsConfig, value, "notifications")


class Workspaces(Resource):
    """Workspaces: ``list``, ``get``, ``create``, ``update``, ``delete``, and OAuth overrides."""

    def list(
        self,
        *,
        workspace_ids: Iterable[str] | None = None,
        include_deleted: bool = False,
        page_size: int = 100,
        cursor: str | None = None,
    ) -> Pager[Workspace]:
        """Every workspace the credentials may see (or just ``workspace_ids``)."""
        params = Params().add("workspaceIds", check_uuids(workspace_ids, "workspace_ids") or None)
        if include_deleted:
            params.add("includeDeleted", True)
        return self._pager("/workspaces", Workspace, params, page_size=page_size, cursor=cursor)

    async def get(self, workspace_id: str, /) -> Workspace:
        """One workspace. Raises ``NotFoundError`` if there is none with this id."""
        path = f"/workspaces/{check_uuid(workspace_id, 'workspace_id')}"
        return await self._call("GET", path, Workspace)

    async def create(
        self,
        *,
        name: str,
        organization_id: str | UnsetType = UNSET,
        notifications: NotificationsConfig | Mapping[str, Any] | UnsetType = UNSET,
        region_id: str | UnsetType = UNSET,
    ) -> Workspace:
        """Create a workspace. Not resent after an ambiguous failure."""
        body = WorkspaceCreate(
            name=check_name(name, "name"),
            organization_id=(
                UNSET
                if organization_id is UNSET
                else check_uuid(organization_id, "organization_id")
            ),
            notifications=_notifications(notifications),
            region_id=UNSET if region_id is UNSET else check_uuid(region_id, "region_id"),
        )
        return await self._call("POST", "/workspaces", Workspace, body=body)

    async def update(
        self,
        workspace_id: str,
        /,
        *,
        name: str | UnsetType = UNSET,
        notifications: NotificationsConfig | Mapping[str, Any] | UnsetType = UNSET,
        region_id: str | UnsetType = UNSET,
    ) -> Workspace:
        """Change some fields (PATCH); only the arguments given are sent."""
        body = WorkspaceUpdate(
            name=UNSET if name is UNSET else check_name(name, "name"),
            notifications=_notifications(notifications),
            region_id=UNSET if region_id is UNSET else check_uuid(region_id, "region_id"),
        )
        path = f"/workspaces/{check_uuid(workspace_id, 'workspace_id')}"
        return await self._call("PATCH", path, Workspace, body=body, retry_safe=True)

    async def delete(self, workspace_id: str, /) -> None:
        """Delete a workspace."""
        await self._call_no_content(
            "DELETE", f"/workspaces/{check_uuid(workspace_id, 'workspace_id')}"
        )

    async def set_oauth_credentials(
        self,
        workspace_id: str,
        /,
        *,
        actor_type: ActorType | str,
        name: str,
        configuration: Mapping[str, Any],
    ) -> None:
        """Create or replace the workspace's OAuth app credentials for one connector (PUT)."""
        body = WorkspaceOAuthCredentials(
            actor_type=check_enum(ActorType, actor_type, "actor_type"),
            name=check_name(name, "name"),
            configuration=configuration_arg(configuration),
        )
        path = f"/workspaces/{check_uuid(workspace_id, 'workspace_id')}/oauthCredentials"
        await self._call_no_content("PUT", path, body=body)

    async def delete_oauth_credentials(
        self, workspace_id: str, actor_type: ActorType | str, name: str, /
    ) -> None:
        """Delete the workspace's OAuth app credentials for one connector."""
        kind = check_enum(ActorType, actor_type, "actor_type")
        path = (
            f"/workspaces/{check_uuid(workspace_id, 'workspace_id')}/oauthCredentials/"
            f"{segment(kind.value)}/{segment(check_name(name, 'name'))}"
        )
        await self._call_no_content("DELETE", path)
