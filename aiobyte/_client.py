"""``AirbyteClient``: configuration, session ownership, and the resource attributes."""

from __future__ import annotations

import importlib
import logging
import os
import threading
from collections.abc import Callable, Mapping
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import SplitResult, urlsplit

from . import _config
from ._auth import Auth, BearerToken, ClientCredentials
from ._clock import Clock, SystemClock
from ._errors import ClientClosedError
from ._retry import RetryBudget, RetryPolicy
from ._transport import RawResponse, RequestOptions, Timeouts, Transport, check_headers
from ._transport import user_agent as default_user_agent

if TYPE_CHECKING:
    import aiohttp

    from .resources.applications import Applications
    from .resources.connections import Connections
    from .resources.connector_definitions import ConnectorDefinitions
    from .resources.dataplanes import Dataplanes
    from .resources.definitions import (
        DeclarativeSourceDefinitions,
        DestinationDefinitions,
        SourceDefinitions,
    )
    from .resources.destinations import Destinations
    from .resources.embedded import Embedded
    from .resources.groups import Groups
    from .resources.health import Health
    from .resources.jobs import Jobs
    from .resources.organizations import Organizations
    from .resources.permissions import Permissions
    from .resources.regions import Regions
    from .resources.sources import Sources
    from .resources.streams import Streams
    from .resources.tags import Tags
    from .resources.users import Users
    from .resources.workspaces import Workspaces

__all__ = ["AirbyteClient"]

R = TypeVar("R")


logger = logging.getLogger("aiobyte")

# Hosts already warned about (credentials over plain http), once per process.
_warned_hosts: set[str] = set()
_warned_lock = threading.Lock()


def _without_password(url: str) -> str:
    """``url`` with the password of its userinfo (if any) masked, for messages."""
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.partition("@")
    if not sep or not at or "/" in userinfo:
        return url
    user = userinfo.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


def normalize_base_url(base_url: str, *, source: str = "base_url") -> str:
    """The base URL without a trailing slash; ``ValueError`` if it is not an http(s) URL.

    Refused: anything but ``http(s)://host[:port][/path]``, credentials in the URL (use
    ``BasicAuth``), a query or fragment (even an empty ``?`` or ``#``), and whitespace
    or control characters anywhere (nothing is stripped: a stray CRLF from an
    environment file would otherwise end up in every path). ``source`` names where
    the value came from (``AIRBYTE_API_URL``) in the message.
    """
    if not isinstance(base_url, str) or not base_url:
        raise ValueError(f"{source} must be a non-empty URL string")
    shown = _without_password(base_url)
    bad = next((c for c in base_url if c.isspace() or not c.isprintable()), None)
    if bad is not None:
        raise ValueError(
            f"{source} holds whitespace or a control character ({bad!r}) at position "
            f"{base_url.index(bad)}: {shown!r}; give the URL alone"
        )
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018 (parsing the port is the check)
    except ValueError as exc:
        problem = str(exc)
    else:
        problem = ""
    if problem or parts.scheme not in ("http", "https") or not parts.hostname:
        detail = f" ({problem})" if problem else ""
        raise ValueError(
            f"{source} must start with http:// or https:// and name a host; got "
            f"{shown!r}{detail}. Airbyte Cloud: {_config.CLOUD_BASE_URL!r}; self-managed: "
            f"{_config.SELF_MANAGED_EXAMPLE!r}"
        )
    if "@" in parts.netloc:
        raise ValueError(
            f"{source} must not hold credentials ({shown!r}): pass "
            "auth=aiobyte.BasicAuth(username, password) for HTTP Basic, and the URL alone"
        )
    if "?" in base_url or "#" in base_url:
        raise ValueError(f"{source} must not have a query or fragment; got {shown!r}")
    return base_url.rstrip("/")


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    import ipaddress  # only for plain http (aiohttp, loaded later, imports it anyway)

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _warn_plain_http(parts: SplitResult) -> None:
    """Warn once per host when credentials would go over plain http off this machine."""
    host = parts.hostname or ""
    if parts.scheme != "http" or _is_loopback(host):
        return
    with _warned_lock:
        if host in _warned_hosts:
            return
        _warned_hosts.add(host)
    logger.warning(
        "aiobyte sends credentials to %s over plain http://: anyone on the network path "
        "can read them. Use https:// unless this is a private network you trust",
        host,
    )


def _env(name: str) -> str | None:
    # An empty variable counts as unset, as shells use it (NAME= command).
    return os.environ.get(name) or None


def _timeouts(timeout: float | Timeouts | None) -> Timeouts | None:
    if timeout is None or isinstance(timeout, Timeouts):
        return timeout
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise ValueError(f"timeout must be seconds or a Timeouts; got {timeout!r}")
    return Timeouts(read=float(timeout))


