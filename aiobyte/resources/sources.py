"""``client.sources``: the connectors data is read from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .._types import Id
from .._validate import check_name, check_uuid
from ..models import (
    UNSET,
    InitiateOauth,
    RedirectUrl,
    ScopedResourceRequirements,
    Source,
    SourceCreate,
    SourcePatch,
    SourcePut,
    UnsetType,
)
from ._base import configuration_arg
from ._connectors import Connectors, allocation_arg, connector_configuration

if TYPE_CHECKING:
    from ..connectors import Configuration

__all__ = ["Sources"]


class Sources(Connectors[Source]):
    """Sources: ``list``, ``get``, ``create``, ``update``, ``replace``, ``delete``,
    ``initiate_oauth``."""

    _path = "/sources"
    _id_name = "source_id"
    _kind = "source"
    _model = Source
    _put_model = SourcePut

    async def create(
        self,
        *,
        name: str,
        workspace_id: Id,
        configuration: Mapping[str, Any] | Configuration,
        definition_id: Id | UnsetType = UNSET,
        secret_id: str | UnsetType = UNSET,
        resource_allocation: ScopedResourceRequirements | Mapping[str, Any] | UnsetType = UNSET,
    ) -> Source:
        """Create a source; ``configuration`` (a typed model or a mapping) is sent exactly.

        ``definition_id`` or ``configuration["sourceType"]`` names the connector. A typed
        model, or a mapping naming a connector this release describes, is checked against
        its schema first: ``ValueError`` names each problem by path, and nothing is sent.
        Not resent after an ambiguous failure (that could create it twice).
        """
        body = SourceCreate(
            name=check_name(name, "name"),
            workspace_id=check_uuid(workspace_id, "workspace_id"),
            configuration=connector_configuration(
                "source", configuration, definition_id=definition_id
            ),
            definition_id=(
                UNSET if definition_id is UNSET else check_uuid(definition_id, "definition_id")
            ),
            secret_id=secret_id,
            resource_allocation=allocation_arg(resource_allocation),
        )
        return await self._call("POST", self._path, Source, body=body)

    async def update(
        self,
        source_id: str,
        /,
        *,
        name: str | UnsetType = UNSET,
        workspace_id: Id | UnsetType = UNSET,
        configuration: Mapping[str, Any] | Configuration | UnsetType = UNSET,
        secret_id: str | UnsetType = UNSET,
        resource_allocation: ScopedResourceRequirements | Mapping[str, Any] | UnsetType = UNSET,
    ) -> Source:
        """Change some fields (PATCH); only the arguments given are sent.

        The server merges ``configuration`` into the stored one (a JSON merge patch); when
        it names its connector (or is a typed model), the keys it holds are checked first.
        """
        body = SourcePatch(
            name=UNSET if name is UNSET else check_name(name, "name"),
            workspace_id=(
                UNSET if workspace_id is UNSET else check_uuid(workspace_id, "workspace_id")
            ),
            configuration=(
                UNSET
                if configuration is UNSET
                else connector_configuration("source", configuration, partial=True)
            ),
            secret_id=secret_id,
            resource_allocation=allocation_arg(resource_allocation),
        )
        return await self._call("PATCH", self._item_path(source_id), Source, body=body)

    async def initiate_oauth(
        self,
        *,
        workspace_id: Id,
        redirect_url: str,
        source_type: str | UnsetType = UNSET,
        oauth_input_configuration: Mapping[str, Any] | UnsetType = UNSET,
        requested_scopes: Iterable[str] | UnsetType = UNSET,
        requested_optional_scopes: Iterable[str] | UnsetType = UNSET,
    ) -> RedirectUrl:
        """Start the OAuth flow for a source type; the answer holds the consent URL."""
        body = InitiateOauth(
            workspace_id=check_uuid(workspace_id, "workspace_id"),
            redirect_url=check_name(redirect_url, "redirect_url"),
            source_type=source_type,
            oauth_input_configuration=(
                UNSET
                if oauth_input_configuration is UNSET
                else configuration_arg(oauth_input_configuration, "oauth_input_configuration")
            ),
            requested_scopes=UNSET if requested_scopes is UNSET else list(requested_scopes),
            requested_optional_scopes=(
                UNSET if requested_optional_scopes is UNSET else list(requested_optional_scopes)
            ),
        )
        return await self._call("POST", "/sources/initiateOAuth", RedirectUrl, body=body)
