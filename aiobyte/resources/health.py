"""``client.health``: is the API up?"""

from __future__ import annotations

from .._transport import PUBLIC
from ._base import Resource

__all__ = ["Health"]


class Health(Resource):
    """The health check."""

    async def check(self) -> bool:
        """True when the API answers its health check; raises the error otherwise.

        Needs no credentials.
        """
        await self._transport.request("GET", "/health", kind=PUBLIC, options=self._options)
        return True
