"""``client.permissions``: what a user may do in a workspace or an organization."""

from __future__ import annotations

from .._pagination import Pager
from .._types import Id
from .._validate import check_enum, check_uuid, optional_uuid
from ..models import (
    UNSET,
    Permission,
    PermissionCreate,
    PermissionResponseRead,
    PermissionType,
    PermissionUpdate,
    PublicPermissionType,
    UnsetType,
)
from ._base import Params
from ._crud import Deletable, one_scope

__all__ = ["Permissions"]


class Permissions(Deletable[Permission]):
    """Permissions: ``list``, ``get``, ``create``, ``update``, ``delete``."""

    _path = "/permissions"
    _id_name = "permission_id"
    _model = Permission

    def list(
        self, *, user_id: Id | None = None, organization_id: Id | None = None
    ) -> Pager[PermissionResponseRead]:
        """The permissions of a user, of an organization, or both filters at once.

        The server answers the whole list at once; each item names its scope.
        """
        params = Params()
        if user_id is not None:
            params.add("userId", check_uuid(user_id, "user_id"))
        if organization_id is not None:
            params.add("organizationId", check_uuid(organization_id, "organization_id"))
        return self._unpaged(self._path, PermissionResponseRead, params)

    async def create(
        self,
        *,
        permission_type: PublicPermissionType | str,
        user_id: Id,
        workspace_id: Id | UnsetType = UNSET,
        organization_id: Id | UnsetType = UNSET,
    ) -> Permission:
        """Grant a user a permission on one workspace or one organization.

        Raises ``ValueError`` unless exactly one of ``workspace_id`` and
        ``organization_id`` is given.
        """
        one_scope(workspace_id, organization_id)
        body = PermissionCreate(
            permission_type=check_enum(PublicPermissionType, permission_type, "permission_type"),
            user_id=check_uuid(user_id, "user_id"),
            workspace_id=optional_uuid(workspace_id, "workspace_id"),
            organization_id=optional_uuid(organization_id, "organization_id"),
        )
        return await self._call("POST", self._path, Permission, body=body)

    async def update(
        self, permission_id: str, /, *, permission_type: PermissionType | str
    ) -> Permission:
        """Change the permission's type (PATCH)."""
        body = PermissionUpdate(
            permission_type=check_enum(PermissionType, permission_type, "permission_type")
        )
        return await self._call("PATCH", self._item_path(permission_id), Permission, body=body)
