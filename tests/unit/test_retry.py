"""Retry policy and budget: pure rules, no network."""

from __future__ import annotations

import email.utils

import pytest

from aiobyte import RetryBudget, RetryPolicy
from aiobyte._retry import Failure, is_retry_safe, parse_retry_after

NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        ("", None),
        ("3", 3.0),
        (" 2.5 ", 2.5),
        ("-4", 0.0),
        ("nan", None),
        ("inf", None),
        ("soon", None),
        (email.utils.formatdate(NOW + 30, usegmt=True), 30.0),
        (email.utils.formatdate(NOW - 30, usegmt=True), 0.0),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, NOW) == expected


@pytest.mark.parametrize(
    ("method", "path", "safe"),
    [
        ("GET", "/sources", True),
        ("put", "/sources/x", True),
        ("DELETE", "/jobs/1", True),
        ("PATCH", "/connections/x", True),
        ("POST", "/jobs", False),
        ("POST", "/sources", False),
        ("POST", "/applications/token", True),
        ("POST", "/embedded/scoped_token", True),
    ],
)
def test_retry_safety_is_one_table(method: str, path: str, safe: bool) -> None:
    assert is_retry_safe(method, path) is safe


def fixed(jitter: float = 0.5) -> RetryPolicy:
    return RetryPolicy(jitter=lambda: jitter)


def test_backoff_is_exponential_capped_and_jittered() -> None:
    low, high = RetryPolicy(jitter=lambda: 0.0), RetryPolicy(jitter=lambda: 0.999999)
    for retry, ceiling in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 8.0), (9, 8.0)]:
        assert low.backoff(retry) == pytest.approx(ceiling / 2)
        assert high.backoff(retry) == pytest.approx(ceiling, rel=1e-5)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_for_safe_requests(status: int) -> None:
    assert fixed().delay(failure=Failure.STATUS, retry_safe=True, retries_done=0, status=status)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 501])
def test_client_errors_are_not_retried(status: int) -> None:
    assert (
        fixed().delay(failure=Failure.STATUS, retry_safe=True, retries_done=0, status=status)
        is None
    )


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_unsafe_request_is_not_resent_after_a_5xx(status: int) -> None:
    assert (
        fixed().delay(failure=Failure.STATUS, retry_safe=False, retries_done=0, status=status)
        is None
    )


@pytest.mark.parametrize("status", [408, 429])
def test_unsafe_request_is_resent_when_the_server_did_not_process_it(status: int) -> None:
    assert fixed().delay(failure=Failure.STATUS, retry_safe=False, retries_done=0, status=status)


def test_ambiguous_failure_retries_only_safe_requests() -> None:
    policy = fixed()
    assert policy.delay(failure=Failure.AMBIGUOUS, retry_safe=True, retries_done=0)
    assert policy.delay(failure=Failure.AMBIGUOUS, retry_safe=False, retries_done=0) is None
    # Nothing was sent when the connection could not be made: any method may retry.
    assert policy.delay(failure=Failure.CONNECT, retry_safe=False, retries_done=0)


def test_retries_are_bounded() -> None:
    policy = RetryPolicy(max_retries=2, jitter=lambda: 0.5)
    for failure, status in [
        (Failure.CONNECT, None),
        (Failure.AMBIGUOUS, None),
        (Failure.STATUS, 503),
    ]:
        assert policy.delay(failure=failure, retry_safe=True, retries_done=1, status=status)
        assert policy.delay(failure=failure, retry_safe=True, retries_done=2, status=status) is None


def test_retry_after_is_honoured_then_capped() -> None:
    policy = RetryPolicy(retry_after_cap=60)
    delay = policy.delay(
        failure=Failure.STATUS, retry_safe=False, retries_done=0, status=429, retry_after=12.0
    )
    assert delay == 12.0
    too_long = policy.delay(
        failure=Failure.STATUS, retry_safe=True, retries_done=0, status=503, retry_after=3600.0
    )
    assert too_long is None


def test_429_without_retry_after_is_a_hard_limit() -> None:
    policy = RetryPolicy(hard_rate_limit_retries=2, hard_rate_limit_backoff=5.0, jitter=lambda: 0)
    delays = [
        policy.delay(failure=Failure.STATUS, retry_safe=True, retries_done=n, status=429)
        for n in range(4)
    ]
    assert delays == [2.5, 5.0, None, None]
    # Much longer than an ordinary backoff.
    assert delays[0] is not None
    assert delays[0] > policy.backoff(0)


def test_policy_rejects_negative_settings() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ValueError):
        RetryPolicy(backoff_base=-1)


def test_retry_budget_bound() -> None:
    budget = RetryBudget(initial=3, ratio=0.5)
    assert [budget.try_spend() for _ in range(5)] == [True, True, True, False, False]
    budget.deposit()
    assert not budget.try_spend()  # half a retry is not a retry
    budget.deposit()
    assert budget.try_spend()
    for _ in range(100):
        budget.deposit()
    assert budget.balance == 3  # never above its capacity
