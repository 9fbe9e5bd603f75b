"""``AirbyteCredentials``: where the Airbyte public API is and how to authenticate."""

from __future__ import annotations

from typing import Any

from prefect.blocks.core import Block
from pydantic import Field, SecretStr

from aiobyte import AirbyteClient

__all__ = ["AirbyteCredentials"]


class AirbyteCredentials(Block):
    """Credentials for the Airbyte public API (Airbyte Cloud or self-managed).

    ::

        credentials = AirbyteCredentials(client_id="...", client_secret="...")
        async with credentials.get_client() as client:
            ...

    ``base_url``: Airbyte Cloud by default (or ``$AIRBYTE_API_URL``); self-managed:
    ``http://<host>:8000/api/public/v1``. Authenticate with an application's
    ``client_id`` and ``client_secret`` (tokens refreshed automatically), or a fixed
    ``token``; with none of them, aiobyte reads ``AIRBYTE_CLIENT_ID`` and
    ``AIRBYTE_CLIENT_SECRET`` (or ``AIRBYTE_TOKEN``) where the flow runs.
    """

    _block_type_name = "Aiobyte Credentials"
    _block_type_slug = "aiobyte-credentials"
    _description = "Credentials for the Airbyte public API (Cloud or self-managed), via aiobyte."

    base_url: str | None = Field(
        default=None,
        description="The public API's base URL: Airbyte Cloud (or $AIRBYTE_API_URL) by "
        "default; self-managed: http://<host>:8000/api/public/v1",
    )
    client_id: str | None = Field(default=None, description="An Airbyte application's client id")
    client_secret: SecretStr | None = Field(
        default=None, description="That application's client secret"
    )
    token: SecretStr | None = Field(
        default=None, description="A fixed bearer token, instead of client credentials"
    )
    max_in_flight: int | None = Field(
        default=None,
        description="Requests one client sends at once (aiobyte's default if unset)",
    )

    def get_client(self, **options: Any) -> AirbyteClient:
        """A new ``aiobyte.AirbyteClient`` (use it as ``async with``); ``options`` win.

        Raises ``ValueError`` for a bad base URL or missing or conflicting credentials,
        before any request.
        """
        settings: dict[str, Any] = {
            "client_id": self.client_id,
            "client_secret": _reveal(self.client_secret),
            "token": _reveal(self.token),
        }
        if self.max_in_flight is not None:
            settings["max_in_flight"] = self.max_in_flight
        settings.update(options)
        return AirbyteClient(self.base_url, **settings)


def _reveal(secret: SecretStr | None) -> str | None:
    return None if secret is None else secret.get_secret_value()
