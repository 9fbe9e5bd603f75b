"""The pager behind every ``list`` method.

``client.sources.list(...)`` returns a :class:`Pager` at once; nothing is sent until it
is iterated (``async for item in pager``), paged (``async for page in pager.pages()``)
or awaited (``await pager`` gives the first page).

How the next page is found, and why (the server's side: ../shared/airbyte-api/NOTES.md):

- The server's ``next`` link is the cursor, but it is never requested as given: on
  self-managed installs it names a host from the server's configuration (often an
  internal one), and for jobs it drops the caller's filters. Only its ``offset`` is
  taken; the request goes to the configured base URL with the caller's own parameters.
  So credentials never go to a host the caller did not configure.
- Sources, destinations, connections and workspaces are paged in the database: a page
  shorter than the page size is the last, and the empty page after it is not fetched.
  Jobs are filtered after paging: a short or even empty page can have more after
  it, so for them only a missing next link ends the listing.
- A next link that does not move forward (a repeated cursor) ends the iteration
  instead of looping.
- Each page is read completely before it is yielded. Pages of paged endpoints are
  fetched ahead (``PAGE_PREFETCH`` at most, a window that starts at one page and
  doubles while pages come back full, never past a short or last page); they are
  yielded in order, and a listing left early (``break``, an error, garbage collection
  of the iterator) cancels what it fetched ahead, so nothing stays in flight.

A page's ``cursor`` resumes the listing at the page after it:
``client.sources.list(..., cursor=page.cursor)``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

import msgspec

from . import _config

__all__ = ["Page", "Pager", "PageBody", "parse_cursor"]

logger = logging.getLogger("aiobyte")

T = TypeVar("T")


class PageBody(msgspec.Struct, Generic[T], kw_only=True, frozen=True, gc=False):
    """The wire shape of a list answer: ``{"data": [...], "next": ..., "previous": ...}``."""

    data: list[T] = msgspec.field(default_factory=list)
    next: str | None = None
    previous: str | None = None


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing.

    ``items`` are the page's objects; ``cursor`` resumes the listing after this page
    (None on the last page); ``next`` is the link the server sent, for information only.
    """

    items: list[T]
    cursor: str | None
    offset: int
    next: str | None = field(default=None, repr=False)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def parse_cursor(cursor: str | None) -> int:
    """The offset a cursor stands for; ``ValueError`` for anything that is not one."""
    if cursor is None:
        return 0
    offset = _offset(cursor) if isinstance(cursor, str) else None
    if offset is None:
        raise ValueError(
            f"cursor must be a cursor from a previous page (a string like '100'); got {cursor!r}"
        )
    return offset


def _offset(value: str) -> int | None:
    """An offset from ASCII digits, or None. ``str.isdigit`` alone accepts ``²`` (which
    ``int()`` refuses), and thousands of digits are beyond what ``int()`` converts."""
    if value.isascii() and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def _offset_in(link: str) -> int | None:
    """The ``offset`` of a next link; None when it has none that reads as one."""
    head, found, tail = link.rpartition("offset=")
    if found and head[-1:] in ("?", "&"):
        offset = _offset(tail.partition("&")[0])
        if offset is not None:
            return offset
    try:
        values = parse_qs(urlsplit(link).query).get("offset")
    except ValueError:
        return None
    return _offset(values[-1]) if values else None


FetchPage = Callable[[int, int | None], Coroutine[Any, Any, PageBody[Any]]]


class Pager(Generic[T]):
    """All the items of a listing, fetched page by page as they are iterated.

    ``async for item in pager``: every item of every page. ``pager.pages()``: page by
    page. ``await pager``: the first page only. Each iteration starts afresh.
    ``pager.prefetch(n)``: at most ``n`` pages in flight ahead (``1``: one at a time).
    """

    def __init__(
        self,
        fetch: FetchPage,
        *,
        page_size: int | None,
        full_pages: bool,
        start: int = 0,
        prefetch: int = _config.PAGE_PREFETCH,
    ) -> None:
        self._fetch = fetch
        self._page_size = page_size
        self._full_pages = full_pages
        self._start = start
        self._prefetch = prefetch

    def prefetch(self, pages: int) -> Pager[T]:
        """The same listing with at most ``pages`` pages fetched ahead (1 turns it off).

        Raises ``ValueError`` unless ``pages`` is a positive integer.
        """
        if isinstance(pages, bool) or not isinstance(pages, int) or pages < 1:
            raise ValueError(f"prefetch takes a positive number of pages; got {pages!r}")
        return Pager(
            self._fetch,
            page_size=self._page_size,
            full_pages=self._full_pages,
            start=self._start,
            prefetch=pages,
        )

    def pages(self) -> AsyncIterator[Page[T]]:
        """Iterate page by page."""
        return _Pages(self)

    def __aiter__(self) -> AsyncIterator[T]:
        return _Items(_Pages(self))

    def __await__(self) -> Generator[Any, None, Page[T]]:
        return _Pages(self, first_only=True).__anext__().__await__()

    async def to_list(self) -> list[T]:
        """Every item, in a list."""
        return [item async for item in self]

    def __repr__(self) -> str:
        return f"<Pager page_size={self._page_size} start={self._start} prefetch={self._prefetch}>"


