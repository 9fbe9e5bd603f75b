"""prefect-aiobyte: Prefect tasks, flows and blocks for Airbyte syncs, through aiobyte.

::

    from prefect import flow
    from prefect_aiobyte import AirbyteCredentials, run_airbyte_syncs

    @flow
    async def nightly() -> None:
        credentials = await AirbyteCredentials.load("airbyte")
        await run_airbyte_syncs(["<connection id>", "<another>"], credentials, limit=4)
"""

from ._credentials import AirbyteCredentials
from ._jobs import AirbyteConnection, AirbyteSync, AirbyteSyncResult
from ._tasks import AirbyteSyncFailed, run_airbyte_sync, run_airbyte_syncs

__version__ = "0.1.0"

__all__ = [
    "AirbyteConnection",
    "AirbyteCredentials",
    "AirbyteSync",
    "AirbyteSyncFailed",
    "AirbyteSyncResult",
    "__version__",
    "run_airbyte_sync",
    "run_airbyte_syncs",
]
