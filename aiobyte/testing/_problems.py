"""The bodies the fake answers with when something is wrong.

Problem details (RFC 9457) as the Airbyte server sends them (the constants come from
the server's ``api-problems.yaml``), the bare ``{"errorId"}`` of an uncaught server
exception, the load shedder's 429 body, and the HTML page of the web app that a wrong
base URL on a self-managed install answers with.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from http import HTTPStatus
from typing import Any

from aiohttp import web
from msgspec import json as msgjson

__all__ = [
    "ApiError",
    "HTML_PAGE",
    "PROBLEM_JSON",
    "bad_request",
    "conflict",
    "decode_body",
    "default_body",
    "forbidden",
    "html_response",
    "internal_error",
    "json_response",
    "not_found",
    "problem",
    "problem_response",
    "unauthorized",
    "unprocessable",
]

PROBLEM_JSON = "application/problem+json"
_ERRORS = "https://reference.airbyte.com/reference/errors"

# name -> (status, type, detail[, title]), copied from api-problems.yaml; the title is
# the name unless given (the newer problems have titles in words).
_PROBLEMS: dict[str, tuple[int, str, str] | tuple[int, str, str, str]] = {
    "bad-request": (
        400,
        f"{_ERRORS}#bad-request",
        "The request could not be understood by the server due to malformed syntax.",
    ),
    "invalid-api-key": (
        401,
        f"{_ERRORS}#invalid-api-key",
        "The API key in the Authorization header is invalid.",
    ),
    "forbidden": (403, f"{_ERRORS}#forbidden", "The request is forbidden."),
    "resource-not-found": (
        404,
        f"{_ERRORS}#resource-not-found",
        "The requested resource could not be found.",
    ),
    "try-again-later": (409, f"{_ERRORS}#try-again-later", "Please try again later."),
    "state-conflict": (409, f"{_ERRORS}#409-state-conflict", "State conflict"),
    "tag-already-exists": (
        409,
        "error:tag-already-exists",
        "A tag with this name already exists in this workspace.",
        "Tag already exists",
    ),
    "group-already-exists": (
        409,
        "error:group-already-exists",
        "A group with this name already exists in this organization.",
        "Group already exists",
    ),
    "group-member-already-exists": (
        409,
        "error:group-member-already-exists",
        "This user is already a member of this group.",
        "Group member already exists",
    ),
    "group-permission-already-exists": (
        409,
        "error:group-permission-already-exists",
        "This group already has this permission.",
        "Group permission already exists",
    ),
    "value-not-found": (400, _ERRORS, "The submitted value could not be found."),
    "cron-validation/invalid-expression": (
        400,
        "error:cron-validation/invalid-expression",
        "The cron expression is invalid",
        "Invalid cron expression",
    ),
    "cron-validation/invalid-timezone": (
        400,
        "error:cron-validation/invalid-timezone",
        "The specified cron timezone is invalid",
        "Invalid cron timezone",
    ),
    # api-problems.yaml's detail reads "Syncs" (cut short); the basic-schedule twin's
    # full sentence is used.
    "cron-validation/under-one-hour-not-allowed": (
        400,
        "error:cron-validation/under-one-hour-not-allowed",
        "Syncs more frequent than once per hour require an entitlement",
        "Cron sync schedules more frequent than once per hour are not allowed",
    ),
    "unprocessable-entity": (
        422,
        f"{_ERRORS}#unprocessable-entity",
        "The body of the request was not understood",
    ),
    "unexpected-problem": (
        500,
        _ERRORS,
        "An unexpected problem has occurred. If this is an error that needs to be "
        "addressed, please submit a pull request or github issue.",
    ),
    "service-unavailable": (
        503,
        _ERRORS,
        "The server is currently unable to handle the request.",
    ),
}
_BY_STATUS = {
    400: "bad-request",
    401: "invalid-api-key",
    403: "forbidden",
    404: "resource-not-found",
    409: "try-again-later",
    422: "unprocessable-entity",
    500: "unexpected-problem",
    503: "service-unavailable",
}

#: What the server's load shedding answers with a 429 (deliberately no Retry-After).
RATE_LIMITED_BODY: dict[str, Any] = {"message": "You are being rate limited."}

HTML_PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <link rel="icon" href="/favicon.ico" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="theme-color" content="#615eff" />
    <meta name="description" content="Airbyte: data integration platform" />
    <link rel="apple-touch-icon" href="/logo192.png" />
    <link rel="manifest" href="/manifest.json" />
    <title>Airbyte</title>
    <script>window.TRACKING_STRATEGY = "segment"; window.AIRBYTE_VERSION = "1.6.2";</script>
    <script type="module" crossorigin src="/assets/index-C3s9Jq1e.js"></script>
    <link rel="stylesheet" crossorigin href="/assets/index-DmW2kq8N.css">
  </head>
  <body>
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <div id="root"></div>
  </body>
</html>
"""


