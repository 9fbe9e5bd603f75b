"""What the resources addressed as ``/things/{thingId}`` share: get and delete by id.

Two kinds of delete: most answer 204 with no body (:class:`Deletable`), some answer
with the object as it was (:class:`DeletableWithAnswer`: regions, dataplanes,
applications), and their ``delete`` returns it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from .._types import Id
from .._validate import (
    check_enum,
    check_name,
    check_segment,
    check_uuid,
    optional_bool,
    optional_name,
)
from ..models import UNSET, ActorType, UnsetType
from ._base import Resource, configuration_arg, segment

__all__ = [
    "Deletable",
    "DeletableWithAnswer",
    "Items",
    "Switchable",
    "oauth_credentials_body",
    "oauth_credentials_path",
    "one_scope",
]

M = TypeVar("M")
B = TypeVar("B")


def one_scope(workspace_id: Any, organization_id: Any) -> None:
    """A permission is granted on a workspace or on an organization: exactly one is set."""
    if (workspace_id is UNSET) == (organization_id is UNSET):
        raise ValueError("give exactly one of workspace_id and organization_id")


def oauth_credentials_body(
    model: Callable[..., B], actor_type: Any, name: Any, configuration: Any
) -> B:
    """The body that sets OAuth app credentials for one connector, checked."""
    return model(
        actor_type=check_enum(ActorType, actor_type, "actor_type"),
        name=check_name(name, "name"),
        configuration=configuration_arg(configuration),
    )


def oauth_credentials_path(base: str, actor_type: Any, name: Any) -> str:
    """``{base}/oauthCredentials/{actorType}/{name}``, both checked."""
    kind = check_enum(ActorType, actor_type, "actor_type")
    return f"{base}/oauthCredentials/{segment(kind.value)}/{segment(check_segment(name, 'name'))}"


class Items(Resource, Generic[M]):
    """``get`` by id for the resource at ``_path/{id}``; ids are checked before sending."""

    _path: ClassVar[str]
    _id_name: ClassVar[str]
    _model: type[M]  # the model of one item, set by each subclass

    def _item_path(self, item_id: Id) -> str:
        return f"{self._path}/{check_uuid(item_id, self._id_name)}"

    async def get(self, item_id: Id, /) -> M:
        """One by id. Raises ``NotFoundError`` if there is none."""
        return await self._call("GET", self._item_path(item_id), self._model)


class Deletable(Items[M]):
    """Items whose DELETE answers 204."""

    async def delete(self, item_id: Id, /) -> None:
        """Delete one by id. Raises ``NotFoundError`` if there is none."""
        await self._call_no_content("DELETE", self._item_path(item_id))


class DeletableWithAnswer(Items[M]):
    """Items whose DELETE answers with the object deleted."""

    async def delete(self, item_id: Id, /) -> M:
        """Delete one by id and return it as it was. Raises ``NotFoundError`` if there is none."""
        return await self._call("DELETE", self._item_path(item_id), self._model)


class Switchable(DeletableWithAnswer[M]):
    """Items with a name and an ``enabled`` switch, changed by PATCH (regions, dataplanes)."""

    _patch_model: ClassVar[type[Any]]

    async def update(
        self, item_id: Id, /, *, name: str | UnsetType = UNSET, enabled: bool | UnsetType = UNSET
    ) -> M:
        """Rename, enable or disable (PATCH); only the arguments given are sent."""
        body = self._patch_model(
            name=optional_name(name, "name"), enabled=optional_bool(enabled, "enabled")
        )
        result: M = await self._call("PATCH", self._item_path(item_id), self._model, body=body)
        return result
