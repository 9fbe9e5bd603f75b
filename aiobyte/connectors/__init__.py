"""Connector configurations: one shipped description of every connector, checks, secrets.

Generated from the official SDKs' spec (``api_sdk.yaml``: about 555 sources and 45
destinations) by ``tools/generate_connectors.py`` (CI runs it with ``--check``); the
output is committed, so nothing here needs the spec. Nothing is read until first used,
and then only the connector asked for is decoded.

The stable API (the client and ``aiobyte.testing``'s fake both use it):

``connectors(kind) -> tuple[str, ...]``
    Every described connector of ``kind`` (``"source"`` or ``"destination"``), by its
    ``sourceType``/``destinationType`` (``"postgres"``, ``"google-ads"``), sorted.
``is_known(kind, connector) -> bool``
    Whether ``connector`` is described.
``connector_of(kind, configuration, definition_id=None) -> str | None``
    The described connector a configuration is for: its ``sourceType`` (or
    ``destinationType``), else a ``definition_id`` this release knows; ``None`` for a
    custom or unknown connector (which is not checked).
``check_configuration(kind, connector, configuration, *, partial=False, path=...) -> list[str]``
    Every problem, each as ``"path: what"``: ``"configuration.port: expected an integer,
    got 'abc'"``, ``"configuration.host: required"``. Covers types, required keys,
    ``const`` discriminators, ``enum``, ``pattern``, ``oneOf`` choices, bounds and
    ``additionalProperties: false``; ``[]`` when it follows the schema. ``partial=True``
    checks a PATCH (a JSON merge patch: nothing required, ``null`` removes); ``null``
    is accepted for an optional key (the server answers it so). The server's
    secret mask ``"**********"`` is accepted for secrets. Messages never show a secret.
    Raises ``KeyError`` for a connector not described.
``check_against(schema, value, *, path="value", partial=False) -> list[str]``
    The same checks against any schema in that form (a part of a description, or a
    request body's schema cut down the same way).
``description(kind, connector) -> Mapping``
    The connector's schema as JSON Schema, cut to the keywords checks use (``type``,
    ``properties``, ``required``, ``additionalProperties``, ``items``, ``oneOf`` with
    each choice's ``title``, ``const``, ``enum``, ``pattern``, bounds, ``uniqueItems``,
    ``airbyte_secret``). Shared: do not modify it.
``definition_id(kind, connector)`` and ``connector_for_definition(kind, id)``: ``str | None``
    The catalog definition ids this release knows (the spec names none), both ways.
``secret_paths(kind, connector) -> tuple[str, ...]``
    The dotted paths the schema marks ``airbyte_secret`` (``"tunnel_method.ssh_key"``;
    a ``oneOf`` choice's keys are under its parent, an array item's under ``[]``).
``is_secret_name(name) -> bool``
    The floor for every connector: a key named like a secret (``password``, ``secret``,
    ``token``, ``credentials``, ``api_key``, ...).
``mask_configuration(configuration, kind=None, connector=None)``
    A copy with every secret value replaced by ``MASK`` (``"***"``): what reprs show.

Typed models, one per connector, named as the official SDK names them
(``SourcePostgres``, ``DestinationBigquery``; nested objects and ``oneOf`` choices are
``SourcePostgresVerifyFull``, ...): ``from aiobyte.connectors import SourcePostgres``
imports that connector's module only; ``model_for(kind, connector)`` finds one by name.
A model is a typed view over the exact JSON object (see :class:`Configuration`):
``Model.from_dict(source.configuration)`` never fails and keeps every key;
``Model(host=..., port=...)`` builds one, filling ``sourceType`` and the ``oneOf``
discriminators; ``.problems()`` checks it; its ``repr`` masks every secret.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._catalog import (
    Kind,
    connector_for_definition,
    connectors,
    definition_id,
    description,
    is_known,
)
from ._check import check_against, check_configuration, connector_of
from ._model import UNSET, Configuration, UnknownChoice, UnsetType
from ._secrets import MASK, SERVER_MASK, is_secret_name, mask_configuration, secret_paths

__all__ = [
    "MASK",
    "UNSET",
    "Configuration",
    "UnknownChoice",
    "UnsetType",
    "SERVER_MASK",
    "Kind",
    "check_against",
    "check_configuration",
    "connector_for_definition",
    "connector_of",
    "connectors",
    "definition_id",
    "description",
    "is_known",
    "is_secret_name",
    "mask_configuration",
    "model_for",
    "secret_paths",
]

if TYPE_CHECKING:
    from ._types import *  # noqa: F403  (every typed model, for type checkers)


def model_for(kind: Kind, connector: str) -> type[Configuration]:
    """The typed model of a connector's configuration (``SourcePostgres`` for postgres).

    Raises ``KeyError`` for a connector not described, ``ValueError`` for an unknown kind.
    """
    from ._catalog import check_kind
    from ._index import MODELS

    name = MODELS[check_kind(kind)].get(connector)
    if name is None:
        raise KeyError(f"no {kind} connector named {connector!r} is known")
    found: type[Configuration] = __getattr__(name)
    return found


_modules: dict[str, str] = {}  # a connector's model name -> the module of its models


def _module_of(name: str) -> str | None:
    if not _modules:
        from ._index import MODELS

        for kind, models in MODELS.items():
            for connector, model in models.items():
                _modules[model] = f"{kind}_{connector.replace('-', '_')}"
    # A nested model's name starts with its connector's (SourcePostgresVerifyFull); the
    # generator checks that the longest such prefix is the right one.
    for end in range(len(name), 0, -1):
        module = _modules.get(name[:end])
        if module is not None:
            return module
    return None


def __getattr__(name: str) -> Any:
    """A typed model (``SourcePostgres``, ...), imported on first use: one module each."""
    module = _module_of(name) if name[:1].isupper() else None
    value = None
    if module is not None:
        value = getattr(importlib.import_module(f"{__name__}._configs.{module}"), name, None)
    if value is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    from ._index import MODELS

    return sorted([*globals(), *(m for models in MODELS.values() for m in models.values())])
