"""The transport under hostile servers: every resend counted, bounded memory and time,
and every hostile answer an AirbyteError.

Where the fake can misbehave so (its seeded faults: dropped, 503, cut short), the fake
serves; every other server here is a raw asyncio one on 127.0.0.1 (``tests/_hostile.py``)
that writes exactly the bytes the test asks for.
"""

from __future__ import annotations

import asyncio
import json
import sys
import textwrap
import uuid
import warnings
import zlib
from typing import Any

import aiohttp
import anyio
import pytest

import aiobyte
from aiobyte.testing import FakeAirbyte, ManualClock
from tests._hostile import RawRequest, RawServer, respond, response_bytes

pytestmark = pytest.mark.anyio

WS = "18dccc91-0ab1-4f72-9ed7-0b8fc27c5826"
WORKSPACE = {"workspaceId": WS, "name": "w"}
GET_WORKSPACE = "GET /workspaces/{workspaceId}"
# 20 KB of JSON nested ten thousand deep. A thousand (2 KB) is already too deep for
# msgspec on Python 3.10 to 3.12; 3.13 checks the C stack instead and takes a thousand.
DEEP = "[" * 10_000 + "]" * 10_000


def no_retries(**kw: Any) -> dict[str, Any]:
    return {
        "token": "t",
        "retry": aiobyte.RetryPolicy(max_retries=0),
        "retry_budget": aiobyte.RetryBudget(0, 0),
        **kw,
    }


# §4: every request on the wire is the policy's decision


async def test_with_retries_off_each_call_is_one_request_even_when_connections_drop() -> None:
    async def every_second_dropped(request: RawRequest, writer: asyncio.StreamWriter) -> bool:
        if len(server.requests) % 2 == 0:
            return False  # the kept-alive connection closes with the request unanswered
        return await respond(writer, 200, WORKSPACE)

    server = RawServer(every_second_dropped)
    failures = 0
    async with server.running(), aiobyte.AirbyteClient(server.base_url, **no_retries()) as client:
        for _ in range(100):
            try:
                await client.workspaces.get(WS)
            except aiobyte.APIConnectionError:
                failures += 1
    # aiohttp on its own would resend each dropped GET at once, unseen by the policy.
    assert len(server.requests) == 100
    assert failures == 50


async def test_under_random_faults_the_wire_count_stays_within_the_budget() -> None:
    async with FakeAirbyte(clock=ManualClock(), seed=1234) as fake:  # backoff: at once
        ws = fake.add_workspace(name="w")["workspaceId"]
        # Each about a tenth of the requests: dropped, 503, cut short (a request spared by
        # one fault's draw goes on to the next).
        kinds: list[tuple[float, dict[str, Any]]] = [
            (0.1, {"drop": True}),
            (0.1 / 0.9, {"status": 503}),
            (0.1 / 0.8, {"truncate": True}),
        ]
        for share, kind in kinds:
            fake.faults.inject(GET_WORKSPACE, times=None, probability=share, **kind)
        budget = aiobyte.RetryBudget(10, 0.1)
        calls, successes = 200, 0
        client = fake.client(
            token=fake.issue_token(lifetime=86_400),
            retry=aiobyte.RetryPolicy(max_retries=3),
            retry_budget=budget,
        )
        async with client:
            for _ in range(calls):
                try:
                    await client.workspaces.get(ws)
                    successes += 1
                except aiobyte.AirbyteError:
                    pass
    wire = fake.stats.hits[GET_WORKSPACE]
    assert successes > 150  # the faults were survived through retries...
    # ...and every resend was one the budget paid for: RetryBudget's documented bound.
    assert calls < wire <= calls + 10 + 0.1 * successes


async def test_a_borrowed_session_that_would_answer_for_aiobyte_is_refused() -> None:
    async with aiohttp.ClientSession(raise_for_status=True) as session:
        with pytest.raises(ValueError, match="raise_for_status"):
            aiobyte.AirbyteClient("http://127.0.0.1:9/v1", token="t", session=session)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # aiohttp 3.14 deprecates auth=
        session = aiohttp.ClientSession(auth=aiohttp.BasicAuth("u", "p"))
    async with session:
        with pytest.raises(ValueError, match="auth="):
            aiobyte.AirbyteClient("http://127.0.0.1:9/v1", token="t", session=session)
    async with aiohttp.ClientSession(headers={"Authorization": "Basic dTpw"}) as session:
        with pytest.raises(ValueError, match="Authorization header"):
            aiobyte.AirbyteClient("http://127.0.0.1:9/v1", token="t", session=session)


