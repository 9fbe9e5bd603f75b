"""A bounded, seeded schemathesis run against the fake: no failure the fake is to blame for.

Every operation of api.yaml the fake serves gets a few schema-valid and a few
schema-violating requests (hypothesis, derandomized: the same cases on every run), sent
with a valid token; every answer goes through schemathesis' checks (status codes,
content types, headers, response schemas, negative data rejected, positive data
accepted) and the fake must not raise in its own handlers. A failure is allowed only
when it is one of the spec's own defects listed in ``SPEC_DEFECTS``, each with its
reason; anything else fails the test with the cases that show it.

About 1,000 cases, typically well under a minute (marked slow: it is the longest test of
the fake).
"""

from __future__ import annotations

import asyncio
import copy
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from aiobyte.testing import FakeAirbyte
from tests._openapi import load_spec

pytestmark = pytest.mark.slow

#: Cases per operation and generation mode (positive, negative).
EXAMPLES = 5
#: Operations the fake does not serve, on purpose: a browser calls them (README).
NOT_SERVED = frozenset({"GET /", "GET /oauth/callback"})

# Server rules api.yaml cannot express: a schema-valid request the server refuses all the
# same (details the fake answers with, as the server does).
SERVER_RULES = [
    # References to things that do not exist (the spec has no 404 on these).
    r"^No (organization|region) with id ",
    # A connector is named by configuration.sourceType or by definitionId, one or other.
    r"^One of configuration\.(source|destination)Type or definitionId must be provided\.$",
    r"^sourceType is required\.$",
    # Query parameters the spec marks optional and the server's controllers require.
    r"^sourceId is required\.$",
    r"^The query parameter \w+ is required\.$",
    # orderBy's pattern (\w+|(ASC|DESC)) matches nearly anything; the server wants field|ORDER.
    r"^Invalid orderBy ",
    # No body at all: api.yaml does not mark these bodies required (sources' and
    # destinations' writes); the server's controllers take a body they cannot do without.
    r"^The request body must be a JSON object\.$",
    # A permission is on a workspace or an organization: exactly one of them.
    r"^Give exactly one of workspaceId and organizationId\.$",
    # Configurations against their connector's schema; cron rules; a source's catalog.
    r"^The provided configuration does not fulfill the specification\.",
    r"^The cron expression ",
    r"^Missing cron expression in the schedule\.$",
    r"^Invalid stream found\. ",
    r"^Duplicate stream found ",
    r"^Refresh jobs cannot be started through the public API\.$",
]
SERVER_TITLES = {
    "value-not-found",  # an unknown sourceType/destinationType
    "Cron sync schedules more frequent than once per hour are not allowed",
    "Invalid cron timezone",
}

#: The failures that are the spec's defects, not the fake's, with their reason.
SPEC_DEFECTS = {
    "UndefinedStatusCode": (
        "api.yaml leaves out statuses the server sends: 400 for bad input, 401 from the "
        "token endpoint, 404 for what does not exist, 409 for a conflict, 422 for a "
        "configuration (NOTES.md: status codes in the spec)"
    ),
    "ServerError": (
        "a malformed UUID in a path or a filter is an uncaught exception on the real server: "
        "500 with only an errorId (NOTES.md: errors); the fake records no exception of its own"
    ),
    "RejectedPositiveData": (
        "the server checks more than api.yaml says (SERVER_RULES: references that must "
        "exist, required parameters the spec marks optional, connector schemas, cron rules)"
    ),
    "AcceptedNegativeData": (
        "an optional query parameter sent empty (offset=, workspaceId=) is taken as not "
        "given, as the server's parameter binding does; api.yaml cannot say so"
    ),
    "datetime": (
        "schemathesis cannot check a date-time query parameter it generated itself "
        "(ValueError: Unsupported type: 'datetime'): the tool's defect, the answer was 200"
    ),
}


