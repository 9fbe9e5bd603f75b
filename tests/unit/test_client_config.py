"""Configuration behaves the same however it is given: keywords or environment."""

from __future__ import annotations

from typing import Any

import pytest

import aiobyte


@pytest.mark.parametrize(
    ("keywords", "environment", "message"),
    [
        ({"client_id": "id"}, {}, "client_id and client_secret go together"),
        (
            {},
            {"AIRBYTE_CLIENT_ID": "id"},
            "AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET go together",
        ),
        ({"client_secret": "s"}, {}, "client_id and client_secret go together"),
        ({}, {"AIRBYTE_CLIENT_SECRET": "s"}, "AIRBYTE_CLIENT_SECRET go together"),
        ({"client_id": "i", "client_secret": "s", "token": "t"}, {}, "not several"),
        (
            {},
            {"AIRBYTE_CLIENT_ID": "i", "AIRBYTE_CLIENT_SECRET": "s", "AIRBYTE_TOKEN": "t"},
            "not several",
        ),
        ({}, {"AIRBYTE_CLIENT_ID": "i", "AIRBYTE_TOKEN": "t"}, "not several"),
        ({}, {"AIRBYTE_TOKEN": "a\nb"}, "AIRBYTE_TOKEN from the environment"),
        ({"token": "a\nb"}, {}, "Authorization header"),
    ],
)
def test_environment_and_keywords_are_refused_alike(
    monkeypatch: pytest.MonkeyPatch,
    keywords: dict[str, Any],
    environment: dict[str, str],
    message: str,
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=message):
        aiobyte.AirbyteClient("https://api.airbyte.com/v1", **keywords)


def test_the_message_for_a_missing_secret_names_the_missing_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AIRBYTE_CLIENT_ID", "id")
    with pytest.raises(ValueError, match="AIRBYTE_CLIENT_SECRET is not set"):
        aiobyte.AirbyteClient()


def test_keywords_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRBYTE_TOKEN", "env-token")
    client = aiobyte.AirbyteClient(client_id="id", client_secret="secret")
    assert isinstance(client.auth, aiobyte.ClientCredentials)


@pytest.mark.parametrize(
    "url", ["api.airbyte.com/v1", "https://api.airbyte.com/v1\r\n", "https://x/v1?", "ftp://x"]
)
def test_a_bad_airbyte_api_url_is_named_as_such(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("AIRBYTE_API_URL", url)
    with pytest.raises(ValueError, match="AIRBYTE_API_URL") as caught:
        aiobyte.AirbyteClient(token="t")
    assert "base_url" not in str(caught.value).split("(")[0]  # it names the variable first


def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRBYTE_API_URL", "")
    monkeypatch.setenv("AIRBYTE_CLIENT_ID", "")
    monkeypatch.setenv("AIRBYTE_TOKEN", "tok")
    client = aiobyte.AirbyteClient()
    assert client.base_url == "https://api.airbyte.com/v1"
    assert isinstance(client.auth, aiobyte.BearerToken)
