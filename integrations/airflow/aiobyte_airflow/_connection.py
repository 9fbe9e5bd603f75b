"""From an Airflow connection (type ``aiobyte`` or the official ``airbyte``) to client options.

Pure functions: no Airflow lookup, no I/O. The hook feeds them what it looked up.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import aiobyte

__all__ = ["CLOUD_BASE_URL", "EXTRA_KEYS", "client_options"]

logger = logging.getLogger("aiobyte_airflow")

#: Airbyte Cloud's API: the base URL of a connection with no host.
CLOUD_BASE_URL = "https://api.airbyte.com/v1"

#: What the official provider's ``schema`` (its "Token URL") holds unless changed.
_OFFICIAL_TOKEN_URL = "v1/applications/token"

#: The extras read; any other is reported in a warning, never silently ignored.
EXTRA_KEYS = frozenset({"auth", "token", "max_in_flight", "timeout", "connect_timeout"})

_AUTH_KINDS = ("client_credentials", "bearer", "basic")


def client_options(
    conn_id: str,
    *,
    conn_type: str | None,
    host: str | None,
    port: int | None = None,
    schema: str | None = None,
    login: str | None = None,
    password: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Keyword arguments for ``aiobyte.AirbyteClient`` from an Airflow connection's fields.

    ``host`` is the API's base URL (empty: Airbyte Cloud); ``login``/``password`` are the
    application's client id and secret. Extras: ``auth`` (``client_credentials``, ``bearer``:
    the password, or the extra ``token``, is a bearer token; ``basic``: login and password are
    HTTP Basic credentials), ``token``, ``max_in_flight``, ``timeout`` (seconds per read) and
    ``connect_timeout``. Raises ``ValueError`` naming the connection and the field, never a
    secret, for anything that cannot work.
    """
    where = f"Airflow connection {conn_id!r}"
    extra = dict(extra or {})
    if conn_type not in (None, "", "aiobyte", "airbyte"):
        raise ValueError(f"{where} is of type {conn_type!r}; expected 'aiobyte' or 'airbyte'")
    if "proxies" in extra:
        raise ValueError(
            f"{where} sets the extra 'proxies', which aiobyte does not support: remove it, "
            "or keep this connection on the official provider"
        )
    unknown = sorted(set(extra) - EXTRA_KEYS)
    if unknown:
        logger.warning(
            "%s: extras %s are not read by aiobyte (it reads %s)",
            where,
            ", ".join(map(repr, unknown)),
            ", ".join(sorted(EXTRA_KEYS)),
        )
    base_url = _base_url(where, host, port)
    _check_schema(where, conn_type, schema, base_url)
    options: dict[str, Any] = {"base_url": base_url}
    options.update(_auth(where, login or None, password or None, extra))
    if "max_in_flight" in extra:
        value = extra["max_in_flight"]
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{where}: extra 'max_in_flight' must be a positive integer")
        options["max_in_flight"] = value
    timeouts = {}
    for key, field in (("timeout", "read"), ("connect_timeout", "connect")):
        if key in extra and extra[key] is not None:
            timeouts[field] = _seconds(where, key, extra[key])
    if timeouts:
        options["timeout"] = aiobyte.Timeouts(**timeouts)
    return options


def _base_url(where: str, host: str | None, port: int | None) -> str:
    host = (host or "").strip()
    if not host:
        return CLOUD_BASE_URL
    parts = urlsplit(host)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"{where}: host must be the API's base URL with its scheme, e.g. {CLOUD_BASE_URL} "
            f"or http://localhost:8000/api/public/v1; got {host!r}"
        )
    if port and parts.port is None:
        parts = parts._replace(netloc=f"{parts.netloc}:{int(port)}")
    elif port and parts.port != int(port):
        raise ValueError(f"{where}: port {port} differs from the port in host {host!r}")
    return urlunsplit(parts).rstrip("/")


def _check_schema(where: str, conn_type: str | None, schema: str | None, base_url: str) -> None:
    schema = (schema or "").strip()
    if not schema:
        return
    expected = f"{base_url}/applications/token"
    if conn_type == "airbyte":
        if schema == _OFFICIAL_TOKEN_URL or urljoin(base_url + "/", schema) == expected:
            return
        logger.warning(
            "%s: its Token URL (schema) %r is not used: aiobyte asks %s, the token endpoint of "
            "the API's base URL",
            where,
            schema,
            expected,
        )
    else:
        logger.warning("%s: its schema %r is not used by aiobyte", where, schema)


def _auth(
    where: str, login: str | None, password: str | None, extra: Mapping[str, Any]
) -> dict[str, Any]:
    token = extra.get("token") or None
    kind = extra.get("auth")
    if kind is None:
        kind = "bearer" if token is not None else "client_credentials"
    if kind not in _AUTH_KINDS:
        raise ValueError(
            f"{where}: extra 'auth' must be one of {', '.join(_AUTH_KINDS)}; got {kind!r}"
        )
    if kind == "bearer":
        if token is not None and password is not None:
            raise ValueError(
                f"{where}: give the bearer token once, as the password or extra 'token'"
            )
        token = token if token is not None else password
        if not isinstance(token, str) or not token:
            raise ValueError(f"{where}: a bearer token is needed, as the password or extra 'token'")
        return {"token": token}
    if token is not None:
        raise ValueError(f"{where}: extra 'token' is set, but extra 'auth' is {kind!r}")
    if kind == "basic":
        if login is None or password is None:
            raise ValueError(f"{where}: HTTP Basic needs both login and password")
        return {"auth": aiobyte.BasicAuth(login, password)}
    if login is None or password is None:
        raise ValueError(
            f"{where} has no credentials: set login and password to the application's client "
            "id and secret (or extra auth='bearer' with a token, or auth='basic')"
        )
    return {"client_id": login, "client_secret": password}


def _seconds(where: str, key: str, value: Any) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = 0.0
    if isinstance(value, bool) or not seconds > 0 or seconds == float("inf"):
        raise ValueError(f"{where}: extra {key!r} must be a positive number of seconds")
    return seconds