def _check_borrowed(session: aiohttp.ClientSession) -> None:
    if session.raise_for_status:
        raise ValueError(
            "the session has raise_for_status set: aiohttp would raise its own error for every "
            "error status (a 404 would look like a failed connection, and be retried); create "
            "it without raise_for_status, aiobyte raises APIStatusError subclasses itself"
        )
    if session.auth is not None or "Authorization" in session.headers:
        raise ValueError(
            "the session has auth= (or an Authorization header) set: aiohttp would send "
            "those credentials with every request, token requests included; create it "
            "without them and give the credentials to AirbyteClient "
            "(auth=aiobyte.BasicAuth(...) for Basic)"
        )


def _resolve_auth(
    auth: Auth | None, client_id: str | None, client_secret: str | None, token: str | None
) -> Auth:
    given = [name for name, value in (("auth", auth), ("token", token)) if value is not None]
    if client_id is not None or client_secret is not None:
        given.append("client_id/client_secret")
    if len(given) > 1:
        raise ValueError(f"give one way to authenticate, not several: {', '.join(given)}")
    if auth is not None:
        if not isinstance(auth, Auth):
            raise ValueError(
                "auth must be ClientCredentials, BearerToken, BasicAuth or TokenProvider; "
                f"got {type(auth).__name__}"
            )
        return auth
    if token is not None:
        return BearerToken(token)
    if client_id is not None or client_secret is not None:
        if client_id is None or client_secret is None:
            raise ValueError("client_id and client_secret go together: give both")
        return ClientCredentials(client_id, client_secret)
    return _auth_from_environment()


def _auth_from_environment() -> Auth:
    """Credentials from the environment, with the same rules as the keywords."""
    env_id, env_secret = _env(_config.ENV_CLIENT_ID), _env(_config.ENV_CLIENT_SECRET)
    env_token = _env(_config.ENV_TOKEN)
    pair = f"{_config.ENV_CLIENT_ID}/{_config.ENV_CLIENT_SECRET}"
    if (env_id or env_secret) and env_token:
        raise ValueError(
            f"give one way to authenticate, not several: the environment sets both {pair} "
            f"and {_config.ENV_TOKEN}; unset one"
        )
    if env_id or env_secret:
        if env_id is None or env_secret is None:
            missing = _config.ENV_CLIENT_SECRET if env_secret is None else _config.ENV_CLIENT_ID
            raise ValueError(
                f"{_config.ENV_CLIENT_ID} and {_config.ENV_CLIENT_SECRET} go together: "
                f"set both ({missing} is not set)"
            )
        try:
            return ClientCredentials(env_id, env_secret)
        except ValueError as exc:
            raise ValueError(f"{pair} from the environment: {exc}") from None
    if env_token:
        try:
            return BearerToken(env_token)
        except ValueError as exc:
            raise ValueError(f"{_config.ENV_TOKEN} from the environment: {exc}") from None
    raise ValueError(
        "no credentials: pass client_id= and client_secret=, token=, or auth=, or set "
        f"{_config.ENV_CLIENT_ID} and {_config.ENV_CLIENT_SECRET} (or {_config.ENV_TOKEN})"
    )


class _Resource(cached_property[R]):
    """A resource attribute of the client: made on first use (its module imported then),
    once per client or view, like a ``cached_property`` (which it is)."""

    def __init__(self, module: str, name: str, what: str | None = None) -> None:
        def make(client: AirbyteClient) -> R:
            resource: type[R] = getattr(importlib.import_module(module, __package__), name)
            return resource(client._transport, client._options)  # type: ignore[call-arg]

        super().__init__(make)
        self._what = what

    def __set_name__(self, owner: type, name: str) -> None:
        super().__set_name__(owner, name)
        what = self._what or name.replace("_", " ").capitalize()
        self.__doc__ = f"{what} (``help(client.{name})`` for its methods)."


