"""aiobyte: the asynchronous Python client for the Airbyte public API.

::

    import aiobyte

    async with aiobyte.AirbyteClient(client_id=..., client_secret=...) as client:
        async for source in client.sources.list(workspace_ids=[workspace_id]):
            print(source.name)
"""

from typing import TYPE_CHECKING, Any

from ._auth import AccessToken, Auth, BasicAuth, BearerToken, ClientCredentials, TokenProvider
from ._client import AirbyteClient
from ._clock import Clock, ManualClock, SystemClock
from ._errors import (
    AirbyteError,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConflictError,
    InternalServerError,
    JobTimeoutError,
    NotFoundError,
    PermissionDeniedError,
    Problem,
    RateLimitError,
    UnexpectedResponseError,
    UnprocessableEntityError,
    WrongEventLoopError,
)
from ._retry import RetryBudget, RetryPolicy
from ._transport import RawResponse, Timeouts
from ._version import __version__
from .models import UNSET, UnsetType

if TYPE_CHECKING:
    from ._fanout import Failure, FanOut, FanOutError, Outcome, Success, fan_out
    from ._pagination import Page, Pager
    from .resources.jobs import FINAL_STATUSES, JobSummary

__all__ = [
    "FINAL_STATUSES",
    "UNSET",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AccessToken",
    "AirbyteClient",
    "AirbyteError",
    "Auth",
    "AuthenticationError",
    "BadRequestError",
    "BasicAuth",
    "BearerToken",
    "ClientClosedError",
    "ClientCredentials",
    "Clock",
    "ConflictError",
    "Failure",
    "FanOut",
    "FanOutError",
    "InternalServerError",
    "JobSummary",
    "JobTimeoutError",
    "ManualClock",
    "NotFoundError",
    "Outcome",
    "Page",
    "Pager",
    "PermissionDeniedError",
    "Problem",
    "RateLimitError",
    "RawResponse",
    "RetryBudget",
    "RetryPolicy",
    "Success",
    "SystemClock",
    "Timeouts",
    "TokenProvider",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
    "UnsetType",
    "WrongEventLoopError",
    "__version__",
    "fan_out",
]

# Loaded on first use, so that ``import aiobyte`` and a first request do not pay for them
# (PEP 562): name -> the module that defines it.
_LAZY = {
    "Failure": "._fanout",
    "FanOut": "._fanout",
    "FanOutError": "._fanout",
    "Outcome": "._fanout",
    "Success": "._fanout",
    "fan_out": "._fanout",
    "Page": "._pagination",
    "Pager": "._pagination",
    "FINAL_STATUSES": ".resources.jobs",
    "JobSummary": ".resources.jobs",
}


if not TYPE_CHECKING:  # type checkers see the imports above, and no catch-all attribute

    def __getattr__(name: str) -> Any:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})
