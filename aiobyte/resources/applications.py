"""``client.applications``: API applications and their access tokens."""

from __future__ import annotations

import uuid

import msgspec

from .._auth import AccessToken
from .._codec import encode
from .._pagination import Pager
from .._transport import Transport
from .._types import Id
from .._validate import check_name
from ..models import ApplicationCreate, ApplicationRead
from ._base import segment
from ._crud import DeletableWithAnswer

__all__ = ["Applications", "request_token"]


class _TokenAnswer(msgspec.Struct, frozen=True):
    # The token endpoint speaks snake_case, and older self-managed versions send
    # `access_token` alone.
    access_token: str
    token_type: str | None = None
    expires_in: float | str | None = None


async def request_token(
    transport: Transport, client_id: str, client_secret: str, *, limited: bool
) -> AccessToken:
    """Exchange client credentials for an access token.

    The body is JSON (some self-managed versions refuse a form) and names the grant
    both ways: Airbyte's own wire format says ``grant-type``, the spec's ``required``
    list says ``grant_type``, and the server ignores the key it does not know.
    """
    body = encode(
        {
            "client_id": client_id,
            "client_secret": client_secret,
            "grant-type": "client_credentials",
            "grant_type": "client_credentials",
        }
    )
    response = await transport.request(
        "POST",
        "/applications/token",
        body=body,
        authenticated=False,
        limited=limited,
        retry_safe=True,  # asking for a token twice has no lasting effect
        token_endpoint=True,
    )
    answer: _TokenAnswer = transport.decode(response, _TokenAnswer, quote=False)
    expires_in: float | None
    try:
        expires_in = None if answer.expires_in is None else float(answer.expires_in)
    except ValueError:
        expires_in = None
    return AccessToken(answer.access_token, expires_in, answer.token_type or "Bearer")


class Applications(DeletableWithAnswer[ApplicationRead]):
    """Applications: ``list``, ``get``, ``create``, ``delete``, ``token``."""

    _path = "/applications"
    _id_name = "application_id"
    _model = ApplicationRead

    def _item_path(self, item_id: Id) -> str:
        # The spec types application ids as plain strings (no UUID format).
        text = str(item_id) if isinstance(item_id, uuid.UUID) else item_id
        return f"{self._path}/{segment(check_name(text, self._id_name))}"

    def list(self) -> Pager[ApplicationRead]:
        """The user's applications (answered at once, as ``{"applications": [...]}``)."""
        return self._unpaged(self._path, ApplicationRead, key="applications")

    async def create(self, *, name: str) -> ApplicationRead:
        """Create an application; its ``client_secret`` is in the answer (never in a
        ``repr``). Not resent after an ambiguous failure."""
        body = ApplicationCreate(name=check_name(name, "name"))
        return await self._call("POST", self._path, ApplicationRead, body=body)

    async def token(self, *, client_id: str, client_secret: str) -> AccessToken:
        """An access token for an application's credentials.

        Raises ``AuthenticationError`` when the server refuses them.
        """
        return await request_token(
            self._transport,
            check_name(client_id, "client_id"),
            check_name(client_secret, "client_secret"),
            limited=True,
        )
