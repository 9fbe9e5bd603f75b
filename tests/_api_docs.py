"""The API documents for the tests that need them: a skip saying how to get them, or under
CI (``CI=true``) a failure, so that a missing document can never hide a break."""

from __future__ import annotations

import os
from pathlib import Path

import api_docs  # tools/api_docs.py (tools/ is on pytest's pythonpath)
import pytest

__all__ = ["api_document", "in_ci"]


def in_ci() -> bool:
    """True under CI (``CI=true``), where nothing the suite needs may be missing."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def api_document(name: str) -> Path:
    """The path of ``name`` ("api.yaml"); skips the calling test without it (fails in CI)."""
    try:
        return api_docs.document(name)
    except FileNotFoundError as missing:
        if in_ci():
            pytest.fail(f"{missing} (CI runs every test: nothing may be skipped)")
        pytest.skip(str(missing))
