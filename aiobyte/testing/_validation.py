"""Writes checked as the server checks them, answered with the server's problem details.

- A write's body against its operation's schema in api.yaml (shipped, cut down, as
  ``_request_schemas.json``; see ``tests/fake/_request_schemas.py``): types, enums,
  required fields at every depth. 400 ``bad-request``, as the server's JSON binding.
- A source's or destination's configuration against its connector's schema, with
  :func:`aiobyte.connectors.check_configuration` (the one shipped description): 422
  ``unprocessable-entity`` "The provided configuration does not fulfill the
  specification", as the server's ``JsonValidationException``. An unknown
  ``sourceType``/``destinationType`` is 400 ``value-not-found``.
- A connection's cron schedule (:mod:`._cron`) and its streams against the source's
  catalog ("Invalid stream found. The list of valid streams include: ...").
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from typing import Any

from msgspec import DecodeError
from msgspec import json as msgjson

from aiobyte import connectors
from aiobyte.connectors import check_against  # the one schema walker, shared with the client

from ._cron import CronError, parse_cron, split_time_zone, valid_time_zone
from ._data import catalog_streams
from ._problems import ApiError, bad_request, decode_body, problem_response, unprocessable

__all__ = [
    "body_problems",
    "check_body",
    "check_configuration",
    "check_schedule",
    "check_streams",
    "plain",
]

JSON = dict[str, Any]

#: How many problems an answer lists (the rest are counted).
_SHOWN_PROBLEMS = 10
_QUARTZ_HELP = (
    "Please check the cron expression format at "
    "https://www.quartz-scheduler.org/documentation/quartz-2.3.0/tutorials/crontrigger.html"
)


@functools.cache
def _schemas() -> Mapping[str, Any]:
    raw = resources.files(__package__).joinpath("_request_schemas.json").read_bytes()
    loaded: Mapping[str, Any] = msgjson.decode(raw)
    return loaded


def plain(value: Any) -> Any:
    """``value`` with the exact ``Decimal`` numbers of a decoded body as ``int``/``float``
    (for checking only: what is stored keeps every digit)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _listed(problems: list[str]) -> str:
    shown = "; ".join(problems[:_SHOWN_PROBLEMS])
    more = len(problems) - _SHOWN_PROBLEMS
    return shown + (f"; and {more} more" if more > 0 else "")


def body_problems(route: str, body: bytes) -> list[str]:
    """What is wrong with a write's JSON body, per api.yaml (``[]``: nothing, or no
    schema, or not a JSON object: the handler answers that)."""
    schema = _schemas().get(route)
    if schema is None or not body:
        return []
    try:
        value = decode_body(body)
    except DecodeError:
        return []
    if not isinstance(value, dict):
        return []
    return check_against(schema, plain(value), path="body")


def check_body(route: str, body: bytes) -> None:
    """400 if a write's body does not follow its schema in api.yaml."""
    problems = body_problems(route, body)
    if problems:
        raise bad_request(f"The request body is invalid: {_listed(problems)}.")


def check_configuration(actor: str, connector: str | None, configuration: JSON) -> None:
    """422 unless the configuration follows its connector's schema (a connector not
    described, such as a custom one, is not checked)."""
    if connector is None or not connectors.is_known(actor, connector):  # type: ignore[arg-type]
        return
    problems = connectors.check_configuration(
        actor,  # type: ignore[arg-type]
        connector,
        plain(configuration),
    )
    if problems:
        raise unprocessable(
            "The provided configuration does not fulfill the specification. "
            f"Errors: {_listed(problems)}"
        )


def check_schedule(schedule: JSON | None, connection_id: str = "") -> None:
    """400 (with the server's cron problems) unless a connection's schedule is one the
    server takes: no cron expression, a malformed one, or one that runs more often than
    hourly, or a bad time zone."""
    if schedule is None or schedule.get("scheduleType") != "cron":
        return
    raw = schedule.get("cronExpression")
    if not isinstance(raw, str):
        raise bad_request("Missing cron expression in the schedule.")
    expression, time_zone = split_time_zone(raw)
    try:
        parsed = parse_cron(expression)
    except CronError as exc:
        raise bad_request(
            f"The cron expression {raw} is not valid. Error: {exc}. {_QUARTZ_HELP}"
        ) from None
    fixed = parsed.fields[:2] if len(parsed.fields) == 7 else parsed.fields[:1]
    if not all(f.isdigit() for f in fixed):
        raise bad_request(
            f"The cron expression {raw} is not valid or is less than the one hour minimum. "
            "The seconds and minutes values cannot be `*`."
        )
    if not parsed.at_most_hourly():
        data = {
            "cronExpression": expression,
            "validationErrorMessage": "Cron executions must be at least 1 hour apart",
        }
        raise ApiError(problem_response("cron-validation/under-one-hour-not-allowed", data=data))
    if not valid_time_zone(time_zone):
        data = {"connectionId": connection_id, "cronTimezone": time_zone}
        raise ApiError(problem_response("cron-validation/invalid-timezone", data=data))


def check_streams(configurations: JSON | None, source: JSON) -> None:
    """400 unless every configured stream is one the source offers, configured once."""
    if not configurations:
        return
    offered = catalog_streams(str(source.get("sourceType", "")))
    seen: set[str] = set()
    for stream in configurations.get("streams") or ():
        name = stream.get("name") if isinstance(stream, dict) else None
        if name not in offered:
            raise bad_request(
                f"Invalid stream found. The list of valid streams include: [{', '.join(offered)}]."
            )
        if name in seen:
            raise bad_request(f"Duplicate stream found in configuration for: {name}.")
        seen.add(name)
