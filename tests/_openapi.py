"""The spec as a validator: load ``api.yaml`` the way openapi-core can use it, and check
recorded requests, answers and problem details against it.

Shared by the contract test (the client's requests and the fake's answers) and the
fake's own answer test. The spec's defects are repaired at load time (see NOTES.md in the
shared folder, ``../shared/airbyte-api``, and ``tools/generate_models.py``):

- two dangling references: ``DataplaneCreateResponseBody`` is stubbed with what the
  server sends (the generator's ``MISSING_SCHEMAS``), ``ForbiddenResponse`` with an
  empty response;
- ``default: null`` on plain strings and OpenAPI 3.0's ``nullable: true`` become a
  ``null`` type (the server takes ``null`` to clear them); a ``required`` name that the
  schema does not define is dropped (``CreateDeclarativeSourceDefinitionRequest``'s
  ``workspaceId``, which the server takes from the path);
- the spec's own meta-schema validation is skipped, and formats spelled ``UUID`` are
  checked as UUIDs.

Error bodies are checked against ``api-problems.yaml``: the problem schema whose
constant ``title`` the body names, with its constant ``type`` and ``status``.
"""

from __future__ import annotations

import copy
import functools
import importlib.util
import re
import sys
import uuid
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft4Validator
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from aiobyte.testing import RecordedRequest
from tests._api_docs import api_document

__all__ = [
    "is_uuid",
    "load_spec",
    "operation_of",
    "problem_errors",
    "problems",
    "repair",
    "spec_statuses",
    "validator",
]

REPO = Path(__file__).resolve().parents[1]
HTTP_METHODS = ("get", "put", "post", "delete", "patch")


def _generator() -> Any:
    module = sys.modules.get("generate_models")
    if module is None:
        path = REPO / "tools" / "generate_models.py"
        spec = importlib.util.spec_from_file_location("generate_models", path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["generate_models"] = module
        spec.loader.exec_module(module)
    return module


@functools.lru_cache(maxsize=1)
def _loaded_spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(api_document("api.yaml").read_text("utf-8"))
    components = spec["components"]
    for name, schema in _generator().MISSING_SCHEMAS.items():
        components["schemas"].setdefault(name, schema)
    components.setdefault("responses", {}).setdefault(
        "ForbiddenResponse", {"description": "Forbidden"}
    )
    for schema in components["schemas"].values():
        repair(schema)
    return spec


def load_spec() -> dict[str, Any]:
    """api.yaml, repaired (a fresh copy: callers may change it)."""
    return copy.deepcopy(_loaded_spec())


def repair(schema: Any) -> None:
    """Null allowed where the spec means it; ``required`` without undefined properties."""
    if not isinstance(schema, dict):
        return
    properties = schema.get("properties") or {}
    if "required" in schema:
        known = {re.sub(r"[^a-z]", "", name.lower()) for name in properties}
        schema["required"] = [
            name for name in schema["required"] if re.sub(r"[^a-z]", "", name.lower()) in known
        ]
    for prop in properties.values():
        means_null = prop.get("nullable") or ("default" in prop and prop["default"] is None)
        if means_null and isinstance(prop.get("type"), str):
            prop["type"] = [prop["type"], "null"]
        repair(prop)


def validator(spec_dict: dict[str, Any], base_url: str) -> OpenAPI:
    """openapi-core for the spec, with the fake's base URL as one of its servers."""
    spec = copy.deepcopy(spec_dict)
    spec["servers"] = [*spec.get("servers", []), {"url": base_url}]
    config = Config(
        spec_validator_cls=None,
        extra_format_validators={"UUID": is_uuid},
        extra_format_unmarshallers={"UUID": uuid.UUID},
    )
    return OpenAPI.from_dict(spec, config=config)


def is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        return False
    return True


def operation_of(spec: dict[str, Any], route: str | None) -> str | None:
    """The operationId of a recorded ``"METHOD /template"`` route."""
    if route is None:
        return None
    method, _, template = route.partition(" ")
    operation = spec["paths"].get(template, {}).get(method.lower())
    return None if operation is None else str(operation["operationId"])


def spec_statuses(spec: dict[str, Any], route: str) -> set[int]:
    """The statuses the spec lists for a ``"METHOD /template"`` route."""
    method, _, template = route.partition(" ")
    responses = spec["paths"][template][method.lower()].get("responses", {})
    return {int(status) for status in responses if status.isdigit()}


def _mock_request(root_url: str, recorded: RecordedRequest) -> MockRequest:
    return MockRequest(
        root_url,
        recorded.method.lower(),
        recorded.path,
        args=recorded.query,  # type: ignore[arg-type]  # pairs: repeated keys kept
        data=recorded.body or None,
        content_type=recorded.headers.get("Content-Type", "application/json"),
    )


def problems(
    app: OpenAPI, root_url: str, recorded: RecordedRequest, *, request: bool = True
) -> list[str]:
    """What the validator finds wrong with one request (unless ``request=False``) and its
    answer. ``root_url`` is the fake's ``url`` (scheme, host and port)."""
    mock = _mock_request(root_url, recorded)
    response = MockResponse(
        recorded.response_body or b"",
        status_code=recorded.status or 0,
        content_type=recorded.content_type or "",
    )
    checks: list[tuple[str, Any]] = [("answer", app.unmarshal_response(mock, response))]
    if request:
        checks.insert(0, ("request", app.unmarshal_request(mock)))
    found = []
    for kind, result in checks:
        for error in result.errors:
            detail = getattr(error.__cause__, "schema_errors", None) or error.__cause__ or ""
            found.append(f"{recorded.route} {kind}: {error!r} {detail}")
    return found


@functools.lru_cache(maxsize=1)
def _problem_documents() -> tuple[dict[str, Any], dict[str, str]]:
    """api-problems.yaml and ``title -> schema name`` for every problem it defines."""
    document: dict[str, Any] = yaml.safe_load(api_document("api-problems.yaml").read_text("utf-8"))
    titles: dict[str, str] = {}
    for name, schema in document["components"]["schemas"].items():
        for part in schema.get("allOf", ()):
            title = part.get("properties", {}).get("title", {}).get("default")
            if title is not None:
                titles[title] = name
    return document, titles


def problem_errors(status: int, body: Any) -> list[str]:
    """What is wrong with an error answer as a problem of ``api-problems.yaml``.

    The body must be problem details (``type``, ``title``, ``status`` equal to the answer's
    status); when its ``title`` names a problem of the file it must validate against that
    schema, whose ``type``, ``title`` and ``status`` are constants.
    """
    if not isinstance(body, dict):
        return [f"not a JSON object: {body!r}"]
    found = [f"no {key!r}" for key in ("type", "title", "status") if key not in body]
    if found:
        return found
    if body["status"] != status:
        found.append(f"status {body['status']!r} in a {status} answer")
    document, titles = _problem_documents()
    name = titles.get(body["title"])
    if name is None:
        return [*found, f"title {body['title']!r} is no problem of api-problems.yaml"]
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    checker = Draft4Validator(schema)
    found += [f"{name}: {error.message}" for error in checker.iter_errors(body)]
    for part in document["components"]["schemas"][name]["allOf"]:
        for key in ("type", "title", "status"):
            constant = part.get("properties", {}).get(key, {}).get("default")
            if constant is not None and body.get(key) != constant:
                found.append(f"{name}: {key} {body.get(key)!r}, not {constant!r}")
    return found
