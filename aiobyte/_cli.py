"""The ``aiobyte`` command line (also ``python -m aiobyte``).

``aiobyte <resource> list|get`` is built from the client itself: every resource of
:class:`AirbyteClient` with a ``list`` or ``get`` method gets a command, and each
method's parameters become arguments by their types (``typing.get_type_hints``, not
their text): positional identifiers stay positional, an iterable such as
``workspace_ids`` becomes a repeatable ``--workspace-id``, a bool a flag, an enum a
choice of its values. A resource added to the client appears here with nothing else
to write; help for a parameter comes from ``_HELP``, by name.

Output is JSON lines (the API's own field names) when stdout is not a terminal, a table
(or indented JSON for one object) when it is. Errors are one line on stderr, never a
traceback unless ``--debug``, and in the command line's terms (``--workspace-id must
be a UUID``, not ``workspace_ids[0]``); credentials are never printed, and neither is a
control character the server sent (shown escaped: ``\\x1b``). A closed pipe (``| head``)
ends quietly with 141, as SIGPIPE would; Ctrl-C (or SIGTERM, as a container's stop sends)
while waiting for a job says which job goes on running, or with ``--cancel-on-interrupt``
cancels it, and exits with 128 + the signal's number (130, 143).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import enum
import getpass
import inspect
import logging
import os
import re
import signal
import sys
import textwrap
import types
import typing
from collections import abc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import anyio
import msgspec

from . import _config
from ._auth import BasicAuth, TokenProvider
from ._client import AirbyteClient
from ._clock import Clock, SystemClock
from ._errors import AirbyteError, JobTimeoutError
from ._terminal import format_bytes, isatty, printable, printable_json
from .models import Job, JobStatus, JobType
from .resources._base import Resource
from .resources.jobs import FINAL_STATUSES

__all__ = ["ExitCode", "main", "run"]


class ExitCode(enum.IntEnum):
    """What the process's exit status means (also in ``aiobyte --help``)."""

    OK = 0
    JOB_FAILED = 1
    USAGE = 2
    TIMEOUT = 3
    API_ERROR = 4
    INTERRUPTED = 130
    BROKEN_PIPE = 141
    TERMINATED = 143


EXIT_CODES_HELP = """\
exit codes:
  0    success (for jobs run --wait and jobs wait: the job succeeded)
  1    the job failed or was cancelled
  2    bad usage: invalid arguments or missing credentials
  3    gave up waiting for the job (--timeout); it goes on running on the server
  4    the API answered with an error or could not be reached
  130  interrupted (Ctrl-C); a job being waited for goes on running unless
       --cancel-on-interrupt
  141  the output was closed early (as by `| head`): nothing more to print
  143  terminated (SIGTERM, as a container's stop sends): as for Ctrl-C"""

CREDENTIALS_HELP = f"""\
credentials: --client-id/--client-secret, --token or --basic-auth, else the environment:
  {_config.ENV_BASE_URL}, {_config.ENV_CLIENT_ID}, {_config.ENV_CLIENT_SECRET}, {_config.ENV_TOKEN}
  (prefer the environment for secrets: command lines are visible to other users)"""

# Columns of a table on a terminal, and the widest cell.
_TABLE_COLUMNS = 8
_CELL_WIDTH = 40
# A progress line on a terminal is redrawn in place; elsewhere it is printed on status
# changes only, so that a log of an hour-long sync stays short.
_PROGRESS_WIDTH = 79

_Formatter = argparse.RawDescriptionHelpFormatter

# Help for the parameters of the client's methods, by name (a parameter not here gets
# none, beyond its choices and default).
_HELP = {
    "page_size": "items per request, 1 to 100",
    "cursor": "resume a listing from a page's cursor",
    "order_by": "createdAt|ASC, createdAt|DESC, updatedAt|ASC or updatedAt|DESC",
    "workspace_ids": "only in this workspace; repeat for more than one",
    "include_deleted": "include deleted ones too",
    "created_at_start": "created at or after this ISO 8601 date-time",
    "created_at_end": "created at or before this ISO 8601 date-time",
    "updated_at_start": "updated at or after this ISO 8601 date-time",
    "updated_at_end": "updated at or before this ISO 8601 date-time",
}

