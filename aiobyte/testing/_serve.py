"""``aiobyte fake-server``: the fake Airbyte on 127.0.0.1 for clients not written in Python.

The command line's hook (``aiobyte/_cli.py``) calls :func:`add_arguments` to build the
subcommand and :func:`serve` to run it. Flags expose what the Python API configures:
the self-managed quirks (a token answer with ``access_token`` only, form-encoded token
requests refused, a lying ``expires_in``, an internal host in ``next`` links) and how jobs
run. The fake has a default organization, as every real install does (the one with the
all-zero id of self-managed installs), with a user, and its workspaces are in it. Bad
input, a busy port or a port it may not use is one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import signal
from typing import TYPE_CHECKING, TextIO

import anyio

if TYPE_CHECKING:
    from ._server import FakeAirbyte

__all__ = ["DEFAULT_ORGANIZATION_ID", "add_arguments", "serve"]

#: The default organization of a self-managed install (the server's DEFAULT_ORGANIZATION_ID).
DEFAULT_ORGANIZATION_ID = "00000000-0000-0000-0000-000000000000"
_HOST = "127.0.0.1"  # loopback only: the fake has no real security
_OK, _USAGE = 0, 2  # the command line's exit codes (aiobyte --help lists them)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``aiobyte fake-server`` (numbers are checked by :func:`serve`)."""
    parser.add_argument(
        "--port", default="8000", metavar="PORT", help="port (default 8000; 0: a free one)"
    )
    parser.add_argument(
        "--path-prefix",
        default="/api/public/v1",
        metavar="PATH",
        help="API path (default /api/public/v1, like a local self-managed install; /v1 like Cloud)",
    )
    parser.add_argument(
        "--workspaces", default="3", metavar="N", help="workspaces to seed (default 3)"
    )
    parser.add_argument(
        "--seed", default=None, metavar="N", help="seed of the generated data and faults"
    )
    quirks = parser.add_argument_group("self-managed quirks")
    quirks.add_argument(
        "--token-answer",
        choices=("full", "access_token_only"),
        default="full",
        help="'access_token_only': the token answer of older self-managed versions "
        "(no token_type, no expires_in)",
    )
    quirks.add_argument(
        "--refuse-form-token-requests",
        action="store_true",
        help="answer a form-encoded token request with 401, as some self-managed versions do",
    )
    quirks.add_argument(
        "--token-lifetime",
        default="180",
        metavar="SECONDS",
        help="seconds a token lives, its exp (default 180)",
    )
    quirks.add_argument(
        "--token-expires-in",
        default=None,
        metavar="SECONDS",
        help="what the token answer's expires_in says (default: the lifetime; larger to lie "
        "as Cloud once did: 900 for a 180 s token)",
    )
    quirks.add_argument(
        "--public-url",
        default=None,
        metavar="URL",
        help="the base of next/previous links, e.g. http://airbyte-server-svc:8001/api/public/v1 "
        "(default: the fake's own)",
    )
    jobs = parser.add_argument_group("jobs")
    jobs.add_argument(
        "--job-queued", default="2", metavar="SECONDS", help="seconds a job is pending (default 2)"
    )
    jobs.add_argument(
        "--job-duration", default="30", metavar="SECONDS", help="seconds a job runs (default 30)"
    )
    jobs.add_argument(
        "--job-outcome",
        choices=("succeeded", "failed", "cancelled"),
        default="succeeded",
        help="how jobs end (default succeeded)",
    )
    jobs.add_argument(
        "--rows-per-second",
        default="1000",
        metavar="N",
        help="rows a running sync reports (default 1000)",
    )


class _Invalid(ValueError):
    """A bad option: its message is the one line shown."""


def _number(value: str | None, option: str, *, low: float = 0, high: float | None = None) -> float:
    try:
        number = float(value) if value is not None else None
    except ValueError:
        number = None
    if number is None or number != number or number < low or (high is not None and number > high):
        bounds = f"from {low:g} to {high:g}" if high is not None else f"of {low:g} or more"
        raise _Invalid(f"{option} must be a number {bounds}, got {value!r}")
    return number


def _whole(value: str | None, option: str, *, high: int | None = None) -> int:
    number = _number(value, option, high=high)
    if not number.is_integer():
        raise _Invalid(f"{option} must be a whole number, got {value!r}")
    return int(number)


