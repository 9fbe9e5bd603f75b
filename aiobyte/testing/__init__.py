"""A fake Airbyte public API that runs in-process, for tests, demos and benchmarks.

    from aiobyte.testing import FakeAirbyte, ManualClock

    async with FakeAirbyte(clock=ManualClock()) as fake:
        seeded = fake.seed(workspaces=2)
        async with fake.client() as client:
            ...

:class:`FakeAirbyte` serves on 127.0.0.1 and behaves like the real server: tokens
with a lifetime (applications' client credentials, Embedded scoped tokens held to their
workspace), resources in memory, jobs that advance with the clock, pagination with its
real quirks, problem-detail errors, and faults injected on demand through
``fake.faults`` (:meth:`Faults.inject`). ``fake.stats`` counts and records what it saw.
Layout: ``_server`` (lifecycle and dispatch), ``_tokens`` (tokens and authentication),
``routes/`` (one route table per API area), ``_routing`` (routes and workspace scoping),
``_requests`` (request parsing, pagination), ``_store`` (the one store), ``_seed`` (all
seeding), ``_data`` (connector data), ``_problems``, ``_faults``, ``_stats``.
The pytest plugin (:mod:`aiobyte.testing.pytest_plugin`) offers it as the
``fake_airbyte`` and ``airbyte_client`` fixtures; ``aiobyte fake-server`` serves it on
the command line. The README's "Testing your code against a fake Airbyte" is the guide.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from aiobyte._clock import ManualClock

if TYPE_CHECKING:
    from ._data import CONFIGURATION_KINDS, sample_configuration
    from ._faults import Fault, Faults
    from ._seed import Seeded
    from ._server import FakeAirbyte
    from ._stats import RecordedRequest, Stats
    from ._store import JobPlan, State, Store
    from ._tokens import Grant

# Imported on first use, so that ``aiobyte.testing._serve`` (the command line's hook)
# does not load aiohttp before it serves.
_WHERE = {
    "CONFIGURATION_KINDS": "._data",
    "sample_configuration": "._data",
    "Fault": "._faults",
    "Faults": "._faults",
    "Seeded": "._seed",
    "FakeAirbyte": "._server",
    "RecordedRequest": "._stats",
    "Stats": "._stats",
    "JobPlan": "._store",
    "State": "._store",
    "Store": "._store",
    "Grant": "._tokens",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "CONFIGURATION_KINDS",
    "FakeAirbyte",
    "Fault",
    "Faults",
    "Grant",
    "JobPlan",
    "ManualClock",
    "RecordedRequest",
    "Seeded",
    "State",
    "Stats",
    "Store",
    "sample_configuration",
]