# What POST /jobs starts: the public API refuses "refresh" (422).
_STARTABLE_JOB_TYPES = tuple(t.value for t in JobType if t is not JobType.REFRESH)


class _UsageError(Exception):
    """A command line that cannot be carried out (exit code 2)."""


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds; got {text}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1; got {value}")
    return value


# -- the parser ------------------------------------------------------------------------


def _add_connection_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """Options every API command takes, before or after the command's name.

    On the subcommands their default is SUPPRESS, so that a value given before the
    command name is not overwritten by the subcommand's default.
    """

    def default(value: Any) -> Any:
        return value if top else argparse.SUPPRESS

    group = parser.add_argument_group("connection and output")
    group.add_argument(
        "--base-url",
        default=default(None),
        help=f"the API's base URL (default ${_config.ENV_BASE_URL}, else Airbyte Cloud; "
        f"self-managed: {_config.SELF_MANAGED_EXAMPLE})",
    )
    group.add_argument(
        "--client-id", default=default(None), help=f"default ${_config.ENV_CLIENT_ID}"
    )
    group.add_argument(
        "--client-secret",
        default=default(None),
        help=f"default ${_config.ENV_CLIENT_SECRET} (better: use the environment)",
    )
    group.add_argument(
        "--token", default=default(None), help=f"a bearer token (default ${_config.ENV_TOKEN})"
    )
    group.add_argument(
        "--basic-auth",
        default=default(None),
        metavar="USER[:PASSWORD]",
        help="HTTP Basic, for older self-managed installs (the UI's user and password); "
        "without :PASSWORD it is asked for on the terminal",
    )
    group.add_argument(
        "--format",
        choices=("auto", "json", "table"),
        default=default("auto"),
        help="json: one JSON object per line; table: for people; auto (default): a table "
        "on a terminal, JSON lines otherwise",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=default(False),
        help="log every request on stderr and show tracebacks",
    )


def _resources() -> dict[str, Any]:
    """The client's resources that have ``list`` or ``get``, by attribute name.

    Read from a client that is never used (no credentials, no session), so that the
    resources the client gains later show up here by themselves.
    """
    probe = AirbyteClient(base_url="http://127.0.0.1", token="-")
    found: dict[str, Any] = {}
    for name in sorted(dir(probe)):
        if name.startswith("_"):
            continue
        value = getattr(probe, name, None)
        if isinstance(value, Resource) and any(
            callable(getattr(value, verb, None)) for verb in ("list", "get")
        ):
            found[name] = type(value)
    return found


@dataclass(frozen=True)
class _Kind:
    """What a parameter's type asks of the command line (from its real annotation)."""

    convert: Callable[[str], Any] = str
    flag: bool = False  # a bool: --name / --no-name
    repeated: bool = False  # a list or iterable: --singular, repeatable
    choices: tuple[str, ...] | None = None  # an enum: its known values


def _kind(hint: Any) -> _Kind:
    """The command-line kind of a type hint (``int | None``, ``Iterable[str]``, an enum)."""
    if hint is inspect.Parameter.empty:
        return _Kind()
    members = typing.get_args(hint) if _is_union(hint) else (hint,)
    members = tuple(m for m in members if m is not type(None))
    if bool in members:
        return _Kind(flag=True)
    for member in members:
        origin = typing.get_origin(member)
        if origin in (list, tuple, set, frozenset) or (
            isinstance(origin, type) and issubclass(origin, abc.Iterable) and origin is not str
        ):
            element = (typing.get_args(member) or (str,))[0]
            return dataclasses.replace(_kind(element), repeated=True)
    for member in members:
        if isinstance(member, type) and issubclass(member, enum.Enum):
            return _Kind(choices=tuple(str(m.value) for m in member))
    if str not in members:
        for scalar in (int, float):
            if scalar in members:
                return _Kind(convert=scalar)
    return _Kind()


def _is_union(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType)


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") else name


def _parameters(method: Callable[..., Any]) -> list[tuple[inspect.Parameter, Any]]:
    """The parameters of a method (bound or not, without ``self``) with their types."""
    hints = typing.get_type_hints(method)
    return [
        (p, hints.get(p.name, inspect.Parameter.empty))
        for p in inspect.signature(method).parameters.values()
        if p.name != "self"
    ]


