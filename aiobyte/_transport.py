"""The only module that sends HTTP: one request, its retries, and the in-flight bound.

Every request gets its credential (waiting, if need be, for the one token refresh in
flight), then takes a slot (at most ``max_in_flight`` at once per client), is sent to
the configured base URL, and has its body read completely before the slot is given
back. Between attempts it sleeps *without* a slot, so a backoff never holds capacity
other callers could use; and no caller holds a slot while it waits for a token, so a
token request never waits for one.

A transport belongs to the event loop it is first used on; ``aclose()`` ends every
request in flight or queued with ``ClientClosedError``.

Every request on the wire is decided here: aiohttp's own silent resend of an idempotent
request whose kept-alive connection dropped is turned off, so retries go through the
policy and the budget. A body is read up to ``max_body_size`` bytes (after
decompression) and no further; an attempt may take ``Timeouts.total`` seconds in all.

Errors are raised after leaving aiohttp's ``except`` blocks: aiohttp's exceptions hold
the request (headers included, so the bearer token), and an exception raised inside
an ``except`` would carry them along as its context.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import platform
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec
from yarl import URL

from . import _config
from ._auth import Auth, Authenticator, Credential
from ._clock import Clock, SystemClock
from ._codec import decoder
from ._context import FAN_OUT
from ._errors import (
    AirbyteError,
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    UnexpectedResponseError,
    WrongEventLoopError,
    error_from_response,
    excerpt,
    html_hint,
    looks_like_html,
)
from ._retry import Failure, RetryBudget, RetryPolicy, is_retry_safe, parse_retry_after
from ._secrets import MaskedHeaders, Secret, Secrets
from ._version import __version__

__all__ = [
    "API",
    "PUBLIC",
    "TOKEN",
    "TOKEN_REFRESH",
    "RequestKind",
    "RequestOptions",
    "RawResponse",
    "Timeouts",
    "Transport",
]

_T = TypeVar("_T")

logger = logging.getLogger("aiobyte")
_DEBUG = logging.DEBUG

if TYPE_CHECKING:
    import aiohttp

# Binding a transport to its event loop happens once; the lock makes two threads that
# both use a fresh client agree on which of them got it.
_BIND_LOCK = threading.Lock()


_AIOHTTP: ModuleType | None = None


def _aiohttp() -> ModuleType:
    """aiohttp, imported on first use (most of a cold start's import time) and then kept:
    an ``import`` statement on every request costs a lookup in ``sys.modules`` each time."""
    global _AIOHTTP
    if _AIOHTTP is None:
        import aiohttp

        _AIOHTTP = aiohttp
    return _AIOHTTP


def user_agent() -> str:
    """What the client says it is, in the ``User-Agent`` header."""
    import aiohttp

    return (
        f"aiobyte/{__version__} aiohttp/{aiohttp.__version__} "
        f"{platform.python_implementation()}/{platform.python_version()}"
    )


@dataclass(frozen=True)
class Timeouts:
    """Seconds to open a connection, to wait for each read from it, and for a whole attempt.

    ``total`` bounds one attempt from start to the last byte of the answer (None: no
    bound), so a server that drips a byte at a time still ends; each retry gets its
    own. Waiting for a slot is never counted: the in-flight bound makes that wait a
    queue, not a failure (on a borrowed session, waiting for one of its pooled
    connections counts toward ``total``). Raises ``ValueError`` for a number that is
    not positive.
    """

    connect: float = _config.CONNECT_TIMEOUT
    read: float = _config.READ_TIMEOUT
    total: float | None = _config.ATTEMPT_TIMEOUT

    def __post_init__(self) -> None:
        if not (_positive(self.connect) and _positive(self.read)):
            raise ValueError("timeouts must be positive numbers of seconds")
        if self.total is not None and not _positive(self.total):
            raise ValueError("Timeouts.total must be a positive number of seconds, or None")


def _positive(value: object) -> bool:
    return (
        isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < float("inf")
    )


@dataclass(frozen=True, slots=True)
class RequestKind:
    """How a request is sent: with the client's credential or not, inside the in-flight
    bound or not, and whether it is the token request (whose 401 and 403 mean wrong
    client credentials, and whose body is never quoted)."""

    authenticated: bool = True
    limited: bool = True
    token_request: bool = False


#: An API request: the client's credential, one slot.
API = RequestKind()
#: A request the server answers without credentials (``/health``).
PUBLIC = RequestKind(authenticated=False)
#: A token request a caller makes (``applications.token``): it takes a slot.
TOKEN = RequestKind(authenticated=False, token_request=True)
#: The token cache's own refresh: outside the slots, so that it never queues behind the
#: requests in flight while every other caller waits for it.
TOKEN_REFRESH = RequestKind(authenticated=False, limited=False, token_request=True)


class RawResponse(msgspec.Struct, frozen=True):
    """One answer of the server, already read: what ``AirbyteClient.with_options``
    hands to ``on_response`` (``aiobyte.RawResponse``); immutable.

    ``headers`` are the answer's, case-insensitive (``headers["X-Request-Id"]``);
    ``body`` is the raw body (never in the repr: it may hold a secret). A msgspec
    Struct rather than a dataclass: one is made for every answer, and a frozen
    dataclass sets each of its fields through ``object.__setattr__``.
    """

    method: str
    url: str
    status: int
    content_type: str
    body: bytes
    retry_after: str | None
    headers: Mapping[str, str]

    def __repr__(self) -> str:
        # Not the body: it may quote a credential (a frame local must not show it).
        return f"RawResponse({self.method} {self.url} -> {self.status}, {len(self.body)} bytes)"


class RequestOptions:
    """What a view of the client (``AirbyteClient.with_options``) changes for its calls:
    timeouts, headers added to each request, a function shown each answer."""

    __slots__ = ("_client_timeout", "headers", "on_response", "timeouts")

    def __init__(
        self,
        timeouts: Timeouts | None = None,
        headers: Mapping[str, str] | None = None,
        on_response: Callable[[RawResponse], object] | None = None,
    ) -> None:
        self.timeouts = timeouts
        self.headers = check_headers(headers or {})
        self.on_response = on_response
        self._client_timeout: aiohttp.ClientTimeout | None = None

    def merged(self, other: RequestOptions) -> RequestOptions:
        """These options with ``other``'s on top (its headers added, the rest replaced)."""
        return RequestOptions(
            other.timeouts or self.timeouts,
            {**self.headers, **other.headers},
            other.on_response or self.on_response,
        )

    def client_timeout(self) -> aiohttp.ClientTimeout | None:
        if self.timeouts is not None and self._client_timeout is None:
            self._client_timeout = _client_timeout(self.timeouts)
        return self._client_timeout

    def __repr__(self) -> str:
        return f"RequestOptions(timeouts={self.timeouts!r}, headers={sorted(self.headers)!r})"


#: Headers aiobyte sets itself: the credential, and what describes the body it sends.
_OWN_HEADERS = frozenset({"authorization", "content-type", "content-length", "host"})


def check_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Extra request headers, checked: ``ValueError`` for a header aiobyte sets itself
    or for a name or value that could not be sent as given."""
    if not isinstance(headers, Mapping):
        raise ValueError(f"headers must be a mapping of str to str; got {type(headers).__name__}")
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise ValueError(f"headers must map str to str; got {name!r}: {type(value).__name__}")
        if not name or not name.isascii() or any(c in name for c in " :\r\n\t\0"):
            raise ValueError(f"{name!r} is not a header name")
        if any(c in value for c in "\r\n\0"):
            raise ValueError(f"the value of header {name!r} holds a line break or NUL")
        if name.lower() in _OWN_HEADERS:
            raise ValueError(
                f"{name} is set by aiobyte itself (credentials go in auth=, the body is JSON)"
            )
        checked[name] = value
    return checked


def _client_timeout(timeouts: Timeouts) -> aiohttp.ClientTimeout:
    import aiohttp

    return aiohttp.ClientTimeout(
        # aiohttp's timer for the whole request: it counts from the start of the
        # attempt to the last byte of the body (our slots keep the pool wait nil).
        total=timeouts.total,
        connect=None,
        sock_connect=timeouts.connect,
        sock_read=timeouts.read,
    )


@dataclass(frozen=True, slots=True)
class _Failed:
    method: str
    url: str
    kind: Failure
    description: str
    timed_out: bool


@dataclass(frozen=True, slots=True)
class _TooLarge:
    method: str
    url: str
    status: int
    size: int | None  # what Content-Length announced, if it did


class _Slots:
    """The in-flight bound: at most ``free`` holders at once, the waiters served in order.

    Taking a free slot is the caller's ``if slots.free: slots.free -= 1`` (no coroutine);
    only a caller that finds none awaits :meth:`take`. A slot given back goes straight to
    the first waiter still waiting, so nobody overtakes the queue, and ``free`` is more
    than 0 only while nobody waits. A waiter cancelled after it was handed a slot passes
    the slot on instead of losing it.
    """

    __slots__ = ("free", "waiters")

    def __init__(self, size: int) -> None:
        self.free = size
        self.waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    async def take(self) -> None:
        if self.free:
            self.free -= 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        try:
            await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                self.give()  # handed a slot, but cancelled before it could use it
            raise

    def give(self) -> None:
        """Give a slot back: to the first caller still waiting, else to ``free``."""
        waiters = self.waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.done():  # not cancelled meanwhile
                waiter.set_result(None)
                return
        self.free += 1


class Transport:
    """Sends requests for one client. Created and owned by :class:`AirbyteClient`."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: Auth | None,
        session: aiohttp.ClientSession | None,
        max_in_flight: int,
        max_body_size: int = _config.MAX_BODY_SIZE,
        timeouts: Timeouts,
        retry: RetryPolicy,
        budget: RetryBudget,
        clock: Clock,
        user_agent: str | None = None,
        trust_env: bool = False,
    ) -> None:
        self.base_url = base_url
        self._user_agent_suffix = user_agent
        self._trust_env = trust_env
        # What every request's URL is built from: the base URL normalised once.
        self._base = URL(str(URL(base_url)))
        self._path = self._base.raw_path.rstrip("/")
        #: The headers of a request without a body or options (most of them), made once
        #: and shared; ``_with_credential`` adds the credential to a copy.
        self._plain_headers = MaskedHeaders(Accept="application/json")
        self._credential: Credential | None = None
        self._credential_headers = self._plain_headers
        # The system clock's monotonic() is time.monotonic: called as it is, not through
        # a method of ours, on every request.
        self._monotonic = time.monotonic if type(clock) is SystemClock else clock.monotonic
        self.retry = retry
        self.budget = budget
        #: Token requests retry from a budget of their own (see _config).
        self.token_budget = RetryBudget(
            _config.TOKEN_RETRY_BUDGET, _config.TOKEN_RETRY_BUDGET_RATIO
        )
        self.clock = clock
        #: Every secret this client knows, scrubbed from whatever it shows.
        self.secrets = Secrets()
        self.max_in_flight = max_in_flight
        self.max_body_size = max_body_size
        self._session = session
        self._owns_session = session is None
        if session is not None:
            _no_silent_resend(session)
        # Not anyio's semaphore: creating it loads anyio's asyncio backend (about 15 ms
        # of a cold start); not asyncio's either: taking a free slot is an attribute
        # test here, not three coroutines (see _Slots).
        self._slots = _Slots(max_in_flight)
        # Requests started in the current turn of the event loop, counted only when the
        # slots allow more than SEND_BURST at once (see _config.SEND_BURST).
        self._spread = max_in_flight > _config.SEND_BURST
        self._started = 0
        self._timeouts = timeouts
        self._timeout: aiohttp.ClientTimeout | None = None
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None
        # Tasks inside request(), and those aclose() cancelled: their CancelledError
        # becomes ClientClosedError.
        self._active: set[asyncio.Task[Any]] = set()
        self._closing: set[asyncio.Task[Any]] = set()
        self.auth: Authenticator | None = auth._authenticator(self) if auth else None

    @property
    def closed(self) -> bool:
        return self._closed

    def _get_session(self) -> tuple[aiohttp.ClientSession, aiohttp.ClientTimeout]:
        # aiohttp is imported here, on the first request, not with aiobyte: it is most
        # of the import time, and a program that only builds a client pays nothing.
        import aiohttp

        if self._timeout is None:
            self._timeout = _client_timeout(self._timeouts)
        if self._session is None:
            suffix = self._user_agent_suffix
            connector = aiohttp.TCPConnector(
                # One more than the slots: the token refresh is sent outside them, and
                # must find a connection while every slot is in use.
                limit=self.max_in_flight + 1,
                limit_per_host=0,
                ttl_dns_cache=300,
            )
            proxy = None
            if self._trust_env:
                # The proxy for the base URL, from HTTP(S)_PROXY and NO_PROXY, found once
                # here: aiohttp's own trust_env looks it up (and ~/.netrc, whose
                # credentials it would then send to the API) in a thread on every request.
                from aiohttp.helpers import get_env_proxy_for_url

                with contextlib.suppress(LookupError):
                    proxy, proxy_auth = get_env_proxy_for_url(URL(self.base_url))
                    if proxy_auth is not None:
                        # The proxy's credentials are secrets too. They go back into its
                        # URL: aiohttp deprecates ClientSession(proxy_auth=...).
                        for secret in (proxy_auth.password, proxy_auth.encode()[6:]):
                            self.secrets.keep(secret)
                        login, password = proxy_auth.login, proxy_auth.password
                        proxy = proxy.with_user(login).with_password(password)
            self._session = aiohttp.ClientSession(
                connector=connector,
                proxy=proxy,
                timeout=self._timeout,
                headers={"User-Agent": " ".join(filter(None, (user_agent(), suffix)))},
            )
            _no_silent_resend(self._session)
        return self._session, self._timeout

    def bind_loop(self) -> None:
        """Bind to the running event loop, or raise if bound to another one."""
        loop = asyncio.get_running_loop()
        if loop is self._loop:
            return
        with _BIND_LOCK:
            if self._loop is None:
                self._loop = loop
                return
        raise WrongEventLoopError(
            "this AirbyteClient is used on another event loop than the one it was first "
            "used on (another thread, a second asyncio.run(), or a test running on "
            "another loop than its fixture's); a client, its session and its token "
            "refresh belong to one event loop: create one client per event loop, inside it"
        )

    async def aclose(self) -> None:
        """Close: every request in flight or queued ends with ClientClosedError."""
        if self._closed:
            return
        if self._loop is not None:
            self.bind_loop()  # raises on another loop: the session is not its to close
        self._closed = True
        current = asyncio.current_task()
        for task in self._active:
            if task is not current:
                self._closing.add(task)
                task.cancel()
        if self.auth is not None:
            await self.auth.aclose()
        session, self._session = self._session, None
        if session is not None and self._owns_session:
            await session.close()

    def _check_open(self) -> None:
        if self._closed:
            raise _closed_error()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        body: bytes | Secret[bytes] | None = None,
        kind: RequestKind = API,
        options: RequestOptions | None = None,
        model: Any = None,
    ) -> Any:
        """Send a request to ``base_url + path`` and return its successful answer: the
        ``RawResponse``, or its body decoded as ``model`` when one is given.

        Retries what is safe to retry (see ``_retry``), refreshes the token once on a
        401, and raises the matching :class:`AirbyteError` for anything else (an
        ``UnexpectedResponseError`` for a body that is not a ``model``);
        ``ClientClosedError`` when the client is closed meanwhile, and
        ``WrongEventLoopError`` on another event loop than the client's.

        One coroutine from the call to the decoded answer: this is the path of every
        request, and each coroutine layer under a resource method costs every request
        its frame, and every resumption of it its hop through the chain of awaits.
        """
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            self.bind_loop()
        if self._closed:
            raise _closed_error()
        if kind.limited:
            fan_out = FAN_OUT.get()
            if fan_out is not None and fan_out.limit > self.max_in_flight:
                fan_out.capped(self.max_in_flight)  # warns once per fan-out
        task = asyncio.current_task(loop)
        assert task is not None
        self._active.add(task)
        try:
            url = self.base_url + path
            # The base URL was normalised once; paths are built from checked ids and
            # percent-encoded segments, so yarl need not parse and re-encode each one.
            target = self._base.with_path(self._path + path, encoded=True)
            budget = self.token_budget if kind.token_request else self.budget
            if body is None and options is None:
                headers = self._plain_headers  # shared: never changed, only copied
            else:
                headers = MaskedHeaders(self._plain_headers)
                if body is not None:
                    headers["Content-Type"] = "application/json"
                if options is not None:
                    headers.update(options.headers)
            timeout = None if options is None else options.client_timeout()
            auth = self.auth if kind.authenticated else None
            slots = self._slots if kind.limited else None
            retries = 0
            reauthenticated = False
            while True:
                credential = None
                sent = headers
                if auth is not None:
                    # Before taking a slot: a caller waiting for a token holds none, so
                    # the token request (even one a TokenProvider makes through this
                    # client) never waits behind callers that wait for it.
                    credential = auth.current
                    if credential is None or self._monotonic() >= credential.refresh_at:
                        credential = await auth.credential()
                    if credential is self._credential and headers is self._plain_headers:
                        sent = self._credential_headers  # made for this credential before
                    else:
                        sent = self._with_credential(headers, credential)
                if slots is not None:
                    if slots.free:  # the common case: a slot is free, take it at once
                        slots.free -= 1
                    else:
                        await slots.take()
                outcome: RawResponse | _Failed | _TooLarge
                answer: aiohttp.ClientResponse | None
                try:
                    if self._spread:
                        await self._turn()
                    if self._closed:
                        raise _closed_error()
                    session, default_timeout = self._session, self._timeout
                    if session is None or default_timeout is None:
                        session, default_timeout = self._get_session()
                    # The attempt, here rather than in a coroutine of its own (one layer
                    # fewer). aiohttp's errors become an outcome: the error is raised
                    # below, outside these except blocks (see the module's docstring).
                    # (``_aiohttp()`` in an except clause runs only when one is raised.)
                    try:
                        async with session.request(
                            method,
                            target,
                            params=params,
                            # Revealed here, in the call: no local of this frame holds it.
                            data=body.reveal() if isinstance(body, Secret) else body,
                            headers=sent,
                            allow_redirects=False,
                            timeout=timeout or default_timeout,
                        ) as answer:
                            length = answer.content_length
                            headers_in = answer.headers
                            if (
                                length is not None
                                and length <= self.max_body_size
                                and "Content-Encoding" not in headers_in
                            ):
                                # The common case, for the price of two header lookups:
                                # aiohttp reads exactly the announced length, no more.
                                outcome = RawResponse(
                                    method,
                                    url,
                                    answer.status,
                                    headers_in.get("Content-Type", ""),
                                    await answer.read(),
                                    headers_in.get("Retry-After"),
                                    headers_in,
                                )
                            else:
                                outcome = await self._read(method, url, answer)
                    except _aiohttp().ConnectionTimeoutError as exc:
                        outcome = self._failed(
                            method, url, exc, Failure.CONNECT, "connecting timed out", True
                        )
                    except _aiohttp().ClientConnectorError as exc:
                        outcome = self._failed(
                            method, url, exc, Failure.CONNECT, "could not connect", False
                        )
                    except (_aiohttp().ServerTimeoutError, asyncio.TimeoutError) as exc:
                        outcome = self._failed(
                            method, url, exc, Failure.AMBIGUOUS, "no answer in time", True
                        )
                    except (_aiohttp().ClientError, OSError) as exc:
                        outcome = self._failed(
                            method, url, exc, Failure.AMBIGUOUS, "the connection failed", False
                        )
                    answer = None  # no local holds aiohttp's answer (its request's headers)
                finally:
                    if slots is not None:
                        if slots.waiters:
                            slots.give()
                        else:  # the common case: nobody waits
                            slots.free += 1
                if isinstance(outcome, RawResponse):
                    if logger.isEnabledFor(_DEBUG):
                        logger.debug(
                            "%s %s -> %d (%d bytes)", method, url, outcome.status, len(outcome.body)
                        )
                    if options is not None and options.on_response is not None:
                        options.on_response(outcome)
                    status = outcome.status
                    if 200 <= status < 300:
                        budget.deposit()
                        if model is None:
                            return outcome
                        try:
                            return decoder(model).decode(outcome.body)
                        except (msgspec.DecodeError, RecursionError):
                            pass  # decode() says what went wrong, below
                        return self.decode(outcome, model)
                    if (
                        status == 401
                        and credential is not None
                        and auth is not None
                        and not reauthenticated
                        and auth.invalidate(credential)
                    ):
                        # The token was rejected (revoked, or expired early): get a new
                        # one and resend once. A second 401 is an answer, not a reason
                        # to loop.
                        reauthenticated = True
                        logger.info("%s %s: token rejected (401), refreshing it once", method, url)
                        continue
                    retry_after = parse_retry_after(outcome.retry_after, self.clock.time())
                    delay = self.retry.delay(
                        failure=Failure.STATUS,
                        retry_safe=is_retry_safe(method, path),
                        retries_done=retries,
                        status=status,
                        retry_after=retry_after,
                    )
                    reason = f"answered {status}"
                elif isinstance(outcome, _TooLarge):
                    # Not retried: the same request would get the same body.
                    raise self._too_large(outcome)
                else:
                    delay = self.retry.delay(
                        failure=outcome.kind,
                        retry_safe=is_retry_safe(method, path),
                        retries_done=retries,
                    )
                    reason = outcome.description
                self._check_open()  # closed meanwhile: no retry spent, ClientClosedError
                if delay is None or not budget.try_spend():
                    raise self._error(outcome, token_endpoint=kind.token_request)
                retries += 1
                logger.info(
                    "%s %s %s; retry %d of at most %d in %.2f s",
                    method,
                    url,
                    reason,
                    retries,
                    self.retry.max_retries,
                    delay,
                )
                await self.clock.sleep(delay)
        except asyncio.CancelledError:
            closed = self._closed_instead(task)
            if closed is None:
                raise
            raise closed from None
        finally:
            self._active.discard(task)
            if self._closing:
                self._closing.discard(task)

    def _closed_instead(self, task: asyncio.Task[Any]) -> ClientClosedError | None:
        """What to raise instead of a cancellation of ``task`` that ``aclose()`` caused;
        None for any other cancellation, which goes on (and wins when both are pending)."""
        if task not in self._closing:
            return None
        if sys.version_info >= (3, 11) and task.uncancel() > 0:
            return None
        return _closed_error()

    async def closable(self, wait: Callable[..., Awaitable[_T]], *args: Any) -> _T:
        """``await wait(*args)`` (a sleep between polls); ``ClientClosedError`` as soon as
        the client is closed meanwhile, as for a request in flight."""
        self._check_open()
        task = asyncio.current_task()
        assert task is not None
        self._active.add(task)
        try:
            return await wait(*args)
        except asyncio.CancelledError:
            closed = self._closed_instead(task)
            if closed is None:
                raise
            raise closed from None
        finally:
            self._active.discard(task)
            self._closing.discard(task)

    def _with_credential(self, headers: MaskedHeaders, credential: Credential) -> MaskedHeaders:
        """``headers`` with the credential's ``Authorization``; for the plain headers of
        most requests, kept for reuse until the credential changes (aiohttp copies them;
        ``request`` reuses them)."""
        prepared = MaskedHeaders(headers)
        prepared["Authorization"] = credential.header
        if headers is self._plain_headers:
            self._credential, self._credential_headers = credential, prepared
        return prepared

    async def _turn(self) -> None:
        """Wait for a turn of the event loop that has started fewer than SEND_BURST
        requests: hundreds released at once (a token arrived) spread over several
        turns, so no single turn opens hundreds of connections while other tasks wait."""
        while self._started >= _config.SEND_BURST:  # noqa: ASYNC110 (a turn is the event)
            await asyncio.sleep(0)
        if self._started == 0:
            asyncio.get_running_loop().call_soon(self._new_turn)
        self._started += 1

    def _new_turn(self) -> None:
        self._started = 0

    async def _read(
        self, method: str, url: str, answer: aiohttp.ClientResponse
    ) -> RawResponse | _TooLarge:
        """The body of an answer without a length, compressed, or announced larger than
        ``max_body_size``: refused, or read whole up to that many bytes (the common case,
        an announced length within the cap, is read in ``request``)."""
        length = answer.content_length
        limit = self.max_body_size
        headers = answer.headers
        if length is not None and "Content-Encoding" not in headers:
            # Over the cap (the caller reads those within it): refused unread.
            answer.close()
            return _TooLarge(method, url, answer.status, length)
        # Chunked, or compressed (the announced length is not the size of what inflates
        # from it): count while reading.
        content = await _read_at_most(answer, limit)
        if content is None:
            answer.close()
            return _TooLarge(method, url, answer.status, None)
        return RawResponse(
            method,
            url,
            answer.status,
            headers.get("Content-Type", ""),
            content,
            headers.get("Retry-After"),
            headers,
        )

    def _failed(
        self,
        method: str,
        url: str,
        exc: BaseException,
        kind: Failure,
        what: str,
        timed_out: bool,
    ) -> _Failed:
        return _Failed(method, url, kind, self._describe(exc, what), timed_out)

    def _describe(self, exc: BaseException, what: str) -> str:
        detail = self.secrets.scrub(str(exc))
        name = type(exc).__name__
        return f"{what} ({name}: {detail})" if detail else f"{what} ({name})"

    def _too_large(self, outcome: _TooLarge) -> UnexpectedResponseError:
        announced = "" if outcome.size is None else f" (it announced {outcome.size} bytes)"
        return UnexpectedResponseError(
            f"{outcome.method} {outcome.url} answered {outcome.status} with a body larger than "
            f"{self.max_body_size} bytes{announced}, which aiobyte does not read: check the "
            "base URL, or raise AirbyteClient(max_body_size=...) if this answer is legitimate",
            method=outcome.method,
            url=outcome.url,
            status=outcome.status,
        )

    def _error(self, outcome: RawResponse | _Failed, *, token_endpoint: bool) -> AirbyteError:
        error: AirbyteError
        if isinstance(outcome, _Failed):
            raise_as = APITimeoutError if outcome.timed_out else APIConnectionError
            error = raise_as(
                f"{outcome.method} {outcome.url}: {outcome.description}",
                method=outcome.method,
                url=outcome.url,
            )
        else:
            error = error_from_response(
                method=outcome.method,
                url=outcome.url,
                status=outcome.status,
                content_type=outcome.content_type,
                # A server may echo the request: no secret goes into the error.
                body=self.secrets.scrub_bytes(outcome.body),
                base_url=self.base_url,
                retry_after=parse_retry_after(outcome.retry_after, self.clock.time()),
                token_endpoint=token_endpoint,
            )
        self.secrets.scrub_error(error)
        return error

    def decode(self, response: RawResponse, model: Any, *, quote: bool = True) -> Any:
        """The body of a successful answer as ``model``, or a clear error."""
        try:
            return decoder(model).decode(response.body)
        except msgspec.DecodeError as exc:
            problem = str(exc)
        except RecursionError:
            # msgspec's guard against JSON nested deeper than the interpreter's stack.
            problem = "JSON nested too deeply"
        name = _model_name(model)
        where = f"{response.method} {response.url} answered {response.status}"
        if looks_like_html(response.content_type, response.body):
            message = f"{where} with an HTML page, not JSON: {html_hint(self.base_url)}"
            return_html = True
        else:
            message = f"{where} with a body that does not decode as {name}: {problem}"
            if quote:
                body = self.secrets.scrub_bytes(response.body)
                message += f". The body starts: {excerpt(body)!r}"
            return_html = False
        raise UnexpectedResponseError(
            self.secrets.scrub(message),
            method=response.method,
            url=response.url,
            status=response.status,
            model=name,
            is_html=return_html,
        )


