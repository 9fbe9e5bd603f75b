"""``client.destinations``: the connectors data is written to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .._types import Id
from .._validate import check_name, check_uuid
from ..models import (
    UNSET,
    Destination,
    DestinationCreate,
    DestinationPatch,
    DestinationPut,
    ScopedResourceRequirements,
    UnsetType,
)
from ._connectors import Connectors, allocation_arg, connector_configuration

if TYPE_CHECKING:
    from ..connectors import Configuration

__all__ = ["Destinations"]


class Destinations(Connectors[Destination]):
    """Destinations: ``list``, ``get``, ``create``, ``update``, ``replace``, ``delete``."""

    _path = "/destinations"
    _id_name = "destination_id"
    _kind = "destination"
    _model = Destination
    _put_model = DestinationPut

    async def create(
        self,
        *,
        name: str,
        workspace_id: Id,
        configuration: Mapping[str, Any] | Configuration,
        definition_id: Id | UnsetType = UNSET,
        resource_allocation: ScopedResourceRequirements | Mapping[str, Any] | UnsetType = UNSET,
    ) -> Destination:
        """Create a destination; ``configuration`` (a typed model or a mapping) is sent exactly.

        ``definition_id`` or ``configuration["destinationType"]`` names the connector. A
        typed model, or a mapping naming a connector this release describes, is checked
        against its schema first: ``ValueError`` names each problem by path, and nothing
        is sent. Not resent after an ambiguous failure (that could create it twice).
        """
        body = DestinationCreate(
            name=check_name(name, "name"),
            workspace_id=check_uuid(workspace_id, "workspace_id"),
            configuration=connector_configuration(
                "destination", configuration, definition_id=definition_id
            ),
            definition_id=(
                UNSET if definition_id is UNSET else check_uuid(definition_id, "definition_id")
            ),
            resource_allocation=allocation_arg(resource_allocation),
        )
        return await self._call("POST", self._path, Destination, body=body)

    async def update(
        self,
        destination_id: str,
        /,
        *,
        name: str | UnsetType = UNSET,
        configuration: Mapping[str, Any] | Configuration | UnsetType = UNSET,
        resource_allocation: ScopedResourceRequirements | Mapping[str, Any] | UnsetType = UNSET,
    ) -> Destination:
        """Change some fields (PATCH); only the arguments given are sent.

        The server merges ``configuration`` into the stored one (a JSON merge patch); when
        it names its connector (or is a typed model), the keys it holds are checked first.
        """
        body = DestinationPatch(
            name=UNSET if name is UNSET else check_name(name, "name"),
            configuration=(
                UNSET
                if configuration is UNSET
                else connector_configuration("destination", configuration, partial=True)
            ),
            resource_allocation=allocation_arg(resource_allocation),
        )
        return await self._call("PATCH", self._item_path(destination_id), Destination, body=body)