def _is_positional(parameter: inspect.Parameter) -> bool:
    return parameter.kind is parameter.POSITIONAL_ONLY or (
        parameter.kind is parameter.POSITIONAL_OR_KEYWORD
        and parameter.default is inspect.Parameter.empty
    )


def _add_method_arguments(
    parser: argparse.ArgumentParser, method: Callable[..., Any], resource: str
) -> None:
    """Arguments for the method's parameters; each ``dest`` is the parameter's name."""
    parameters = _parameters(method)
    positionals = [p for p, _hint in parameters if _is_positional(p)]
    for parameter, hint in parameters:
        kind = _kind(hint)
        required = parameter.default is inspect.Parameter.empty
        if _is_positional(parameter):
            # A lone id is named after the resource (SOURCE_ID, not the generic ITEM_ID
            # or CONNECTOR_ID of a shared base), as the errors about it name it.
            lone_id = len(positionals) == 1 and parameter.name.endswith("_id")
            name = f"{_singular(resource)}_id" if lone_id else parameter.name
            parser.add_argument(
                parameter.name,
                metavar=name.upper(),
                type=kind.convert,
                choices=kind.choices,
            )
            continue
        if parameter.kind is not parameter.KEYWORD_ONLY:
            continue
        described = _HELP.get(parameter.name)
        if kind.flag:
            parser.add_argument(
                _option(parameter.name),
                dest=parameter.name,
                action=argparse.BooleanOptionalAction,
                default=bool(parameter.default) if not required else False,
                help=described,
            )
        elif kind.repeated:
            singular = _singular(parameter.name)
            parser.add_argument(
                _option(singular),
                dest=parameter.name,
                action="append",
                type=kind.convert,
                choices=kind.choices,
                required=required,
                metavar=singular.upper(),
                help=described or "repeat for more than one",
            )
        else:
            default = None if required or parameter.default is None else parameter.default
            if kind.choices:
                described = f"{described or 'one of'}: {', '.join(kind.choices)}"
            if default is not None:
                described = f"{described or ''} (default {default})".lstrip()
            parser.add_argument(
                _option(parameter.name),
                dest=parameter.name,
                type=kind.convert,
                choices=kind.choices,
                required=required,
                metavar=parameter.name.upper(),
                help=described,
            )


def _fill(text: str) -> str:
    """Paragraphs wrapped for a terminal (the formatter keeps text as given, for epilogs)."""
    return "\n\n".join(textwrap.fill(" ".join(p.split()), 79) for p in text.split("\n\n"))


