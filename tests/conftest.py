"""Shared test setup: asyncio under anyio, and no leaked resources.

pytest runs with ``filterwarnings = error``; collecting garbage after every test makes
an unclosed aiohttp session or connector fail the test that leaked it, not a later one.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(autouse=True)
def _collect_garbage() -> Iterator[None]:
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def _no_airbyte_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's own Airbyte credentials must never leak into a test.
    for name in ("AIRBYTE_API_URL", "AIRBYTE_CLIENT_ID", "AIRBYTE_CLIENT_SECRET", "AIRBYTE_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def shared_api_dir() -> Path:
    """The directory of the official API documents (``../shared/airbyte-api``)."""
    override = os.environ.get("AIOBYTE_API_DIR")
    path = (
        Path(override)
        if override
        else Path(__file__).resolve().parents[2] / "shared" / "airbyte-api"
    )
    if not (path / "api.yaml").is_file():
        raise RuntimeError(
            f"the Airbyte API documents are not at {path}; set AIOBYTE_API_DIR to the "
            "directory holding api.yaml"
        )
    return path
