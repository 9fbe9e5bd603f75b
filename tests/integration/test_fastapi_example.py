"""examples/fastapi_app.py against the fake, through httpx's ASGI transport.

The app's lifespan (where it creates its one client) is run around the requests, as a
server would run it; httpx's transport alone does not.
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType

import anyio
import httpx
import pytest

from aiobyte.testing import FakeAirbyte

pytest.importorskip("fastapi")

pytestmark = pytest.mark.anyio

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "fastapi_app.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fastapi_app_example", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
async def http(fake: FakeAirbyte) -> AsyncIterator[httpx.AsyncClient]:
    app = load_example().create_app(
        base_url=fake.base_url, client_id=fake.client_id, client_secret=fake.client_secret
    )
    with anyio.fail_after(10):
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
                yield client
    # The lifespan closed the app's client: no more requests reach the fake.


async def test_connections_page_by_page_with_the_clients_cursor(
    fake: FakeAirbyte, http: httpx.AsyncClient
) -> None:
    seeded = fake.seed(workspaces=2, sources=5, destinations=5, connections=5, jobs=0)
    workspace_id = seeded.workspace_ids[1]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        answer = await http.get(f"/workspaces/{workspace_id}/connections", params=params)
        assert answer.status_code == 200
        body = answer.json()
        pages += 1
        seen += [c["connectionId"] for c in body["data"]]
        assert all(c["workspaceId"] == workspace_id for c in body["data"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == seeded.connection_ids[5:]
    assert pages == 3  # 2 + 2 + 1: the short page was the last
    assert fake.stats.token_requests == 1  # one client, created once, for every request


async def test_start_a_sync_and_the_errors_callers_see(
    fake: FakeAirbyte, http: httpx.AsyncClient
) -> None:
    seeded = fake.seed(workspaces=1, sources=1, destinations=1, connections=1, jobs=0)
    connection_id = seeded.connection_ids[0]
    started = await http.post(f"/connections/{connection_id}/jobs")
    assert started.status_code == 201
    job = started.json()
    assert job["connectionId"] == connection_id
    assert job["jobType"] == "sync"
    assert job["status"] == "pending"

    running = await http.post(f"/connections/{connection_id}/jobs")
    assert running.status_code == 409
    unknown = await http.post("/connections/5f1c1b3e-0000-4000-8000-000000000001/jobs")
    assert unknown.status_code == 404
    malformed = await http.get("/workspaces/nope/connections")
    assert malformed.status_code == 422
    assert "workspace_ids" in malformed.json()["detail"]
    assert fake.stats.hits["GET /connections"] == 0  # refused before sending
    bad_cursor = await http.get(
        f"/workspaces/{seeded.workspace_ids[0]}/connections", params={"cursor": "x"}
    )
    assert bad_cursor.status_code == 422
