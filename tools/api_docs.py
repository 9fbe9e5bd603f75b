"""Where the Airbyte API documents are: one environment variable, one default.

The OpenAPI documents (``api.yaml``, ``api-problems.yaml``, ``api_sdk.yaml``) and the notes
on the real server (``NOTES.md``) are not in this repository: they are in the shared folder
beside the checkout, ``../shared/airbyte-api``, or wherever ``$AIOBYTE_API_DIR`` points.
The model generator, the README table, the spec-based tests and the benchmarks all find
them here. Without them those tests skip, saying so, except under CI (``CI=true``), where a
missing document fails: a skip there would hide a break.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ENV", "HOW_TO_GET", "api_dir", "document"]

ENV = "AIOBYTE_API_DIR"
_DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "airbyte-api"
HOW_TO_GET = (
    "the Airbyte API documents are not in the repository: put the shared folder beside the "
    f"checkout (../shared/airbyte-api) or set {ENV} to the folder holding api.yaml, "
    "api-problems.yaml and api_sdk.yaml"
)


def api_dir() -> Path:
    """The folder of the API documents: ``$AIOBYTE_API_DIR``, else ``../shared/airbyte-api``."""
    override = os.environ.get(ENV)
    return Path(override) if override else _DEFAULT


def document(name: str) -> Path:
    """The path of the document ``name`` ("api.yaml").

    Raises FileNotFoundError saying where it looked and how to get the documents.
    """
    path = api_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f"no {name} in {path.parent}; {HOW_TO_GET}")
    return path
