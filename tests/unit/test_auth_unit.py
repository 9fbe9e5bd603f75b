"""Token lifetime rules and the masking of secrets, without a network."""

from __future__ import annotations

import base64
import json

import pytest

import aiobyte
from aiobyte._auth import basic_header, jwt_claims, refresh_margin, token_lifetime

NOW = 1_800_000_000.0


def jwt(**claims: object) -> str:
    def part(obj: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'HS256'})}.{part(claims)}.c2lnbmF0dXJl"


def test_jwt_claims() -> None:
    assert jwt_claims(jwt(exp=5, sub="x")) == {"exp": 5, "sub": "x"}
    assert jwt_claims("opaque-token") == {}
    assert jwt_claims("a.!!!.c") == {}
    assert jwt_claims(f"a.{base64.urlsafe_b64encode(b'[1]').decode()}.c") == {}


@pytest.mark.parametrize(
    ("token", "expires_in", "expected"),
    [
        (jwt(exp=NOW + 180, iat=NOW), 900, 180.0),  # exp is earlier than expires_in: exp wins
        (jwt(exp=NOW + 900, iat=NOW), 180, 180.0),  # expires_in is earlier: it wins
        (jwt(exp=NOW + 180), None, 180.0),  # no expires_in (older self-managed)
        ("opaque", 600, 600.0),
        ("opaque", None, 180.0),  # neither: the documented three minutes
        ("opaque", 0, 180.0),
        (jwt(exp=NOW - 100, iat=NOW - 280), None, 180.0),  # our clock ahead of the issuer's
        # exp already past and no iat says nothing usable: not "refresh before every
        # request", but expires_in or the default (a real expiry gets a 401)
        (jwt(exp=NOW - 5), None, 180.0),
        (jwt(exp=NOW - 5), 600, 600.0),
        # absurd lifetimes are capped at a day
        ("opaque", 1e308, 86_400.0),
        ("opaque", float("inf"), 86_400.0),
        (jwt(exp=1e308), None, 86_400.0),
        (jwt(exp=10**400), None, 86_400.0),
        (jwt(exp=float("inf")), 300, 300.0),
        (jwt(exp=float("nan")), None, 180.0),
        ("opaque", float("nan"), 180.0),
        (jwt(exp=True), None, 180.0),  # not a number
    ],
)
def test_token_lifetime(token: str, expires_in: float | None, expected: float) -> None:
    assert token_lifetime(token, expires_in, NOW) == pytest.approx(expected)


def test_refresh_margin_scales_with_lifetime() -> None:
    assert refresh_margin(180) == pytest.approx(18)
    assert refresh_margin(10) == pytest.approx(1)
    assert refresh_margin(86_400) == 300  # capped


def test_basic_header() -> None:
    assert basic_header("airbyte", "password") == "Basic YWlyYnl0ZTpwYXNzd29yZA=="


def test_strategies_never_show_secrets() -> None:
    secret = "s3cr3t-value"
    shown = [
        repr(aiobyte.ClientCredentials("my-id", secret)),
        repr(aiobyte.BearerToken(secret)),
        repr(aiobyte.BasicAuth("me", secret)),
        repr(aiobyte.AccessToken(secret, 180)),
        str(aiobyte.ClientCredentials("my-id", secret)),
    ]
    for text in shown:
        assert secret not in text
    assert "my-id" in shown[0]


@pytest.mark.parametrize(
    "make",
    [
        lambda: aiobyte.ClientCredentials("", "x"),
        lambda: aiobyte.ClientCredentials("x", ""),
        lambda: aiobyte.BearerToken(" "),
        lambda: aiobyte.BasicAuth("", "x"),
        lambda: aiobyte.TokenProvider("not callable"),  # type: ignore[arg-type]  # a wrong type on purpose
    ],
)
def test_strategies_reject_empty_values(make: object) -> None:
    with pytest.raises(ValueError):
        make()  # type: ignore[operator]  # each param is a callable
