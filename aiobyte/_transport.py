"""The only module that sends HTTP: one request, its retries, and the in-flight bound.

Every request takes a slot (at most ``max_in_flight`` at once per client), gets its
credential inside the slot, is sent to the configured base URL, and has its body read
completely before the slot is given back. Between attempts it sleeps *without* a slot,
so a backoff never holds capacity other callers could use.

Errors are raised after leaving aiohttp's ``except`` blocks: aiohttp's exceptions hold
the request (headers included, so the bearer token), and an exception raised inside
an ``except`` would carry them along as its context.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import platform
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import anyio
import msgspec
from yarl import URL

from . import _config
from ._auth import Authenticator
from ._clock import Clock
from ._codec import decoder
from ._errors import (
    AirbyteError,
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    UnexpectedResponseError,
    error_from_response,
    excerpt,
    html_hint,
    looks_like_html,
)
from ._retry import Failure, RetryBudget, RetryPolicy, is_retry_safe, parse_retry_after
from ._version import __version__

__all__ = ["Response", "Timeouts", "Transport"]

logger = logging.getLogger("aiobyte")

if TYPE_CHECKING:
    import aiohttp


def user_agent() -> str:
    """What the client says it is, in the ``User-Agent`` header."""
    import aiohttp

    return (
        f"aiobyte/{__version__} aiohttp/{aiohttp.__version__} "
        f"{platform.python_implementation()}/{platform.python_version()}"
    )


@dataclass(frozen=True)
class Timeouts:
    """Seconds to open a connection, and to wait for each read from it.

    Waiting for a free pooled connection is never counted: the in-flight bound makes
    that wait a queue, not a failure.
    """

    connect: float = _config.CONNECT_TIMEOUT
    read: float = _config.READ_TIMEOUT

    def __post_init__(self) -> None:
        if not (self.connect > 0 and self.read > 0):
            raise ValueError("timeouts must be positive numbers of seconds")


@dataclass(frozen=True, slots=True)
class Response:
    """A complete answer: status and body, already read."""

    method: str
    url: str
    status: int
    content_type: str
    body: bytes
    retry_after: str | None


@dataclass(frozen=True, slots=True)
class _Failed:
    method: str
    url: str
    kind: Failure
    description: str
    timed_out: bool


class Transport:
    """Sends requests for one client. Created and owned by :class:`AirbyteClient`."""

    def __init__(
        self,
        base_url: str,
        *,
        auth: Authenticator | None,
        session: aiohttp.ClientSession | None,
        max_in_flight: int,
        timeouts: Timeouts,
        retry: RetryPolicy,
        budget: RetryBudget,
        clock: Clock,
    ) -> None:
        self.base_url = base_url
        self._encoded_base = str(URL(base_url))
        self.auth = auth
        self.retry = retry
        self.budget = budget
        self.clock = clock
        self.max_in_flight = max_in_flight
        self._session = session
        self._owns_session = session is None
        self._slots = anyio.Semaphore(max_in_flight, fast_acquire=True)
        self._timeouts = timeouts
        self._timeout: aiohttp.ClientTimeout | None = None
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def _get_session(self) -> tuple[aiohttp.ClientSession, aiohttp.ClientTimeout]:
        # aiohttp is imported here, on the first request, not with aiobyte: it is most
        # of the import time, and a program that only builds a client pays nothing.
        import aiohttp

        if self._timeout is None:
            self._timeout = aiohttp.ClientTimeout(
                total=None,
                connect=None,
                sock_connect=self._timeouts.connect,
                sock_read=self._timeouts.read,
            )
        if self._session is None:
            connector = aiohttp.TCPConnector(
                # One more than the slots: the token request is sent outside them, so
                # that callers holding every slot can still get their token.
                limit=self.max_in_flight + 1,
                limit_per_host=0,
                ttl_dns_cache=300,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout,
                headers={"User-Agent": user_agent()},
            )
        return self._session, self._timeout

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.auth is not None:
            await self.auth.aclose()
        session, self._session = self._session, None
        if session is not None and self._owns_session:
            await session.close()

    def _check_open(self) -> None:
        if self._closed:
            raise ClientClosedError(
                "this AirbyteClient is closed; create a new one (or use it inside "
                "'async with AirbyteClient(...) as client:')"
            )

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        body: bytes | None = None,
        retry_safe: bool | None = None,
        authenticated: bool = True,
        limited: bool = True,
        token_endpoint: bool = False,
    ) -> Response:
        """Send a request to ``base_url + path`` and return its successful answer.

        Retries what is safe to retry (see ``_retry``), refreshes the token once on a
        401, and raises the matching :class:`AirbyteError` for anything else.
        """
        self._check_open()
        url = self.base_url + path
        # The base URL was normalised once; paths are built from checked ids and
        # percent-encoded segments, so yarl need not parse and re-encode each one.
        target = URL(self._encoded_base + path, encoded=True)
        safe = is_retry_safe(method) if retry_safe is None else retry_safe
        headers = {"Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        retries = 0
        reauthenticated = False
        while True:
            credential = None
            async with self._slots if limited else contextlib.nullcontext():
                self._check_open()
                if authenticated and self.auth is not None:
                    credential = await self.auth.credential()
                    headers["Authorization"] = credential.header
                outcome = await self._send(method, url, target, params, body, headers)
            if isinstance(outcome, Response):
                status = outcome.status
                if 200 <= status < 300:
                    self.budget.deposit()
                    return outcome
                if (
                    status == 401
                    and credential is not None
                    and self.auth is not None
                    and not reauthenticated
                    and self.auth.invalidate(credential)
                ):
                    # The token was rejected (revoked, or expired early): get a new one
                    # and resend once. A second 401 is an answer, not a reason to loop.
                    reauthenticated = True
                    logger.info("%s %s: token rejected (401), refreshing it once", method, url)
                    continue
                retry_after = parse_retry_after(outcome.retry_after, self.clock.time())
                delay = self.retry.delay(
                    failure=Failure.STATUS,
                    retry_safe=safe,
                    retries_done=retries,
                    status=status,
                    retry_after=retry_after,
                )
                reason = f"answered {status}"
            else:
                delay = self.retry.delay(
                    failure=outcome.kind, retry_safe=safe, retries_done=retries
                )
                reason = outcome.description
            if delay is None or not self.budget.try_spend():
                raise self._error(outcome, token_endpoint=token_endpoint)
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

    async def _send(
        self,
        method: str,
        url: str,
        target: URL,
        params: list[tuple[str, str]] | None,
        body: bytes | None,
        headers: dict[str, str],
    ) -> Response | _Failed:
        import aiohttp  # already loaded by _get_session: a dictionary lookup

        session, timeout = self._get_session()
        try:
            async with session.request(
                method,
                target,
                params=params,
                data=body,
                headers=headers,
                allow_redirects=False,
                timeout=timeout,
            ) as answer:
                content = await answer.read()
                response = Response(
                    method,
                    url,
                    answer.status,
                    answer.headers.get("Content-Type", ""),
                    content,
                    answer.headers.get("Retry-After"),
                )
        except aiohttp.ConnectionTimeoutError as exc:
            failed = (Failure.CONNECT, self._describe(exc, "connecting timed out"), True)
        except aiohttp.ClientConnectorError as exc:
            failed = (Failure.CONNECT, self._describe(exc, "could not connect"), False)
        except (aiohttp.ServerTimeoutError, asyncio.TimeoutError) as exc:
            failed = (Failure.AMBIGUOUS, self._describe(exc, "no answer in time"), True)
        except (aiohttp.ClientError, OSError) as exc:
            failed = (Failure.AMBIGUOUS, self._describe(exc, "the connection failed"), False)
        else:
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug("%s %s -> %d (%d bytes)", method, url, response.status, len(content))
            return response
        return _Failed(method, url, *failed)

    def _describe(self, exc: BaseException, what: str) -> str:
        detail = str(exc)
        if self.auth is not None:
            for secret in self.auth.secrets():
                if secret:
                    detail = detail.replace(secret, "***")
        name = type(exc).__name__
        return f"{what} ({name}: {detail})" if detail else f"{what} ({name})"

    def _error(self, outcome: Response | _Failed, *, token_endpoint: bool) -> AirbyteError:
        if isinstance(outcome, _Failed):
            raise_as = APITimeoutError if outcome.timed_out else APIConnectionError
            return raise_as(
                f"{outcome.method} {outcome.url}: {outcome.description}",
                method=outcome.method,
                url=outcome.url,
            )
        return error_from_response(
            method=outcome.method,
            url=outcome.url,
            status=outcome.status,
            content_type=outcome.content_type,
            body=outcome.body,
            base_url=self.base_url,
            retry_after=parse_retry_after(outcome.retry_after, self.clock.time()),
            token_endpoint=token_endpoint,
        )

    def decode(self, response: Response, model: Any, *, quote: bool = True) -> Any:
        """The body of a successful answer as ``model``, or a clear error."""
        try:
            return decoder(model).decode(response.body)
        except msgspec.DecodeError as exc:
            problem = str(exc)
        name = _model_name(model)
        where = f"{response.method} {response.url} answered {response.status}"
        if looks_like_html(response.content_type, response.body):
            message = f"{where} with an HTML page, not JSON: {html_hint(self.base_url)}"
            return_html = True
        else:
            message = f"{where} with a body that does not decode as {name}: {problem}"
            if quote:
                message += f". The body starts: {excerpt(response.body)!r}"
            return_html = False
        raise UnexpectedResponseError(
            message,
            method=response.method,
            url=response.url,
            status=response.status,
            model=name,
            is_html=return_html,
        )


def _model_name(model: Any) -> str:
    """``Source``, or ``PageBody[Source]`` for a generic model, for error messages."""
    origin, args = getattr(model, "__origin__", None), getattr(model, "__args__", ())
    if origin is not None and args:
        inner = ", ".join(getattr(arg, "__name__", repr(arg)) for arg in args)
        return f"{getattr(origin, '__name__', repr(origin))}[{inner}]"
    return str(getattr(model, "__name__", repr(model)))
