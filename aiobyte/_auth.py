"""Credentials, the token request, and the token cache that applies them.

Users configure one of four *strategies*: :class:`ClientCredentials`,
:class:`BearerToken`, :class:`BasicAuth` or :class:`TokenProvider`. Each builds its own
*authenticator*, which the transport asks for a credential before each request (before
the request queues for an in-flight slot) and tells when the server rejected one.

The token cache (client credentials and token providers) keeps one immutable token
with the moment to refresh it on a monotonic clock:

- the fast path is a plain attribute read (``current``) and a comparison;
- the slow path joins the refresh in flight or starts one, with no await in between:
  every caller that asks while a refresh runs gets its outcome, success or error, and
  a caller that asks once it failed starts a new one; so any number of concurrent
  callers cause exactly one token request (and at most its own retries);
- the refresh runs in a task of its own that callers await through a shield: a caller
  that is cancelled stops waiting, the refresh goes on for the others;
- a token expires at the earlier of ``expires_in`` and its own ``exp`` claim (never
  later than ``TOKEN_MAX_LIFETIME``), and is refreshed a margin before then that
  scales with its lifetime;
- a 401 drops the cached token only if it is still the one that was rejected (another
  caller may have replaced it already).

Every secret a strategy holds or a refresh obtains is registered with the client's
:class:`~aiobyte._secrets.Secrets`, which scrubs them from whatever a server echoes.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import anyio
import msgspec

from . import _config
from ._clock import Clock
from ._codec import encode
from ._errors import AirbyteError, ClientClosedError, UnexpectedResponseError
from ._secrets import Secret, Secrets

if TYPE_CHECKING:
    from ._transport import Transport

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


def header_problem(value: str) -> str | None:
    """Why ``value`` cannot be sent as a bearer token in a header, or None if it can.

    A token is visible ASCII (RFC 6750's b64token is narrower still): a line break
    would split the header, NUL and other controls are refused by HTTP, and non-ASCII
    has no agreed encoding in a header.
    """
    if not value:
        return "it is empty"
    if not value.isascii():
        return "it holds non-ASCII characters"
    if not value.isprintable():
        return "it holds a line break, NUL or another control character"
    if " " in value:
        return "it holds a space"
    return None


class Auth:
    """Base of the ways to authenticate; pass one as ``AirbyteClient(auth=...)``."""

    __slots__ = ()

    def _authenticator(self, transport: Transport) -> Authenticator:
        """The runtime side of this strategy, for one client's transport."""
        raise NotImplementedError


@dataclass(frozen=True, repr=False)
class ClientCredentials(Auth):
    """An application's client id and secret, exchanged for short-lived tokens.

    Raises ``ValueError`` for an empty id or secret.
    """

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

    def _authenticator(self, transport: Transport) -> Authenticator:
        transport.secrets.keep(self.client_secret)
        client_id, client_secret = self.client_id, Secret(self.client_secret)

        async def fetch() -> AccessToken:
            return await request_token(transport, client_id, client_secret, limited=False)

        return TokenCache(fetch, transport.clock, transport.secrets)


@dataclass(frozen=True, repr=False)
class BearerToken(Auth):
    """A fixed bearer token, e.g. an Airbyte Embedded scoped token. Never refreshed.

    Raises ``ValueError`` for a token that cannot go into a header (empty, a line
    break, a control character, non-ASCII).
    """

    token: str

    def __post_init__(self) -> None:
        if not isinstance(self.token, str) or not self.token.strip():
            raise ValueError("token must be a non-empty string")
        problem = header_problem(self.token)
        if problem:
            raise ValueError(f"token cannot be sent in an Authorization header: {problem}")

    def __repr__(self) -> str:
        return f"BearerToken(token={_mask(self.token)})"

    def _authenticator(self, transport: Transport) -> Authenticator:
        transport.secrets.keep(self.token)
        return StaticAuthenticator(f"Bearer {self.token}")


@dataclass(frozen=True, repr=False)
class BasicAuth(Auth):
    """HTTP Basic auth with the UI's username and password (older self-managed installs).

    Raises ``ValueError`` for an empty username, one with a colon, or a non-string
    password.
    """

    username: str
    password: str

    def __post_init__(self) -> None:
        if not isinstance(self.username, str) or not self.username:
            raise ValueError("username must be a non-empty string")
        if ":" in self.username:
            raise ValueError("username cannot hold a colon (HTTP Basic separates with one)")
        if not isinstance(self.password, str):
            raise ValueError("password must be a string")

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r}, password={_mask(self.password)})"

    def _authenticator(self, transport: Transport) -> Authenticator:
        header = basic_header(self.username, self.password)
        for secret in (self.password, f"{self.username}:{self.password}", header[6:]):
            transport.secrets.keep(secret)
        return StaticAuthenticator(header)


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
    after a 401. It is called by one task at a time, never while the caller holds an
    in-flight slot (so it may itself call ``client.applications.token``). A token it
    returns that cannot go into a header raises ``ValueError``.
    """

    provider: Callable[[], Awaitable[str | AccessToken]] = field()

    def __post_init__(self) -> None:
        if not callable(self.provider):
            raise ValueError("provider must be an async function returning a token")

    def __repr__(self) -> str:
        name = getattr(self.provider, "__qualname__", type(self.provider).__name__)
        return f"TokenProvider({name})"

    def _authenticator(self, transport: Transport) -> Authenticator:
        provider = self.provider

        async def provide() -> AccessToken:
            # Converted at once: no frame local of a failed call holds the bare token.
            return _access_token(await provider())

        return TokenCache(provide, transport.clock, transport.secrets)


def _access_token(answer: object) -> AccessToken:
    """What a token provider returned, as an AccessToken; ValueError if unusable."""
    if isinstance(answer, str):
        answer = AccessToken(answer)
    if not isinstance(answer, AccessToken):
        kind = type(answer).__name__
        del answer  # it may be a token of the wrong type: not for a traceback's locals
        raise ValueError(
            f"the token provider returned {kind}; it must return a non-empty str or an AccessToken"
        )
    value = answer.value
    problem = header_problem(value) if isinstance(value, str) else "it is not a str"
    del value
    if problem:
        raise ValueError(f"the token provider returned a token that cannot be sent: {problem}")
    return answer


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

    #: The credential to send while the clock is before its ``refresh_at`` (the fast
    #: path: a plain attribute read); None when there is none yet.
    current: Credential | None

    async def credential(self) -> Credential:
        """The credential to send now, obtaining one if needed (the slow path)."""
        ...

    def invalidate(self, rejected: Credential) -> bool:
        """The server rejected ``rejected``; True if asking again may give a better one."""
        ...

    async def aclose(self) -> None:
        """Stop any refresh in flight; its waiters get ``ClientClosedError``."""
        ...


class StaticAuthenticator:
    """A credential that never changes (a fixed token, HTTP Basic)."""

    def __init__(self, header: str) -> None:
        self.current: Credential | None = Credential(header)
        self._credential = self.current

    async def credential(self) -> Credential:
        return self._credential

    def invalidate(self, rejected: Credential) -> bool:
        return False

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
    except (binascii.Error, ValueError, RecursionError):
        return {}
    return claims if isinstance(claims, dict) else {}


def _seconds(value: Any) -> float | None:
    """A number of seconds (possibly infinite), or None for anything else or NaN."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        seconds = float(value)
    except OverflowError:  # an integer claim too large for a float
        seconds = math.inf if value > 0 else -math.inf
    return None if math.isnan(seconds) else seconds