@dataclass
class Served:
    fake: FakeAirbyte
    headers: dict[str, str]


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """The fake on its own event loop in a thread (schemathesis sends with requests)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = FakeAirbyte(seed=7, token_lifetime=24 * 3600)
    asyncio.run_coroutine_threadsafe(fake.start(), loop).result(timeout=10)
    try:
        organization = fake.add_organization("Acme")["organizationId"]
        fake.add_user(organization)
        fake.seed(workspaces=2, organization_id=organization)
        yield Served(fake, {"Authorization": f"Bearer {fake.issue_token()}"})
    finally:
        asyncio.run_coroutine_threadsafe(fake.close(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


def fuzz_spec(base_url: str) -> dict[str, Any]:
    """api.yaml as the other spec tests load it, served by the fake, with ``format: UUID``
    spelled ``uuid`` so that schema-valid cases carry UUIDs (schemathesis knows no other)."""
    spec = copy.deepcopy(load_spec())
    spec["servers"] = [{"url": base_url}]

    def lower(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("format") == "UUID":
                node["format"] = "uuid"
            for value in node.values():
                lower(value)
        elif isinstance(node, list):
            for value in node:
                lower(value)

    lower(spec)
    return spec


def explained(
    failure: BaseException, status: int, body: Any, case: schemathesis.Case
) -> str | None:
    """The spec defect a failure comes from, or ``None``: the fake's own."""
    kind = type(failure).__name__
    if kind == "AcceptedNegativeData" and 200 <= status < 300:
        named = re.search(r"parameter `(\w+)` in query", str(failure))
        query = case.query or {}
        empty = named is not None and query.get(named.group(1)) in ("", [""])
        return SPEC_DEFECTS[kind] if empty else None
    if status == 500 and kind in ("ServerError", "UndefinedStatusCode"):
        only_an_id = isinstance(body, dict) and set(body) == {"errorId"}
        return SPEC_DEFECTS["ServerError"] if only_an_id else None
    if kind == "UndefinedStatusCode" and status in (400, 401, 404, 409, 422):
        return SPEC_DEFECTS[kind] if isinstance(body, dict) and "title" in body else None
    if kind == "RejectedPositiveData" and status in (400, 422) and isinstance(body, dict):
        detail = str(body.get("detail", ""))
        if body.get("title") in SERVER_TITLES or any(re.match(r, detail) for r in SERVER_RULES):
            return SPEC_DEFECTS[kind]
        return None
    if isinstance(failure, ValueError) and "Unsupported type: 'datetime'" in str(failure):
        return SPEC_DEFECTS["datetime"]
    return None


def test_schemathesis_finds_nothing_the_fake_is_to_blame_for(served: Served) -> None:
    fake = served.fake
    schema = schemathesis.openapi.from_dict(fuzz_spec(fake.base_url))
    unexplained: list[str] = []
    allowed: dict[str, int] = {}
    cases = 0
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an Err fails the test here
        if operation.label in NOT_SERVED:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))  # type: ignore[arg-type]  # a GenerationMode, which mypy sees as str
            def check(case: schemathesis.Case) -> None:
                nonlocal cases
                cases += 1
                errors = len(fake.stats.server_errors)
                response = case.call(base_url=fake.base_url, headers=served.headers, timeout=10)
                assert len(fake.stats.server_errors) == errors, fake.stats.server_errors
                try:
                    case.validate_response(response, headers=served.headers)
                except BaseException as error:  # a FailureGroup, or a single failure
                    try:
                        body = response.json()
                    except ValueError:
                        body = None
                    for failure in getattr(error, "exceptions", [error]):
                        reason = explained(failure, response.status_code, body, case)
                        if reason is None:
                            unexplained.append(
                                f"{case.operation.label}: {failure}\n"
                                f"  sent: {case.as_curl_command(headers=dict(served.headers))}"
                            )
                        else:
                            allowed[reason] = allowed.get(reason, 0) + 1

            try:
                check()
            except Unsatisfiable:
                pass  # no request can break this operation's schema (e.g. a free string path)
    assert cases > 500  # the run happened, bounded
    assert fake.stats.server_errors == []
    assert unexplained == [], "\n".join(unexplained[:20])
    assert set(allowed) <= set(SPEC_DEFECTS.values())
