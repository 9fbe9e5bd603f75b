"""``client.tags``: labels for grouping the connections of a workspace."""

from __future__ import annotations

from collections.abc import Iterable

from .._pagination import Pager
from .._types import Id
from .._validate import check_name, check_uuid
from ..models import TagCreate, TagPatch, TagResponse
from ._base import Params
from ._crud import Deletable

__all__ = ["Tags"]


class Tags(Deletable[TagResponse]):
    """Tags: ``list``, ``get``, ``create``, ``update``, ``delete``."""

    _path = "/tags"
    _id_name = "tag_id"
    _model = TagResponse

    def list(self, *, workspace_ids: Iterable[Id] | None = None) -> Pager[TagResponse]:
        """Every tag in the given workspaces (all the credentials may see if none).

        The server answers the whole list at once.
        """
        params = Params().uuids("workspaceIds", workspace_ids, "workspace_ids")
        return self._unpaged(self._path, TagResponse, params)

    async def create(self, *, name: str, color: str, workspace_id: Id) -> TagResponse:
        """Create a tag; ``color`` is a hex value like ``"FF5733"``.

        Raises ``ConflictError`` if the workspace has a tag of that name.
        """
        body = TagCreate(
            name=check_name(name, "name"),
            color=check_name(color, "color"),
            workspace_id=check_uuid(workspace_id, "workspace_id"),
        )
        return await self._call("POST", self._path, TagResponse, body=body)

    async def update(self, tag_id: str, /, *, name: str, color: str) -> TagResponse:
        """Rename and recolour a tag (PATCH; the API requires both)."""
        body = TagPatch(name=check_name(name, "name"), color=check_name(color, "color"))
        return await self._call("PATCH", self._item_path(tag_id), TagResponse, body=body)
