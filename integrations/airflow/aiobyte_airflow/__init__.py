"""Apache Airflow provider for Airbyte, built on aiobyte (distribution airflow-provider-aiobyte).

- :class:`AiobyteHook`: an Airflow connection (type ``aiobyte``, or the official ``airbyte``).
- :class:`AiobyteSyncOperator`: start (or attach to) a sync, defer, return its summary.
- :class:`AiobyteJobTrigger`: the triggerer's wait, sharing one client per connection.
- :class:`AiobyteJobSensor`: wait for a job started elsewhere; never cancels it.

Importing ``aiobyte_airflow`` imports Airflow's Task SDK; the classes load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "AiobyteHook",
    "AiobyteJobSensor",
    "AiobyteJobTrigger",
    "AiobyteSyncOperator",
    "__version__",
]

if TYPE_CHECKING:
    from .hooks import AiobyteHook
    from .operators import AiobyteSyncOperator
    from .sensors import AiobyteJobSensor
    from .triggers import AiobyteJobTrigger

_WHERE = {
    "AiobyteHook": "hooks",
    "AiobyteSyncOperator": "operators",
    "AiobyteJobSensor": "sensors",
    "AiobyteJobTrigger": "triggers",
}


def __getattr__(name: str) -> Any:
    # Lazy: the provider manager imports get_provider_info without the operator machinery.
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
