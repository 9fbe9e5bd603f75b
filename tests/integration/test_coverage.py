"""Every operation of the spec has a method (or a reason not to), and the README says so."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import aiobyte
from aiobyte._operations import EXCLUDED, OPERATIONS
from tests._api_docs import api_document

REPO = Path(__file__).resolve().parents[2]
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(api_document("api.yaml").read_text("utf-8"))
    return loaded


def operation_ids(spec: dict[str, Any]) -> set[str]:
    return {
        op["operationId"]
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in HTTP_METHODS
    }


def test_every_operation_is_mapped_or_excluded(spec: dict[str, Any]) -> None:
    missing = operation_ids(spec) - OPERATIONS.keys() - EXCLUDED.keys()
    assert not missing, f"operations with no method in aiobyte/_operations.py: {sorted(missing)}"


def test_the_table_names_only_operations_of_the_spec(spec: dict[str, Any]) -> None:
    unknown = (OPERATIONS.keys() | EXCLUDED.keys()) - operation_ids(spec)
    assert not unknown, f"aiobyte/_operations.py names operations the spec lacks: {unknown}"
    assert not OPERATIONS.keys() & EXCLUDED.keys()


@pytest.mark.anyio
async def test_every_mapped_method_exists_on_the_client() -> None:
    async with aiobyte.AirbyteClient(token="t") as client:
        for operation, target in OPERATIONS.items():
            resource, _, name = target.partition(".")
            method = getattr(getattr(client, resource, None), name, None)
            assert callable(method), f"{operation}: client.{target} does not exist"
            assert not name.startswith("_"), target
    assert len(set(OPERATIONS.values())) == len(OPERATIONS), "two operations, one method"


@pytest.mark.anyio
async def test_methods_take_path_ids_positionally_and_the_rest_by_keyword() -> None:
    async with aiobyte.AirbyteClient(token="t") as client:
        for target in OPERATIONS.values():
            resource, _, name = target.partition(".")
            parameters = inspect.signature(getattr(getattr(client, resource), name)).parameters
            for parameter in parameters.values():
                assert parameter.kind in (
                    inspect.Parameter.POSITIONAL_ONLY,
                    inspect.Parameter.KEYWORD_ONLY,
                ), f"client.{target}({parameter.name}) is neither positional-only nor keyword"


def test_readme_table_is_current() -> None:
    command = [sys.executable, "tools/readme_table.py", "--check"]
    command += ["--spec", str(api_document("api.yaml"))]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
