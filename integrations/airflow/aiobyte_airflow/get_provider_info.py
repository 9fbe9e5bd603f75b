"""What Airflow's provider manager reads (entry point ``apache_airflow_provider``)."""

from __future__ import annotations

from typing import Any

from . import __version__


def get_provider_info() -> dict[str, Any]:
    """The provider's metadata: its hook, connection type, operators, sensor and trigger."""
    return {
        "package-name": "airflow-provider-aiobyte",
        "name": "Airbyte (aiobyte)",
        "description": "Airbyte syncs from Airflow through aiobyte: deferrable, non-blocking.",
        "versions": [__version__],
        "integrations": [
            {
                "integration-name": "Airbyte (aiobyte)",
                "external-doc-url": "https://airbyte.com/",
                "tags": ["service"],
            }
        ],
        "hooks": [
            {"integration-name": "Airbyte (aiobyte)", "python-modules": ["aiobyte_airflow.hooks"]}
        ],
        "operators": [
            {
                "integration-name": "Airbyte (aiobyte)",
                "python-modules": ["aiobyte_airflow.operators"],
            }
        ],
        "sensors": [
            {"integration-name": "Airbyte (aiobyte)", "python-modules": ["aiobyte_airflow.sensors"]}
        ],
        "triggers": [
            {
                "integration-name": "Airbyte (aiobyte)",
                "python-modules": ["aiobyte_airflow.triggers"],
            }
        ],
        "connection-types": [
            {
                "hook-class-name": "aiobyte_airflow.hooks.AiobyteHook",
                "connection-type": "aiobyte",
                "hook-name": "Airbyte (aiobyte)",
            }
        ],
    }
