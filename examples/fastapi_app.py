"""A FastAPI service on aiobyte: one client for the app's lifetime, shared by every request.

    pip install aiobyte fastapi uvicorn
    export AIRBYTE_API_URL=... AIRBYTE_CLIENT_ID=... AIRBYTE_CLIENT_SECRET=...
    uvicorn examples.fastapi_app:app

No Airbyte at hand? ``aiobyte fake-server`` serves a fake one and prints what to export.

    GET  /workspaces/{workspace_id}/connections?limit=20&cursor=...
         one page of the workspace's connections and the cursor of the next page
    POST /connections/{connection_id}/jobs?job_type=sync
         start a job and answer it (409 while one is running on the connection)

The client is created in the lifespan, not per request: it keeps the token cache, the
connection pool and the in-flight bound that all handlers share. Its page cursor is
handed to this API's callers as it is, and resumes the listing where they left it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import msgspec
from fastapi import Depends, FastAPI, Query, Request, Response

import aiobyte

__all__ = ["app", "create_app"]


def _json(content: Any, status_code: int = 200) -> Response:
    # msgspec encodes aiobyte's models directly, with the API's own field names.
    return Response(msgspec.json.encode(content), status_code, media_type="application/json")


def airbyte(request: Request) -> aiobyte.AirbyteClient:
    """The app's client (a FastAPI dependency)."""
    client: aiobyte.AirbyteClient = request.app.state.airbyte
    return client


Airbyte = Annotated[aiobyte.AirbyteClient, Depends(airbyte)]


def create_app(**client_options: Any) -> FastAPI:
    """The app; ``client_options`` go to ``AirbyteClient`` (none: the environment's)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with aiobyte.AirbyteClient(**client_options) as client:
            app.state.airbyte = client
            yield

    app = FastAPI(title="aiobyte example", lifespan=lifespan)

    @app.get("/workspaces/{workspace_id}/connections")
    async def list_connections(
        workspace_id: str,
        client: Airbyte,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        cursor: str | None = None,
    ) -> Response:
        """One page of the workspace's connections; pass ``next_cursor`` back for more."""
        page = await client.connections.list(
            workspace_ids=[workspace_id], page_size=limit, cursor=cursor
        )
        return _json({"data": page.items, "next_cursor": page.cursor})

    @app.post("/connections/{connection_id}/jobs", status_code=201)
    async def start_job(connection_id: str, client: Airbyte, job_type: str = "sync") -> Response:
        """Start a job (a sync by default) on the connection and answer it."""
        job = await client.jobs.create(connection_id, job_type=job_type)
        return _json(job, 201)

    @app.exception_handler(aiobyte.APIStatusError)
    async def api_error(request: Request, exc: aiobyte.APIStatusError) -> Response:
        # Airbyte's 404, 409 and 422 mean the same to our callers; anything else is a
        # failure of the service behind us.
        status = exc.status if exc.status in (404, 409, 422) else 502
        return _json({"detail": str(exc)}, status)

    @app.exception_handler(aiobyte.AirbyteError)
    async def unreachable(request: Request, exc: aiobyte.AirbyteError) -> Response:
        return _json({"detail": str(exc)}, 502)

    @app.exception_handler(ValueError)
    async def invalid(request: Request, exc: ValueError) -> Response:
        # aiobyte checks ids, page sizes and cursors before sending anything.
        return _json({"detail": str(exc)}, 422)

    return app


app = create_app()