async def test_a_borrowed_session_gets_no_silent_resends_either() -> None:
    async def drop_all(request: RawRequest, writer: asyncio.StreamWriter) -> bool:
        return False

    server = RawServer(drop_all)
    async with server.running(), aiohttp.ClientSession() as session:
        async with aiobyte.AirbyteClient(server.base_url, session=session, **no_retries()) as c:
            with pytest.raises(aiobyte.APIConnectionError):
                await c.workspaces.get(WS)
        assert not session.closed
    assert len(server.requests) == 1


# §5: bounded memory and time

# Run in a child process, so that its peak memory is its own: the client meets a gzip
# bomb (a stream of gzip that inflates to 1 GiB) and an endless chunked stream.
CHILD = textwrap.dedent(
    """
    import asyncio, json, resource, sys
    import aiobyte

    async def main(base):
        seen = {}
        async with aiobyte.AirbyteClient(
            base, token="t", retry=aiobyte.RetryPolicy(max_retries=0)
        ) as client:
            await client.health.check()  # everything imported, the session made
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            for name, call in (
                ("bomb", client.workspaces.get),
                ("endless", client.sources.get),
            ):
                try:
                    await call("18dccc91-0ab1-4f72-9ed7-0b8fc27c5826")
                    seen[name] = "no error"
                except Exception as exc:
                    seen[name] = [type(exc).__name__, isinstance(exc, aiobyte.AirbyteError)]
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        seen["grown_mb"] = (peak - before) / 1024  # ru_maxrss is in KiB on Linux
        print(json.dumps(seen))

    asyncio.run(main(sys.argv[1]))
    """
)

CHUNK = 1 << 20


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


async def bombs(request: RawRequest, writer: asyncio.StreamWriter) -> bool:
    if request.path.endswith("/health"):
        return await respond(writer, 200, b"")
    head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
    if request.path.startswith("/v1/workspaces"):
        # 1 GiB of JSON whitespace, compressed as it is sent (about 1 MiB of gzip).
        writer.write(head.encode() + b"Content-Encoding: gzip\r\n\r\n")
        squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)
        writer.write(chunk(squeeze.compress(b"[")))
        for _ in range(1024):
            squeezed = squeeze.compress(b" " * CHUNK)
            if squeezed:  # an empty chunk would end the stream
                writer.write(chunk(squeezed))
            await writer.drain()
        writer.write(chunk(squeeze.compress(b"]") + squeeze.flush()))
    else:
        # An endless stream, bounded here at 1 GiB so that a failing client still ends.
        writer.write(head.encode() + b"\r\n" + chunk(b"["))
        for _ in range(1024):
            writer.write(chunk(b" " * CHUNK))
            await writer.drain()
        writer.write(chunk(b"]"))
    writer.write(b"0\r\n\r\n")
    await writer.drain()
    return True


@pytest.mark.slow
async def test_a_gzip_bomb_and_an_endless_stream_fail_fast_in_bounded_memory() -> None:
    server = RawServer(bombs)
    async with server.running():
        with anyio.fail_after(60):
            done = await anyio.run_process(
                [sys.executable, "-c", CHILD, server.base_url], check=False
            )
    assert done.returncode == 0, done.stderr.decode()
    seen = json.loads(done.stdout)
    assert seen["bomb"] == ["UnexpectedResponseError", True]
    assert seen["endless"] == ["UnexpectedResponseError", True]
    assert seen["grown_mb"] < 100, seen


async def test_an_announced_body_over_the_cap_is_refused_before_it_is_read() -> None:
    async def huge(request: RawRequest, writer: asyncio.StreamWriter) -> bool:
        writer.write(response_bytes(200, b"{", content_length=10**12))
        await writer.drain()
        await asyncio.sleep(30)  # never sends the rest: only the header could end this
        return False

    server = RawServer(huge)
    async with server.running(), aiobyte.AirbyteClient(server.base_url, **no_retries()) as c:
        with anyio.fail_after(10), pytest.raises(aiobyte.UnexpectedResponseError) as caught:
            await c.workspaces.get(WS)
    assert "larger than 33554432 bytes" in str(caught.value)
    assert "max_body_size" in str(caught.value)


