"""aiobyte: the asynchronous Python client for the Airbyte public API.

::

    import aiobyte

    async with aiobyte.AirbyteClient(client_id=..., client_secret=...) as client:
        async for source in client.sources.list(workspace_ids=[workspace_id]):
            print(source.name)
"""

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
from ._fanout import Failure, FanOut, FanOutError, Outcome, Success, fan_out
from ._pagination import Page, Pager
from ._retry import RetryBudget, RetryPolicy
from ._transport import RawResponse, Timeouts
from ._version import __version__
from .models import UNSET, UnsetType
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
