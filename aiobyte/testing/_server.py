"""FakeAirbyte: an in-process Airbyte public API server on 127.0.0.1.

The server's lifecycle and its dispatch: one catch-all aiohttp route feeds
:meth:`FakeAirbyte._dispatch`, which records the request, applies any injected fault,
checks credentials (and an Embedded token's workspace scope) and calls the handler of
the matching ``"METHOD /template"`` route of :data:`~.routes.ALL_ROUTES`. Only
``GET /_fake/stats`` (the counters as JSON, for another process) is matched before it.
Seeding comes from :class:`~._seed.Seeding`, tokens from :class:`~._tokens.Tokens`, the
data lives in one :class:`~._store.Store` (``fake.state``).
"""

from __future__ import annotations

import asyncio
import random
from email.utils import formatdate
from types import EllipsisType, TracebackType
from typing import TYPE_CHECKING, Any

from aiohttp import web

from aiobyte._clock import Clock, SystemClock

from ._faults import Fault, Faults
from ._problems import (
    PROBLEM_JSON,
    ApiError,
    default_body,
    forbidden,
    html_response,
    internal_error,
    json_response,
    not_found,
    problem_response,
    unauthorized,
)
from ._requests import Call
from ._routing import Route, RouteTable, requested_workspaces
from ._seed import Seeded, Seeding
from ._stats import TOKEN_ROUTE, RecordedRequest, Stats
from ._store import NotFound, Store
from ._tokens import TOKEN_ANSWERS, Grant, Tokens
from ._validation import check_body
from .routes import ALL_ROUTES

if TYPE_CHECKING:
    from aiobyte import AirbyteClient

__all__ = ["STATS_PATH", "TOKEN_ROUTE", "FakeAirbyte", "Grant", "Seeded"]

JSON = dict[str, Any]

#: Outside the API prefix: the counters as JSON, for a process that cannot read ``stats``.
STATS_PATH = "/_fake/stats"
# How long closing waits for handlers still running (e.g. inside a latency fault).
_SHUTDOWN_TIMEOUT = 0.5


