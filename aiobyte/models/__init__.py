"""The API's models: msgspec Structs generated from the OpenAPI spec.

Responses are frozen, with snake_case attributes over the camelCase wire names; unknown
fields and unknown enum values decode. Requests send only the fields that were set.

The generated models load on first use (``from aiobyte.models import Job``,
``aiobyte.models.Job``, ``dir()``), not with ``import aiobyte``.
"""

from typing import TYPE_CHECKING, Any

from ._base import UNSET, OpenEnum, Request, Response, UnsetType

if TYPE_CHECKING:
    from ._generated import *  # noqa: F403
    from ._generated import __all__ as _generated_all

    __all__ = ["UNSET", "OpenEnum", "Request", "Response", "UnsetType", *_generated_all]

else:

    def _load() -> None:
        import importlib

        _generated = importlib.import_module("._generated", __name__)
        names = _generated.__all__
        globals().update({name: getattr(_generated, name) for name in names})
        globals()["__all__"] = ["UNSET", "OpenEnum", "Request", "Response", "UnsetType", *names]

    def __getattr__(name: str) -> Any:
        if name.startswith("_") and name != "__all__":  # _generated itself, dunders probed
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        _load()
        try:
            return globals()[name]
        except KeyError:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None

    def __dir__() -> list[str]:
        _load()
        return sorted(globals())
