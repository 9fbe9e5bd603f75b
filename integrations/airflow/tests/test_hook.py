"""AiobyteHook: reading ``aiobyte`` and official ``airbyte`` connections, and using them."""

from __future__ import annotations

import json
import logging

import pytest
from aiobyte_airflow import AiobyteHook
from aiobyte_airflow._connection import client_options

try:  # Airflow 3.1+
    from airflow.sdk.exceptions import AirflowNotFoundException
except ImportError:  # Airflow 3.0
    from airflow.exceptions import AirflowNotFoundException  # type: ignore[no-redef]

import aiobyte

from .conftest import CONN_ID, use_connection

SECRET = "s3cr3t-client-secret"


def options(**fields):
    fields.setdefault("conn_type", "aiobyte")
    return client_options("my_airbyte", **fields)


def test_client_credentials_and_base_url():
    got = options(host="http://localhost:8000/api/public/v1/", login="id", password=SECRET)
    assert got == {
        "base_url": "http://localhost:8000/api/public/v1",
        "client_id": "id",
        "client_secret": SECRET,
    }


def test_an_empty_host_is_airbyte_cloud():
    assert options(host="", login="id", password=SECRET)["base_url"] == "https://api.airbyte.com/v1"


def test_port_goes_into_the_base_url():
    got = options(host="http://airbyte.internal/api/public/v1", port=8000, login="i", password="p")
    assert got["base_url"] == "http://airbyte.internal:8000/api/public/v1"


def test_the_official_connection_as_it_is(caplog):
    # What the official provider's form writes: the default Token URL in `schema`.
    with caplog.at_level(logging.WARNING, logger="aiobyte_airflow"):
        got = options(
            conn_type="airbyte",
            host="https://api.airbyte.com/v1/",
            schema="v1/applications/token",
            login="id",
            password=SECRET,
            extra={"timeout": "30"},
        )
    assert got["client_id"] == "id"
    assert got["client_secret"] == SECRET
    assert got["timeout"] == aiobyte.Timeouts(read=30.0)
    assert caplog.records == []


def test_a_token_url_aiobyte_does_not_use_is_reported(caplog):
    with caplog.at_level(logging.WARNING, logger="aiobyte_airflow"):
        options(
            conn_type="airbyte",
            host="https://airbyte.example.com/api/public/v1",
            schema="https://sso.example.com/token",
            login="id",
            password=SECRET,
        )
    [record] = caplog.records
    assert "https://sso.example.com/token" in record.getMessage()
    assert "https://airbyte.example.com/api/public/v1/applications/token" in record.getMessage()


def test_bearer_basic_and_tuning_extras():
    bearer = options(host="http://h:1/v1", password="tok", extra={"auth": "bearer"})
    assert bearer["token"] == "tok"
    assert options(host="http://h:1/v1", extra={"token": "tok"})["token"] == "tok"
    basic = options(
        host="http://h:1/v1", login="airbyte", password="password", extra={"auth": "basic"}
    )
    assert basic["auth"] == aiobyte.BasicAuth("airbyte", "password")
    tuned = options(
        host="http://h:1/v1",
        login="i",
        password="p",
        extra={"max_in_flight": "8", "timeout": 90, "connect_timeout": 5},
    )
    assert tuned["max_in_flight"] == 8
    assert tuned["timeout"] == aiobyte.Timeouts(connect=5.0, read=90.0)


def test_unknown_extras_are_reported_not_dropped_silently(caplog):
    with caplog.at_level(logging.WARNING, logger="aiobyte_airflow"):
        options(host="http://h:1/v1", login="i", password="p", extra={"api_version": "v1"})
    assert "'api_version'" in caplog.records[0].getMessage()


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"host": "api.airbyte.com", "login": "i", "password": SECRET}, "with its scheme"),
        ({"host": "http://h/v1", "login": "i"}, "no credentials"),
        ({"host": "http://h/v1", "password": SECRET}, "no credentials"),
        (
            {"host": "http://h/v1", "login": "i", "password": SECRET, "extra": {"proxies": {}}},
            "proxies",
        ),
        (
            {
                "host": "http://h/v1",
                "login": "i",
                "password": SECRET,
                "extra": {"max_in_flight": 0},
            },
            "max_in_flight",
        ),
        (
            {"host": "http://h/v1", "login": "i", "password": SECRET, "extra": {"timeout": -1}},
            "'timeout'",
        ),
        (
            {"host": "http://h/v1", "login": "i", "password": SECRET, "extra": {"auth": "oauth"}},
            "'auth'",
        ),
        ({"host": "http://h/v1", "extra": {"auth": "bearer"}}, "bearer token is needed"),
        ({"host": "http://h/v1", "login": "i", "password": SECRET, "conn_type": "http"}, "'http'"),
        ({"host": "http://h:80/v1", "port": 81, "login": "i", "password": SECRET}, "port 81"),
    ],
)
def test_what_cannot_work_is_a_clear_error_without_the_secret(fields, says):
    with pytest.raises(ValueError, match=says) as caught:
        options(**fields)
    assert "my_airbyte" in str(caught.value)
    assert SECRET not in str(caught.value)


@pytest.mark.anyio
@pytest.mark.parametrize("conn_type", ["aiobyte", "airbyte"])
async def test_the_hook_looks_the_connection_up_and_talks_to_airbyte(
    fake_airbyte, monkeypatch, conn_type
):
    use_connection(
        monkeypatch, fake_airbyte, conn_type=conn_type, extra=json.dumps({"max_in_flight": 3})
    )
    hook = AiobyteHook()  # no I/O here: a missing connection would not fail yet
    assert (await hook.aget_client_options())["max_in_flight"] == 3
    async with hook.shared_client() as client:
        workspaces = await client.workspaces.list().to_list()
    assert len(workspaces) == 2
    assert fake_airbyte.stats.token_requests == 1


@pytest.mark.anyio
async def test_a_missing_connection_is_airflows_not_found(monkeypatch):
    monkeypatch.delenv(f"AIRFLOW_CONN_{CONN_ID.upper()}", raising=False)
    hook = AiobyteHook("no_such_connection")
    with pytest.raises(AirflowNotFoundException):
        await hook.aget_client_options()


def test_test_connection_from_a_synchronous_caller(threaded_fake, monkeypatch):
    use_connection(monkeypatch, threaded_fake.fake)
    assert AiobyteHook().test_connection() == (True, "Connection successfully tested")
    use_connection(monkeypatch, threaded_fake.fake, password="wrong")
    ok, message = AiobyteHook().test_connection()
    assert not ok
    assert "AuthenticationError" in message
    assert "wrong" not in message
