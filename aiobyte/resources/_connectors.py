"""What sources and destinations have in common: both are configured connectors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

from .. import _config
from .._pagination import Pager
from .._types import Id
from .._validate import check_name, check_uuid
from ..models import UNSET, ScopedResourceRequirements, UnsetType
from ._base import Params, Resource, as_model, configuration_arg

if TYPE_CHECKING:
    from ..connectors import Configuration

__all__ = ["Connectors", "allocation_arg", "connector_configuration"]

C = TypeVar("C")


def allocation_arg(value: Any) -> Any:
    """``resource_allocation`` as a model (from a model or a camelCase mapping)."""
    if value is UNSET or value is None:
        return value
    return as_model(ScopedResourceRequirements, value, "resource_allocation")


def connector_configuration(
    kind: Literal["source", "destination"],
    value: Any,
    *,
    definition_id: Any = UNSET,
    partial: bool = False,
) -> dict[str, Any]:
    """A configuration to send: a typed model's data or a mapping, checked when it can be.

    A typed model, or a mapping that names a connector this release describes (by
    ``sourceType``/``destinationType`` or a known definition id), is checked against that
    connector's schema (``partial``: as a PATCH's merge patch); a custom or unknown
    connector's is sent unchecked. Raises ``ValueError`` naming each problem by path.
    """
    from ..connectors import Configuration, check_configuration, connector_of

    connector: str | None
    if isinstance(value, Configuration):
        model = type(value)
        if model._connector is None:
            raise ValueError(
                f"configuration must be a whole {kind} configuration; a {model.__name__} "
                "is a part of one"
            )
        if model._kind != kind:
            raise ValueError(
                f"configuration is a {model._kind} configuration ({model.__name__}), "
                f"not a {kind} one"
            )
        data = configuration_arg(value.to_dict())
        connector = model._connector
    else:
        data = configuration_arg(value)
        connector = connector_of(kind, data, None if definition_id is UNSET else definition_id)
    if connector is not None:
        problems = check_configuration(kind, connector, data, partial=partial)
        if problems:
            listed = "".join(f"\n- {problem}" for problem in problems)
            # The plain copy goes before the error: a traceback's frame locals (what
            # error trackers record) keep no connector secret. (A typed model masks its
            # own; a mapping is the caller's, in the caller's frames anyway.)
            del data
            raise ValueError(
                f"configuration does not follow the schema of the {kind} {connector!r} "
                f"({len(problems)} problem{'s' if len(problems) > 1 else ''}):{listed}"
            )
    return data


class Connectors(Resource, Generic[C]):
    """List, get, replace and delete; the subclasses add create and update."""

    _path: ClassVar[str]
    _id_name: ClassVar[str]
    _kind: ClassVar[Literal["source", "destination"]]
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
        params = None
        if include_secret_coordinates:
            params = Params().flag("includeSecretCoordinates", include_secret_coordinates)
        return await self._call("GET", self._item_path(connector_id), self._model, params=params)

    async def replace(
        self,
        connector_id: Id,
        /,
        *,
        name: str,
        configuration: Mapping[str, Any] | Configuration,
        resource_allocation: ScopedResourceRequirements | Mapping[str, Any] | UnsetType = UNSET,
    ) -> C:
        """Replace the name and the whole configuration (PUT).

        ``configuration`` is a typed model or a mapping, checked as ``create`` checks it.
        """
        body = self._put_model(
            name=check_name(name, "name"),
            configuration=connector_configuration(self._kind, configuration),
            resource_allocation=allocation_arg(resource_allocation),
        )
        return await self._call("PUT", self._item_path(connector_id), self._model, body=body)

    async def delete(self, connector_id: Id, /) -> None:
        """Delete one by id."""
        await self._call_no_content("DELETE", self._item_path(connector_id))
