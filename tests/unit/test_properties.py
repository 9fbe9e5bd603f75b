"""Properties of the pure parts, checked by hypothesis over many inputs.

Retry decisions and delays, ``Retry-After`` parsing, the status -> error mapping and
cursor parsing are pure functions. Base-URL normalisation and token lifetime are
checked through the public surface (``AirbyteClient.base_url``; a ``TokenProvider``
on a ManualClock), as behaviours rather than as implementations.

Bounded and derandomized: the same examples on every run, in a few seconds.
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import json
import math
from typing import Any
from urllib.parse import urlsplit

import anyio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aiobyte
from aiobyte._errors import error_from_response, looks_like_html
from aiobyte._pagination import PageBody, Pager, _offset_in, parse_cursor
from aiobyte._retry import (
    NOT_PROCESSED_STATUSES,
    RETRYABLE_STATUSES,
    Failure,
    RetryPolicy,
    is_retry_safe,
    parse_retry_after,
)
from tests._hostile import RawRequest, RawServer, respond

bounded = settings(
    max_examples=200,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
few = settings(bounded, max_examples=30)
some = settings(bounded, max_examples=80)

NOW = 1_800_000_000.0
BASE = "https://api.airbyte.com/v1"

# --- retry decisions and delays --------------------------------------------------

policies = st.builds(
    RetryPolicy,
    max_retries=st.integers(0, 10),
    backoff_base=st.floats(0, 10),
    backoff_cap=st.floats(0, 100),
    retry_after_cap=st.floats(0, 120),
    hard_rate_limit_retries=st.integers(0, 5),
    hard_rate_limit_backoff=st.floats(0, 10),
    jitter=st.floats(0, 1, exclude_max=True).map(lambda j: lambda: j),
)
failures = st.sampled_from(Failure)
statuses = st.integers(100, 599)


@bounded
@given(
    policy=policies,
    failure=failures,
    safe=st.booleans(),
    done=st.integers(0, 12),
    status=statuses,
    retry_after=st.none() | st.floats(0, 1000),
)
def test_a_retry_decision_is_bounded_and_safe(
    policy: RetryPolicy,
    failure: Failure,
    safe: bool,
    done: int,
    status: int,
    retry_after: float | None,
) -> None:
    delay = policy.delay(
        failure=failure,
        retry_safe=safe,
        retries_done=done,
        status=status if failure is Failure.STATUS else None,
        retry_after=retry_after if failure is Failure.STATUS else None,
    )
    if delay is None:
        return
    # Never more than max_retries, never a negative or endless wait.
    assert done < policy.max_retries
    assert 0 <= delay < math.inf
    if failure is Failure.AMBIGUOUS:
        assert safe  # what may have acted is resent only when that is harmless
    if failure is Failure.STATUS:
        assert status in RETRYABLE_STATUSES
        assert safe or status in NOT_PROCESSED_STATUSES
        if retry_after is not None:
            assert delay == retry_after <= policy.retry_after_cap
        elif status == 429:
            assert done < policy.hard_rate_limit_retries


@bounded
@given(policy=policies, retry=st.integers(0, 40))
def test_backoff_has_equal_jitter_under_a_growing_capped_ceiling(
    policy: RetryPolicy, retry: int
) -> None:
    ceiling = min(policy.backoff_cap, policy.backoff_base * 2.0**retry)
    delay = policy.backoff(retry)
    assert ceiling / 2 <= delay <= ceiling
    assert ceiling <= min(policy.backoff_cap, policy.backoff_base * 2.0 ** (retry + 1))


@bounded
@given(method=st.text(max_size=8), path=st.text(max_size=30))
def test_retry_safety_is_decided_by_method_and_path_alone(method: str, path: str) -> None:
    safe = is_retry_safe(method, path)
    assert safe == is_retry_safe(method.lower(), path)
    if method.upper() == "POST":
        assert safe == (path in ("/applications/token", "/embedded/scoped_token"))


# --- Retry-After ------------------------------------------------------------------


@bounded
@given(st.text(max_size=40))
def test_retry_after_never_raises_and_is_never_negative_or_endless(value: str) -> None:
    seconds = parse_retry_after(value, NOW)
    assert seconds is None or 0 <= seconds < math.inf


@bounded
@given(st.integers(0, 10**7), st.sampled_from(["", " ", "\t"]))
def test_retry_after_seconds_are_read_as_given(seconds: int, pad: str) -> None:
    assert parse_retry_after(f"{pad}{seconds}{pad}", NOW) == seconds


@bounded
@given(st.integers(-(10**6), 10**6))
def test_retry_after_dates_are_read_relative_to_now(offset: int) -> None:
    header = email.utils.formatdate(NOW + offset, usegmt=True)
    assert parse_retry_after(header, NOW) == max(0, offset)


# --- the status -> error mapping -----------------------------------------------

bodies = st.binary(max_size=300) | st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
).map(lambda value: json.dumps(value).encode())
content_types = st.sampled_from(["application/json", "text/html", "text/plain", ""])


@bounded
@given(
    status=st.integers(300, 599),
    body=bodies,
    content_type=content_types,
    token=st.booleans(),
)
def test_every_error_status_maps_to_its_class(
    status: int, body: bytes, content_type: str, token: bool
) -> None:
    url = BASE + "/sources"
    error = error_from_response(
        method="GET",
        url=url,
        status=status,
        content_type=content_type,
        body=body,
        base_url=BASE,
        token_endpoint=token,
    )
    assert isinstance(error, aiobyte.APIStatusError)
    assert error.status == status
    assert f"GET {url}" in str(error)
    expected = {
        400: aiobyte.BadRequestError,
        401: aiobyte.AuthenticationError,
        403: aiobyte.PermissionDeniedError,
        404: aiobyte.NotFoundError,
        409: aiobyte.ConflictError,
        422: aiobyte.UnprocessableEntityError,
        429: aiobyte.RateLimitError,
    }.get(status, aiobyte.InternalServerError if status >= 500 else aiobyte.APIStatusError)
    if token and status == 403 and not looks_like_html(content_type, body):
        expected = aiobyte.AuthenticationError  # the token endpoint: wrong credentials
    assert type(error) is expected
    if token:
        assert error.body == ""  # a token answer is never quoted


# --- cursors ------------------------------------------------------------------------


@bounded
@given(st.integers(0, 10**18 - 1))
def test_a_page_cursor_reads_back_as_its_offset(offset: int) -> None:
    assert parse_cursor(str(offset)) == offset
    assert _offset_in(f"https://elsewhere/v1/jobs?limit=5&offset={offset}&x=1") == offset
    assert _offset_in(f"https://elsewhere/v1/jobs?offset={offset}") == offset


@bounded
@given(st.text(max_size=30))
def test_any_cursor_is_an_offset_or_a_value_error(cursor: str) -> None:
    try:
        offset = parse_cursor(cursor)
    except ValueError:
        assert not (cursor.isascii() and cursor.isdigit() and len(cursor) < 19)
    else:
        assert offset == int(cursor) >= 0


@bounded
@given(st.text(max_size=60))
def test_any_next_link_gives_an_offset_or_none(link: str) -> None:
    offset = _offset_in(link)
    assert offset is None or offset >= 0


@few
@given(
    size=st.integers(1, 5),
    script=st.dictionaries(
        st.integers(0, 40),
        st.integers(-3, 45) | st.just("²") | st.just("x"),
        max_size=12,
    ),
    ahead=st.sampled_from([1, 2, 8]),
)
def test_a_pager_only_moves_forward_and_always_ends(
    size: int, script: dict[int, Any], ahead: int
) -> None:
    # The server's next link for the page at each offset (none: the last page).
    async def fetch(offset: int, limit: int | None) -> PageBody[int]:
        link = script.get(offset)
        following = None if link is None else f"https://x/v1/jobs?offset={link}"
        return PageBody(data=list(range(offset, offset + size)), next=following)

    async def walk() -> list[tuple[int, list[int]]]:
        pager: Pager[int] = Pager(fetch, page_size=size, full_pages=False).prefetch(ahead)
        return [(page.offset, page.items) async for page in pager.pages()]

    pages = anyio.run(walk)
    offsets = [offset for offset, _ in pages]
    assert offsets[0] == 0
    assert offsets == sorted(set(offsets))  # strictly forward: no loop, no repeat
    assert len(pages) <= len(script) + 1
    for offset, items in pages:  # each page is the one asked for, whole
        assert items == list(range(offset, offset + size))


# --- base-URL normalisation (a behaviour of AirbyteClient) ---------------------------

hosts = st.from_regex(r"[a-z][a-z0-9-]{0,15}(\.[a-z][a-z0-9-]{0,8}){0,3}", fullmatch=True)
paths = st.lists(st.from_regex(r"[A-Za-z0-9._~-]{1,10}", fullmatch=True), max_size=4).map(
    lambda parts: "".join("/" + p for p in parts if p not in (".", ".."))
)


@some
@given(
    scheme=st.sampled_from(["http", "https"]),
    host=hosts,
    port=st.none() | st.integers(1, 65535),
    path=paths,
    slashes=st.integers(0, 3),
)
def test_a_base_url_is_kept_as_given_without_trailing_slashes(
    scheme: str, host: str, port: int | None, path: str, slashes: int
) -> None:
    netloc = host if port is None else f"{host}:{port}"
    given_url = f"{scheme}://{netloc}{path}" + "/" * slashes
    base = aiobyte.AirbyteClient(given_url, token="t").base_url
    assert not base.endswith("/")
    parts = urlsplit(base)
    assert (parts.scheme, parts.hostname, parts.port) == (scheme, host, port)
    assert parts.path == path.rstrip("/")
    # Normalising twice changes nothing.
    assert aiobyte.AirbyteClient(base, token="t").base_url == base


@bounded
@given(st.text(max_size=40))
def test_any_base_url_is_an_http_url_or_a_value_error(text: str) -> None:
    try:
        base = aiobyte.AirbyteClient(text, token="t").base_url
    except ValueError:
        return
    assert base.startswith(("http://", "https://"))
    assert not base.endswith("/")


# --- token lifetime (a behaviour of the client's token cache) -------------------------


def jwt(claims: dict[str, float]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none'})}.{part(claims)}.sig"


async def provider_calls(expires_in: float | None, exp_in: float | None, at: list[float]) -> int:
    """How many tokens the client asks for, making one request at each time in ``at``."""
    clock = aiobyte.ManualClock()
    calls = 0

    async def provide() -> aiobyte.AccessToken:
        nonlocal calls
        calls += 1
        value = "plain" if exp_in is None else jwt({"exp": clock.time() + exp_in})
        return aiobyte.AccessToken(value, expires_in)

    async def answer(request: RawRequest, writer: asyncio.StreamWriter) -> bool:
        return await respond(writer, 200, {"workspaceId": "w", "name": "w"})

    server = RawServer(answer)
    async with server.running():
        auth = aiobyte.TokenProvider(provide)
        async with aiobyte.AirbyteClient(server.base_url, auth=auth, clock=clock) as client:
            start = clock.monotonic()
            for moment in at:
                clock.advance(start + moment - clock.monotonic())
                await client.workspaces.get("18dccc91-0ab1-4f72-9ed7-0b8fc27c5826")
    return calls


lifetimes = st.floats(2.0, 86_400.0)


@few
@given(lifetime=lifetimes, by_exp=st.booleans(), longer=st.floats(1.0, 10.0))
def test_a_token_is_reused_within_its_life_and_never_used_past_it(
    lifetime: float, by_exp: bool, longer: float
) -> None:
    # The lifetime comes from expires_in, or from the exp claim when expires_in says
    # longer (the earlier of the two is the truth).
    expires_in, exp_in = (lifetime * longer, lifetime) if by_exp else (lifetime, None)
    # Half-way through its life the token is reused; at its end it is replaced.
    assert anyio.run(provider_calls, expires_in, exp_in, [0.0, lifetime / 2]) == 1
    assert anyio.run(provider_calls, expires_in, exp_in, [0.0, lifetime]) == 2


@few
@given(st.none() | st.floats(-1e6, 0.0))
def test_a_token_without_a_usable_lifetime_lives_three_minutes(expires_in: float | None) -> None:
    assert anyio.run(provider_calls, expires_in, None, [0.0, 90.0]) == 1
    assert anyio.run(provider_calls, expires_in, None, [0.0, 180.0]) == 2