class ApiError(Exception):
    """Raised by a handler to answer with ``response`` instead."""

    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


# Numbers from request bodies are kept as Decimal (see ``decode_body``) and sent back
# exactly as they came, as the server's JSON tree would.
_ENCODER = msgjson.Encoder(decimal_format="number")
_DECODER = msgjson.Decoder(float_hook=Decimal)


def decode_body(raw: bytes) -> Any:
    """Decode a request body, keeping every JSON number exact (floats as ``Decimal``)."""
    return _DECODER.decode(raw)


def json_response(
    payload: Any, *, status: int = 200, content_type: str = "application/json"
) -> web.Response:
    """A JSON answer encoded with msgspec."""
    return web.Response(
        status=status, body=_ENCODER.encode(payload), headers={"Content-Type": content_type}
    )


def html_response(status: int = 200) -> web.Response:
    """The web app's index page: what a wrong base URL on self-managed answers."""
    return web.Response(
        status=status,
        body=HTML_PAGE.encode(),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )


def problem(
    name: str, *, detail: str | None = None, data: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The problem-details body named ``name`` (e.g. ``"resource-not-found"``)."""
    status, type_, default_detail, *title = _PROBLEMS[name]
    return {
        "type": type_,
        "title": title[0] if title else name,
        "status": status,
        "detail": detail or default_detail,
        "data": data if data is not None else {"message": detail or default_detail},
    }


def problem_response(
    name: str, *, detail: str | None = None, data: dict[str, Any] | None = None
) -> web.Response:
    """A problem-details answer (``application/problem+json``)."""
    body = problem(name, detail=detail, data=data)
    return json_response(body, status=body["status"], content_type=PROBLEM_JSON)


def default_body(status: int) -> tuple[dict[str, Any], str]:
    """The body (and its content type) that fits an error ``status`` with none given."""
    if status == 429:
        return dict(RATE_LIMITED_BODY), "application/json"
    title = _BY_STATUS.get(status)
    if title is not None:
        return problem(title), PROBLEM_JSON
    try:
        phrase, description = HTTPStatus(status).phrase, HTTPStatus(status).description
    except ValueError:
        phrase, description = "error", "An error occurred."
    body = {
        "type": _ERRORS,
        "title": phrase.lower().replace(" ", "-"),
        "status": status,
        "detail": description,
        "data": {"message": description},
    }
    return body, PROBLEM_JSON


def unauthorized() -> ApiError:
    """401: missing, unknown, revoked or expired credentials."""
    return ApiError(problem_response("invalid-api-key"))


def bad_request(message: str) -> ApiError:
    """400 with ``message`` in ``detail`` and ``data.message``."""
    return ApiError(problem_response("bad-request", detail=message))


def unprocessable(message: str) -> ApiError:
    """422 with ``message``."""
    return ApiError(problem_response("unprocessable-entity", detail=message))


def conflict(message: str, *, title: str = "try-again-later") -> ApiError:
    """409 with ``message``: ``try-again-later``, ``state-conflict`` or one of the
    ``*-already-exists`` problems."""
    return ApiError(problem_response(title, detail=message, data={"message": message}))


def forbidden(message: str) -> ApiError:
    """403 with ``message``, as the server's permission checks answer."""
    return ApiError(problem_response("forbidden", detail=message, data={"message": message}))


def not_found(resource_type: str, resource_id: object) -> ApiError:
    """404 naming the resource that does not exist."""
    return ApiError(
        problem_response(
            "resource-not-found",
            detail=f"Could not find a {resource_type} with id: {resource_id}",
            data={"resourceType": resource_type, "resourceId": str(resource_id)},
        )
    )


def internal_error() -> ApiError:
    """500 as an uncaught server exception answers: only an opaque ``errorId``."""
    return ApiError(json_response({"errorId": str(uuid.uuid4())}, status=500))
