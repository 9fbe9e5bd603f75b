"""``client.workspaces``: the containers of sources, destinations and connections."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .. import _config
from .._pagination import Pager
from .._types import Id
from .._validate import check_name, optional_name, optional_uuid
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
from ._base import Params, as_model
from ._crud import Deletable, oauth_credentials_body, oauth_credentials_path

__all__ = ["Workspaces"]


def _notifications(value: Any) -> Any:
    if value is UNSET:
        return value
    return as_model(NotificationsConfig, value, "notifications")


class Workspaces(Deletable[Workspace]):
    """Workspaces: ``list``, ``get``, ``create``, ``update``, ``delete``, and OAuth overrides."""

    _path = "/workspaces"
    _id_name = "workspace_id"
    _model = Workspace

    def list(
        self,
        *,
        workspace_ids: Iterable[Id] | None = None,
        include_deleted: bool = False,
        page_size: int = _config.PAGE_SIZE,
        cursor: str | None = None,
    ) -> Pager[Workspace]:
        """Every workspace the credentials may see (or just ``workspace_ids``)."""
        params = Params().uuids("workspaceIds", workspace_ids, "workspace_ids")
        params.flag("includeDeleted", include_deleted)
        return self._pager(self._path, Workspace, params, page_size=page_size, cursor=cursor)

    async def create(
        self,
        *,
        name: str,
        organization_id: Id | UnsetType = UNSET,
        notifications: NotificationsConfig | Mapping[str, Any] | UnsetType = UNSET,
        region_id: Id | UnsetType = UNSET,
    ) -> Workspace:
        """Create a workspace. Not resent after an ambiguous failure."""
        body = WorkspaceCreate(
            name=check_name(name, "name"),
            organization_id=optional_uuid(organization_id, "organization_id"),
            notifications=_notifications(notifications),
            region_id=optional_uuid(region_id, "region_id"),
        )
        return await self._call("POST", self._path, Workspace, body=body)

    async def update(
        self,
        workspace_id: str,
        /,
        *,
        name: str | UnsetType = UNSET,
        notifications: NotificationsConfig | Mapping[str, Any] | UnsetType = UNSET,
        region_id: Id | UnsetType = UNSET,
    ) -> Workspace:
        """Change some fields (PATCH); only the arguments given are sent."""
        body = WorkspaceUpdate(
            name=optional_name(name, "name"),
            notifications=_notifications(notifications),
            region_id=optional_uuid(region_id, "region_id"),
        )
        path = self._item_path(workspace_id)
        return await self._call("PATCH", path, Workspace, body=body)

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
        body = oauth_credentials_body(WorkspaceOAuthCredentials, actor_type, name, configuration)
        path = f"{self._item_path(workspace_id)}/oauthCredentials"
        await self._call_no_content("PUT", path, body=body)

    async def delete_oauth_credentials(
        self, workspace_id: str, actor_type: ActorType | str, name: str, /
    ) -> None:
        """Delete the workspace's OAuth app credentials for one connector."""
        path = oauth_credentials_path(self._item_path(workspace_id), actor_type, name)
        await self._call_no_content("DELETE", path)
