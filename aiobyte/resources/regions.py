"""``client.regions``: where an organization's data planes run."""

from __future__ import annotations

from .._pagination import Pager
from .._types import Id
from .._validate import check_name, check_uuid, optional_bool
from ..models import UNSET, Region, RegionCreate, RegionPatch, UnsetType
from ._base import Params
from ._crud import Switchable

__all__ = ["Regions"]


class Regions(Switchable[Region]):
    """Regions: ``list``, ``get``, ``create``, ``update``, ``delete``."""

    _path = "/regions"
    _id_name = "region_id"
    _model = Region
    _patch_model = RegionPatch

    def list(self, *, organization_id: Id) -> Pager[Region]:
        """Every region of an organization (answered at once)."""
        params = Params().add("organizationId", check_uuid(organization_id, "organization_id"))
        return self._unpaged(self._path, Region, params)

    async def create(
        self, *, name: str, organization_id: Id, enabled: bool | UnsetType = UNSET
    ) -> Region:
        """Create a region in an organization. Not resent after an ambiguous failure."""
        body = RegionCreate(
            name=check_name(name, "name"),
            organization_id=check_uuid(organization_id, "organization_id"),
            enabled=optional_bool(enabled, "enabled"),
        )
        return await self._call("POST", self._path, Region, body=body)
