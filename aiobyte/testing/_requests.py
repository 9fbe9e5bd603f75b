"""Reading requests and writing list answers the way the Airbyte server does.

:class:`Call` is one request as a handler sees it; the rest is what every route table
shares: parameter parsing (with the server's status codes for bad input), JSON merge
patch, and pagination with the server's links.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from aiohttp import web
from msgspec import DecodeError

from ._problems import bad_request, decode_body, internal_error, json_response

if TYPE_CHECKING:
    from multidict import MultiMapping

    from ._server import FakeAirbyte
    from ._store import Collection, Store

__all__ = [
    "JSON",
    "UUID_PATTERN",
    "Call",
    "Handler",
    "body_bool",
    "body_object",
    "body_str",
    "body_uuid",
    "choice",
    "link",
    "list_page",
    "list_filters",
    "merge_patch",
    "no_content",
    "page_answer",
    "path_uuid",
    "query_bool",
    "query_instant",
    "query_int",
    "query_page",
    "query_uuid",
    "query_uuids",
    "required_str",
    "required_uuid",
]

JSON = dict[str, Any]

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
#: A UUID as the server parses one.
UUID_PATTERN = _UUID
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_MAX_LIMIT = 100
_INT32 = (-(2**31), 2**31 - 1)


@dataclass
class Call:
    """One request as a handler sees it: the request, its path parameters, its body
    (already read), the base of the links it answers with, and the fake serving it."""

    request: web.Request
    params: dict[str, str]
    body: bytes
    public_url: str
    fake: FakeAirbyte

    @property
    def store(self) -> Store:
        """The fake's state."""
        return self.fake.state

    @property
    def default_limit(self) -> int:
        """The page size of a list request without ``limit``."""
        return self.fake.page_default_limit

    @property
    def query(self) -> MultiMapping[str]:
        """The query parameters (repeated ones kept)."""
        return self.request.query

    def json(self) -> JSON:
        """The body as a JSON object, or 400."""
        try:
            value = decode_body(self.body) if self.body else None
        except DecodeError:
            raise bad_request("The request body is not valid JSON.") from None
        if not isinstance(value, dict):
            raise bad_request("The request body must be a JSON object.")
        return value

    def path_uuid(self, name: str) -> str:
        """A UUID path parameter; a malformed one is an uncaught server exception (500)."""
        return path_uuid(self.params[name])


Handler = Callable[[Call], web.Response]


def path_uuid(value: str) -> str:
    """``value`` normalised, or the 500 the server answers for a malformed UUID."""
    if not _UUID.match(value):
        raise internal_error()
    return value.lower()


def body_uuid(body: JSON, name: str, *, required: bool = True) -> str | None:
    """A UUID field of a request body (400 if missing or malformed)."""
    value = body.get(name)
    if value is None:
        if required:
            raise bad_request(f"The request body is missing the required field {name!r}.")
        return None
    if not isinstance(value, str) or not _UUID.match(value):
        raise bad_request(f"{name} is not a valid UUID: {value!r}")
    return value.lower()


def body_str(body: JSON, name: str, *, required: bool = True) -> str | None:
    """A string field of a request body (400 if missing or not a string)."""
    value = body.get(name)
    if value is None:
        if required:
            raise bad_request(f"The request body is missing the required field {name!r}.")
        return None
    if not isinstance(value, str):
        raise bad_request(f"{name} must be a string.")
    return value


def required_str(body: JSON, name: str) -> str:
    """A string field the body must have (400 if missing or not a string)."""
    value = body_str(body, name)
    assert value is not None
    return value


def required_uuid(body: JSON, name: str) -> str:
    """A UUID field the body must have (400 if missing or malformed)."""
    value = body_uuid(body, name)
    assert value is not None
    return value


def body_bool(body: JSON, name: str) -> bool | None:
    """A boolean field of a request body (400 if it is not one)."""
    value = body.get(name)
    if value is not None and not isinstance(value, bool):
        raise bad_request(f"{name} must be true or false.")
    return value


def choice(value: str | None, allowed: tuple[str, ...], name: str) -> str:
    """``value`` if it is one of ``allowed`` (400 otherwise)."""
    if value not in allowed:
        raise bad_request(f"{name} must be one of {', '.join(allowed)}; got {value!r}.")
    assert value is not None
    return value


def body_object(body: JSON, name: str, *, required: bool = True) -> JSON | None:
    """An object field of a request body (400 if missing or not an object)."""
    value = body.get(name)
    if value is None:
        if required:
            raise bad_request(f"The request body is missing the required field {name!r}.")
        return None
    if not isinstance(value, dict):
        raise bad_request(f"{name} must be an object.")
    return value


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch (``null`` removes a key), as PATCH merges configurations."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = merge_patch(out.get(key), value)
    return out


