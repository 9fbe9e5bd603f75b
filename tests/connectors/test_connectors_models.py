"""Typed models of every connector: named as the SDK names them, lossless, secrets masked."""

from __future__ import annotations

import importlib.util
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import msgspec
import pytest

import aiobyte.connectors as connectors
from aiobyte.connectors import Configuration, Kind, UnknownChoice
from tests.connectors._generate import valid

KINDS: tuple[Kind, ...] = ("source", "destination")
ALL = [(kind, name) for kind in KINDS for name in connectors.connectors(kind)]


def _models() -> dict[tuple[Kind, str], type[Configuration]]:
    return {(kind, name): connectors.model_for(kind, name) for kind, name in ALL}


MODELS = _models()


def test_one_model_per_connector_named_as_the_official_sdk_names_it() -> None:
    assert set(MODELS) == set(ALL)
    assert all(MODELS[key]._connector == key[1] for key in ALL)
    with pytest.raises(KeyError):
        connectors.model_for("source", "nope")
    found = importlib.util.find_spec("airbyte_api")
    if found is None or found.origin is None:
        pytest.skip("the official SDK (airbyte-api) is not installed")
    # The SDK's own unions of every configuration, read as text (importing its 700 model
    # modules takes seconds): "from .source_postgres import SourcePostgres, ...".
    sdk_names: dict[tuple[str, str], str] = {}
    models_dir = Path(found.origin).parent / "models"
    for kind in ("source", "destination"):
        text = (models_dir / f"{kind}configuration.py").read_text(encoding="utf-8")
        for module, name in re.findall(r"from \.(\w+) import \(?\s*(\w+),", text):
            sdk_names[(kind, module)] = name
    for (kind, name), cls in MODELS.items():
        module = f"{kind}-{name}".replace("-", "_")
        assert sdk_names.get((kind, module)) == cls.__name__, (kind, name, cls.__name__)
    assert len(sdk_names) == len(MODELS)


def _read_all(model: Configuration) -> None:
    """Read every attribute, recursively; valid data never gives an UnknownChoice."""
    for f in type(model)._fields:
        value = getattr(model, f.attr)
        items = value if isinstance(value, list) else [value]
        for item in items:
            assert not isinstance(item, UnknownChoice), (type(model).__name__, f.attr, item)
            if isinstance(item, Configuration):
                _read_all(item)


def _rebuild(model: Configuration) -> Configuration:
    """The same model built from keywords, from what its attributes read."""

    def plain(value: Any) -> Any:
        if isinstance(value, Configuration):
            return _rebuild(value)
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    values = {f.attr: plain(getattr(model, f.attr)) for f in type(model)._fields}
    return type(model)(**values)


def _known_only(value: Any, model: Configuration) -> Any:
    data = model.to_dict()
    wires = {f.wire: f for f in type(model)._fields}
    out = {}
    for key, item in data.items():
        if key not in wires:
            continue
        read = getattr(model, wires[key].attr)
        if isinstance(read, Configuration):
            out[key] = _known_only(item, read)
        elif isinstance(read, list):
            out[key] = [
                _known_only(i, r) if isinstance(r, Configuration) else i
                for i, r in zip(item, read, strict=True)
            ]
        else:
            out[key] = item
    return out


def test_every_connector_round_trips_exactly_and_reads_typed() -> None:
    count = 0
    for (kind, name), cls in MODELS.items():
        rng = random.Random(f"models-{kind}-{name}")
        for _ in range(2):
            value = valid(connectors.description(kind, name), rng)
            value.setdefault(f"{kind}Type", name)
            wire = msgspec.json.encode(value)
            model = cls.decode(wire)
            assert model.encode() == wire  # byte for byte, extra keys included
            assert cls.from_dict(value).to_dict() is value  # the exact mapping, not a copy
            assert model.problems() == []
            _read_all(model)
            rebuilt = _rebuild(model)
            assert rebuilt.to_dict() == _known_only(value, model)
            count += 1
    assert count == 2 * len(ALL)


def test_reading_never_fails_even_off_the_schema() -> None:
    from aiobyte.connectors import SourcePostgres

    odd = {"port": "not a number", "ssl_mode": {"mode": "from-the-future"}, "new_key": [1]}
    model = SourcePostgres.from_dict(odd)
    assert model.port == "not a number"  # type: ignore[comparison-overlap]  # kept as the server sent it
    assert isinstance(model.ssl_mode, UnknownChoice)
    assert model.ssl_mode.to_dict() == {"mode": "from-the-future"}
    assert model.host is connectors.UNSET  # type: ignore[comparison-overlap]  # absent, though typed required
    assert model.to_dict() is odd
    assert "configuration.port: expected an integer, got 'not a number'" in model.problems()


def test_building_fills_discriminators_and_leaves_out_what_is_unset() -> None:
    from aiobyte.connectors import (
        SourcePostgres,
        SourcePostgresRequire,
        SourcePostgresScanChangesWithUserDefinedCursor,
    )

    config = SourcePostgres(
        host="db",
        port=5432,
        database="app",
        username="airbyte",
        password="hunter2",
        ssl_mode=SourcePostgresRequire(),
        replication_method=SourcePostgresScanChangesWithUserDefinedCursor(),
        jdbc_url_params=None,
    )
    assert config.to_dict() == {
        "database": "app",
        "host": "db",
        "jdbc_url_params": None,
        "password": "hunter2",
        "port": 5432,
        "replication_method": {"method": "Standard"},
        "ssl_mode": {"mode": "require"},
        "username": "airbyte",
        "sourceType": "postgres",
    }
    assert config.problems() == []
    assert isinstance(config.ssl_mode, SourcePostgresRequire)
    assert config.replace(port=6543).port == 6543
    assert "jdbc_url_params" not in config.replace(jdbc_url_params=connectors.UNSET).to_dict()
    with pytest.raises(TypeError, match="username is required"):
        SourcePostgres(host="db", port=1, database="app")  # type: ignore[call-arg]  # a required field missing on purpose
    with pytest.raises(TypeError, match="has no field hostname"):
        SourcePostgres(hostname="db")  # type: ignore[call-arg]  # an unknown field on purpose


def test_reprs_mask_every_secret_of_every_connector() -> None:
    for (kind, name), cls in MODELS.items():
        rng = random.Random(f"secrets-{kind}-{name}")
        value = valid(connectors.description(kind, name), rng)
        marked = _plant_secrets(value, set(connectors.secret_paths(kind, name)), "")
        text = repr(cls.from_dict(value))
        assert "PLANTED-SECRET" not in text, (name, text)
        if marked:
            assert "'***'" in text, name


def _plant_secrets(value: Any, paths: set[str], path: str) -> int:
    planted = 0
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else key
            if here in paths and isinstance(item, str):
                value[key] = f"PLANTED-SECRET-{here}"
                planted += 1
            else:
                planted += _plant_secrets(item, paths, here)
    elif isinstance(value, list):
        for item in value:
            planted += _plant_secrets(item, paths, f"{path}[]")
    return planted


def test_importing_aiobyte_imports_no_connector_and_one_model_imports_one_module() -> None:
    code = (
        "import sys, aiobyte\n"
        "print(any(m.startswith('aiobyte.connectors') for m in sys.modules))\n"
        "from aiobyte.connectors import SourcePostgres\n"
        "print(sorted(m for m in sys.modules if m.startswith('aiobyte.connectors._configs.')))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert shown.stdout.split("\n")[:2] == [
        "False",
        "['aiobyte.connectors._configs.source_postgres']",
    ]