def token_lifetime(value: str, expires_in: float | None, now: float) -> float:
    """Seconds a token just received will stay valid: the earlier of ``expires_in`` and
    its ``exp`` claim (Airbyte has answered ``expires_in: 900`` for a token whose ``exp``
    was 180 s away), or three minutes when neither is known; never more than
    ``TOKEN_MAX_LIFETIME``.

    ``now`` is the current wall-clock time. When our clock is past ``exp`` (clock skew
    with the issuer), the token's own span ``exp - iat`` is used instead, and without
    ``iat`` the claim tells nothing usable: it is ignored (were it believed, every
    request would refresh first; a token really expired gets a 401, which refreshes).
    """
    candidates: list[float] = []
    given = _seconds(expires_in)
    if given is not None and given > 0:
        candidates.append(given)
    claims = jwt_claims(value)
    exp, iat = _seconds(claims.get("exp")), _seconds(claims.get("iat"))
    if exp is not None:
        remaining: float | None = exp - now
        if remaining is not None and remaining <= 0:
            remaining = exp - iat if iat is not None and exp > iat else None
        if remaining is not None:
            candidates.append(remaining)
    lifetime = min(candidates) if candidates else _config.TOKEN_DEFAULT_LIFETIME
    return min(lifetime, _config.TOKEN_MAX_LIFETIME)


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
        self, fetch: Callable[[], Awaitable[AccessToken]], clock: Clock, secrets: Secrets
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._secrets = secrets
        self.current: Credential | None = None
        self._refresh: asyncio.Task[Credential] | None = None
        self._closed = False

    async def credential(self) -> Credential:
        token = self.current
        if token is not None and self._clock.monotonic() < token.refresh_at:
            return token
        # No await from here to the task's creation: whoever asks while a refresh runs
        # joins it, whoever asks after it ended (and no good token is cached) starts the
        # next one. There is no lock to queue behind, so no caller can arrive late.
        task = self._refresh
        if task is not None and task is asyncio.current_task():
            # A token provider asking for the token it is providing would wait for itself.
            raise AirbyteError(
                "the token provider made an authenticated request with the client it "
                "provides tokens for: it may only call client.applications.token(...) (or "
                "use another client)"
            )
        if task is None or task.done():
            if self._closed:
                raise ClientClosedError("this AirbyteClient is closed; create a new one")
            task = asyncio.get_running_loop().create_task(self._obtain())
            task.add_done_callback(_retrieve)
            self._refresh = task
        # Waited on through a shield: a waiter's cancellation must not cancel the
        # refresh the others are waiting on.
        return await asyncio.shield(task)

    async def _obtain(self) -> Credential:
        started = self._clock.monotonic()
        try:
            answer = await self._fetch()
        except asyncio.CancelledError:
            if self._closed:  # aclose() stopped it: its waiters learn why
                raise ClientClosedError(
                    "the AirbyteClient was closed while a token was being obtained"
                ) from None
            raise
        self._secrets.learn(answer.value)
        lifetime = token_lifetime(answer.value, answer.expires_in, self._clock.time())
        token = Credential(
            f"Bearer {answer.value}", refresh_at=started + lifetime - refresh_margin(lifetime)
        )
        self.current = token
        return token

    def invalidate(self, rejected: Credential) -> bool:
        if self.current is rejected:
            self.current = None
        return True

    async def aclose(self) -> None:
        self._closed = True
        self.current = None
        task, self._refresh = self._refresh, None
        if task is not None and not task.done():
            task.cancel()
            with anyio.CancelScope(shield=True):
                await asyncio.wait([task])