def query_uuids(call: Call, name: str) -> tuple[str, ...]:
    """A UUID list filter, repeated (``a=1&a=2``) or comma-separated (``a=1,2``).

    A malformed UUID is an uncaught server exception (500), as on the real server.
    """
    out: list[str] = []
    for raw in call.query.getall(name, []):
        for part in raw.split(","):
            part = part.strip()
            if part:
                value = path_uuid(part)
                if value not in out:
                    out.append(value)
    return tuple(out)


def query_uuid(call: Call, name: str, *, required: bool) -> str | None:
    """One UUID query parameter (400 if required and missing, 500 if malformed)."""
    raw = call.query.get(name)
    if not raw:
        if required:
            raise bad_request(f"The query parameter {name} is required.")
        return None
    return path_uuid(raw)


def query_bool(call: Call, name: str, default: bool = False) -> bool:
    """A boolean query parameter (400 unless ``true``/``false``)."""
    raw = call.query.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise bad_request(f"Invalid value for {name}: {raw!r} (expected true or false).")


def query_int(call: Call, name: str, default: int) -> int:
    """An integer query parameter (400 if it is not one)."""
    raw = call.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not _INT32[0] <= value <= _INT32[1]:  # the server's parameters are ints
        raise bad_request(f"Invalid value for {name}: {raw!r} (expected an integer).")
    return value


def query_page(call: Call, default_limit: int) -> tuple[int, int]:
    """``(limit, offset)``: limit 1..100, offset >= 0, else 400."""
    limit = query_int(call, "limit", default_limit)
    offset = query_int(call, "offset", 0)
    if not 1 <= limit <= _MAX_LIMIT:
        raise bad_request(f"limit must be between 1 and {_MAX_LIMIT}, got {limit}.")
    if offset < 0:
        raise bad_request(f"offset must be 0 or more, got {offset}.")
    return limit, offset


def query_instant(call: Call, name: str) -> float | None:
    """A date-time filter: ISO-8601, or epoch seconds/milliseconds (400 otherwise)."""
    raw = call.query.get(name)
    if raw is None or raw == "":
        return None
    raw = raw.strip()
    if _NUMBER.match(raw):
        number = float(raw)
        return number / 1000 if abs(number) > 1e11 else number
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(f"Invalid date-time for {name}: {raw!r}.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def link(base: str, path: str, params: list[tuple[str, str]]) -> str:
    """An absolute link as the server writes it (commas in lists kept literal)."""
    return f"{base}{path}?{urlencode(params, safe=',')}"


def page_answer(
    call: Call,
    path: str,
    data: list[JSON],
    filters: list[tuple[str, str]],
    limit: int,
    offset: int,
    *,
    had_items: bool | None = None,
) -> web.Response:
    """A list answer with ``next``/``previous`` built like the server's pagination code.

    ``next`` is set whenever the page had items (even the last page) and is ``""``
    after an empty page; ``previous`` is ``""`` on the first page. Links start at
    the configured public URL, not at the host the request was sent to.
    """
    if had_items is None:
        had_items = bool(data)
    next_url = (
        link(
            call.public_url,
            path,
            [*filters, ("limit", str(limit)), ("offset", str(offset + limit))],
        )
        if had_items
        else ""
    )
    previous = ""
    if offset > 0:
        previous = link(
            call.public_url,
            path,
            [*filters, ("limit", str(limit)), ("offset", str(max(0, offset - limit)))],
        )
    return json_response({"previous": previous, "next": next_url, "data": data})


def list_filters(
    workspace_ids: tuple[str, ...], include_deleted: bool, tag_ids: tuple[str, ...] = ()
) -> list[tuple[str, str]]:
    """The filters a list's ``next`` carries: lists as one comma-separated value."""
    filters: list[tuple[str, str]] = []
    if workspace_ids:
        filters.append(("workspaceIds", ",".join(workspace_ids)))
    if tag_ids:
        filters.append(("tagIds", ",".join(tag_ids)))
    filters.append(("includeDeleted", "true" if include_deleted else "false"))
    return filters


def list_page(
    call: Call,
    collection: Collection,
    path: str,
    *,
    tags: bool = False,
    render: Callable[[JSON], JSON] | None = None,
) -> web.Response:
    """A paginated list of a collection filtered by ``workspaceIds`` (and ``tagIds``),
    ``includeDeleted``, ``limit`` and ``offset``, as sources & co answer it; ``render``
    makes each item of the page what the server shows of it."""
    workspace_ids = query_uuids(call, "workspaceIds")
    tag_ids = query_uuids(call, "tagIds") if tags else ()
    include_deleted = query_bool(call, "includeDeleted")
    limit, offset = query_page(call, call.default_limit)
    matching = collection.query(
        workspace_ids=workspace_ids, include_deleted=include_deleted, tag_ids=tag_ids
    )
    data = matching[offset : offset + limit]
    if render is not None:
        data = [render(obj) for obj in data]
    filters = list_filters(workspace_ids, include_deleted, tag_ids)
    return page_answer(call, path, data, filters, limit, offset)


def no_content() -> web.Response:
    """204, as most deletes answer."""
    return web.Response(status=204)
