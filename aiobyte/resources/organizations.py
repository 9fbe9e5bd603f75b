"""``client.organizations``: the organizations the credentials belong to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._pagination import Pager
from .._types import Id
from .._validate import check_uuid
from ..models import ActorType, Organization, OrganizationOAuthCredentials
from ._base import Resource
from ._crud import oauth_credentials_body, oauth_credentials_path

__all__ = ["Organizations"]


class Organizations(Resource):
    """Organizations: ``list`` and the OAuth overrides (``set_oauth_credentials``,
    ``delete_oauth_credentials``)."""

    def list(self) -> Pager[Organization]:
        """Every organization of the user the credentials belong to (answered at once)."""
        return self._unpaged("/organizations", Organization)

    def _base(self, organization_id: Id) -> str:
        return f"/organizations/{check_uuid(organization_id, 'organization_id')}"

    async def set_oauth_credentials(
        self,
        organization_id: Id,
        /,
        *,
        actor_type: ActorType | str,
        name: str,
        configuration: Mapping[str, Any],
    ) -> None:
        """Create or replace the organization's OAuth app credentials for one connector
        (PUT); every workspace of the organization uses them."""
        body = oauth_credentials_body(OrganizationOAuthCredentials, actor_type, name, configuration)
        await self._call_no_content(
            "PUT", f"{self._base(organization_id)}/oauthCredentials", body=body
        )

    async def delete_oauth_credentials(
        self, organization_id: Id, actor_type: ActorType | str, name: str, /
    ) -> None:
        """Delete the organization's OAuth app credentials for one connector."""
        path = oauth_credentials_path(self._base(organization_id), actor_type, name)
        await self._call_no_content("DELETE", path)