class AirbyteClient:
    """An asynchronous client for the Airbyte public API.

    ::

        async with AirbyteClient(client_id=..., client_secret=...) as client:
            async for source in client.sources.list(workspace_ids=[workspace_id]):
                ...

    ``base_url`` defaults to ``$AIRBYTE_API_URL``, else Airbyte Cloud; a self-managed
    install serves the API at ``http://<host>:8000/api/public/v1``. Credentials: client
    credentials, a fixed ``token``, or ``auth=`` one of :class:`ClientCredentials`,
    :class:`BearerToken`, :class:`BasicAuth`, :class:`TokenProvider`; with none given,
    ``$AIRBYTE_CLIENT_ID``/``$AIRBYTE_CLIENT_SECRET`` or ``$AIRBYTE_TOKEN``.

    ``session``: an ``aiohttp.ClientSession`` of yours to send requests with; the client
    never closes it. ``max_in_flight``: requests this client sends at once (the rest
    queue). ``max_body_size``: bytes of one answer read at most (after decompression).
    ``timeout``: seconds per read, or a :class:`Timeouts`. ``retry``: a
    :class:`RetryPolicy`; ``retry_budget``: a :class:`RetryBudget` (shared by every
    request of this client). ``headers``: sent with every API request (not the token
    request). ``user_agent``: your application, added to aiobyte's ``User-Agent``.
    ``trust_env``: send through the proxy ``HTTPS_PROXY``/``HTTP_PROXY`` name for the
    base URL (``NO_PROXY`` honoured), read once when the session is made.
    ``clock``: for tests. :meth:`with_options` gives a view with other timeouts, extra
    headers, or a look at each raw answer.

    Resources, one attribute each (``help(client.sources)`` for its methods):

    - ``workspaces``, ``organizations``, ``users``, ``permissions``, ``groups``,
      ``tags``, ``regions``, ``dataplanes``: who and where
    - ``sources``, ``destinations``, ``connections``, ``streams``: what is synced
    - ``jobs``: syncs, resets and refreshes; ``start``, ``wait``, ``watch``, ``run``
    - ``source_definitions``, ``destination_definitions``,
      ``declarative_source_definitions``, ``connector_definitions``: connectors
    - ``applications``: API applications and their tokens
    - ``embedded``: Airbyte Embedded (scoped tokens)
    - ``health``: is the API up

    Raises ``ValueError`` for a base URL that is not an http(s) URL (or holds
    credentials, a query, whitespace), for missing or conflicting credentials (given as
    keywords or in the environment), or for a borrowed session that would answer in
    aiobyte's place (``raise_for_status``, ``auth``), before any request. Credentials
    sent over plain ``http://`` to a host that is not this machine are logged once, as
    a warning. A client belongs to the event loop it is first used on
    (``WrongEventLoopError`` elsewhere).
    """

    _view = False  # True for what with_options() returns

    def __init__(
        self,
        base_url: str | None = None,
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        token: str | None = None,
        auth: Auth | None = None,
        session: aiohttp.ClientSession | None = None,
        max_in_flight: int = _config.MAX_IN_FLIGHT,
        max_body_size: int = _config.MAX_BODY_SIZE,
        timeout: float | Timeouts | None = None,
        retry: RetryPolicy | None = None,
        retry_budget: RetryBudget | None = None,
        headers: Mapping[str, str] | None = None,
        user_agent: str | None = None,
        trust_env: bool = False,
        clock: Clock | None = None,
    ) -> None:
        source = "base_url"
        if base_url is None:
            base_url = _env(_config.ENV_BASE_URL)
            source = f"{_config.ENV_BASE_URL} (the base URL, from the environment)"
            if base_url is None:
                base_url = _config.CLOUD_BASE_URL
        self.base_url = normalize_base_url(base_url, source=source)
        self.auth = _resolve_auth(auth, client_id, client_secret, token)
        if (
            isinstance(max_in_flight, bool)
            or not isinstance(max_in_flight, int)
            or max_in_flight < 1
        ):
            raise ValueError(f"max_in_flight must be a positive integer; got {max_in_flight!r}")
        if session is not None:
            import aiohttp  # only now: see Transport._get_session

            if not isinstance(session, aiohttp.ClientSession):
                raise ValueError("session must be an aiohttp.ClientSession")
            _check_borrowed(session)
            if trust_env:
                raise ValueError(
                    "trust_env applies to the client's own session; a borrowed session "
                    "follows its own trust_env (aiohttp.ClientSession(trust_env=True))"
                )
        if isinstance(max_body_size, bool) or not isinstance(max_body_size, int):
            raise ValueError(f"max_body_size must be a number of bytes; got {max_body_size!r}")
        if max_body_size < 1:
            raise ValueError(f"max_body_size must be positive; got {max_body_size}")
        timeouts = _timeouts(timeout) or Timeouts()
        defaults = dict(check_headers(headers or {}))
        if user_agent is not None:
            if not isinstance(user_agent, str) or not user_agent.strip():
                raise ValueError(f"user_agent must be a non-empty string; got {user_agent!r}")
            check_headers({"User-Agent": user_agent})
            if session is not None:  # aiohttp is loaded: the user made a session with it
                defaults.setdefault("User-Agent", f"{default_user_agent()} {user_agent}")
        self._options = RequestOptions(headers=defaults) if defaults else None
        self._clock = clock or SystemClock()
        self._transport = Transport(
            self.base_url,
            auth=self.auth,
            session=session,
            max_in_flight=max_in_flight,
            max_body_size=max_body_size,
            timeouts=timeouts,
            retry=retry or RetryPolicy(),
            budget=retry_budget or RetryBudget(),
            clock=self._clock,
            user_agent=user_agent,
            trust_env=trust_env is True,
        )
        _warn_plain_http(urlsplit(self.base_url))

    # The resources: each made on first use (its module imported then), once per client
    # or view. (The class docstring lists them; help() on each gives its methods.)
    workspaces: _Resource[Workspaces] = _Resource(".resources.workspaces", "Workspaces")
    sources: _Resource[Sources] = _Resource(".resources.sources", "Sources")
    destinations: _Resource[Destinations] = _Resource(".resources.destinations", "Destinations")
    connections: _Resource[Connections] = _Resource(".resources.connections", "Connections")
    jobs: _Resource[Jobs] = _Resource(".resources.jobs", "Jobs", "Jobs: start, wait, watch, run")
    applications: _Resource[Applications] = _Resource(
        ".resources.applications", "Applications", "API applications and their tokens"
    )
    health: _Resource[Health] = _Resource(".resources.health", "Health", "The health check")
    streams: _Resource[Streams] = _Resource(".resources.streams", "Streams", "Streams of a source")
    tags: _Resource[Tags] = _Resource(".resources.tags", "Tags")
    permissions: _Resource[Permissions] = _Resource(".resources.permissions", "Permissions")
    organizations: _Resource[Organizations] = _Resource(".resources.organizations", "Organizations")
    users: _Resource[Users] = _Resource(".resources.users", "Users")
    source_definitions: _Resource[SourceDefinitions] = _Resource(
        ".resources.definitions", "SourceDefinitions"
    )
    destination_definitions: _Resource[DestinationDefinitions] = _Resource(
        ".resources.definitions", "DestinationDefinitions"
    )
    declarative_source_definitions: _Resource[DeclarativeSourceDefinitions] = _Resource(
        ".resources.definitions",
        "DeclarativeSourceDefinitions",
        "Low-code (declarative) source definitions",
    )
    connector_definitions: _Resource[ConnectorDefinitions] = _Resource(
        ".resources.connector_definitions", "ConnectorDefinitions"
    )
    regions: _Resource[Regions] = _Resource(".resources.regions", "Regions")
    dataplanes: _Resource[Dataplanes] = _Resource(".resources.dataplanes", "Dataplanes")
    groups: _Resource[Groups] = _Resource(".resources.groups", "Groups")
    embedded: _Resource[Embedded] = _Resource(
        ".resources.embedded", "Embedded", "Airbyte Embedded (scoped tokens)"
    )

    def with_options(
        self,
        *,
        timeout: float | Timeouts | None = None,
        headers: Mapping[str, str] | None = None,
        on_response: Callable[[RawResponse], object] | None = None,
    ) -> AirbyteClient:
        """This client with other timeouts, extra headers, or a look at each answer.

        ::

            job = await client.with_options(timeout=5).jobs.get(job_id)
            seen: list[aiobyte.RawResponse] = []
            await client.with_options(on_response=seen.append).sources.get(source_id)
            seen[-1].headers.get("X-Request-Id")

        A lightweight view: it shares this client's session, token, in-flight bound and
        retry budget, and is closed with it (its own ``aclose()`` closes nothing).
        ``headers`` are added to this client's; ``on_response`` is called with every
        answer of the view's calls (``RawResponse``: status, headers, body), retried
        ones and errors included. Token requests are the client's, not the view's.
        Raises ``ValueError`` for a timeout that is not positive and for headers that
        aiobyte sets itself (``Authorization``, ``Content-Type``) or cannot send.
        """
        if on_response is not None and not callable(on_response):
            raise ValueError("on_response must be a function taking a RawResponse")
        wanted = RequestOptions(_timeouts(timeout), headers, on_response)
        view = object.__new__(AirbyteClient)
        view.__dict__.update(
            (name, value) for name, value in self.__dict__.items() if name not in _RESOURCES
        )
        view._options = wanted if self._options is None else self._options.merged(wanted)
        view._view = True
        return view

    @property
    def closed(self) -> bool:
        """True after ``aclose()``."""
        return self._transport.closed

    @property
    def max_in_flight(self) -> int:
        """Requests this client sends at once."""
        return self._transport.max_in_flight

    async def aclose(self) -> None:
        """Close the client and its own session (never a borrowed one). Safe to repeat.

        On a view made by :meth:`with_options`, nothing: the client it came from owns
        the session."""
        if not self._view:
            await self._transport.aclose()

    async def __aenter__(self) -> AirbyteClient:
        if self.closed:
            raise ClientClosedError("this AirbyteClient is closed; create a new one")
        self._transport.bind_loop()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<AirbyteClient{state} base_url={self.base_url!r} auth={self.auth!r}>"

    def __reduce__(self) -> Any:
        raise TypeError("an AirbyteClient cannot be pickled (it holds a live session)")


#: The resource attributes: made on first use, each view makes its own.
_RESOURCES = frozenset(
    name for name, value in vars(AirbyteClient).items() if isinstance(value, cached_property)
)
