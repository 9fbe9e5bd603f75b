"""The shipped connector descriptions and the checks built on them, over every connector."""

from __future__ import annotations

import random
import uuid
from typing import Literal

import pytest

from aiobyte import connectors
from tests.connectors._generate import mutations, valid

KINDS: tuple[Literal["source", "destination"], ...] = ("source", "destination")
ALL = [(kind, name) for kind in KINDS for name in connectors.connectors(kind)]


def test_every_connector_of_the_spec_is_described() -> None:
    assert len(connectors.connectors("source")) > 500
    assert len(connectors.connectors("destination")) > 40
    assert connectors.is_known("source", "postgres")
    assert connectors.is_known("destination", "bigquery")
    assert not connectors.is_known("source", "no-such-connector")
    with pytest.raises(ValueError, match="kind must be"):
        connectors.connectors("sources")  # type: ignore[arg-type]  # a wrong kind on purpose
    with pytest.raises(KeyError, match="no source connector named 'nope'"):
        connectors.check_configuration("source", "nope", {})


def test_generated_configurations_of_every_connector_pass_and_every_break_is_named() -> None:
    checked = broken_count = 0
    for kind, name in ALL:
        node = connectors.description(kind, name)
        rng = random.Random(f"{kind}-{name}")
        for _ in range(2):
            value = valid(node, rng)
            assert connectors.check_configuration(kind, name, value) == [], (kind, name, value)
            checked += 1
            for broken, where in mutations(node, value):
                problems = connectors.check_configuration(kind, name, broken)
                assert any(p.startswith(f"{where}: ") for p in problems), (name, where, problems)
                broken_count += 1
    assert checked == 2 * len(ALL)
    assert broken_count > 5 * len(ALL)


POSTGRES = {
    "sourceType": "postgres",
    "host": "db.internal",
    "port": 5432,
    "database": "app",
    "username": "airbyte",
    "password": "hunter2-secret",
    "ssl_mode": {"mode": "require"},
    "replication_method": {"method": "Standard"},
}


def test_problems_by_path_as_documented() -> None:
    assert connectors.check_configuration("source", "postgres", POSTGRES) == []
    bad = {k: v for k, v in POSTGRES.items() if k != "host"} | {"port": "abc"}
    assert connectors.check_configuration("source", "postgres", bad) == [
        "configuration.host: required",
        "configuration.port: expected an integer, got 'abc'",
    ]
    wrong_mode = POSTGRES | {"ssl_mode": {"mode": "sometimes"}}
    [problem] = connectors.check_configuration("source", "postgres", wrong_mode)
    assert problem.startswith("configuration.ssl_mode.mode: expected one of 'disable', ")
    cdc = POSTGRES | {"replication_method": {"method": "CDC", "replication_slot": "s"}}
    assert connectors.check_configuration("source", "postgres", cdc) == [
        "configuration.replication_method.publication: required"
    ]
    out_of_range = POSTGRES | {"port": 70000}
    assert connectors.check_configuration("source", "postgres", out_of_range) == [
        "configuration.port: expected at most 65536, got 70000"
    ]
    assert connectors.check_configuration("source", "postgres", ["not", "a", "mapping"]) == [
        "configuration: expected an object, got an array"
    ]


def test_what_the_server_answers_is_accepted_when_sent_again() -> None:
    read_back = POSTGRES | {"password": connectors.SERVER_MASK, "jdbc_url_params": None}
    assert connectors.check_configuration("source", "postgres", read_back) == []
    by_definition = {k: v for k, v in POSTGRES.items() if k != "sourceType"}
    assert connectors.check_configuration("source", "postgres", by_definition) == []


def test_a_patch_is_checked_as_a_merge_patch() -> None:
    patch = {"port": 6543, "jdbc_url_params": None, "ssl_mode": {"mode": "disable"}}
    assert connectors.check_configuration("source", "postgres", patch, partial=True) == []
    assert connectors.check_configuration("source", "postgres", {"port": "x"}, partial=True) == [
        "configuration.port: expected an integer, got 'x'"
    ]


def test_messages_never_show_a_secret() -> None:
    bad = POSTGRES | {"password": ["hunter2-secret"], "tunnel_method": {"tunnel_method": "x"}}
    problems = connectors.check_configuration("source", "postgres", bad)
    assert "configuration.password: expected a string, got an array (a secret, not shown)" in (
        problems
    )
    assert not any("hunter2" in p for p in problems)
    pattern_secret = connectors.check_configuration(
        "source",
        "github",
        {"credentials": {"option_title": "PAT Credentials", "personal_access_token": 7}},
    )
    assert any("personal_access_token" in p and "not shown" in p for p in pattern_secret)


def test_the_connector_a_configuration_names() -> None:
    assert connectors.connector_of("source", {"sourceType": "postgres"}) == "postgres"
    assert connectors.connector_of("source", {"sourceType": "my-custom"}) is None
    postgres_id = connectors.definition_id("source", "postgres")
    assert postgres_id == "decd338e-5647-4c0b-adf4-da0e75f5a750"
    assert connectors.connector_of("source", {}, postgres_id) == "postgres"
    assert connectors.connector_of("source", {}, postgres_id.upper()) == "postgres"
    assert connectors.connector_of("source", {}, uuid.UUID(postgres_id)) == "postgres"
    assert connectors.connector_of("destination", {}, postgres_id) is None
    assert (
        connectors.connector_for_definition("destination", "00000000-0000-0000-0000-000000000000")
        is None
    )
    assert connectors.definition_id("destination", "milvus") is None


def test_secrets_of_a_connector_and_the_floor() -> None:
    paths = connectors.secret_paths("source", "postgres")
    assert "password" in paths
    assert "tunnel_method.ssh_key" in paths
    assert "host" not in paths
    for name in (
        "password",
        "client_secret",
        "refresh_token",
        "api_key",
        "apiKey",
        "credentials_json",
    ):
        assert connectors.is_secret_name(name), name
    for name in ("host", "port", "username", "start_date", "primary_key"):
        assert not connectors.is_secret_name(name), name


def test_masking_keeps_the_shape_and_hides_every_secret() -> None:
    value = POSTGRES | {"tunnel_method": {"tunnel_method": "SSH_KEY_AUTH", "ssh_key": "PRIVATE"}}
    masked = connectors.mask_configuration(value, "source", "postgres")
    assert masked["password"] == connectors.MASK
    assert masked["tunnel_method"] == {"tunnel_method": "SSH_KEY_AUTH", "ssh_key": "***"}
    assert masked["host"] == "db.internal"
    assert value["password"] == "hunter2-secret"  # the data itself is unchanged
    custom = {"credentials": {"kind": "oauth", "json": "{...}"}, "url": "https://x", "flag": True}
    assert connectors.mask_configuration(custom, "source", "my-custom") == {
        "credentials": {"kind": "***", "json": "***"},
        "url": "https://x",
        "flag": True,
    }


def test_any_schema_in_the_description_form_can_be_checked() -> None:
    ssl = connectors.description("source", "postgres")["properties"]["ssl_mode"]
    assert connectors.check_against(ssl, {"mode": "require"}) == []
    assert connectors.check_against(ssl, {"mode": "verify-ca"}, path="ssl") == [
        "ssl.ca_certificate: required"
    ]
    body = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
    assert connectors.check_against(body, {"name": 1}, path="body") == [
        "body.name: expected a string, got 1"
    ]
