"""``client.applications``: API applications and their access tokens."""

from __future__ import annotations

import uuid

from .._auth import AccessToken, request_token
from .._pagination import Pager
from .._secrets import Secret
from .._types import Id
from .._validate import check_name, check_segment
from ..models import ApplicationCreate, ApplicationRead
from ._base import segment
from ._crud import DeletableWithAnswer

__all__ = ["Applications"]


class Applications(DeletableWithAnswer[ApplicationRead]):
    """Applications: ``list``, ``get``, ``create``, ``delete``, ``token``."""

    _path = "/applications"
    _id_name = "application_id"
    _model = ApplicationRead

    def _item_path(self, item_id: Id) -> str:
        # The spec types application ids as plain strings (no UUID format).
        text = str(item_id) if isinstance(item_id, uuid.UUID) else item_id
        return f"{self._path}/{segment(check_segment(text, self._id_name))}"

    def list(self) -> Pager[ApplicationRead]:
        """The user's applications (answered at once, as ``{"applications": [...]}``)."""
        return self._unpaged(self._path, ApplicationRead, key="applications")

    async def create(self, *, name: str) -> ApplicationRead:
        """Create an application; its ``client_secret`` is in the answer (never in a
        ``repr``). Not resent after an ambiguous failure."""
        body = ApplicationCreate(name=check_name(name, "name"))
        return await self._call("POST", self._path, ApplicationRead, body=body)

    async def token(self, *, client_id: str, client_secret: str) -> AccessToken:
        """An access token for an application's credentials (the request the client's
        own token cache makes, retried from the token requests' own budget).

        Raises ``AuthenticationError`` when the server refuses them,
        ``UnexpectedResponseError`` when its token cannot be sent in a header.
        """
        if not isinstance(client_secret, str) or not client_secret:
            raise ValueError("client_secret must be a non-empty string")  # never echoed
        secret = Secret(client_secret)
        del client_secret  # from here on only masked: no frame local shows it
        self._transport.secrets.learn(secret.reveal())
        return await request_token(
            self._transport, check_name(client_id, "client_id"), secret, limited=True
        )
