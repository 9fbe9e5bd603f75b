"""Every exception aiobyte raises survives a pickle round trip with its attributes
(orchestrators and multiprocessing send errors across processes)."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

import aiobyte
from aiobyte._errors import error_from_response


def every_error_class() -> list[type[aiobyte.AirbyteError]]:
    found: list[type[aiobyte.AirbyteError]] = []
    todo: list[type[aiobyte.AirbyteError]] = [aiobyte.AirbyteError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda cls: cls.__name__)


PROBLEM = aiobyte.Problem(title="Conflict", detail="a sync is running", data={"k": [1, 2]})


def example(cls: type[aiobyte.AirbyteError]) -> aiobyte.AirbyteError:
    where: dict[str, Any] = {"method": "GET", "url": "https://api.airbyte.com/v1/jobs/1"}
    if issubclass(cls, aiobyte.APIStatusError):
        return cls("it failed", status=409, problem=PROBLEM, body="{...}", retry_after=2.5, **where)
    if issubclass(cls, aiobyte.APIConnectionError):
        return cls("no answer", **where)
    if issubclass(cls, aiobyte.UnexpectedResponseError):
        return cls("HTML", status=200, model="Job", is_html=True, **where)
    if issubclass(cls, aiobyte.JobTimeoutError):
        return cls("gave up", job_id=7, last_status="running")
    if issubclass(cls, aiobyte.FanOutError):
        gone = aiobyte.NotFoundError("gone", status=404, **where)
        failure: aiobyte.Failure[str, object] = aiobyte.Failure("key", error=gone)
        return cls([failure], total=3)
    return cls("plain")


@pytest.mark.parametrize("cls", every_error_class(), ids=lambda cls: cls.__name__)
def test_every_error_survives_pickling(cls: type[aiobyte.AirbyteError]) -> None:
    error = example(cls)
    error.__notes__ = ["a note"]  # type: ignore[attr-defined]  # __notes__ is 3.11+; mypy checks as 3.10
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert str(copy) == str(error)
    assert copy.args == error.args
    assert copy.__notes__ == ["a note"]  # type: ignore[attr-defined]  # __notes__ is 3.11+; mypy checks as 3.10
    for name, value in vars(error).items():
        if name == "failures":  # outcomes hold errors, which compare by identity
            assert isinstance(copy, aiobyte.FanOutError)
            assert [(o.key, str(o.error)) for o in copy.failures] == [
                (o.key, str(o.error)) for o in value
            ]
        else:
            assert getattr(copy, name) == value, name


def test_an_error_mapped_from_an_answer_survives_pickling() -> None:
    error = error_from_response(
        method="POST",
        url="https://api.airbyte.com/v1/jobs",
        status=429,
        content_type="application/json",
        body=b'{"message": "You are being rate limited."}',
        base_url="https://api.airbyte.com/v1",
        retry_after=3.0,
    )
    assert isinstance(error, aiobyte.RateLimitError)
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, aiobyte.RateLimitError)
    assert (copy.status, copy.retry_after, copy.problem) == (429, 3.0, error.problem)