async def test_max_body_size_is_configurable(fake: FakeAirbyte) -> None:
    ws = fake.add_workspace(name="w")["workspaceId"]
    token = fake.issue_token()
    async with fake.client(**no_retries(token=token, max_body_size=10)) as c:
        with pytest.raises(aiobyte.UnexpectedResponseError, match="larger than 10 bytes"):
            await c.workspaces.get(ws)
    async with fake.client(**no_retries(token=token)) as c:
        assert (await c.workspaces.get(ws)).name == "w"
    with pytest.raises(ValueError, match="max_body_size"):
        aiobyte.AirbyteClient("http://127.0.0.1:9/v1", token="t", max_body_size=0)


async def test_a_server_dripping_bytes_is_ended_by_the_attempt_deadline() -> None:
    async def drip(request: RawRequest, writer: asyncio.StreamWriter) -> bool:
        writer.write(response_bytes(200, b"", content_length=1000))
        for _ in range(1000):  # a byte every 0.1 s: each read is in time, the whole is not
            writer.write(b" ")
            await writer.drain()
            await asyncio.sleep(0.1)
        return False

    server = RawServer(drip)
    timeouts = aiobyte.Timeouts(read=1.0, total=1.0)
    async with server.running():
        async with aiobyte.AirbyteClient(server.base_url, **no_retries(timeout=timeouts)) as c:
            with anyio.fail_after(15), pytest.raises(aiobyte.APITimeoutError) as caught:
                await c.workspaces.get(WS)
    assert caught.value.method == "GET"


def test_the_attempt_deadline_is_on_by_default_and_checked() -> None:
    assert aiobyte.Timeouts().total == 300.0
    assert aiobyte.Timeouts(total=None).total is None
    for bad in (0, -1.0, float("nan"), float("inf"), True):
        with pytest.raises(ValueError, match="total"):
            aiobyte.Timeouts(total=bad)


# §6: hostile input always ends as an AirbyteError


@pytest.mark.parametrize(
    ("status", "expected"),
    [(200, aiobyte.UnexpectedResponseError), (500, aiobyte.InternalServerError)],
)
async def test_json_nested_a_thousand_deep_is_an_airbyte_error(
    status: int, expected: type[aiobyte.AirbyteError]
) -> None:
    body = f'{{"sourceId": "{WS}", "name": "s", "configuration": {{"x": {DEEP}}}}}'
    if status != 200:
        body = f'{{"title": "boom", "data": {DEEP}}}'

    async def deep(request: RawRequest, writer: asyncio.StreamWriter) -> bool:
        return await respond(writer, status, body.encode())

    server = RawServer(deep)
    async with server.running(), aiobyte.AirbyteClient(server.base_url, **no_retries()) as c:
        with pytest.raises(expected) as caught:
            await c.sources.get(WS)
    if status == 200:
        assert "nested too deeply" in str(caught.value)


async def test_a_token_answer_nested_a_thousand_deep_is_an_airbyte_error() -> None:
    async def deep(request: RawRequest, writer: asyncio.StreamWriter) -> bool:
        return await respond(writer, 200, f'{{"access_token": "x", "extra": {DEEP}}}'.encode())

    server = RawServer(deep)
    async with server.running():
        client = aiobyte.AirbyteClient(
            server.base_url,
            client_id="id",
            client_secret="secret",
            retry=aiobyte.RetryPolicy(max_retries=0),
        )
        async with client:
            with pytest.raises(aiobyte.UnexpectedResponseError, match="nested too deeply"):
                await client.workspaces.get(WS)


async def test_a_next_link_with_a_non_ascii_digit_offset_does_not_break_the_listing() -> None:
    items = [{"workspaceId": str(uuid.UUID(int=i)), "name": f"w{i}"} for i in range(3)]

    async def pages(request: RawRequest, writer: asyncio.StreamWriter) -> bool:
        offset = int(request.target.rpartition("offset=")[2].partition("&")[0])
        data = items[offset : offset + 2]
        return await respond(writer, 200, {"data": data, "next": "http://x/v1/workspaces?offset=²"})

    server = RawServer(pages)
    async with server.running(), aiobyte.AirbyteClient(server.base_url, **no_retries()) as c:
        listed = [w.name async for w in c.workspaces.list(page_size=2)]
    # The unreadable offset is ignored: the next page follows the items received.
    assert listed == ["w0", "w1", "w2"]
