"""``client.dataplanes``: the data planes that run syncs in a region."""

from __future__ import annotations

from collections.abc import Iterable

from .._pagination import Pager
from .._types import Id
from .._validate import check_name, check_uuid, optional_bool
from ..models import UNSET, Dataplane, DataplaneCreate, DataplaneCreated, DataplanePatch, UnsetType
from ._base import Params
from ._crud import Switchable

__all__ = ["Dataplanes"]


class Dataplanes(Switchable[Dataplane]):
    """Dataplanes: ``list``, ``get``, ``create``, ``update``, ``delete``."""

    _path = "/dataplanes"
    _id_name = "dataplane_id"
    _model = Dataplane
    _patch_model = DataplanePatch

    def list(self, *, region_ids: Iterable[Id] | None = None) -> Pager[Dataplane]:
        """Every dataplane (of the given regions only, if any); answered at once."""
        params = Params().uuids("regionIds", region_ids, "region_ids")
        return self._unpaged(self._path, Dataplane, params)

    async def create(
        self, *, region_id: Id, name: str, enabled: bool | UnsetType = UNSET
    ) -> DataplaneCreated:
        """Create a dataplane in a region.

        Returns its ids and the client credentials it authenticates with (the secret
        is shown only now, and never in a ``repr``). Not resent after an ambiguous failure.
        """
        body = DataplaneCreate(
            region_id=check_uuid(region_id, "region_id"),
            name=check_name(name, "name"),
            enabled=optional_bool(enabled, "enabled"),
        )
        return await self._call("POST", self._path, DataplaneCreated, body=body)
