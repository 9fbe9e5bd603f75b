"""The exceptions aiobyte raises, and the one function that maps an answer to one.

::

    AirbyteError
     ├── ClientClosedError             the client was used after aclose()
     ├── WrongEventLoopError           the client was used on another event loop
     ├── APIConnectionError            no answer: connection refused, dropped, reset
     │    └── APITimeoutError          no answer in time
     ├── UnexpectedResponseError       a 2xx answer that is not what was asked for
     │                                 (HTML from a wrong base URL, a body that does
     │                                 not decode as the expected model)
     ├── JobTimeoutError               jobs.wait gave up (also a TimeoutError)
     └── APIStatusError                the server answered with an error status
          ├── BadRequestError          400
          ├── AuthenticationError      401 (and 401/403 from the token endpoint)
          ├── PermissionDeniedError    403
          ├── NotFoundError            404
          ├── ConflictError            409
          ├── UnprocessableEntityError 422
          ├── RateLimitError           429
          └── InternalServerError      5xx

Invalid arguments raise the built-in ``ValueError`` before anything is sent.

No exception here carries a credential: messages name the method, URL and status and
quote the server's problem details; aiohttp's own exceptions (which hold the request
headers, bearer token included) are never attached as a cause or context.

Every exception survives pickling with its attributes (orchestrators and
multiprocessing send errors across processes).
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import msgspec

from . import _config

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AirbyteError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConflictError",
    "InternalServerError",
    "JobTimeoutError",
    "NotFoundError",
    "PermissionDeniedError",
    "Problem",
    "RateLimitError",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
    "WrongEventLoopError",
    "error_from_response",
]


def _rebuild(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    # Unpickling without calling __init__ (whose arguments are keyword-only).
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class AirbyteError(Exception):
    """Root of every exception aiobyte raises (besides ``ValueError`` for bad arguments)."""

    def __reduce__(self) -> Any:
        # The default, cls(*args), cannot rebuild an error whose __init__ takes
        # keyword-only attributes; this keeps the message and every attribute.
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


class ClientClosedError(AirbyteError, RuntimeError):
    """The client was used after ``aclose()``."""


class WrongEventLoopError(AirbyteError, RuntimeError):
    """The client was used on another event loop than the one it is bound to.

    A client (its session, its locks, its token refresh) belongs to the event loop it
    was first used on: create one client per event loop (per thread, per
    ``asyncio.run``), inside it.
    """


class APIConnectionError(AirbyteError):
    """The request got no answer: the connection failed, was reset or dropped."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class APITimeoutError(APIConnectionError, TimeoutError):
    """The request got no answer in time."""


class JobTimeoutError(AirbyteError, TimeoutError):
    """``jobs.wait`` gave up before the job reached a final state."""

    def __init__(self, message: str, *, job_id: int, last_status: str | None) -> None:
        super().__init__(message)
        self.job_id = job_id
        self.last_status = last_status


class Problem(msgspec.Struct, kw_only=True, frozen=True):
    """The server's description of an error (RFC 9457 problem details), as sent.

    ``error_id`` is set for the server's uncaught exceptions (``{"errorId": ...}``) and
    ``message`` for bodies like ``{"message": "You are being rate limited."}``.
    """

    type: str | None = None
    title: str | None = None
    status: int | None = None
    detail: str | None = None
    documentation_url: str | None = msgspec.field(default=None, name="documentationUrl")
    data: Any = None
    error_id: str | None = msgspec.field(default=None, name="errorId")
    message: str | None = None

    def summary(self) -> str:
        """One line: title, detail and the message in ``data``, without repeats."""
        parts: list[str] = []
        for part in (self.title, self.detail, self.message, _data_message(self.data)):
            if part and part not in parts:
                parts.append(str(part))
        if self.error_id:
            parts.append(f"server error id {self.error_id}")
        return ": ".join(parts)


def _data_message(data: Any) -> str | None:
    if isinstance(data, Mapping):
        message = data.get("message")
        return str(message) if message else None
    return None


class UnexpectedResponseError(AirbyteError):
    """The server answered, but not with what was asked for.

    An HTML page where JSON was expected (``is_html``; the base URL is probably wrong),
    or a JSON body that does not decode as the expected model (``model`` names it).
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        status: int,
        model: str | None = None,
        is_html: bool = False,
    ) -> None:
        super().__init__(message)
        self.method = method
        self.url = url
        self.status = status
        self.model = model
        self.is_html = is_html


class APIStatusError(AirbyteError):
    """The server answered with an error status.

    ``status``, ``method`` and ``url`` say which request; ``problem`` holds the
    server's problem details when it sent them, ``body`` an excerpt of what it sent.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str,
        url: str,
        status: int,
        problem: Problem | None = None,
        body: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.method = method
        self.url = url
        self.status = status
        self.problem = problem
        self.body = body
        self.retry_after = retry_after


