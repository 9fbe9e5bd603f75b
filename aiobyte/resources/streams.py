"""``client.streams``: the streams a source offers, and how each can be synced."""

from __future__ import annotations

from .._pagination import Pager
from .._types import Id
from .._validate import check_uuid
from ..models import StreamProperties
from ._base import Params, Resource

__all__ = ["Streams"]


class Streams(Resource):
    """Streams: ``list``."""

    def list(
        self, source_id: Id, /, *, destination_id: Id | None = None, ignore_cache: bool = False
    ) -> Pager[StreamProperties]:
        """The streams of a source: names, sync modes, cursor and primary key candidates.

        ``destination_id`` narrows the sync modes to those the destination supports;
        ``ignore_cache=True`` makes the server discover the source's schema afresh. A
        ``list`` (not ``get``) because the answer is a collection, iterated like every
        other; the server answers it whole, as a bare JSON array.
        """
        params = Params().add("sourceId", check_uuid(source_id, "source_id"))
        if destination_id is not None:
            params.add("destinationId", check_uuid(destination_id, "destination_id"))
        params.flag("ignoreCache", ignore_cache)
        return self._unpaged("/streams", StreamProperties, params, key=None)
