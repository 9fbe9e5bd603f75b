"""``client.embedded``: Airbyte Embedded, for platforms that run Airbyte for their users."""

from __future__ import annotations

from .._pagination import Pager
from .._types import Id
from .._validate import check_name, check_uuid
from ..models import (
    EmbeddedOrganizationListItem,
    EmbeddedScopedToken,
    EmbeddedScopedTokenRequest,
    EmbeddedWidget,
    EmbeddedWidgetRequest,
)
from ._base import Resource

__all__ = ["Embedded"]


class Embedded(Resource):
    """Embedded: ``widget_token``, ``scoped_token``, ``list_organizations``."""

    async def widget_token(
        self, *, organization_id: Id, allowed_origin: str, external_user_id: str
    ) -> EmbeddedWidget:
        """A token for the Embedded widget, for one of your users (``external_user_id``)
        on a page served from ``allowed_origin``.

        Not resent after an ambiguous failure: the server may set up the user's
        workspace on the first call.
        """
        body = EmbeddedWidgetRequest(
            allowed_origin=check_name(allowed_origin, "allowed_origin"),
            external_user_id=check_name(external_user_id, "external_user_id"),
            organization_id=check_uuid(organization_id, "organization_id"),
        )
        return await self._call("POST", "/embedded/widget_token", EmbeddedWidget, body=body)

    async def scoped_token(self, *, workspace_id: Id) -> EmbeddedScopedToken:
        """A bearer token that may act on one workspace only.

        Use it as ``AirbyteClient(token=answer.token)``; it is never shown in a ``repr``.
        """
        body = EmbeddedScopedTokenRequest(workspace_id=check_uuid(workspace_id, "workspace_id"))
        # Issuing a token changes nothing on the server: safe to ask again.
        return await self._call("POST", "/embedded/scoped_token", EmbeddedScopedToken, body=body)

    def list_organizations(self) -> Pager[EmbeddedOrganizationListItem]:
        """The organizations the user may run Embedded for, with the user's permission in
        each (answered at once, as ``{"organizations": [...]}``)."""
        return self._unpaged(
            "/embedded/organizations", EmbeddedOrganizationListItem, key="organizations"
        )
