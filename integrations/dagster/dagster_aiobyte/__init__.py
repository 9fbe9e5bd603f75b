"""dagster-aiobyte: Airbyte syncs for async Dagster assets and ops, through aiobyte.

::

    import dagster as dg
    from dagster_aiobyte import AiobyteResource, job_metadata

    @dg.asset
    async def orders(airbyte: AiobyteResource) -> dg.MaterializeResult:
        summary = await airbyte.sync("<connection id>")
        return dg.MaterializeResult(metadata=job_metadata(summary))

    defs = dg.Definitions(assets=[orders], resources={"airbyte": AiobyteResource()})
"""

from ._resource import AiobyteResource, AirbyteSyncError, job_metadata

__version__ = "0.1.0"

__all__ = ["AiobyteResource", "AirbyteSyncError", "__version__", "job_metadata"]
