"""The baseline: what a careful programmer writes with aiohttp and msgspec alone.

One session, a bearer token obtained once, URLs built by hand, bodies decoded with
msgspec into hand-written Structs that mirror aiobyte's ``Source`` and ``Destination``
(the fields of the spec's ``SourceResponse`` and ``DestinationResponse``, camelCase on
the wire, the configuration as a dict). No retries, no error mapping, no lossless
floats: only what the benchmarks need.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import aiohttp
import msgspec

__all__ = [
    "NaiveTokenCache",
    "RawDestination",
    "RawDestinationPage",
    "RawPage",
    "RawSource",
    "fetch_token",
    "get_sources",
    "list_sources",
]


class RawSource(msgspec.Struct, rename="camel", kw_only=True, frozen=True, gc=False):
    """``SourceResponse``, by hand (the same Struct options as aiobyte's models)."""

    source_id: str
    name: str
    source_type: str | None = None
    definition_id: str
    workspace_id: str
    configuration: dict[str, Any] = msgspec.field(default_factory=dict)
    created_at: int | None = None
    resource_allocation: dict[str, Any] | None = None


class RawPage(msgspec.Struct, kw_only=True, frozen=True, gc=False):
    data: list[RawSource] = msgspec.field(default_factory=list)
    next: str | None = None
    previous: str | None = None


class RawDestination(msgspec.Struct, rename="camel", kw_only=True, frozen=True, gc=False):
    """``DestinationResponse``, by hand."""

    destination_id: str
    name: str
    destination_type: str | None = None
    definition_id: str
    workspace_id: str
    configuration: dict[str, Any] = msgspec.field(default_factory=dict)
    created_at: int | None = None
    resource_allocation: dict[str, Any] | None = None


class RawDestinationPage(msgspec.Struct, kw_only=True, frozen=True, gc=False):
    data: list[RawDestination] = msgspec.field(default_factory=list)
    next: str | None = None
    previous: str | None = None


class _Token(msgspec.Struct):
    access_token: str


_PAGE = msgspec.json.Decoder(RawPage)
_SOURCE = msgspec.json.Decoder(RawSource)
_DESTINATION_PAGE = msgspec.json.Decoder(RawDestinationPage)
_DESTINATION = msgspec.json.Decoder(RawDestination)
_TOKEN = msgspec.json.Decoder(_Token)


async def fetch_token(
    session: aiohttp.ClientSession, base_url: str, client_id: str, client_secret: str
) -> str:
    """A bearer token for the application's credentials."""
    body = msgspec.json.encode(
        {"client_id": client_id, "client_secret": client_secret, "grant-type": "client_credentials"}
    )
    async with session.post(
        f"{base_url}/applications/token",
        data=body,
        headers={"Content-Type": "application/json"},
    ) as answer:
        answer.raise_for_status()
        content = await answer.read()
    return _TOKEN.decode(content).access_token


async def list_sources(
    session: aiohttp.ClientSession, base_url: str, token: str, page_size: int
) -> list[RawSource]:
    """Every source, ``GET /sources?limit=&offset=`` page after page until a short page."""
    headers = {"Authorization": f"Bearer {token}"}
    items: list[RawSource] = []
    offset = 0
    while True:
        url = f"{base_url}/sources?limit={page_size}&offset={offset}"
        async with session.get(url, headers=headers) as answer:
            answer.raise_for_status()
            content = await answer.read()
        page = _PAGE.decode(content)
        items.extend(page.data)
        if len(page.data) < page_size:
            return items
        offset += len(page.data)


async def get_sources(
    session: aiohttp.ClientSession,
    base_url: str,
    token: str,
    source_ids: Sequence[str],
    in_flight: int,
) -> list[RawSource]:
    """``GET /sources/{id}`` for every id, at most ``in_flight`` at once, in order."""
    headers = {"Authorization": f"Bearer {token}"}
    slots = asyncio.Semaphore(in_flight)

    async def one(source_id: str) -> RawSource:
        async with slots:
            async with session.get(f"{base_url}/sources/{source_id}", headers=headers) as answer:
                answer.raise_for_status()
                content = await answer.read()
        return _SOURCE.decode(content)

    return await asyncio.gather(*(one(source_id) for source_id in source_ids))


class NaiveTokenCache:
    """The token cache most hand-written clients have: check, then fetch, no lock.

    Every caller that finds no token fetches one, so N callers on a cold start send N
    token requests. (The pattern, not any particular library.)
    """

    def __init__(
        self, session: aiohttp.ClientSession, base_url: str, client_id: str, client_secret: str
    ) -> None:
        self._session = session
        self._base_url = base_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._token: str | None = None

    async def token(self) -> str:
        if self._token is None:
            self._token = await fetch_token(
                self._session, self._base_url, self._client_id, self._client_secret
            )
        return self._token

    async def get_source(self, source_id: str) -> RawSource:
        token = await self.token()
        async with self._session.get(
            f"{self._base_url}/sources/{source_id}",
            headers={"Authorization": f"Bearer {token}"},
        ) as answer:
            answer.raise_for_status()
            content = await answer.read()
        return _SOURCE.decode(content)