class BadRequestError(APIStatusError):
    """400: the server did not understand the request."""


class AuthenticationError(APIStatusError):
    """401: missing, wrong or expired credentials (also the token endpoint's 401/403)."""


class PermissionDeniedError(APIStatusError):
    """403: the credentials are valid but not allowed to do this."""


class NotFoundError(APIStatusError):
    """404: no such resource (or, with an HTML body, probably a wrong base URL)."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the current state (e.g. a sync already running)."""


class UnprocessableEntityError(APIStatusError):
    """422: the request was understood but refused (e.g. ``job_type="refresh"``)."""


class RateLimitError(APIStatusError):
    """429: too many requests. ``retry_after`` is the server's wait in seconds, if it sent one."""


class InternalServerError(APIStatusError):
    """5xx: the server failed."""


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}

_problem_decoder = msgspec.json.Decoder(Problem)


def status_class(status: int) -> type[APIStatusError]:
    """The exception class for an error status."""
    if status >= 500:
        return InternalServerError
    return _STATUS_CLASSES.get(status, APIStatusError)


def looks_like_html(content_type: str, body: bytes) -> bool:
    """Whether an answer is an HTML page (what a wrong self-managed base URL gives)."""
    if "html" in content_type.lower():
        return True
    head = body[:256].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def excerpt(body: bytes, limit: int = _config.ERROR_EXCERPT) -> str:
    """The start of a body, as text, for an error message."""
    text = body[: limit * 4].decode("utf-8", "replace")
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_problem(body: bytes) -> Problem | None:
    """The problem details in a body, or None when it holds none."""
    if not body.lstrip().startswith(b"{"):
        return None
    try:
        problem = _problem_decoder.decode(body)
    except (msgspec.DecodeError, RecursionError):  # RecursionError: nested too deeply
        return None
    if not (problem.title or problem.detail or problem.message or problem.error_id):
        return None
    return problem


def html_hint(base_url: str) -> str:
    """What to tell someone whose base URL answers with a web page."""
    return (
        f"the base URL is probably wrong (it is {base_url!r}). The Airbyte API lives at "
        f"{_config.CLOUD_BASE_URL!r} on Airbyte Cloud and at '<your Airbyte URL>/api/public/v1' "
        f"on a self-managed install, e.g. {_config.SELF_MANAGED_EXAMPLE!r}"
    )


def error_from_response(
    *,
    method: str,
    url: str,
    status: int,
    content_type: str,
    body: bytes,
    base_url: str,
    retry_after: float | None = None,
    token_endpoint: bool = False,
) -> AirbyteError:
    """Map an answer that is not a success to the exception that describes it.

    A pure function: no I/O, so every case is tested with no network. ``token_endpoint``
    marks the answer to a token request: its 401 and 403 mean wrong credentials, and its
    body is never quoted.
    """
    where = f"{method} {url}"
    reason = _reason(status)
    if looks_like_html(content_type, body):
        message = (
            f"{where} answered {status} {reason} with an HTML page, not JSON: {html_hint(base_url)}"
        )
        if 200 <= status < 300:
            return UnexpectedResponseError(
                message, method=method, url=url, status=status, is_html=True
            )
        return status_class(status)(message, method=method, url=url, status=status)

    problem = parse_problem(body)
    shown = "" if token_endpoint else excerpt(body)
    if token_endpoint and status in (401, 403):
        detail = problem.summary() if problem else reason
        return AuthenticationError(
            f"{where} refused the client credentials ({status} {detail}): check client_id and "
            "client_secret, and that the application belongs to this Airbyte "
            f"({base_url!r})",
            method=method,
            url=url,
            status=status,
            problem=problem,
        )
    if 300 <= status < 400:
        return APIStatusError(
            f"{where} answered {status} {reason} (a redirect, which aiobyte does not follow so "
            "that credentials never go to a host you did not configure): check the base URL "
            f"({base_url!r}); https:// instead of http:// is the usual fix",
            method=method,
            url=url,
            status=status,
            body=shown,
        )
    if problem is not None:
        message = f"{where} answered {status} {reason}: {problem.summary()}"
        if problem.documentation_url:
            message += f" (see {problem.documentation_url})"
    elif shown:
        message = f"{where} answered {status} {reason}: {shown}"
    else:
        message = f"{where} answered {status} {reason}"
    if status == 401:
        message += " (check the credentials: token, client_id/client_secret)"
    if status == 429 and retry_after is not None:
        message += f" (the server asks to wait {retry_after:g} s)"
    return status_class(status)(
        message,
        method=method,
        url=url,
        status=status,
        problem=problem,
        body=shown,
        retry_after=retry_after,
    )


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown Status"