def _fake(args: argparse.Namespace) -> tuple[FakeAirbyte, int]:
    """The fake the options describe (not started) and how many workspaces to seed."""
    from ._server import FakeAirbyte

    port = _whole(args.port, "--port", high=65535)
    workspaces = _whole(args.workspaces, "--workspaces", high=10_000)
    lifetime = _number(args.token_lifetime, "--token-lifetime", low=1)
    expires_in = (
        _whole(args.token_expires_in, "--token-expires-in")
        if args.token_expires_in is not None
        else ...
    )
    seed = _whole(args.seed, "--seed") if args.seed is not None else None
    public_url = args.public_url
    if public_url is not None and not public_url.startswith(("http://", "https://")):
        raise _Invalid(f"--public-url must be an http:// or https:// URL, got {public_url!r}")
    fake = FakeAirbyte(
        host=_HOST,
        port=port,
        path_prefix=args.path_prefix,
        public_url=public_url,
        token_lifetime=lifetime,
        token_expires_in=expires_in,
        token_answer=args.token_answer,
        token_accepts_form=not args.refuse_form_token_requests,
        seed=seed,
    )
    fake.plan_jobs(
        None,
        queued_for=_number(args.job_queued, "--job-queued"),
        duration=_number(args.job_duration, "--job-duration"),
        outcome=args.job_outcome,
        rows_per_second=_number(args.rows_per_second, "--rows-per-second"),
    )
    return fake, workspaces


def _seed(fake: FakeAirbyte, workspaces: int) -> list[str]:
    """Demo data in the default organization; the workspace ids."""
    organization = fake.add_organization(
        "Default Organization",
        email="admin@example.com",
        organization_id=DEFAULT_ORGANIZATION_ID,
    )["organizationId"]
    fake.add_user(organization, name="Default User", permission_type="organization_admin")
    return fake.seed(workspaces=workspaces, organization_id=organization).workspace_ids


def _port_problem(exc: OSError, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {_HOST} is in use (an Airbyte, or another fake?): "
            "choose another with --port"
        )
    if exc.errno == errno.EACCES:
        return (
            f"port {port} on {_HOST} may not be used by this user: "
            "choose one above 1023 with --port"
        )
    return f"cannot listen on {_HOST}:{port}: {exc.strerror or exc}"


async def serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Serve until SIGINT or SIGTERM; the exit code (0, or 2 for bad options or a port
    it cannot listen on, with one line on ``err``)."""
    try:
        fake, workspaces = _fake(args)
    except (_Invalid, ValueError) as exc:
        err.write(f"aiobyte: error: {exc}\n")
        return _USAGE
    workspace_ids = _seed(fake, workspaces)
    try:
        await fake.start()
    except OSError as exc:
        err.write(f"aiobyte: error: {_port_problem(exc, fake.port)}\n")
        return _USAGE
    try:
        _banner(fake, workspace_ids, out)
        stopped_by = await _until_stopped()
    finally:
        await fake.close()
    print(f"fake Airbyte stopped ({stopped_by})", file=out, flush=True)
    return _OK


def _banner(fake: FakeAirbyte, workspace_ids: list[str], out: TextIO) -> None:
    print(f"fake Airbyte serving on {fake.base_url}", file=out)
    print(f"  AIRBYTE_API_URL={fake.base_url}", file=out)
    print(f"  AIRBYTE_CLIENT_ID={fake.client_id}", file=out)
    print(f"  AIRBYTE_CLIENT_SECRET={fake.client_secret}", file=out)
    if workspace_ids:
        print(f"  AIRBYTE_WORKSPACE_ID={workspace_ids[0]}", file=out)
    print(f"  AIRBYTE_ORGANIZATION_ID={DEFAULT_ORGANIZATION_ID}", file=out)
    if fake.basic_auth is not None:
        print(f"  HTTP Basic: {fake.basic_auth[0]} / {fake.basic_auth[1]}", file=out)
    token = fake.issue_token(3600)
    print(f"  e.g. curl -H 'Authorization: Bearer {token}' {fake.base_url}/sources", file=out)
    print("press Ctrl-C to stop", file=out, flush=True)


async def _until_stopped() -> str:
    """Wait for SIGINT or SIGTERM (a clean stop, exit code 0); the signal's name."""
    try:
        with anyio.open_signal_receiver(signal.SIGINT, signal.SIGTERM) as signals:
            async for received in signals:
                return signal.Signals(received).name
    except NotImplementedError:  # no signal handlers in this loop (Windows): Ctrl-C raises
        pass
    await anyio.sleep_forever()
    return "cancelled"  # not reached
