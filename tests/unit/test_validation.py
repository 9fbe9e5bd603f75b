"""Argument checks and the exact-number codec."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from aiobyte._codec import decoder, encode, exact_float
from aiobyte._pagination import parse_cursor
from aiobyte._validate import (
    check_datetime,
    check_enum,
    check_int_id,
    check_page_size,
    check_uuid,
    check_uuids,
)
from aiobyte.models import JobStatus, JobType

ID = "18dccc91-0ab1-4f72-9ed7-0b8fc27c5826"


def test_check_uuid() -> None:
    assert check_uuid(ID, "source_id") == ID
    assert check_uuid(uuid.UUID(ID), "source_id") == ID
    for bad in ["", "nope", ID + "0", ID.replace("-", ""), None, 12]:
        with pytest.raises(ValueError, match="source_id"):
            check_uuid(bad, "source_id")


def test_check_uuids_refuses_a_single_string() -> None:
    assert check_uuids(None, "workspace_ids") is None
    assert check_uuids([ID], "workspace_ids") == [ID]
    with pytest.raises(ValueError, match="list of ids"):
        check_uuids(ID, "workspace_ids")
    with pytest.raises(ValueError, match=r"workspace_ids\[1\]"):
        check_uuids([ID, "x"], "workspace_ids")


@pytest.mark.parametrize("size", [0, 101, -1, True, 2.0, "10"])
def test_page_size_bounds(size: Any) -> None:
    with pytest.raises(ValueError, match="page_size"):
        check_page_size(size)
    assert check_page_size(1) == 1
    assert check_page_size(100) == 100


def test_int_ids() -> None:
    assert check_int_id(7, "job_id") == 7
    for bad in [-1, "7", True, 1.5]:
        with pytest.raises(ValueError, match="job_id"):
            check_int_id(bad, "job_id")


def test_enum_arguments_are_strict() -> None:
    assert check_enum(JobType, "sync", "job_type") is JobType.SYNC
    assert check_enum(JobType, JobType.RESET, "job_type") is JobType.RESET
    with pytest.raises(ValueError, match="job_type must be one of"):
        check_enum(JobType, "synk", "job_type")
    unknown = msgspec.json.decode(b'"paused"', type=JobStatus)
    with pytest.raises(ValueError):
        check_enum(JobStatus, unknown, "status")


def test_datetimes() -> None:
    when = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)
    assert check_datetime(when, "created_at_start") == "2026-01-02T03:04:05Z"
    assert check_datetime("2026-01-02T03:04:05Z", "x") == "2026-01-02T03:04:05Z"
    with pytest.raises(ValueError, match="timezone-aware"):
        check_datetime(dt.datetime(2026, 1, 2), "x")
    with pytest.raises(ValueError):
        check_datetime("yesterday", "x")


def test_cursor() -> None:
    assert parse_cursor(None) == 0
    assert parse_cursor("200") == 200
    for bad in ["", "-1", "1e3", "abc", 5]:
        with pytest.raises(ValueError, match="cursor"):
            parse_cursor(bad)  # type: ignore[arg-type]  # a wrong type on purpose


@pytest.mark.parametrize(
    ("literal", "kind"),
    [
        ("0.1", float),
        ("2.50", float),
        ("-0.0", float),
        ("1e-7", float),
        ("12345678901234567890.5", Decimal),
        ("1e400", Decimal),
        ("0.30000000000000000001", Decimal),
    ],
)
def test_exact_float(literal: str, kind: type) -> None:
    value = exact_float(literal)
    assert type(value) is kind
    assert Decimal(str(value)) == Decimal(literal)


def test_configuration_round_trips_exactly() -> None:
    raw = (
        b'{"host":"db","port":5432,"big":123456789012345678901234567890,"ratio":0.1,'
        b'"precise":12345678901234567890.5,"none":null,"nested":{"a":[1,{"b":null}],'
        b'"c":{"d":-1.5e-7}},"flag":false,"empty":{},"list":[]}'
    )
    value = decoder(dict[str, Any]).decode(raw)
    exact = msgspec.json.Decoder(float_hook=Decimal)
    assert exact.decode(encode(value)) == exact.decode(raw)


def test_an_optional_argument_left_unset_is_not_checked_and_one_given_is() -> None:
    from aiobyte import UNSET
    from aiobyte._validate import optional_bool, optional_name, optional_uuid

    for optional in (optional_uuid, optional_name, optional_bool):
        assert optional(UNSET, "argument") is UNSET
    good = "18dccc91-0ab1-4f72-9ed7-0b8fc27c5826"
    assert optional_uuid(good, "workspace_id") == good
    assert optional_name("n", "name") == "n"
    assert optional_bool(False, "enabled") is False
    with pytest.raises(ValueError, match="workspace_id"):
        optional_uuid("not-a-uuid", "workspace_id")
    with pytest.raises(ValueError, match="name"):
        optional_name("", "name")
    with pytest.raises(ValueError, match="enabled must be True or False; got 1"):
        optional_bool(1, "enabled")
