"""Helpers for testing DAGs that use this provider against ``aiobyte.testing.FakeAirbyte``."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from .hooks import _overrides

__all__ = ["client_options"]


@contextlib.contextmanager
def client_options(airbyte_conn_id: str, **options: Any) -> Iterator[None]:
    """Add ``AirbyteClient`` options to every client built for this Airflow connection.

    For tests: ``with client_options("airbyte_default", clock=clock): ...`` makes the hook,
    operators and triggers run on a fake's ``ManualClock``. Process-wide while inside.
    """
    previous = _overrides.get(airbyte_conn_id)
    _overrides[airbyte_conn_id] = {**(previous or {}), **options}
    try:
        yield
    finally:
        if previous is None:
            _overrides.pop(airbyte_conn_id, None)
        else:
            _overrides[airbyte_conn_id] = previous
