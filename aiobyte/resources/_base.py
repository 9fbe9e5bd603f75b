"""What every resource shares: build a request, call the transport, decode the answer."""

from __future__ import annotations

import functools
from collections.abc import Coroutine, Iterable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

import msgspec

from .. import _config
from .._codec import encode
from .._pagination import PageBody, Pager, parse_cursor
from .._secrets import Secret
from .._transport import RequestOptions, Transport
from .._validate import check_json, check_page_size, check_uuids

__all__ = ["Params", "Resource", "as_model", "configuration_arg", "segment"]

T = TypeVar("T")
M = TypeVar("M", bound=msgspec.Struct)


class Params:
    """Query parameters in the order given; lists repeat the key, booleans are lowercase."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def __bool__(self) -> bool:
        """True when there is a parameter to send (none: no query at all)."""
        return bool(self.items)

    def uuids(self, key: str, values: Iterable[Any] | None, argument: str) -> Params:
        """Add checked UUIDs under ``key`` (repeated); nothing for None or an empty list."""
        return self.add(key, check_uuids(values, argument) or None)

    def flag(self, key: str, value: bool) -> Params:
        """Add ``key=true`` when ``value`` is true; the server's default is false."""
        return self.add(key, True) if value else self

    def add(self, key: str, value: Any) -> Params:
        """Add ``key`` unless ``value`` is None."""
        if value is None:
            return self
        if isinstance(value, bool):
            self.items.append((key, "true" if value else "false"))
        elif isinstance(value, (list, tuple)):
            self.items.extend((key, str(item)) for item in value)
        else:
            self.items.append((key, str(value)))
        return self


def segment(value: str) -> str:
    """A path segment, percent-encoded."""
    return quote(value, safe="")


def configuration_arg(value: Any, argument: str = "configuration") -> dict[str, Any]:
    """A connector configuration: any mapping of JSON values, sent as it is (nested
    values untouched); ``ValueError`` naming the key path of a value JSON cannot carry."""
    if not isinstance(value, Mapping):
        raise ValueError(f"{argument} must be a mapping (a dict); got {type(value).__name__}")
    configuration = dict(value)
    try:
        check_json(configuration, argument)
    except ValueError as exc:
        problem = str(exc)
    else:
        return configuration
    # Raised here, outside the handler and with the copy gone: neither this frame nor a
    # chained error's frames (the walk's, holding every value) keep a connector secret.
    del configuration, value
    raise ValueError(problem)


def as_model(model: type[M], value: Any, argument: str) -> M:
    """A model instance from an instance, a mapping in the API's (camelCase) form, or
    another model of the same shape (a ``TagResponse`` where a ``Tag`` is sent)."""
    if isinstance(value, model):
        return value
    if isinstance(value, msgspec.Struct):
        value = msgspec.to_builtins(value)
    if isinstance(value, Mapping):
        try:
            return msgspec.convert(dict(value), model)
        except msgspec.ValidationError as exc:
            problem = str(exc)
        raise ValueError(f"{argument} is not a valid {model.__name__}: {problem}")
    raise ValueError(
        f"{argument} must be a {model.__name__} or a mapping; got {type(value).__name__}"
    )


class Resource:
    """Base of the resource namespaces (``client.sources``, ``client.jobs``, ...)."""

    def __init__(self, transport: Transport, options: RequestOptions | None = None) -> None:
        self._transport = transport
        #: What a view of the client (``with_options``) changes for these calls.
        self._options = options

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._transport.base_url}>"

    def _call(
        self,
        method: str,
        path: str,
        model: type[T],
        *,
        params: Params | None = None,
        body: Any = None,
    ) -> Coroutine[Any, Any, T]:
        """The request, to be awaited: the transport's own coroutine, which decodes the
        answer as ``model`` (no coroutine of this layer between the caller and it)."""
        call: Coroutine[Any, Any, T] = self._transport.request(
            method,
            path,
            params=params.items if params else None,
            body=None if body is None else Secret(encode(body)),  # (it may hold passwords)
            options=self._options,
            model=model,
        )
        return call

    async def _call_no_content(
        self, method: str, path: str, *, params: Params | None = None, body: Any = None
    ) -> None:
        await self._transport.request(
            method,
            path,
            params=params.items if params else None,
            body=None if body is None else Secret(encode(body)),  # (it may hold passwords)
            options=self._options,
        )

    def _pager(
        self,
        path: str,
        model: type[T],
        params: Params,
        *,
        page_size: int = _config.PAGE_SIZE,
        cursor: str | None = None,
        full_pages: bool = True,
    ) -> Pager[T]:
        """A pager over a paginated list endpoint; arguments are checked now, not later."""
        size = check_page_size(page_size)
        start = parse_cursor(cursor)
        transport, options = self._transport, self._options
        query = list(params.items)
        body_type = PageBody[model]  # type: ignore[valid-type]

        async def fetch(offset: int, limit: int | None) -> PageBody[Any]:
            page_query = [*query, ("limit", str(limit)), ("offset", str(offset))]
            decoded: PageBody[Any] = await transport.request(
                "GET", path, params=page_query, options=options, model=body_type
            )
            return decoded

        return Pager(fetch, page_size=size, full_pages=full_pages, start=start)

    def _unpaged(
        self, path: str, model: type[T], params: Params | None = None, *, key: str | None = "data"
    ) -> Pager[T]:
        """A pager over a list endpoint that answers everything at once.

        The items are the answer's ``key`` array (``{"data": [...]}``, or e.g.
        ``{"applications": [...]}``), or the answer itself with ``key=None`` (a bare array).
        """
        transport, options = self._transport, self._options
        query = list(params.items) if params is not None else []
        body_type = _list_body(model, key)  # type: ignore[arg-type]

        async def fetch(offset: int, limit: int | None) -> PageBody[Any]:
            decoded = await transport.request(
                "GET", path, params=query or None, options=options, model=body_type
            )
            if key is None:
                return PageBody(data=decoded)
            if key == "data":
                page: PageBody[Any] = decoded
                return page
            return PageBody(data=decoded.items)

        return Pager(fetch, page_size=None, full_pages=True)


@functools.cache
def _list_body(model: Any, key: str | None) -> Any:
    """The type a whole-list answer decodes as; built once per (model, key)."""
    if key is None:
        return list[model]
    if key == "data":
        return PageBody[model]
    items: Any = msgspec.field(name=key, default_factory=list)
    fields = [("items", list[model], items)]
    return msgspec.defstruct(f"{model.__name__}List", fields, frozen=True, kw_only=True)
