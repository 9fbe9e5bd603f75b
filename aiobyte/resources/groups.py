"""``client.groups``: groups of users in an organization, their members and permissions."""

from __future__ import annotations

from typing import Any

from .. import _config
from .._pagination import Pager
from .._types import Id
from .._validate import check_enum, check_name, check_uuid, optional_name, optional_uuid
from ..models import (
    UNSET,
    Group,
    GroupCreate,
    GroupMember,
    GroupMemberAdd,
    GroupPermission,
    GroupPermissionCreate,
    GroupUpdate,
    PermissionType,
    UnsetType,
)
from ._base import Params
from ._crud import Deletable, one_scope

__all__ = ["Groups"]


def _description(value: Any) -> Any:
    if value is UNSET or value is None or isinstance(value, str):
        return value
    raise ValueError(f"description must be a string or None; got {value!r}")


class Groups(Deletable[Group]):
    """Groups: ``list``, ``get``, ``create``, ``update``, ``delete``; members
    (``list_members``, ``add_member``, ``remove_member``) and permissions
    (``list_permissions``, ``create_permission``, ``delete_permission``)."""

    _path = "/groups"
    _id_name = "group_id"
    _model = Group

    def list(
        self, *, organization_id: Id, page_size: int = _config.PAGE_SIZE, cursor: str | None = None
    ) -> Pager[Group]:
        """Every group of an organization, page by page."""
        params = Params().add("organizationId", check_uuid(organization_id, "organization_id"))
        # Not documented as paged in the database: a short page is not taken as the last.
        return self._pager(
            self._path, Group, params, page_size=page_size, cursor=cursor, full_pages=False
        )

    async def create(
        self, *, name: str, organization_id: Id, description: str | UnsetType | None = UNSET
    ) -> Group:
        """Create a group. Raises ``ConflictError`` if the organization has one of that name."""
        body = GroupCreate(
            name=check_name(name, "name"),
            organization_id=check_uuid(organization_id, "organization_id"),
            description=_description(description),
        )
        return await self._call("POST", self._path, Group, body=body)

    async def update(
        self,
        group_id: str,
        /,
        *,
        name: str | UnsetType = UNSET,
        description: str | UnsetType | None = UNSET,
    ) -> Group:
        """Rename or describe a group (PATCH); only the arguments given are sent, and
        ``description=None`` clears it."""
        body = GroupUpdate(
            name=optional_name(name, "name"),
            description=_description(description),
        )
        return await self._call("PATCH", self._item_path(group_id), Group, body=body)

    def list_members(
        self, group_id: str, /, *, page_size: int = _config.PAGE_SIZE, cursor: str | None = None
    ) -> Pager[GroupMember]:
        """The members of a group, page by page."""
        path = f"{self._item_path(group_id)}/members"
        return self._pager(
            path, GroupMember, Params(), page_size=page_size, cursor=cursor, full_pages=False
        )

    async def add_member(self, group_id: str, /, *, user_id: Id) -> GroupMember:
        """Add a user to a group. Raises ``ConflictError`` if the user is a member already."""
        body = GroupMemberAdd(user_id=check_uuid(user_id, "user_id"))
        path = f"{self._item_path(group_id)}/members"
        return await self._call("POST", path, GroupMember, body=body)

    async def remove_member(self, group_id: str, user_id: Id, /) -> None:
        """Remove a user from a group."""
        path = f"{self._item_path(group_id)}/members/{check_uuid(user_id, 'user_id')}"
        await self._call_no_content("DELETE", path)

    def list_permissions(self, group_id: str, /) -> Pager[GroupPermission]:
        """The permissions granted to a group (answered at once)."""
        return self._unpaged(f"{self._item_path(group_id)}/permissions", GroupPermission)

    async def create_permission(
        self,
        group_id: str,
        /,
        *,
        permission_type: PermissionType | str,
        workspace_id: Id | UnsetType = UNSET,
        organization_id: Id | UnsetType = UNSET,
    ) -> GroupPermission:
        """Grant the group's members a permission on one workspace or one organization.

        Raises ``ValueError`` unless exactly one of ``workspace_id`` and
        ``organization_id`` is given; ``ConflictError`` if the group has it already.
        """
        one_scope(workspace_id, organization_id)
        body = GroupPermissionCreate(
            permission_type=check_enum(PermissionType, permission_type, "permission_type"),
            workspace_id=optional_uuid(workspace_id, "workspace_id"),
            organization_id=optional_uuid(organization_id, "organization_id"),
        )
        path = f"{self._item_path(group_id)}/permissions"
        return await self._call("POST", path, GroupPermission, body=body)

    async def delete_permission(self, group_id: str, permission_id: Id, /) -> None:
        """Take a permission away from a group."""
        permission = check_uuid(permission_id, "permission_id")
        await self._call_no_content(
            "DELETE", f"{self._item_path(group_id)}/permissions/{permission}"
        )
