"""FakeAirbyte: an in-process Airbyte public API server on 127.0.0.1.

One catch-all aiohttp route feeds :meth:`FakeAirbyte._dispatch`, which records the
request, applies any injected fault, checks credentials and calls the handler of the
matching ``"METHOD /template"`` route (templates exactly as in the API spec). Only
``GET /_fake/stats`` (the counters as JSON, for another process) is matched before it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import math
import random
import re
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from types import EllipsisType, TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from aiohttp import web
from msgspec import DecodeError
from msgspec import json as msgjson

from aiobyte._clock import Clock, SystemClock

from ._data import DESTINATION_KINDS, SOURCE_KINDS, connector_type
from ._faults import Fault, Faults
from ._handlers import Resources
from ._handlers_more import AdminResources
from ._problems import (
    PROBLEM_JSON,
    ApiError,
    bad_request,
    default_body,
    forbidden,
    html_response,
    internal_error,
    json_response,
    problem_response,
    unauthorized,
)
from ._requests import Call, Handler
from ._scopes import requested_workspaces
from ._state import JobPlan, State
from ._state_more import AdminState
from ._stats import RecordedRequest, Stats

if TYPE_CHECKING:
    from aiobyte import AirbyteClient

__all__ = ["STATS_PATH", "FakeAirbyte", "Grant", "Seeded", "TOKEN_ROUTE"]

JSON = dict[str, Any]

TOKEN_ROUTE = "POST /applications/token"
#: Outside the API prefix: the counters as JSON, for a process that cannot read ``stats``.
STATS_PATH = "/_fake/stats"
HEALTH_ROUTE = "GET /health"
_TOKEN_ANSWERS = ("full", "access_token_only")
_JOB_HISTORY = ("succeeded", "failed", "succeeded", "cancelled", "succeeded")
# How long closing waits for handlers still running (e.g. inside a latency fault).
_SHUTDOWN_TIMEOUT = 0.5
#: The claim of an Embedded scoped token that names its workspace (as the server's).
SCOPE_CLAIM = "io.airbyte.auth.workspace_scope"


@dataclass(frozen=True)
class Grant:
    """What a bearer token the fake issued stands for.

    ``subject`` is the application's client id (or the Basic-auth user);
    ``workspace_id`` is set for an Embedded scoped token, held to that workspace.
    """

    subject: str
    expires_at: float
    workspace_id: str | None = None


@dataclass(frozen=True)
class Route:
    """One endpoint: ``"METHOD /template"`` and its handler."""

    method: str
    template: str
    handler: Handler
    auth: bool = True
    pattern: re.Pattern[str] | None = None

    @property
    def key(self) -> str:
        """``"GET /sources/{sourceId}"``: how stats and faults name it."""
        return f"{self.method} {self.template}"


@dataclass
class Seeded:
    """The ids :meth:`FakeAirbyte.seed` created, in creation order."""

    workspaces: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    destinations: list[str] = field(default_factory=list)
    connections: list[str] = field(default_factory=list)
    jobs: list[int] = field(default_factory=list)

    @property
    def workspace_ids(self) -> list[str]:
        """Alias of ``workspaces``."""
        return self.workspaces

    @property
    def source_ids(self) -> list[str]:
        """Alias of ``sources``."""
        return self.sources

    @property
    def destination_ids(self) -> list[str]:
        """Alias of ``destinations``."""
        return self.destinations

    @property
    def connection_ids(self) -> list[str]:
        """Alias of ``connections``."""
        return self.connections

    @property
    def job_ids(self) -> list[int]:
        """Alias of ``jobs``."""
        return self.jobs


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class FakeAirbyte:
    """An Airbyte public API that runs in-process, for tests, demos and benchmarks.

    It issues JWT-shaped tokens, keeps workspaces, sources, destinations, connections,
    jobs and tags in memory, paginates exactly as the real server does (``next`` links
    built from ``public_url``, the jobs defects included), answers problem details and
    lets tests inject faults. Use it as ``async with FakeAirbyte() as fake:``.

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
    ``backlog`` the listen queue of its socket.
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
        #: Keep every request in ``stats.requests`` (turn off for long benchmarks).
        self.record_requests = record_requests
        #: The seed of the draws of ``probability`` faults: given, or drawn at random;
        #: pass it back as ``seed=`` to replay a run.
        self.random_seed: int = seed if seed is not None else random.randrange(2**32)

        self.client_id = str(uuid.uuid4())
        self.client_secret = _b64url(secrets.token_bytes(48))
        self._signing_key = secrets.token_bytes(32)
        self._tokens: dict[str, Grant] = {}  # jti -> grant, for tokens still honoured

        rng = random.Random(self.random_seed)
        self.state = State(self.clock, rng=random.Random(0 if seed is None else seed))
        self.stats = Stats()
        #: Organizations, users, groups, regions, ... with ``add_*`` helpers to seed them.
        self.admin = AdminState(self.state)
        self._resources = Resources(self.state, self.admin, lambda: self.page_default_limit)
        self._admin = AdminResources(
            self.admin, self._issue_scoped_token, lambda: self.page_default_limit
        )
        self._static: dict[tuple[str, str], Route] = {}
        self._dynamic: list[Route] = []
        self._add_route(Route("POST", "/applications/token", self._token_endpoint, auth=False))
        self._add_route(Route("GET", "/health", self._health, auth=False))
        for method, template, handler in (*self._resources.routes(), *self._admin.routes()):
            self._add_route(Route(method, template, handler))
        self.faults = Faults(self.routes, rng=rng)

        self.app = web.Application()
        # Registered before the catch-all so that it is matched first.
        self.app.router.add_get(STATS_PATH, self._stats_endpoint)
        self.app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner: web.AppRunner | None = None
        self._bound_port: int | None = None

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
        if value not in _TOKEN_ANSWERS:
            raise ValueError(f"token_answer must be one of {_TOKEN_ANSWERS}")
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
        iat = math.floor(self.clock.time())
        exp = iat + lifetime
        jti = uuid.uuid4().hex
        subject = subject or self.client_id
        claims: JSON = {
            "sub": subject,
            "iat": iat,
            "exp": int(exp) if exp.is_integer() else exp,
            "jti": jti,
        }
        if workspace_id is not None:
            claims["aud"] = "airbyte-server"
            claims["roles"] = ["EMBEDDED_END_USER"]
            claims[SCOPE_CLAIM] = {"workspaceId": workspace_id}
        header = _b64url(msgjson.encode({"alg": "HS256", "typ": "JWT"}))
        payload = _b64url(msgjson.encode(claims))
        signature = self._sign(f"{header}.{payload}")
        self._tokens[jti] = Grant(subject, exp, workspace_id)
        return f"{header}.{payload}.{signature}"

    def _issue_scoped_token(self, workspace_id: str) -> str:
        return self.issue_token(self.scoped_token_lifetime, workspace_id=workspace_id)

    def revoke_tokens(self) -> None:
        """Reject every token issued so far (401) from now on."""
        self._tokens.clear()

    def revoke_token(self, token: str) -> None:
        """Reject this one token (401) from now on; the others stay good."""
        jti = self._jti(token)
        if jti is not None:
            self._tokens.pop(jti, None)

    def grant_of(self, token: str) -> Grant | None:
        """What a token stands for, if this fake issued it and it is still good."""
        jti = self._jti(token)
        grant = self._tokens.get(jti) if jti is not None else None
        if grant is None or grant.expires_at <= self.clock.time():
            return None
        return grant

    def _sign(self, signing_input: str) -> str:
        return _b64url(hmac.new(self._signing_key, signing_input.encode(), hashlib.sha256).digest())

    def _jti(self, token: str) -> str | None:
        """The token's id, if its signature is this fake's."""
        parts = token.split(".")
        if len(parts) != 3 or not hmac.compare_digest(
            self._sign(f"{parts[0]}.{parts[1]}").encode(), parts[2].encode()
        ):
            return None
        try:
            claims = msgjson.decode(_b64url_decode(parts[1]))
        except (ValueError, DecodeError):
            return None
        jti = claims.get("jti") if isinstance(claims, dict) else None
        return jti if isinstance(jti, str) else None

    def _authorized(self, request: web.Request) -> Grant | None:
        scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
        credentials = credentials.strip()
        if scheme.lower() == "bearer":
            return self.grant_of(credentials)
        if scheme.lower() == "basic" and self.basic_auth is not None:
            try:
                decoded = base64.b64decode(credentials, validate=True)
            except ValueError:
                return None
            user, sep, password = decoded.partition(b":")
            expected_user, expected_password = (s.encode() for s in self.basic_auth)
            same_user = hmac.compare_digest(user, expected_user)
            same_password = hmac.compare_digest(password, expected_password)
            if sep and same_user and same_password:
                return Grant(self.basic_auth[0], math.inf)
        return None

    def _application_secret(self, client_id: str) -> str | None:
        """The secret of the application with this client id (the fake's own, or one
        created through the API and not deleted)."""
        if hmac.compare_digest(client_id.encode(), self.client_id.encode()):
            return self.client_secret
        for application in self.admin.applications.query():
            if application["clientId"] == client_id:
                secret = application["clientSecret"]
                return secret if isinstance(secret, str) else None
        return None

    def _token_endpoint(self, call: Call) -> web.Response:
        """POST /applications/token: JSON (or form) client credentials -> a bearer token."""
        fields: JSON
        if call.request.content_type == "application/x-www-form-urlencoded":
            if not self.token_accepts_form:
                raise unauthorized()
            fields = dict(parse_qsl(call.body.decode("utf-8", "replace"), keep_blank_values=True))
        else:
            fields = call.json()
        client_id, client_secret = fields.get("client_id"), fields.get("client_secret")
        if not isinstance(client_id, str) or not isinstance(client_secret, str):
            raise bad_request("client_id and client_secret are required.")
        grant = fields.get("grant-type", fields.get("grant_type"))
        if grant is not None and grant != "client_credentials":
            raise bad_request(f"Unsupported grant type {grant!r}: use client_credentials.")
        expected = self._application_secret(client_id)
        if expected is None or not hmac.compare_digest(client_secret.encode(), expected.encode()):
            raise unauthorized()
        answer: JSON = {"access_token": self.issue_token(subject=client_id)}
        if self.token_answer == "full":
            answer["token_type"] = "Bearer"
            if self.token_expires_in is not None:
                answer["expires_in"] = self.token_expires_in
        return json_response(answer)

    def _health(self, call: Call) -> web.Response:
        """GET /health: 200 with an empty body."""
        return web.Response(status=200)

    # -- routing and dispatch --------------------------------------------------------------

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

    def _add_route(self, route: Route) -> None:
        if "{" not in route.template:
            self._static[(route.method, route.template)] = route
            return
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(route.template))
        self._dynamic.append(
            Route(route.method, route.template, route.handler, route.auth, re.compile(f"^{regex}$"))
        )

    def _static_keys(self) -> list[str]:
        return [route.key for route in self._static.values()]

    @property
    def routes(self) -> list[str]:
        """Every route the fake serves, as ``"METHOD /template"``."""
        return [*self._static_keys(), *(route.key for route in self._dynamic)]

    def _match(self, method: str, relative: str) -> tuple[Route, dict[str, str]] | None:
        route = self._static.get((method, relative))
        if route is not None:
            return route, {}
        for route in self._dynamic:
            if route.method == method and route.pattern is not None:
                found = route.pattern.match(relative)
                if found is not None:
                    return route, found.groupdict()
        return None

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
        matched = self._match(method, relative) if relative is not None else None
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
        if is_token:
            self.stats.token_requests += 1
        else:
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
                grant = self._authorized(request)
                if grant is None:
                    raise unauthorized()
                if grant.workspace_id is not None:
                    self._check_scope(grant.workspace_id, route, params, request, body)
            return route.handler(Call(request, params, body, self._public_url(request)))
        except ApiError as exc:
            return exc.response
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
        named = requested_workspaces(self.state, route.template, params, request.query, body)
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

    # -- data ------------------------------------------------------------------------------

    def add_workspace(self, name: str | None = None, **extra: Any) -> JSON:
        """Create a workspace; ``extra`` camelCase fields are stored and answered as given."""
        return self.state.new_workspace(
            name or f"Workspace {len(self.state.workspaces) + 1}", **extra
        )

    def add_source(
        self,
        workspace_id: str,
        *,
        name: str | None = None,
        source_type: str = "postgres",
        configuration: JSON | None = None,
    ) -> JSON:
        """Create a source (realistic configuration unless given); ``KeyError`` if no workspace."""
        return self.state.new_source(
            workspace_id, name=name, source_type=source_type, configuration=configuration
        )

    def add_sources(
        self,
        workspace_id: str,
        count: int,
        *,
        configuration: JSON | Callable[[int], JSON] | None = None,
        source_type: str = "postgres",
    ) -> list[str]:
        """Create ``count`` sources fast (10,000 in a fraction of a second); their ids.

        ``configuration`` is one dict for all, a callable ``i -> dict``, or ``None`` for
        a few realistic configurations shared in turn.
        """
        return self.state.new_sources(
            workspace_id, count, source_type=source_type, configuration=configuration
        )

    def add_destination(
        self,
        workspace_id: str,
        *,
        name: str | None = None,
        destination_type: str = "bigquery",
        configuration: JSON | None = None,
    ) -> JSON:
        """Create a destination; ``KeyError`` if the workspace does not exist."""
        return self.state.new_destination(
            workspace_id, name=name, destination_type=destination_type, configuration=configuration
        )

    def add_connection(
        self,
        source_id: str,
        destination_id: str,
        *,
        name: str | None = None,
        status: str = "active",
        schedule: JSON | None = None,
        **extra: Any,
    ) -> JSON:
        """Create a connection; ``KeyError`` if the source or destination does not exist."""
        return self.state.new_connection(
            source_id, destination_id, name=name, status=status, schedule=schedule, **extra
        )

    def add_job(
        self,
        connection_id: str,
        *,
        job_type: str = "sync",
        status: str | None = None,
        created_at: float | None = None,
    ) -> JSON:
        """Create a job directly (no 409 check) and return it as the API shows it now.

        ``status`` makes it look like it is in that state now: a final status means it
        has just finished that way, ``running`` that it has just started, ``queued`` and
        ``incomplete`` stay until cancelled; ``None`` starts it now, per the plan.
        """
        job = self.state.new_job(
            connection_id, job_type=job_type, status=status, created_at=created_at
        )
        return job.to_json(self.state.now())

    def plan_jobs(
        self,
        connection_id: str | None,
        *,
        queued_for: float = 2.0,
        duration: float = 30.0,
        outcome: str = "succeeded",
        rows_per_second: float = 1000,
        bytes_per_row: int = 200,
    ) -> JobPlan:
        """Decide how the connection's next jobs run (``None``: every connection's default).

        A job is ``pending`` for ``queued_for`` s, ``running`` for ``duration`` s while
        ``rowsSynced`` grows by ``rows_per_second``, then ends in ``outcome``
        (``succeeded``, ``failed`` or ``cancelled``).
        """
        plan = JobPlan(
            queued_for=queued_for,
            duration=duration,
            outcome=outcome,
            rows_per_second=float(rows_per_second),
            bytes_per_row=bytes_per_row,
        )
        if connection_id is None:
            self.state.default_plan = plan
        else:
            self.state.connections.get(connection_id, include_deleted=True)
            self.state.plans[connection_id] = plan
        return plan

    def seed(
        self,
        workspaces: int = 3,
        sources: int = 4,
        destinations: int = 2,
        connections: int = 2,
        jobs: int = 3,
    ) -> Seeded:
        """Fill the fake with realistic data; counts are per workspace (jobs per connection).

        Sources and destinations cycle through the known connector kinds; connections
        pair them in turn; jobs are finished (mostly ``succeeded``), an hour apart.
        """
        if connections and (not sources or not destinations):
            raise ValueError("connections need at least one source and one destination")
        seeded = Seeded()
        now = self.state.now()
        for _ in range(workspaces):
            workspace_id = self.add_workspace()["workspaceId"]
            seeded.workspaces.append(workspace_id)
            source_ids = [
                self.add_source(
                    workspace_id, source_type=connector_type(SOURCE_KINDS[i % len(SOURCE_KINDS)])
                )["sourceId"]
                for i in range(sources)
            ]
            destination_ids = [
                self.add_destination(
                    workspace_id,
                    destination_type=connector_type(DESTINATION_KINDS[i % len(DESTINATION_KINDS)]),
                )["destinationId"]
                for i in range(destinations)
            ]
            seeded.sources += source_ids
            seeded.destinations += destination_ids
            for i in range(connections):
                connection_id = self.add_connection(
                    source_ids[i % len(source_ids)], destination_ids[i % len(destination_ids)]
                )["connectionId"]
                seeded.connections.append(connection_id)
                for j in range(jobs):
                    job = self.state.new_job(
                        connection_id,
                        status=_JOB_HISTORY[j % len(_JOB_HISTORY)],
                        created_at=now - (jobs - j) * 3600.0,
                    )
                    seeded.jobs.append(job.job_id)
        return seeded


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