def _closed_error() -> ClientClosedError:
    return ClientClosedError(
        "this AirbyteClient is closed; create a new one (or use it inside "
        "'async with AirbyteClient(...) as client:')"
    )


def _no_silent_resend(session: aiohttp.ClientSession) -> None:
    # aiohttp (3.10 and later) resends a GET, PUT or DELETE once, at once, when the
    # connection drops before the answer's headers: a request the retry policy and the
    # budget never see. Its own test client turns that off with this attribute (3.11 and
    # later); aiobyte does the same, so that every resend is the policy's decision.
    if getattr(session, "_retry_connection", False):
        session._retry_connection = False


async def _read_at_most(answer: aiohttp.ClientResponse, limit: int) -> bytes | None:
    """The whole (decompressed) body, or None as soon as it grows past ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in answer.content.iter_any():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _model_name(model: Any) -> str:
    """``Source``, or ``PageBody[Source]`` for a generic model, for error messages."""
    origin, args = getattr(model, "__origin__", None), getattr(model, "__args__", ())
    if origin is not None and args:
        inner = ", ".join(getattr(arg, "__name__", repr(arg)) for arg in args)
        return f"{getattr(origin, '__name__', repr(origin))}[{inner}]"
    return str(getattr(model, "__name__", repr(model)))