def _verbs(name: str, resource: Any) -> list[str]:
    """The verbs the command line offers for a resource."""
    verbs = [v for v in ("list", "get") if callable(getattr(resource, v, None))]
    return [*verbs, "run", "wait", "cancel"] if name == "jobs" else verbs


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aiobyte",
        description="The asynchronous client for the Airbyte public API, on the command line.",
        epilog=f"{CREDENTIALS_HELP}\n\n{EXIT_CODES_HELP}",
        formatter_class=_Formatter,
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"aiobyte {__version__}")
    _add_connection_options(parser, top=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def leaf(
        group: Any, name: str, help: str, *, description: str | None = None, epilog: str = ""
    ) -> argparse.ArgumentParser:
        command: argparse.ArgumentParser = group.add_parser(
            name,
            help=help,
            description=_fill(description or help),
            epilog=epilog or CREDENTIALS_HELP,
            formatter_class=_Formatter,
        )
        _add_connection_options(command, top=False)
        return command

    leaf(commands, "health", "check that the API answers (needs no credentials)")

    for name, resource in _resources().items():
        command_name = name.replace("_", "-")
        label = name.replace("_", " ")
        offered = _verbs(name, resource)
        group_parser = commands.add_parser(
            command_name,
            aliases=[name] if name != command_name else [],
            help=f"{label}: {', '.join(offered)}",
            description=f"{label.capitalize()} of the Airbyte API: {', '.join(offered)}. "
            f"'aiobyte {command_name} VERB --help' tells more.",
            formatter_class=_Formatter,
        )
        verbs = group_parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        if "list" in offered:
            listing = leaf(
                verbs,
                "list",
                f"list {label}, every page (--limit to stop early)",
                description=f"List {label}, following every page, as JSON lines (one "
                "object per line, the API's field names) or, on a terminal, as a table.",
            )
            _add_method_arguments(listing, resource.list, name)
            if "limit" not in inspect.signature(resource.list).parameters:
                listing.add_argument(
                    "--limit", type=int, metavar="N", help="stop after N items (default: all)"
                )
        if "get" in offered:
            getting = leaf(verbs, "get", f"get one {_singular(label)} by its id and print it")
            _add_method_arguments(getting, resource.get, name)
        if name == "jobs":
            _add_job_commands(verbs, leaf)

    demo = commands.add_parser(
        "demo",
        help="run aiobyte's main job against an embedded fake Airbyte",
        description="Start a fake Airbyte on 127.0.0.1, seed workspaces, fan out over "
        "them, run syncs concurrently with live progress and print a summary.",
    )
    demo.add_argument(
        "--workspaces",
        type=_positive_int,
        default=6,
        metavar="N",
        help="workspaces to seed, at least 1 (default 6)",
    )
    demo.add_argument("--fast", action="store_true", help="shorter syncs (for smoke tests)")

    from .testing._serve import add_arguments as add_fake_server_arguments

    fake = commands.add_parser(
        "fake-server",
        help="serve the fake Airbyte on 127.0.0.1 for any client to use",
        description="Serve the fake Airbyte API with seeded demo data until interrupted, "
        "and print the base URL, credentials and ids to use with it.",
    )
    add_fake_server_arguments(fake)
    return parser


def _add_job_commands(verbs: Any, leaf: Callable[..., argparse.ArgumentParser]) -> None:
    epilog = f"{CREDENTIALS_HELP}\n\n{EXIT_CODES_HELP}"
    run = leaf(
        verbs,
        "run",
        "start a job (a sync by default) on a connection",
        description="Start a job on a connection and print it. With --wait, show its "
        "progress on stderr (status, elapsed time, rows and bytes) until it ends, print "
        "it as it ended, and tell the outcome by the exit code.",
        epilog=epilog,
    )
    run.add_argument("connection_id", metavar="CONNECTION_ID")
    run.add_argument(
        "--job-type",
        default=JobType.SYNC.value,
        choices=_STARTABLE_JOB_TYPES,
        help="sync (default), reset or clear (the public API refuses to start a refresh)",
    )
    _add_wait_options(run, with_flag=True)

    wait = leaf(
        verbs,
        "wait",
        "show a job's progress until it ends",
        description="Show a job's progress on stderr until it ends, print it as it ended, "
        "and tell the outcome by the exit code.",
        epilog=epilog,
    )
    wait.add_argument("job_id", metavar="JOB_ID", type=int)
    _add_wait_options(wait, with_flag=False)

    cancel = leaf(verbs, "cancel", "cancel a running job and print it")
    cancel.add_argument("job_id", metavar="JOB_ID", type=int)


def _add_wait_options(parser: argparse.ArgumentParser, *, with_flag: bool) -> None:
    if with_flag:
        parser.add_argument(
            "--wait", action="store_true", help="wait for the job to end, showing its progress"
        )
    parser.add_argument(
        "--timeout",
        type=_positive_seconds,
        metavar="S",
        help="give up waiting after S seconds (exit code 3; the job goes on running)",
    )
    parser.add_argument(
        "--poll-interval",
        type=_positive_seconds,
        default=_config.JOB_WATCH_INTERVAL,
        metavar="S",
        help=f"seconds between polls (default {_config.JOB_WATCH_INTERVAL:g})",
    )
    parser.add_argument(
        "--cancel-on-interrupt",
        action="store_true",
        help="on Ctrl-C or SIGTERM, cancel the job before exiting (exit code 130 or 143 "
        "still); without it the job goes on running on the server, and how to cancel it "
        "is printed",
    )


# -- output ----------------------------------------------------------------------------


class _Output:
    def __init__(self, out: TextIO, err: TextIO, mode: str) -> None:
        self.out = out
        self.err = err
        self.table = mode == "table" or (mode == "auto" and isatty(out))

    def items(self, items: list[Any]) -> None:
        """Items already fetched, as a table or JSON lines."""
        if self.table:
            self.out.write(_table([msgspec.to_builtins(item) for item in items]))
        else:
            for item in items:
                self.line(item)
        self.out.flush()

    def line(self, item: Any) -> None:
        self.out.write(printable_json(msgspec.json.encode(item).decode()) + "\n")

    def one(self, item: Any) -> None:
        if self.table:
            text = msgspec.json.format(msgspec.json.encode(item), indent=2).decode()
            self.out.write(printable_json(text) + "\n")
        else:
            self.line(item)
        self.out.flush()


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    text = " ".join(printable(text).split(" "))
    return text if len(text) <= _CELL_WIDTH else text[: _CELL_WIDTH - 1] + "…"


def _table(rows: list[Any]) -> str:
    if not rows:
        return "(none)\n"
    if not all(isinstance(row, dict) for row in rows):
        return "".join(_cell(row) + "\n" for row in rows)
    columns: list[str] = []
    for row in rows:
        for key, value in row.items():
            scalar = value is None or isinstance(value, (str, int, float, bool))
            if scalar and key not in columns:
                columns.append(key)
    columns = [c for c in columns if any(row.get(c) not in (None, "") for row in rows)]
    # The object's own id (its first id field) and its name first, other objects' ids
    # last: what a person reads a listing for.
    own_id = next((c for c in columns if c.endswith("Id")), None)
    columns.sort(
        key=lambda c: 0 if c == own_id else 1 if c == "name" else 3 if c.endswith("Id") else 2
    )
    columns = columns[:_TABLE_COLUMNS]
    cells = [[_cell(row.get(column)) for column in columns] for row in rows]
    widths = [max(len(column), *(len(r[i]) for r in cells)) for i, column in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines) + "\n"


def _format_elapsed(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class _Progress:
    """The live progress line of a job on stderr."""

    def __init__(self, err: TextIO, clock: Clock) -> None:
        self.err = err
        self.clock = clock
        self.live = isatty(err)
        self.started = clock.monotonic()
        self.status: str | None = None
        self.ended = False

    def show(self, job: Job) -> None:
        text = (
            f"job {job.job_id} {job.status.value:<10} "
            f"{_format_elapsed(self.clock.monotonic() - self.started)}  "
            f"{job.rows_synced or 0:,} rows  {format_bytes(job.bytes_synced)}"
        )
        text = printable(text)  # an unknown status is the server's own text
        if self.live:
            self.err.write("\r" + text[:_PROGRESS_WIDTH].ljust(_PROGRESS_WIDTH))
        elif job.status.value != self.status:
            self.err.write(text + "\n")
        self.status = job.status.value
        self.err.flush()

    def end(self) -> None:
        """End the live line (once: what follows starts on a line of its own)."""
        if self.live and self.status is not None and not self.ended:
            self.err.write("\n")
            self.err.flush()
        self.ended = True


# -- running a command -----------------------------------------------------------------


def _client(args: argparse.Namespace, clock: Clock | None) -> AirbyteClient:
    options: dict[str, Any] = {"base_url": args.base_url, "clock": clock}
    env = os.environ
    if args.token:
        options["token"] = args.token
    elif args.basic_auth:
        options["auth"] = _basic_auth(args.basic_auth)
    elif args.client_id or args.client_secret:
        options["client_id"] = args.client_id or env.get(_config.ENV_CLIENT_ID)
        options["client_secret"] = args.client_secret or env.get(_config.ENV_CLIENT_SECRET)
    try:
        return AirbyteClient(**options)
    except ValueError:
        if args.command != "health":
            raise
    # The health check needs no credentials: a provider that is never asked.
    return AirbyteClient(base_url=args.base_url, auth=TokenProvider(_no_token), clock=clock)


def _basic_auth(given: str) -> BasicAuth:
    """``USER:PASSWORD``, or ``USER`` with the password asked for on the terminal."""
    username, colon, password = given.partition(":")
    if not username:
        raise _UsageError("--basic-auth needs a user name: --basic-auth USER[:PASSWORD]")
    if not colon:
        if not isatty(sys.stdin):
            raise _UsageError(
                "--basic-auth USER asks for the password on a terminal, and there is none: "
                "give --basic-auth USER:PASSWORD"
            )
        password = getpass.getpass(f"password for {username}: ")
    return BasicAuth(username, password)


async def _no_token() -> str:
    raise ValueError("no credentials given")


def _call_arguments(
    args: argparse.Namespace, method: Callable[..., Any]
) -> tuple[list[Any], dict[str, Any]]:
    """The method's arguments from the parsed command line (see _add_method_arguments)."""
    positional: list[Any] = []
    keywords: dict[str, Any] = {}
    for parameter, _hint in _parameters(method):
        if not hasattr(args, parameter.name):
            continue
        value = getattr(args, parameter.name)
        if _is_positional(parameter):
            positional.append(parameter.default if value is None else value)
        elif value is not None:
            keywords[parameter.name] = value
    return positional, keywords


async def _list(resource: Any, args: argparse.Namespace, output: _Output) -> int:
    positional, keywords = _call_arguments(args, resource.list)
    limit = getattr(args, "limit", None)
    if limit is not None and limit < 0:
        raise _UsageError("--limit must not be negative")
    produced = resource.list(*positional, **keywords)
    if hasattr(produced, "__aiter__"):
        items: list[Any] = []
        async for item in produced:
            if limit is not None and len(items) >= limit:
                break  # a pager left early holds nothing open
            items.append(item)
            if not output.table:
                output.line(item)  # JSON lines are streamed: they need no column widths
    else:
        answer = await produced
        items = list(answer) if isinstance(answer, (list, tuple)) else [answer]
        items = items if limit is None else items[:limit]
        if not output.table:
            for item in items:
                output.line(item)
    if output.table:
        output.items(items)
    output.out.flush()
    return ExitCode.OK


async def _get(resource: Any, args: argparse.Namespace, output: _Output) -> int:
    positional, keywords = _call_arguments(args, resource.get)
    output.one(await resource.get(*positional, **keywords))
    return ExitCode.OK


async def _follow(
    client: AirbyteClient, job: Job, args: argparse.Namespace, output: _Output, clock: Clock
) -> int:
    """Show the job's progress until it ends; the exit code tells how it ended.

    Interrupted (Ctrl-C or SIGTERM cancels the command's task), it says which job goes
    on running and how to cancel it, or with ``--cancel-on-interrupt`` cancels it first.
    """
    progress = _Progress(output.err, clock)
    last = job
    try:
        if job.status in FINAL_STATUSES:
            progress.show(job)
        else:
            async for last in client.jobs.watch(
                job.job_id, poll_interval=args.poll_interval, timeout=args.timeout
            ):
                progress.show(last)
    except (asyncio.CancelledError, anyio.get_cancelled_exc_class(), KeyboardInterrupt):
        progress.end()
        await _interrupted(client, last, args, output.err)
        raise
    finally:
        progress.end()
    output.one(last)
    if last.status is JobStatus.SUCCEEDED:
        return ExitCode.OK
    return ExitCode.JOB_FAILED


async def _interrupted(
    client: AirbyteClient, job: Job, args: argparse.Namespace, err: TextIO
) -> None:
    """What becomes of the job the command was waiting for when it is interrupted."""
    if job.status in FINAL_STATUSES:
        return
    if args.cancel_on_interrupt:
        cancelled = await _cancel_shielded(client, job.job_id)
        if cancelled is not None:
            err.write(f"aiobyte: cancelled job {job.job_id} ({cancelled.status.value})\n")
            err.flush()
            return
        err.write(f"aiobyte: could not cancel job {job.job_id}: it may still be running\n")
    else:
        err.write(f"aiobyte: job {job.job_id} goes on running on the server\n")
    err.write(
        f"  cancel it with: aiobyte jobs cancel {job.job_id}\n"
        f"  or wait for it again: aiobyte jobs wait {job.job_id}\n"
    )
    err.flush()


async def _cancel_shielded(client: AirbyteClient, job_id: int) -> Job | None:
    """Cancel the job, shielded from the interrupt, within JOB_CANCEL_TIMEOUT; None if
    that failed (the reason is logged by --debug's handler, never raised)."""
    cancelling = asyncio.ensure_future(client.jobs.cancel(job_id))
    with anyio.CancelScope(shield=True):
        await asyncio.wait([cancelling], timeout=_config.JOB_CANCEL_TIMEOUT)
    if not cancelling.done():
        cancelling.cancel()
        return None
    if cancelling.exception() is not None:
        logging.getLogger("aiobyte").debug("cancelling job %d: %s", job_id, cancelling.exception())
        return None
    return cancelling.result()


async def _start_job(client: AirbyteClient, args: argparse.Namespace, err: TextIO) -> Job:
    """``POST /jobs``, seen through to its answer even when interrupted meanwhile (a job
    started then is reported, or cancelled, like one being waited for)."""
    starting = asyncio.ensure_future(client.jobs.create(args.connection_id, job_type=args.job_type))
    try:
        return await asyncio.shield(starting)
    except BaseException:
        if not starting.done():
            with anyio.CancelScope(shield=True):
                await asyncio.wait([starting], timeout=_config.JOB_CANCEL_TIMEOUT)
        if not starting.done():
            starting.cancel()
            err.write(
                f"aiobyte: a job may have been started on connection {args.connection_id}; "
                f"see: aiobyte jobs list --connection-id {args.connection_id} --limit 1\n"
            )
        elif not starting.cancelled() and starting.exception() is None and args.wait:
            await _interrupted(client, starting.result(), args, err)
        raise


async def _api_command(args: argparse.Namespace, output: _Output, clock: Clock | None) -> int:
    async with _client(args, clock) as client:
        if args.command == "health":
            await client.health.check()
            if output.table:
                output.out.write(f"ok: {client.base_url} answers\n")
            else:
                output.line({"healthy": True, "baseUrl": client.base_url})
            return ExitCode.OK
        resource = getattr(client, args.command.replace("-", "_"))
        verb = args.verb
        if verb == "list":
            return await _list(resource, args, output)
        if verb == "get":
            return await _get(resource, args, output)
        if verb == "cancel":
            output.one(await client.jobs.cancel(args.job_id))
            return ExitCode.OK
        follow_clock = clock or SystemClock()
        if verb == "wait":
            job = await client.jobs.get(args.job_id)
            return await _follow(client, job, args, output, follow_clock)
        if verb == "run":
            job = await _start_job(client, args, output.err)
            if not args.wait:
                output.one(job)
                return ExitCode.OK
            return await _follow(client, job, args, output, follow_clock)
    raise _UsageError(f"unknown command {args.command} {verb}")


def _join_credentials(arguments: list[str]) -> list[str]:
    """``--client-secret VALUE`` as ``--client-secret=VALUE``.

    A generated secret or token may start with "-", which argparse would otherwise
    take for an option (and then report it missing, or worse, print it).
    """
    joined: list[str] = []
    values = iter(arguments)
    for argument in values:
        if argument in ("--client-id", "--client-secret", "--token", "--basic-auth"):
            value = next(values, None)
            joined.append(argument if value is None else f"{argument}={value}")
        else:
            joined.append(argument)
    return joined


# Parameters of the client that the command line sets through other flags.
_CLIENT_FLAGS = {
    "base_url": "--base-url",
    "client_id": "--client-id",
    "client_secret": "--client-secret",
    "token": "--token",
    "auth": "--basic-auth",
}


def _flags(parser: argparse.ArgumentParser, arguments: list[str]) -> dict[str, str]:
    """Each ``dest`` of the command given (and its parents) with its flag or metavar."""
    names: dict[str, str] = dict(_CLIENT_FLAGS)
    current: argparse.ArgumentParser | None = parser
    remaining = [a for a in arguments if not a.startswith("-")]
    while current is not None:
        following = None
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                following = next(
                    (action.choices[a] for a in remaining if a in action.choices), None
                )
            elif action.option_strings:
                names.setdefault(action.dest, action.option_strings[0])
            elif action.dest:
                shown = str(action.metavar or action.dest.upper())
                names.setdefault(action.dest, shown)
                names.setdefault(shown.lower(), shown)  # "source_id" for an "item_id"
        current = following
    return names


def _in_flags(message: str, flags: dict[str, str]) -> str:
    """A message of the library in the command line's terms: ``workspace_ids[0] must``
    becomes ``--workspace-id must``, ``pass client_id=`` becomes ``give --client-id``."""
    for name, flag in sorted(flags.items(), key=lambda item: -len(item[0])):
        # A bare word (token, status) is a parameter only where Python syntax says so.
        follows = r"(?:\[\d+\])?=?" if "_" in name else r"(?:(?:\[\d+\])?=|\[\d+\]|(?= must))"
        message = re.sub(rf"(?<![\w-]){re.escape(name)}{follows}(?![\w(])", flag, message)
    return re.sub(r"\bpass (--)", r"give \1", message)


def _one_line(error: BaseException) -> str:
    # Lines joined at spaces, tabs and newlines; any other control character is shown.
    return printable(re.sub(r"[ \t\n]+", " ", str(error)).strip()) or type(error).__name__


async def run(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    clock: Clock | None = None,
) -> int:
    """Run the command line in the running event loop; returns the exit code.

    ``stdout``/``stderr`` default to the process's; ``clock`` is for tests.
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = _parser()
    arguments = _join_credentials(sys.argv[1:] if argv is None else list(argv))
    if not arguments:
        err.write(parser.format_help())
        return ExitCode.USAGE
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser.parse_args(arguments)
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else ExitCode.USAGE
    if args.command == "demo":
        from ._demo import run_demo

        return await run_demo(workspaces=args.workspaces, fast=args.fast, out=out)
    if args.command == "fake-server":
        from .testing._serve import serve

        return await serve(args, out, err)

    debug = bool(args.debug)
    handler: logging.Handler | None = None
    if debug:
        handler = logging.StreamHandler(err)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logging.getLogger("aiobyte").addHandler(handler)
        logging.getLogger("aiobyte").setLevel(logging.DEBUG)
    output = _Output(out, err, args.format)
    try:
        return await _api_command(args, output, clock)
    except JobTimeoutError as exc:
        if debug:
            raise
        err.write(
            f"aiobyte: {_one_line(exc)}; it goes on running "
            f"(stop it with: aiobyte jobs cancel {exc.job_id})\n"
        )
        return ExitCode.TIMEOUT
    except (ValueError, _UsageError) as exc:
        if debug:
            raise
        err.write(f"aiobyte: error: {_in_flags(_one_line(exc), _flags(parser, arguments))}\n")
        return ExitCode.USAGE
    except BrokenPipeError:
        # The reader has gone (``| head``): what is left to print is not wanted.
        return ExitCode.BROKEN_PIPE
    except AirbyteError as exc:
        if debug:
            raise
        err.write(f"aiobyte: error: {_one_line(exc)}\n")
        return ExitCode.API_ERROR
    finally:
        if handler is not None:
            logging.getLogger("aiobyte").removeHandler(handler)


async def _run_until_terminated(argv: Sequence[str] | None, received: list[int]) -> int:
    """:func:`run`, with SIGTERM doing what Ctrl-C does: it cancels the command's task
    (a job being waited for is reported, or cancelled with ``--cancel-on-interrupt``),
    and its number goes in ``received``. POSIX only: elsewhere SIGTERM is left alone."""
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()

    def terminate() -> None:
        if task is not None and not received:  # once: a second one must not cut the cancel
            received.append(signal.SIGTERM)
            task.cancel()

    try:
        loop.add_signal_handler(signal.SIGTERM, terminate)
    except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
        return await run(argv)
    try:
        return await run(argv)
    finally:
        loop.remove_signal_handler(signal.SIGTERM)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    received: list[int] = []
    try:
        code = anyio.run(lambda: _run_until_terminated(argv, received))
    except (KeyboardInterrupt, asyncio.CancelledError):
        # Ctrl-C (or SIGTERM) cancels the command's task; after Ctrl-C Python 3.11+
        # raises KeyboardInterrupt from the runner, 3.10 (no Task.uncancel) and SIGTERM
        # the CancelledError itself.
        if received:
            print("aiobyte: terminated (SIGTERM)", file=sys.stderr)
            return ExitCode.TERMINATED
        print("aiobyte: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # raised outside run(), e.g. while printing help
        code = ExitCode.BROKEN_PIPE
    if code == ExitCode.BROKEN_PIPE:
        # Python flushes stdout once more at exit, which would fail again and print
        # "Exception ignored ... BrokenPipeError": let that flush go nowhere.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
    return code


if __name__ == "__main__":
    sys.exit(main())
