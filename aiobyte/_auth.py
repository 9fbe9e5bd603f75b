"""Credentials, and the token cache that applies them.

Users configure one of four *strategies*: :class:`ClientCredentials`,
:class:`BearerToken`, :class:`BasicAuth` or :class:`TokenProvider`. The client turns it
into an *authenticator* that the transport asks for a credential before each request
and tells when the server rejected one.

The token cache (client credentials and token providers) keeps one immutable token
with the moment to refresh it on a monotonic clock:

- the fast path reads it without awaiting anything;
- the slow path takes a lock, looks again, and joins the refresh in flight or starts
  one; so any number of concurrent callers cause exactly one token request;
- the refresh runs in a task of its own that callers await through a shield: a caller
  that is cancelled stops waiting, the refresh goes on for the others, and its result
  or its error reaches every caller waiting on it;
- a token expires at the earlier of ``expires_in`` and its own ``exp`` claim, and is
  refreshed a margin before then that scales with its lifetime;
- a 401 drops the cached token only if it is still the one that was rejected (another
  caller may have replaced it already).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import anyio

from . import _config
from ._clock import Clock

__all__ = [
    "AccessToken",
    "Auth",
    "BasicAuth",
    "BearerToken",
    "ClientCredentials",
    "TokenProvider",
]


def _mask(value: str) -> str:
    return "'***'" if value else "''"


class Auth:
    """Base of the ways to authenticate; pass one as ``AirbyteClient(auth=...)``."""

    __slots__ = ()


@dataclass(frozen=True, repr=False)
class ClientCredentials(Auth):
    """An application's client id and secret, exchanged for short-lived tokens."""

    client_id: str
    client_secret: str

    def __post_init__(self) -> None:
        if not isinstance(self.client_id, str) or not self.client_id.strip():
            raise ValueError("client_id must be a non-empty string")
        if not isinstance(self.client_secret, str) or not self.client_secret:
            raise ValueError("client_secret must be a non-empty string")

    def __repr__(self) -> str:
        secret = _mask(self.client_secret)
        return f"ClientCredentials(client_id={self.client_id!r}, client_secret={secret})"


@dataclass(frozen=True, repr=False)
class BearerToken(Auth):
    """A fixed bearer token, e.g. an Airbyte Embedded scoped token. Never refreshed."""

    token: str

    def __post_init__(self) -> None:
        if not isinstance(self.token, str) or not self.token.strip():
            raise ValueError("token must be a non-empty string")

    def __repr__(self) -> str:
        return f"BearerToken(token={_mask(self.token)})"


@dataclass(frozen=True, repr=False)
class BasicAuth(Auth):
    """HTTP Basic auth with the UI's username and password (older self-managed installs)."""

    username: str
    password: str

    def __post_init__(self) -> None:
        if not isinstance(self.username, str) or not self.username:
            raise ValueError("username must be a non-empty string")
        if not isinstance(self.password, str):
            raise ValueError("password must be a string")

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r}, password={_mask(self.password)})"


@dataclass(frozen=True, repr=False)
class AccessToken:
    """A bearer token and, when known, its lifetime in seconds from when it was issued.

    What the token endpoint answers (``client.applications.token``), and what a
    :class:`TokenProvider` may return. The value never appears in its repr.
    """

    value: str
    expires_in: float | None = None
    token_type: str = "Bearer"

    def __repr__(self) -> str:
        return (
            f"AccessToken(value='***', expires_in={self.expires_in!r}, "
            f"token_type={self.token_type!r})"
        )


@dataclass(frozen=True, repr=False)
class TokenProvider(Auth):
    """Your own async function that returns a token (a ``str`` or an :class:`AccessToken`).

    aiobyte caches what it returns like any other token: until the earlier of its
    ``expires_in`` and its ``exp`` claim (three minutes when neither is known), and
    after a 401. It is called by one task at a time.
    """

    provider: Callable[[], Awaitable[str | AccessToken]] = field()

    def __post_init__(self) -> None:
        if not callable(self.provider):
            raise ValueError("provider must be an async function returning a token")

    def __repr__(self) -> str:
        name = getattr(self.provider, "__qualname__", type(self.provider).__name__)
        return f"TokenProvider({name})"


# --- the runtime side ---------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class Credential:
    """What goes into one request's ``Authorization`` header; compared by identity."""

    header: str
    refresh_at: float = float("inf")

    def __repr__(self) -> str:
        return "Credential('***')"


