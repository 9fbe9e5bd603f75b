"""``AiobyteHook``: an Airflow connection (``aiobyte`` or the official ``airbyte``) as a client."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import aiobyte

from . import _config
from ._compat import BaseHook
from ._connection import client_options
from ._run import run_coroutine
from ._shared import shared_client

if TYPE_CHECKING:
    from airflow.sdk import Connection

__all__ = ["AiobyteHook"]

# Options added to every client built for a connection id (aiobyte_airflow.testing sets them).
_overrides: dict[str, dict[str, Any]] = {}


class AiobyteHook(BaseHook):
    """Airbyte's API through aiobyte, configured by an Airflow connection.

    The connection is of type ``aiobyte``, or an official provider's ``airbyte`` connection
    as it is: host = the API's base URL (empty: Airbyte Cloud), login/password = the
    application's client id and secret; extras ``auth`` (``bearer``, ``basic``), ``token``,
    ``max_in_flight``, ``timeout`` and ``connect_timeout``. Creating the hook does no I/O.
    """

    conn_name_attr = "airbyte_conn_id"
    default_conn_name = _config.DEFAULT_CONN_ID
    conn_type = "aiobyte"
    hook_name = "Airbyte (aiobyte)"

    def __init__(self, airbyte_conn_id: str = _config.DEFAULT_CONN_ID) -> None:
        super().__init__()
        if not isinstance(airbyte_conn_id, str) or not airbyte_conn_id:
            raise ValueError("airbyte_conn_id must be a non-empty string")
        self.airbyte_conn_id = airbyte_conn_id

    @classmethod
    def options_from_connection(
        cls, conn: Connection, extra: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """``AirbyteClient`` keyword arguments from a connection. Raises ``ValueError``."""
        options = client_options(
            conn.conn_id,
            conn_type=conn.conn_type,
            host=conn.host,
            port=conn.port,
            schema=conn.schema,
            login=conn.login,
            password=conn.password,
            extra=conn.extra_dejson if extra is None else extra,
        )
        options.update(_overrides.get(conn.conn_id, {}))
        return options

    def get_client_options(self) -> dict[str, Any]:
        """The client's options, looking the connection up (blocking: on a worker).

        Raises ``AirflowNotFoundException`` when there is no such connection and
        ``ValueError`` when its fields cannot work.
        """
        return self.options_from_connection(self.get_connection(self.airbyte_conn_id))

    async def aget_client_options(self) -> dict[str, Any]:
        """The client's options, looking the connection up without blocking the loop.

        Raises as :meth:`get_client_options`.
        """
        aget_connection = getattr(self, "aget_connection", None)
        if aget_connection is not None:
            conn = await aget_connection(self.airbyte_conn_id)
        else:  # Airflow 3.0: the blocking lookup, off the loop (as Airflow's own code does)
            from asgiref.sync import sync_to_async

            conn = await sync_to_async(self.get_connection)(self.airbyte_conn_id)
        return self.options_from_connection(conn, await _aextra(conn))

    def get_conn(self) -> aiobyte.AirbyteClient:
        """A new ``AirbyteClient`` (use it with ``async with``, in the loop that runs it)."""
        return aiobyte.AirbyteClient(**self.get_client_options())

    async def aget_conn(self) -> aiobyte.AirbyteClient:
        """A new ``AirbyteClient``, the connection looked up without blocking the loop."""
        return aiobyte.AirbyteClient(**await self.aget_client_options())

    @contextlib.asynccontextmanager
    async def shared_client(self) -> AsyncIterator[aiobyte.AirbyteClient]:
        """This loop's shared client for the connection (one token, one in-flight bound).

        ``async with hook.shared_client() as client: ...``; closed when its last user leaves.
        """
        async with shared_client(self.airbyte_conn_id) as shared:
            yield shared.client

    def test_connection(self) -> tuple[bool, str]:
        """Check the connection with ``GET /health`` and one authenticated request."""

        async def check() -> None:
            async with await self.aget_conn() as client:
                await client.health.check()
                await client.workspaces.list(page_size=1)

        try:
            run_coroutine(check)
        except Exception as exc:  # shown in the UI, which is what it is for
            return False, f"{type(exc).__name__}: {exc}"
        return True, "Connection successfully tested"

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        """How the Airflow UI shows the connection form."""
        return {
            "hidden_fields": ["port", "schema"],
            "relabeling": {
                "host": "API base URL",
                "login": "Client ID",
                "password": "Client secret (or bearer token)",
            },
            "placeholders": {
                "host": "https://api.airbyte.com/v1 (self-managed: http://HOST:8000/api/public/v1)",
                "extra": '{"max_in_flight": 32, "timeout": 60}  (or {"auth": "bearer"})',
            },
        }


async def _aextra(conn: Connection) -> dict[str, Any]:
    # Connection.aextra_dejson (Airflow 3.1+) masks the secrets without blocking the loop.
    aextra = getattr(conn, "aextra_dejson", None)
    if aextra is not None:
        return dict(await aextra())
    return dict(conn.extra_dejson)
