"""Tokens and authentication: what the fake issues, what it accepts, and its token endpoint.

Tokens are JWT-shaped (HS256 over a per-fake random key) with ``sub``, ``iat``, ``exp``
and ``jti`` claims; an Embedded scoped token also names its workspace, as the server's
do. A token is good while its ``jti`` is in :attr:`Tokens.grants` and its ``exp`` has
not passed on the fake's clock. HTTP Basic (older self-managed installs) is accepted
with the configured user and password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from aiohttp import web
from msgspec import DecodeError
from msgspec import json as msgjson

from ._problems import bad_request, json_response, unauthorized

if TYPE_CHECKING:
    from aiobyte._clock import Clock

    from ._requests import Call
    from ._store import Store

__all__ = ["SCOPE_CLAIM", "TOKEN_ANSWERS", "Grant", "Tokens", "token_endpoint"]

JSON = dict[str, Any]

#: The claim of an Embedded scoped token that names its workspace (as the server's).
SCOPE_CLAIM = "io.airbyte.auth.workspace_scope"
#: What the token endpoint's answer can look like: Cloud's, or older self-managed's.
TOKEN_ANSWERS = ("full", "access_token_only")


@dataclass(frozen=True)
class Grant:
    """What a bearer token the fake issued stands for.

    ``subject`` is the application's client id (or the Basic-auth user);
    ``workspace_id`` is set for an Embedded scoped token, held to that workspace.
    """

    subject: str
    expires_at: float
    workspace_id: str | None = None


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Tokens:
    """The fake's own application credentials, the tokens it issued and how it checks them."""

    def __init__(self, clock: Clock, store: Store) -> None:
        self.clock = clock
        self.store = store
        self.client_id = str(uuid.uuid4())
        self.client_secret = _b64url(secrets.token_bytes(48))
        self._signing_key = secrets.token_bytes(32)
        #: ``jti -> grant`` of the tokens still honoured.
        self.grants: dict[str, Grant] = {}

    def issue(self, lifetime: float, *, subject: str, workspace_id: str | None = None) -> str:
        """A signed token for ``subject``, good for ``lifetime`` s on the fake's clock."""
        iat = math.floor(self.clock.time())
        exp = iat + float(lifetime)
        jti = uuid.uuid4().hex
        claims: JSON = {
            "sub": subject,
            "iat": iat,
            "exp": int(exp) if exp.is_integer() else exp,
            "jti": jti,
        }
        if workspace_id is not None:
            claims["aud"] = "airbyte-server"
            claims["roles"] = ["EMBEDDED_END_USER"]
            claims[SCOPE_CLAIM] = {"workspaceId": workspace_id}
        header = _b64url(msgjson.encode({"alg": "HS256", "typ": "JWT"}))
        payload = _b64url(msgjson.encode(claims))
        signature = self._sign(f"{header}.{payload}")
        self.grants[jti] = Grant(subject, exp, workspace_id)
        return f"{header}.{payload}.{signature}"

    def revoke(self, token: str) -> None:
        """Reject this one token from now on."""
        jti = self._jti(token)
        if jti is not None:
            self.grants.pop(jti, None)

    def grant_of(self, token: str) -> Grant | None:
        """What a token stands for, if this fake issued it and it is still good."""
        jti = self._jti(token)
        grant = self.grants.get(jti) if jti is not None else None
        if grant is None or grant.expires_at <= self.clock.time():
            return None
        return grant

    def authenticate(self, authorization: str, basic_auth: tuple[str, str] | None) -> Grant | None:
        """The grant of an ``Authorization`` header (bearer or Basic), if it is good."""
        scheme, _, credentials = authorization.partition(" ")
        credentials = credentials.strip()
        if scheme.lower() == "bearer":
            return self.grant_of(credentials)
        if scheme.lower() == "basic" and basic_auth is not None:
            try:
                decoded = base64.b64decode(credentials, validate=True)
            except ValueError:
                return None
            user, sep, password = decoded.partition(b":")
            expected_user, expected_password = (s.encode() for s in basic_auth)
            same_user = hmac.compare_digest(user, expected_user)
            same_password = hmac.compare_digest(password, expected_password)
            if sep and same_user and same_password:
                return Grant(basic_auth[0], math.inf)
        return None

    def application_secret(self, client_id: str) -> str | None:
        """The secret of the application with this client id (the fake's own, or one
        created through the API or seeded, and not deleted)."""
        if hmac.compare_digest(client_id.encode(), self.client_id.encode()):
            return self.client_secret
        for application in self.store.applications.where("clientId", client_id):
            secret = application["clientSecret"]
            return secret if isinstance(secret, str) else None
        return None

    def _sign(self, signing_input: str) -> str:
        return _b64url(hmac.new(self._signing_key, signing_input.encode(), hashlib.sha256).digest())

    def _jti(self, token: str) -> str | None:
        """The token's id, if its signature is this fake's."""
        parts = token.split(".")
        if len(parts) != 3 or not hmac.compare_digest(
            self._sign(f"{parts[0]}.{parts[1]}").encode(), parts[2].encode()
        ):
            return None
        try:
            claims = msgjson.decode(_b64url_decode(parts[1]))
        except (ValueError, DecodeError):
            return None
        jti = claims.get("jti") if isinstance(claims, dict) else None
        return jti if isinstance(jti, str) else None


def token_endpoint(call: Call) -> web.Response:
    """POST /applications/token: JSON (or form) client credentials -> a bearer token.

    400 without ``client_id``/``client_secret``, 401 for wrong ones (or a form-encoded
    body, where ``token_accepts_form`` is off).
    """
    fake = call.fake
    fields: JSON
    if call.request.content_type == "application/x-www-form-urlencoded":
        if not fake.token_accepts_form:
            raise unauthorized()
        fields = dict(parse_qsl(call.body.decode("utf-8", "replace"), keep_blank_values=True))
    else:
        fields = call.json()
    client_id, client_secret = fields.get("client_id"), fields.get("client_secret")
    if not isinstance(client_id, str) or not isinstance(client_secret, str):
        raise bad_request("client_id and client_secret are required.")
    # The grant ("grant-type", or the spec's "grant_type") is not read: the server
    # ignores it, whatever it says.
    expected = fake.tokens.application_secret(client_id)
    if expected is None or not hmac.compare_digest(client_secret.encode(), expected.encode()):
        raise unauthorized()
    answer: JSON = {"access_token": fake.issue_token(subject=client_id)}
    if fake.token_answer == "full":
        answer["token_type"] = "Bearer"
        if fake.token_expires_in is not None:
            answer["expires_in"] = fake.token_expires_in
    return json_response(answer)