class Authenticator(Protocol):
    """The runtime side of a strategy, as the transport uses it."""

    async def credential(self) -> Credential:
        """The credential to send now."""
        ...

    def invalidate(self, rejected: Credential) -> bool:
        """The server rejected ``rejected``; True if asking again may give a better one."""
        ...

    def secrets(self) -> tuple[str, ...]:
        """Strings that must never be shown (for scrubbing error messages)."""
        ...

    async def aclose(self) -> None:
        """Stop any refresh in flight."""
        ...


class StaticAuthenticator:
    """A credential that never changes (a fixed token, HTTP Basic)."""

    def __init__(self, header: str, secret: str) -> None:
        self._credential = Credential(header)
        self._secret = secret

    async def credential(self) -> Credential:
        return self._credential

    def invalidate(self, rejected: Credential) -> bool:
        return False

    def secrets(self) -> tuple[str, ...]:
        return (self._secret, self._credential.header)

    async def aclose(self) -> None:
        return None


def basic_header(username: str, password: str) -> str:
    """The ``Authorization`` value for HTTP Basic."""
    raw = f"{username}:{password}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


def jwt_claims(token: str) -> dict[str, Any]:
    """The claims of a JWT-shaped token, unverified; {} for anything else."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    payload = parts[1]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        claims = json.loads(raw)
    except (binascii.Error, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


def token_lifetime(value: str, expires_in: float | None, now: float) -> float:
    """Seconds a token just received will stay valid: the earlier of ``expires_in`` and
    its ``exp`` claim (Airbyte has answered ``expires_in: 900`` for a token whose ``exp``
    was 180 s away), or three minutes when neither is known.

    ``now`` is the current wall-clock time. When our clock is past ``exp`` (clock skew
    with the issuer), the token's own span ``exp - iat`` is used instead.
    """
    candidates: list[float] = []
    if expires_in is not None and expires_in > 0:
        candidates.append(float(expires_in))
    claims = jwt_claims(value)
    exp, iat = claims.get("exp"), claims.get("iat")
    if isinstance(exp, (int, float)) and not isinstance(exp, bool):
        remaining = exp - now
        if remaining <= 0 and isinstance(iat, (int, float)) and exp > iat:
            remaining = exp - iat
        candidates.append(max(0.0, remaining))
    return min(candidates) if candidates else _config.TOKEN_DEFAULT_LIFETIME


def refresh_margin(lifetime: float) -> float:
    """How long before expiry a token is refreshed: a share of its lifetime, capped."""
    return min(lifetime * _config.TOKEN_MARGIN_RATIO, _config.TOKEN_MARGIN_CAP)


def _retrieve(task: asyncio.Task[Any]) -> None:
    # Mark a refresh's error as seen even when every waiter was cancelled, so asyncio
    # does not log "exception was never retrieved" (a log line that would quote it).
    if not task.cancelled():
        task.exception()


class TokenCache:
    """A single-flight cache of the token that ``fetch`` obtains."""

    def __init__(
        self,
        fetch: Callable[[], Awaitable[AccessToken]],
        clock: Clock,
        secrets: tuple[str, ...] = (),
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._token: Credential | None = None
        self._lock = anyio.Lock()
        self._refresh: asyncio.Task[Credential] | None = None
        self._secrets = secrets
        self._seen: list[str] = []

    async def credential(self) -> Credential:
        token = self._token
        if token is not None and self._clock.monotonic() < token.refresh_at:
            return token
        async with self._lock:
            token = self._token
            if token is not None and self._clock.monotonic() < token.refresh_at:
                return token
            task = self._refresh
            if task is None or task.done():
                task = asyncio.get_running_loop().create_task(self._obtain())
                task.add_done_callback(_retrieve)
                self._refresh = task
        # Waited on outside the lock, through a shield: a waiter's cancellation
        # must not cancel the refresh the others are waiting on.
        return await asyncio.shield(task)

    async def _obtain(self) -> Credential:
        started = self._clock.monotonic()
        answer = await self._fetch()
        lifetime = token_lifetime(answer.value, answer.expires_in, self._clock.time())
        token = Credential(
            f"Bearer {answer.value}", refresh_at=started + lifetime - refresh_margin(lifetime)
        )
        # Remember recent token values only to scrub them from error messages.
        self._seen = [answer.value, *self._seen[:2]]
        self._token = token
        return token

    def invalidate(self, rejected: Credential) -> bool:
        if self._token is rejected:
            self._token = None
        return True

    def secrets(self) -> tuple[str, ...]:
        return (*self._secrets, *self._seen)

    async def aclose(self) -> None:
        task, self._refresh = self._refresh, None
        if task is not None and not task.done():
            task.cancel()
            with anyio.CancelScope(shield=True):
                await asyncio.wait([task])
