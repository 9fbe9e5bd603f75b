"""What sources and destinations have in common: both are configured connectors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Generic, TypeVar

from .. import _config
from .._pagination import Pager
from .._types import Id
from .._validate import check_name, check_uuid
from ..models import UNSET, ScopedResourceRequirements, UnsetType
from ._base import Params, Resource, as_model, configuration_arg

__all__ = ["Connectors", "allocation_arg"]

C = TypeVar("C")


def allocation_arg(value: Any) -> Any:
    """``resource_allocation`` as a model (from a model or a camelCase mapping)."""
    if value is UNSET or value is None:
        return value
    return as_model(ScopedResourceRequirements, value, "resource_allocation")


class Connectors(Resource, Generic[C]):
    """List, get, replace and delete; the subclasses add create and update."""

    _path: ClassVar[str]
    _id_name: ClassVar[str]
    _model: type[C]  # the model of one connector, set by each subclass
    _put_model: ClassVar[type[Any]]

    def _item_path(self, connector_id: Id) -> str:
        return f"{self._path}/{check_uuid(connector_id, self._id_name)}"

    def list(
        self,
        *,
        workspace_ids: Iterable[Id] | None = None,
        include_deleted: bool = False,
        page_size: int = _config.PAGE_SIZE,
        cursor: str | None = None,
    ) -> Pager[C]:
        """Every one in the given workspaces (all the credentials may see if none).

        Returns a pager at once; nothing is sent until it is iterated. Raises
        ``ValueError`` for a malformed workspace id or a page size outside 1..100.
        """
        params = Params().uuids("workspaceIds", workspace_ids, "workspace_ids")
        params.flag("includeDeleted", include_deleted)
        return self._pager(self._path, self._model, params, page_size=page_size, cursor=cursor)

    async def get(self, connector_id: Id, /, *, include_secret_coordinates: bool = False) -> C:
        """One by id. Raises ``NotFoundError`` if there is none."""
        params = Params()
        params.flag("includeSecretCoordinates", include_secret_coordinates)
        return await self._call("GET", self._item_path(connector_id), self._model, params=params)

    async def replace(
        self,
        connector_id: Id,
        /,
        *,
        name: str,
        configuration: Mapping[str, Any],
        resource_allocation: ScopedResourceRequirements | Mapping[str, Any] | UnsetType = UNSET,
    ) -> C:
        """Replace the name and the whole configuration (PUT)."""
        body = self._put_model(
            name=check_name(name, "name"),
            configuration=configuration_arg(configuration),
            resource_allocation=allocation_arg(resource_allocation),
        )
        return await self._call("PUT", self._item_path(connector_id), self._model, body=body)

    async def delete(self, connector_id: Id, /) -> None:
        """Delete one by id."""
        await self._call_no_content("DELETE", self._item_path(connector_id))