# --- the token request ----------------------------------------------------------------


class _TokenAnswer(msgspec.Struct, frozen=True):
    # The token endpoint speaks snake_case, and older self-managed versions send
    # `access_token` alone.
    access_token: str
    token_type: str | None = None
    expires_in: float | str | None = None

    def __repr__(self) -> str:
        return f"_TokenAnswer(access_token='***', expires_in={self.expires_in!r})"


def _expires_in(value: float | str | None) -> float | None:
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    return _seconds(value)


async def request_token(
    transport: Transport, client_id: str, client_secret: Secret[str], *, limited: bool
) -> AccessToken:
    """Exchange client credentials for an access token (the cache's refresh, and
    ``client.applications.token``).

    The body is JSON (some self-managed versions refuse a form) and names the grant
    both ways: Airbyte's own wire format says ``grant-type``, the spec's ``required``
    list says ``grant_type``, and the server ignores the key it does not know. Its
    retries spend the token requests' own budget, never the one API requests share.
    ``limited``: whether the request takes an in-flight slot (the cache's refresh does
    not: its callers hold none, and it must never wait for one).

    Raises ``AuthenticationError`` for refused credentials, ``UnexpectedResponseError``
    for an answer whose token cannot be sent in a header.
    """
    body = Secret(
        encode(
            {
                "client_id": client_id,
                "client_secret": client_secret.reveal(),
                "grant-type": "client_credentials",
                "grant_type": "client_credentials",
            }
        )
    )
    from ._transport import TOKEN, TOKEN_REFRESH  # (_transport imports this module)

    response = await transport.request(
        "POST", "/applications/token", body=body, kind=TOKEN if limited else TOKEN_REFRESH
    )
    answer: _TokenAnswer = transport.decode(response, _TokenAnswer, quote=False)
    problem = header_problem(answer.access_token)
    if problem:
        raise UnexpectedResponseError(
            f"{response.method} {response.url} answered {response.status} with an "
            f"access_token that cannot be sent in an Authorization header ({problem}); "
            "it was not used. Check that the base URL is an Airbyte API",
            method=response.method,
            url=response.url,
            status=response.status,
            model="AccessToken",
        )
    transport.secrets.learn(answer.access_token)
    return AccessToken(
        answer.access_token, _expires_in(answer.expires_in), answer.token_type or "Bearer"
    )
