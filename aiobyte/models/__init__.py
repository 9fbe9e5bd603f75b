"""The API's models: msgspec Structs generated from the OpenAPI spec.

Responses are frozen, with snake_case attributes over the camelCase wire names; unknown
fields and unknown enum values decode. Requests send only the fields that were set.
"""

from ._base import UNSET, OpenEnum, Request, Response, UnsetType
from ._generated import *  # noqa: F403
from ._generated import __all__ as _generated_all

__all__ = ["UNSET", "OpenEnum", "Request", "Response", "UnsetType", *_generated_all]