class FakeAirbyte(Seeding):
    """An Airbyte public API that runs in-process, for tests, demos and benchmarks.

    It issues JWT-shaped tokens, keeps workspaces, sources, destinations, connections,
    jobs, tags, organizations and the rest in memory, paginates exactly as the real
    server does (``next`` links built from ``public_url``, the jobs defects included),
    answers problem details and lets tests inject faults. Use it as
    ``async with FakeAirbyte() as fake:``; seed it with :meth:`seed` and the ``add_*``
    methods.

    Options (all keyword-only): ``path_prefix`` the API's path (``"/v1"`` like Cloud,
    ``"/api/public/v1"`` like self-managed); ``host``/``port`` where to listen (port 0: a
    free one); ``public_url`` the base of ``next``/``previous`` links (the fake's own by
    default); ``clock`` what time it is (a :class:`ManualClock` to drive token expiry and
    jobs by hand); ``token_lifetime`` a token's life in seconds (its ``exp``);
    ``token_expires_in`` what the token answer's ``expires_in`` says (the lifetime by
    default, ``None`` to leave it out); ``token_answer`` ``"full"`` or
    ``"access_token_only"`` (older self-managed); ``token_accepts_form`` whether a
    form-encoded token request works; ``basic_auth`` the HTTP Basic user and password
    accepted (``None``: none); ``scoped_token_lifetime`` the life of Embedded scoped and
    widget tokens; ``page_default_limit`` the page size without ``limit``;
    ``record_requests`` keep every request in ``stats.requests``; ``seed`` seeds the
    draws of ``probability`` faults and the generated data (without it the data is the
    same on every run and the faults draw from a random seed, kept in ``random_seed``);
    ``backlog`` the listen queue of its socket; ``check_configurations`` (on by default)
    checks sources' and destinations' configurations against their connector's schema and
    refuses unknown connector types, as the server does; ``mask_secrets`` (on by default)
    answers each secret of a stored configuration as ``"**********"``, as the server does,
    and keeps the stored secret when that mask is sent back. Raises ``ValueError`` for an unknown
    ``token_answer``.
    """

    def __init__(
        self,
        *,
        path_prefix: str = "/v1",
        host: str = "127.0.0.1",
        port: int = 0,
        public_url: str | None = None,
        clock: Clock | None = None,
        token_lifetime: float = 180.0,
        token_expires_in: int | EllipsisType | None = ...,
        token_answer: str = "full",
        token_accepts_form: bool = True,
        basic_auth: tuple[str, str] | None = ("airbyte", "password"),
        page_default_limit: int = 20,
        record_requests: bool = True,
        seed: int | None = None,
        backlog: int = 1024,
        scoped_token_lifetime: float = 900.0,
        check_configurations: bool = True,
        mask_secrets: bool = True,
    ) -> None:
        prefix = "/" + path_prefix.strip("/") if path_prefix.strip("/") else ""
        self.path_prefix = prefix
        self.host = host
        self.port = port
        #: The listen queue of the socket: room for that many connections not accepted
        #: yet (the kernel caps it at ``net.core.somaxconn``).
        self.backlog = backlog
        self.public_url = public_url.rstrip("/") if public_url else None
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.token_lifetime = float(token_lifetime)
        #: How long an Embedded scoped or widget token lives (the server's default: 15 min).
        self.scoped_token_lifetime = float(scoped_token_lifetime)
        self._token_expires_in: int | EllipsisType | None = ...
        self.token_expires_in = token_expires_in
        self._token_answer = "full"
        self.token_answer = token_answer
        self.token_accepts_form = token_accepts_form
        self.basic_auth = basic_auth
        self.page_default_limit = page_default_limit
        #: Check source and destination configurations against their connector's schema,
        #: and refuse unknown connector types, as the server does (off: store anything).
        self.check_configurations = check_configurations
        #: Answer sources and destinations with each secret of their configuration as
        #: ``"**********"``, as the server does (off: give back what was stored).
        self.mask_secrets = mask_secrets
        #: Keep every request in ``stats.requests`` (turn off for long benchmarks).
        self.record_requests = record_requests
        #: The seed of the draws of ``probability`` faults: given, or drawn at random;
        #: pass it back as ``seed=`` to replay a run.
        self.random_seed: int = seed if seed is not None else random.randrange(2**32)

        #: Everything the fake knows: workspaces, sources, ..., jobs (``fake.state.sources``).
        self.state = Store(self.clock)
        self._data_rng = random.Random(0 if seed is None else seed)
        self.tokens = Tokens(self.clock, self.state)
        self.stats = Stats()
        self._table = RouteTable(ALL_ROUTES)
        self.faults = Faults(self.routes, rng=random.Random(self.random_seed))

        self.app = web.Application()
        # Registered before the catch-all so that it is matched first.
        self.app.router.add_get(STATS_PATH, self._stats_endpoint)
        # Any path, line breaks included (a path with %0A in it is an API path too).
        self.app.router.add_route("*", "/{tail:(?s:.*)}", self._dispatch)
        self._runner: web.AppRunner | None = None
        self._bound_port: int | None = None

    @property
    def client_id(self) -> str:
        """The client id of the fake's own application (its token requests get tokens)."""
        return self.tokens.client_id

    @client_id.setter
    def client_id(self, value: str) -> None:
        self.tokens.client_id = value

    @property
    def client_secret(self) -> str:
        """The client secret of the fake's own application."""
        return self.tokens.client_secret

    @client_secret.setter
    def client_secret(self, value: str) -> None:
        self.tokens.client_secret = value

    @property
    def routes(self) -> list[str]:
        """Every route the fake serves, as ``"METHOD /template"``."""
        return self._table.keys

    @property
    def admin(self) -> Any:
        """Old name kept working: ``fake.admin.add_user(...)`` is ``fake.add_user(...)``,
        ``fake.admin.organizations`` is ``fake.state.organizations``."""
        return _Admin(self)

    # -- configuration knobs ---------------------------------------------------------------

    @property
    def token_expires_in(self) -> int | None:
        """What the token answer's ``expires_in`` says (``None``: omitted).

        Defaults to ``int(token_lifetime)``; set it larger to lie as Cloud once did.
        """
        if self._token_expires_in is ...:
            return int(self.token_lifetime)
        return self._token_expires_in

    @token_expires_in.setter
    def token_expires_in(self, value: int | EllipsisType | None) -> None:
        self._token_expires_in = value

    @property
    def token_answer(self) -> str:
        """``"full"`` or ``"access_token_only"`` (older self-managed versions)."""
        return self._token_answer

    @token_answer.setter
    def token_answer(self, value: str) -> None:
        if value not in TOKEN_ANSWERS:
            raise ValueError(f"token_answer must be one of {TOKEN_ANSWERS}")
        self._token_answer = value

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Start serving on ``host:port`` (an ephemeral port by default)."""
        if self._runner is not None:
            raise RuntimeError("FakeAirbyte is already started")
        runner = web.AppRunner(
            self.app,
            access_log=None,
            handle_signals=False,
            shutdown_timeout=_SHUTDOWN_TIMEOUT,
            # A client that hangs up cancels its handler (a latency fault stops waiting),
            # so ``stats.in_flight`` settles when the client goes, not when the fault ends.
            handler_cancellation=True,
        )
        await runner.setup()
        try:
            site = web.TCPSite(runner, self.host, self.port, backlog=self.backlog)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._bound_port = int(runner.addresses[0][1])

    async def close(self) -> None:
        """Stop serving and close every connection (idempotent)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> FakeAirbyte:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def url(self) -> str:
        """The server's root, ``http://127.0.0.1:<port>``."""
        if self._bound_port is None:
            raise RuntimeError("FakeAirbyte is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self._bound_port}"

    @property
    def base_url(self) -> str:
        """The API's base URL, ``http://127.0.0.1:<port><path_prefix>`` (no trailing slash)."""
        return self.url + self.path_prefix

    def client(self, **kwargs: Any) -> AirbyteClient:
        """An ``aiobyte.AirbyteClient`` for this fake with its application's credentials.

        ``kwargs`` are passed on and win; with ``token=...`` (or ``auth=...``) no client
        credentials are sent. A fake on a :class:`ManualClock` shares it with the client,
        so the client's waits (backoff, ``jobs.wait``) move the fake's time.
        """
        import aiobyte

        options: dict[str, Any] = {"base_url": self.base_url}
        if "token" not in kwargs and "auth" not in kwargs:
            options.update(client_id=self.client_id, client_secret=self.client_secret)
        if not isinstance(self.clock, SystemClock):
            options["clock"] = self.clock
        options.update(kwargs)
        return aiobyte.AirbyteClient(**options)

    def __repr__(self) -> str:
        where = self.base_url if self._bound_port is not None else "not started"
        return f"FakeAirbyte({where}, client_id={self.client_id!r})"

    # -- tokens ----------------------------------------------------------------------------

    def issue_token(
        self,
        lifetime: float | None = None,
        *,
        workspace_id: str | None = None,
        subject: str | None = None,
    ) -> str:
        """Mint a bearer token this fake accepts, valid ``lifetime`` s (``token_lifetime``).

        With ``workspace_id`` it is an Embedded scoped token: a request made with it must
        name that workspace and nothing else, or it gets 403 (as on the real server).
        ``subject`` is its ``sub`` claim (the fake's own client id by default).
        """
        lifetime = self.token_lifetime if lifetime is None else float(lifetime)
        return self.tokens.issue(
            lifetime, subject=subject or self.client_id, workspace_id=workspace_id
        )

    def issue_scoped_token(self, workspace_id: str) -> str:
        """An Embedded scoped token for ``workspace_id`` (``scoped_token_lifetime`` s)."""
        return self.issue_token(self.scoped_token_lifetime, workspace_id=workspace_id)

    def revoke_tokens(self) -> None:
        """Reject every token issued so far (401) from now on."""
        self.tokens.grants.clear()

    def revoke_token(self, token: str) -> None:
        """Reject this one token (401) from now on; the others stay good."""
        self.tokens.revoke(token)

    def grant_of(self, token: str) -> Grant | None:
        """What a token stands for, if this fake issued it and it is still good."""
        return self.tokens.grant_of(token)

    # -- dispatch --------------------------------------------------------------------------

    async def _stats_endpoint(self, request: web.Request) -> web.Response:
        """GET /_fake/stats: the counters as JSON (for a fake run in another process).

        Not an API route: no credentials, not counted, not recorded, no faults.
        """
        stats = self.stats
        return json_response(
            {
                "token_requests": stats.token_requests,
                "hits": dict(stats.hits),
                "max_in_flight": stats.max_in_flight,
            }
        )

    def _relative(self, path: str) -> str | None:
        """The path under the prefix (``None``: outside it, the web app's territory)."""
        prefix = self.path_prefix
        if not prefix:
            return path
        if path == prefix or path.startswith(prefix + "/"):
            return path[len(prefix) :]
        return None

    def _public_url(self, request: web.Request) -> str:
        if self.public_url is not None:
            return self.public_url
        if self._bound_port is not None:
            return self.base_url
        return f"{request.scheme}://{request.host}{self.path_prefix}"

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        method, path = request.method, request.path
        relative = self._relative(path)
        matched = self._table.match(method, relative) if relative is not None else None
        route_key = matched[0].key if matched is not None else None
        counted = route_key or f"{method} {path}"
        record = None
        if self.record_requests:
            record = RecordedRequest(
                method=method,
                route=route_key,
                path=path,
                query=list(request.query.items()),
                headers=dict(request.headers),
                body=body,
                at=self.clock.time(),
            )
            self.stats.requests.append(record)
        self.stats.hits[counted] += 1
        is_token = route_key == TOKEN_ROUTE
        if not is_token:
            self.stats.enter(counted)
        try:
            fault = self.faults.take(route_key)
            response: web.StreamResponse
            if fault is None:
                response = self._stamp(self._answer(request, relative, matched, body))
            else:
                response = await self._apply(fault, request, relative, matched, body)
            if record is not None and not (fault is not None and fault.drop):
                self.stats.answered(record, response)
            return response
        except asyncio.CancelledError:
            # The client hung up (or the fake is closing) before the answer was ready.
            self.stats.abandoned += 1
            raise
        finally:
            if not is_token:
                self.stats.leave(counted)

    def _answer(
        self,
        request: web.Request,
        relative: str | None,
        matched: tuple[Route, dict[str, str]] | None,
        body: bytes,
    ) -> web.Response:
        """What the server answers when nothing is injected."""
        if relative is None:
            return html_response()
        if matched is None:
            endpoint = f"{request.method} {relative or '/'}"
            data = {"resourceType": "endpoint", "resourceId": endpoint, "message": endpoint}
            return problem_response(
                "resource-not-found", detail=f"No API endpoint {endpoint}.", data=data
            )
        route, params = matched
        try:
            if route.auth:
                grant = self.tokens.authenticate(
                    request.headers.get("Authorization", ""), self.basic_auth
                )
                if grant is None:
                    raise unauthorized()
                if grant.workspace_id is not None:
                    self._check_scope(grant.workspace_id, route, params, request, body)
            check_body(route.key, body)
            return route.handler(Call(request, params, body, self._public_url(request), self))
        except ApiError as exc:
            return exc.response
        except NotFound as exc:
            return not_found(exc.resource_type, exc.resource_id).response
        except Exception as exc:  # a bug in the fake: answer like the server, keep it
            self.stats.server_errors.append(exc)
            return internal_error().response

    def _check_scope(
        self,
        workspace_id: str,
        route: Route,
        params: dict[str, str],
        request: web.Request,
        body: bytes,
    ) -> None:
        """403 unless the request names exactly the scoped token's workspace."""
        named = requested_workspaces(self.state, route, params, request.query, body)
        if named != {workspace_id}:
            raise forbidden(
                f"This token is scoped to workspace {workspace_id}: {route.key} must name "
                "that workspace (workspaceIds, or a resource in it) and nothing else."
            )

    def _stamp(self, response: web.Response) -> web.Response:
        """Date the answer by the fake's clock (a ManualClock's time, not the wall's)."""
        if "Date" not in response.headers:
            response.headers["Date"] = formatdate(self.clock.time(), usegmt=True)
        return response

    async def _apply(
        self,
        fault: Fault,
        request: web.Request,
        relative: str | None,
        matched: tuple[Route, dict[str, str]] | None,
        body: bytes,
    ) -> web.StreamResponse:
        if fault.latency:
            await asyncio.sleep(fault.latency)
        if fault.drop:
            if request.transport is not None:
                request.transport.abort()
            return web.Response()  # never sent: the connection is gone
        if fault.html:
            response = html_response(fault.status or 200)
        elif fault.status is not None:
            response = _fault_response(fault.status, fault.body)
        else:
            response = self._answer(request, relative, matched, body)
        for name, value in fault.headers.items():
            response.headers[name] = value
        self._stamp(response)
        if fault.truncate:
            return await _send_truncated(request, response)
        return response


def _fault_response(status: int, body: Any) -> web.Response:
    """The answer of a ``status`` fault (see :meth:`Faults.inject`)."""
    if body is None:
        if status < 400:
            return web.Response(status=status)
        payload, content_type = default_body(status)
        return json_response(payload, status=status, content_type=content_type)
    if isinstance(body, (dict, list)):
        content_type = PROBLEM_JSON if status >= 400 else "application/json"
        return json_response(body, status=status, content_type=content_type)
    raw = body.encode() if isinstance(body, str) else bytes(body)
    looks_json = raw.lstrip()[:1] in (b"{", b"[")
    content_type = "application/json" if looks_json else "text/plain; charset=utf-8"
    return web.Response(status=status, body=raw, headers={"Content-Type": content_type})


async def _send_truncated(request: web.Request, response: web.Response) -> web.StreamResponse:
    """Send ``response`` with its full Content-Length but half its bytes, then hang up."""
    body = response.body if isinstance(response.body, bytes) else b""
    stream = web.StreamResponse(status=response.status, reason=response.reason)
    for name, value in response.headers.items():
        if name.lower() != "content-length":
            stream.headers[name] = value
    stream.content_length = len(body)
    await stream.prepare(request)
    await stream.write(body[: len(body) // 2])
    if request.transport is not None:
        request.transport.abort()
    return stream


class _Admin:
    """``fake.admin``, as the seeding of organizations & co was once reached."""

    def __init__(self, fake: FakeAirbyte) -> None:
        self._fake = fake

    def __getattr__(self, name: str) -> Any:
        if name.startswith("add_") or name == "embedded_workspace":
            return getattr(self._fake, name)
        return getattr(self._fake.state, name)