def _retrieve(task: asyncio.Task[Any]) -> None:
    # A page fetched ahead and then dropped (cancelled, or after an earlier error) must
    # not make asyncio log "exception was never retrieved".
    if not task.cancelled():
        task.exception()


class _Pages(Generic[T]):
    """One pass over the pages. A plain object, not a generator: nothing to finalise but
    the pages fetched ahead, which are cancelled when it is dropped."""

    def __init__(self, pager: Pager[T], *, first_only: bool = False) -> None:
        self._pager = pager
        self._offset: int | None = pager._start
        self._limit = 1 if first_only or pager._page_size is None else pager._prefetch
        self._window = 1
        # Pages fetched ahead, in order: (offset, task); the first is at self._offset.
        self._ahead: deque[tuple[int, asyncio.Task[PageBody[Any]]]] = deque()

    def __aiter__(self) -> _Pages[T]:
        return self

    async def __anext__(self) -> Page[T]:
        offset = self._offset
        if offset is None:
            raise StopAsyncIteration
        pager = self._pager
        if self._limit == 1:
            body: PageBody[T] = await pager._fetch(offset, pager._page_size)
        else:
            if not self._ahead:
                self._fetch_ahead(offset)
            task = self._ahead.popleft()[1]
            try:
                body = await task
            except BaseException:
                self._drop_ahead()  # they follow a page that failed: asked again if resumed
                raise
        items = body.data
        following = self._following(offset, body)
        self._offset = following
        if self._limit > 1:
            if following is None or (self._ahead and self._ahead[0][0] != following):
                self._drop_ahead()  # the last page, or the server moved elsewhere
            if following is not None:
                full = len(items) == pager._page_size
                self._window = min(self._limit, self._window * 2) if full else 1
                self._fetch_ahead(following)
        return Page(
            items=items,
            cursor=None if following is None else str(following),
            offset=offset,
            next=body.next or None,
        )

    def _fetch_ahead(self, offset: int) -> None:
        """Have ``window`` pages in flight from ``offset`` on (assuming full pages)."""
        size = self._pager._page_size
        assert size is not None
        loop = asyncio.get_running_loop()
        fetch = self._pager._fetch
        ahead = self._ahead
        following = ahead[-1][0] + size if ahead else offset
        while len(ahead) < self._window:
            task: asyncio.Task[PageBody[Any]] = loop.create_task(fetch(following, size))
            task.add_done_callback(_retrieve)
            ahead.append((following, task))
            following += size

    def _drop_ahead(self) -> None:
        while self._ahead:
            self._ahead.popleft()[1].cancel()

    def __del__(self) -> None:
        # Left early (break, an error, garbage collection): stop the pages in flight.
        for _, task in self._ahead:
            try:
                task.cancel()
            except RuntimeError:  # its event loop is closed: nothing runs any more
                pass

    def _following(self, offset: int, body: PageBody[T]) -> int | None:
        pager = self._pager
        if pager._page_size is None or not body.next:
            return None
        if pager._full_pages and len(body.data) < pager._page_size:
            return None  # a short page is the last one here: no empty page to fetch
        # Jobs: the server filters a page after reading it, so even an empty page can
        # have more after it; its next link says so.
        following = _offset_in(body.next)
        if following is None:
            following = offset + len(body.data)
        if following <= offset:
            # Offsets only move forward; a next link that does not is a server bug, and
            # following it would loop or repeat items.
            logger.warning(
                "the server's next link goes from offset %d back to %d; the listing stops here",
                offset,
                following,
            )
            return None
        return following


class _Items(Generic[T]):
    def __init__(self, pages: _Pages[T]) -> None:
        self._pages = pages
        self._buffer: Iterator[T] = iter(())

    def __aiter__(self) -> _Items[T]:
        return self

    async def __anext__(self) -> T:
        while True:
            for item in self._buffer:
                return item
            page = await self._pages.__anext__()
            self._buffer = iter(page.items)
