"""The status -> exception table and error messages, as a pure function."""

from __future__ import annotations

import json
from typing import Any

import pytest

import aiobyte
from aiobyte._errors import error_from_response

BASE = "https://api.airbyte.com/v1"
URL = BASE + "/sources/18dccc91-0ab1-4f72-9ed7-0b8fc27c5826"


def problem(status: int, title: str, detail: str, **extra: object) -> bytes:
    body: dict[str, object] = {
        "type": "https://reference.airbyte.com/reference/errors#" + title,
        "title": title,
    }
    body.update(status=status, detail=detail, **extra)
    return json.dumps(body).encode()


def error(
    status: int, body: bytes = b"", content_type: str = "application/json", **kw: Any
) -> aiobyte.AirbyteError:
    return error_from_response(
        method="GET",
        url=URL,
        status=status,
        content_type=content_type,
        body=body,
        base_url=BASE,
        **kw,
    )


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, aiobyte.BadRequestError),
        (401, aiobyte.AuthenticationError),
        (403, aiobyte.PermissionDeniedError),
        (404, aiobyte.NotFoundError),
        (409, aiobyte.ConflictError),
        (422, aiobyte.UnprocessableEntityError),
        (429, aiobyte.RateLimitError),
        (500, aiobyte.InternalServerError),
        (502, aiobyte.InternalServerError),
        (503, aiobyte.InternalServerError),
        (418, aiobyte.APIStatusError),
    ],
)
def test_status_maps_to_its_class(status: int, cls: type[aiobyte.APIStatusError]) -> None:
    exc = error(status, b"{}")
    assert type(exc) is cls
    assert isinstance(exc, aiobyte.APIStatusError)
    assert isinstance(exc, aiobyte.AirbyteError)
    assert exc.status == status
    assert exc.method == "GET"
    assert exc.url == URL


def test_problem_details_are_parsed_and_shown() -> None:
    body = problem(
        404,
        "resource-not-found",
        "The requested resource could not be found.",
        data={"message": "Could not find source 18dccc91"},
        documentationUrl="https://docs.example/errors",
    )
    exc = error(404, body, "application/problem+json")
    assert isinstance(exc, aiobyte.NotFoundError)
    assert exc.problem is not None
    assert exc.problem.title == "resource-not-found"
    assert exc.problem.data == {"message": "Could not find source 18dccc91"}
    text = str(exc)
    assert text.startswith(f"GET {URL} answered 404 Not Found: resource-not-found")
    assert "The requested resource could not be found." in text
    assert "Could not find source 18dccc91" in text
    assert "https://docs.example/errors" in text


def test_uncaught_server_error_shows_its_error_id() -> None:
    exc = error(500, b'{"errorId": "5d1d4ef8-6ad8-4c63-a8b1-8d6b7e6e6c11"}')
    assert isinstance(exc, aiobyte.InternalServerError)
    assert exc.problem is not None
    assert exc.problem.error_id == "5d1d4ef8-6ad8-4c63-a8b1-8d6b7e6e6c11"
    assert "5d1d4ef8-6ad8-4c63-a8b1-8d6b7e6e6c11" in str(exc)


def test_load_shedding_429_message_and_retry_after() -> None:
    exc = error(429, b'{"message": "You are being rate limited."}', retry_after=None)
    assert isinstance(exc, aiobyte.RateLimitError)
    assert exc.retry_after is None
    assert "You are being rate limited." in str(exc)
    exc = error(429, b"{}", retry_after=7.0)
    assert isinstance(exc, aiobyte.RateLimitError)
    assert exc.retry_after == 7.0
    assert "7 s" in str(exc)


@pytest.mark.parametrize("status", [200, 404])
def test_html_says_the_base_url_is_probably_wrong(status: int) -> None:
    page = b"<!DOCTYPE html><html><head><title>Airbyte</title></head><body></body></html>"
    exc = error(status, page, "text/html; charset=utf-8")
    text = str(exc)
    assert "HTML page" in text
    assert "base URL is probably wrong" in text
    assert "/api/public/v1" in text
    assert "https://api.airbyte.com/v1" in text
    if status == 200:
        assert isinstance(exc, aiobyte.UnexpectedResponseError)
        assert exc.is_html
    else:
        assert isinstance(exc, aiobyte.NotFoundError)


def test_html_is_recognised_without_a_content_type() -> None:
    exc = error(200, b"\n  <html><body>hi</body></html>", "")
    assert isinstance(exc, aiobyte.UnexpectedResponseError)


def test_plain_body_is_quoted_in_short() -> None:
    exc = error(502, b"upstream connect error " * 100, "text/plain")
    assert isinstance(exc, aiobyte.InternalServerError)
    assert "upstream connect error" in str(exc)
    assert len(str(exc)) < 500


@pytest.mark.parametrize("status", [401, 403])
def test_token_endpoint_refusal_is_an_authentication_error_without_the_body(status: int) -> None:
    body = b'{"title": "invalid-api-key", "detail": "bad", "echo": "client_secret=s3cr3t"}'
    exc = error_from_response(
        method="POST",
        url=BASE + "/applications/token",
        status=status,
        content_type="application/json",
        body=body,
        base_url=BASE,
        token_endpoint=True,
    )
    assert isinstance(exc, aiobyte.AuthenticationError)
    assert exc.status == status
    assert "client_id and client_secret" in str(exc)
    assert "s3cr3t" not in str(exc)
    assert "s3cr3t" not in exc.body


def test_redirect_is_not_followed_and_explained() -> None:
    exc = error(301, b"", "text/plain")
    assert isinstance(exc, aiobyte.APIStatusError)
    assert "redirect" in str(exc)
    assert "https://" in str(exc)
