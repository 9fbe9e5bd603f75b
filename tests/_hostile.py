"""A tiny HTTP/1.1 server on 127.0.0.1 for hostile behaviour, written on raw asyncio streams.

aiohttp's own server always answers correctly; the behaviours tested here (a dropped
kept-alive connection, a body cut short, a byte every few tenths of a second, a gzip
bomb, an endless chunked stream) need a server that writes exactly what the test says.

The handler gets each request and the connection's writer, writes what it likes, and
returns whether to keep the connection open. ``requests`` records every request that
reached the server: the wire count. This is the one way tests write such a server:
where the fake (``aiobyte.testing``) can serve the behaviour, with its faults and
latency, a test uses the fake instead.
"""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RawRequest:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    connection: int  # which connection it came on, counting from 1
    fields: tuple[tuple[str, str], ...] = ()  # the header fields as sent, names unchanged

    @property
    def path(self) -> str:
        return self.target.partition("?")[0]

    @property
    def query(self) -> dict[str, str]:
        """The query's fields (the last of each name), decoded."""
        return dict(urllib.parse.parse_qsl(self.target.partition("?")[2]))


Handler = Callable[[RawRequest, asyncio.StreamWriter], Awaitable[bool]]


def response_bytes(
    status: int = 200,
    body: bytes | Any = b"",
    *,
    headers: dict[str, str] | None = None,
    content_length: int | None = None,
) -> bytes:
    """A whole HTTP/1.1 answer (JSON when ``body`` is not bytes)."""
    if not isinstance(body, bytes):
        body = json.dumps(body).encode()
    fields = {"Content-Type": "application/json", **(headers or {})}
    fields.setdefault(
        "Content-Length", str(len(body) if content_length is None else content_length)
    )
    head = f"HTTP/1.1 {status} X\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items())
    return head.encode() + b"\r\n" + body


async def respond(
    writer: asyncio.StreamWriter, status: int = 200, body: Any = b"", **kw: Any
) -> bool:
    """Write a whole answer and keep the connection."""
    writer.write(response_bytes(status, body, **kw))
    await writer.drain()
    return True


class RawServer:
    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[RawRequest] = []
        self.connections = 0
        self.port = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._readers: dict[asyncio.StreamWriter, asyncio.StreamReader] = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def count(self, method: str, path_prefix: str = "") -> int:
        return sum(
            1
            for r in self.requests
            if r.method == method and r.path.startswith("/v1" + path_prefix)
        )

    async def client_gone(self, writer: asyncio.StreamWriter) -> None:
        """Wait, in a handler, until the client hangs up (what a cancelled request does);
        what it sends meanwhile is discarded."""
        reader = self._readers[writer]
        while await reader.read(65536):
            pass

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        connection = self.connections
        self._readers[writer] = reader
        try:
            while True:
                line = await reader.readline()
                if not line.strip():
                    break
                method, target, _ = line.decode("latin-1").split(" ", 2)
                fields: list[tuple[str, str]] = []
                while True:
                    field = await reader.readline()
                    if field in (b"\r\n", b"\n", b""):
                        break
                    name, _, value = field.decode("latin-1").partition(":")
                    fields.append((name.strip(), value.strip()))
                headers = {name.lower(): value for name, value in fields}
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                request = RawRequest(method, target, headers, body, connection, tuple(fields))
                self.requests.append(request)
                if not await self.handler(request, writer):
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            del self._readers[writer]
            writer.close()

    def _start(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.ensure_future(self._serve(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[RawServer]:
        server = await asyncio.start_server(self._start, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        try:
            yield self
        finally:
            server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await server.wait_closed()
