"""The ``aiobyte`` command line (also ``python -m aiobyte``).

``aiobyte <resource> list|get`` is built from the client itself: every resource of
:class:`AirbyteClient` with a ``list`` or ``get`` method gets a command, and each
method's parameters become arguments (positional identifiers stay positional,
``workspace_ids`` becomes a repeatable ``--workspace-id``, booleans become flags), so a
resource added to the client appears here with nothing else to write.

Output is JSON lines (the API's own field names) when stdout is not a terminal, a table
(or indented JSON for one object) when it is. Errors are one line on stderr, never a
traceback unless ``--debug``; credentials are never printed.
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import inspect
import logging
import os
import re
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import Any, TextIO

import anyio
import msgspec

from . import _config
from ._auth import TokenProvider
from ._client import AirbyteClient
from ._clock import Clock, SystemClock
from ._errors import AirbyteError, JobTimeoutError
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


EXIT_CODES_HELP = """\
exit codes:
  0    success (for jobs run --wait and jobs wait: the job succeeded)
  1    the job failed or was cancelled
  2    bad usage: invalid arguments or missing credentials
  3    gave up waiting for the job (--timeout); it goes on running on the server
  4    the API answered with an error or could not be reached
  130  interrupted (Ctrl-C)"""

CREDENTIALS_HELP = f"""\
credentials: --client-id/--client-secret or --token, else the environment:
  {_config.ENV_BASE_URL}, {_config.ENV_CLIENT_ID}, {_config.ENV_CLIENT_SECRET}, {_config.ENV_TOKEN}
  (prefer the environment for secrets: command lines are visible to other users)"""

# Columns of a table on a terminal, and the widest cell.
_TABLE_COLUMNS = 8
_CELL_WIDTH = 40
# A progress line on a terminal is redrawn in place; elsewhere it is printed on status
# changes only, so that a log of an hour-long sync stays short.
_PROGRESS_WIDTH = 79

_Formatter = argparse.RawDescriptionHelpFormatter

# Help for parameters that many list methods share.
_HELP = {
    "page_size": "items per request, 1 to 100 (default 100)",
    "cursor": "resume a listing from a page's cursor",
    "order_by": "createdAt|ASC, createdAt|DESC, updatedAt|ASC or updatedAt|DESC",
}


class _UsageError(Exception):
    """A command line that cannot be carried out (exit code 2)."""


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


def _annotation(parameter: inspect.Parameter) -> str:
    annotation = parameter.annotation
    if annotation is inspect.Parameter.empty:
        return ""
    if isinstance(annotation, str):
        return annotation
    return inspect.formatannotation(annotation)


def _scalar_type(annotation: str) -> Callable[[str], Any]:
    kinds = {part.strip() for part in annotation.split("|")}
    if "int" in kinds and "str" not in kinds:
        return int
    if "float" in kinds and "str" not in kinds:
        return float
    return str


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _parameters(method: Callable[..., Any]) -> list[inspect.Parameter]:
    """The parameters of a method, bound or not, without ``self``."""
    return [p for p in inspect.signature(method).parameters.values() if p.name != "self"]


def _add_method_arguments(parser: argparse.ArgumentParser, method: Callable[..., Any]) -> None:
    """Arguments for the method's parameters; each ``dest`` is the parameter's name."""
    for parameter in _parameters(method):
        annotation = _annotation(parameter)
        required = parameter.default is inspect.Parameter.empty
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            if required:
                parser.add_argument(
                    parameter.name,
                    metavar=parameter.name.upper(),
                    type=_scalar_type(annotation),
                )
                continue
        elif parameter.kind is not parameter.KEYWORD_ONLY:
            continue
        help_default = None if required else parameter.default
        if annotation.startswith("bool"):
            parser.add_argument(
                _option(parameter.name),
                dest=parameter.name,
                action=argparse.BooleanOptionalAction,
                default=bool(parameter.default) if not required else False,
            )
        elif "Iterable[" in annotation or "Sequence[" in annotation or "list[" in annotation:
            singular = parameter.name[:-1] if parameter.name.endswith("s") else parameter.name
            parser.add_argument(
                _option(singular),
                dest=parameter.name,
                action="append",
                required=required,
                metavar=singular.upper(),
                help="repeat for more than one",
            )
        else:
            parser.add_argument(
                _option(parameter.name),
                dest=parameter.name,
                type=_scalar_type(annotation),
                required=required,
                metavar=parameter.name.upper(),
                help=_HELP.get(parameter.name)
                or (None if help_default is None else f"default {help_default}"),
            )


def _fill(text: str) -> str:
    """Paragraphs wrapped for a terminal (the formatter keeps text as given, for epilogs)."""
    return "\n\n".join(textwrap.fill(" ".join(p.split()), 79) for p in text.split("\n\n"))


def _summary(method: Callable[..., Any]) -> str:
    """The docstring's first paragraph, as help: no markup, no "Raises ..." sentence."""
    doc = (inspect.getdoc(method) or "").split("\n\n")[0]
    doc = re.sub(r"\s*Raises [^.]*\.", "", doc.replace("``", ""))
    return " ".join(doc.split())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aiobyte",
        description="The asynchronous client for the Airbyte public API, on the command line.",
        epilog=f"{CREDENTIALS_HELP}\n\n{EXIT_CODES_HELP}",
        formatter_class=_Formatter,
    )
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
        group_parser = commands.add_parser(
            command_name,
            aliases=[name] if name != command_name else [],
            help=f"{name}: "
            + "/".join(
                v
                for v in ("list", "get", "run", "wait", "cancel")
                if hasattr(resource, v) and (name == "jobs" or v in ("list", "get"))
            ),
            description=_fill((inspect.getdoc(resource) or name).replace("``", "")),
            formatter_class=_Formatter,
        )
        verbs = group_parser.add_subparsers(dest="verb", required=True, metavar="VERB")
        if callable(getattr(resource, "list", None)):
            listing = leaf(verbs, "list", _summary(resource.list) or f"list {name}")
            _add_method_arguments(listing, resource.list)
            if "limit" not in inspect.signature(resource.list).parameters:
                listing.add_argument(
                    "--limit", type=int, metavar="N", help="stop after N items (default: all)"
                )
        if callable(getattr(resource, "get", None)):
            getting = leaf(verbs, "get", _summary(resource.get) or f"get one of {name}")
            _add_method_arguments(getting, resource.get)
        if name == "jobs":
            _add_job_commands(verbs, leaf)

    demo = commands.add_parser(
        "demo",
        help="run aiobyte's main job against an embedded fake Airbyte",
        description="Start a fake Airbyte on 127.0.0.1, seed workspaces, fan out over "
        "them, run syncs concurrently with live progress and print a summary.",
    )
    demo.add_argument("--workspaces", type=int, default=6, help="workspaces to seed (default 6)")
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
        choices=[t.value for t in JobType if t is not JobType.REFRESH],
        help="default sync",
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
        type=float,
        metavar="S",
        help="give up waiting after S seconds (exit code 3; the job goes on running)",
    )
    parser.add_argument(
        "--poll-interval",
        type=float,
        default=_config.JOB_WATCH_INTERVAL,
        metavar="S",
        help=f"seconds between polls (default {_config.JOB_WATCH_INTERVAL:g})",
    )


# -- output ----------------------------------------------------------------------------


class _Output:
    def __init__(self, out: TextIO, err: TextIO, mode: str) -> None:
        self.out = out
        self.err = err
        self.table = mode == "table" or (mode == "auto" and _isatty(out))

    def items(self, items: list[Any]) -> None:
        """Items already fetched, as a table or JSON lines."""
        if self.table:
            self.out.write(_table([msgspec.to_builtins(item) for item in items]))
        else:
            for item in items:
                self.line(item)
        self.out.flush()

    def line(self, item: Any) -> None:
        self.out.write(msgspec.json.encode(item).decode() + "\n")

    def one(self, item: Any) -> None:
        if self.table:
            self.out.write(msgspec.json.format(msgspec.json.encode(item), indent=2).decode())
            self.out.write("\n")
        else:
            self.line(item)
        self.out.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())
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


def _format_bytes(count: int | None) -> str:
    size = float(count or 0)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if size < 1000 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def _format_elapsed(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class _Progress:
    """The live progress line of a job on stderr."""

    def __init__(self, err: TextIO, clock: Clock) -> None:
        self.err = err
        self.clock = clock
        self.live = _isatty(err)
        self.started = clock.monotonic()
        self.status: str | None = None

    def show(self, job: Job) -> None:
        text = (
            f"job {job.job_id} {job.status.value:<10} "
            f"{_format_elapsed(self.clock.monotonic() - self.started)}  "
            f"{job.rows_synced or 0:,} rows  {_format_bytes(job.bytes_synced)}"
        )
        if self.live:
            self.err.write("\r" + text[:_PROGRESS_WIDTH].ljust(_PROGRESS_WIDTH))
        elif job.status.value != self.status:
            self.err.write(text + "\n")
        self.status = job.status.value
        self.err.flush()

    def end(self) -> None:
        if self.live and self.status is not None:
            self.err.write("\n")
            self.err.flush()


# -- running a command -----------------------------------------------------------------


def _client(args: argparse.Namespace, clock: Clock | None) -> AirbyteClient:
    options: dict[str, Any] = {"base_url": args.base_url, "clock": clock}
    env = os.environ
    if args.token:
        options["token"] = args.token
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


async def _no_token() -> str:
    raise ValueError("no credentials given")


def _call_arguments(
    args: argparse.Namespace, method: Callable[..., Any]
) -> tuple[list[Any], dict[str, Any]]:
    """The method's arguments from the parsed command line (see _add_method_arguments)."""
    positional: list[Any] = []
    keywords: dict[str, Any] = {}
    for parameter in _parameters(method):
        if not hasattr(args, parameter.name):
            continue
        value = getattr(args, parameter.name)
        required = parameter.default is inspect.Parameter.empty
        if parameter.kind is parameter.POSITIONAL_ONLY or (
            parameter.kind is parameter.POSITIONAL_OR_KEYWORD and required
        ):
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
    """Show the job's progress until it ends; the exit code tells how it ended."""
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
    finally:
        progress.end()
    output.one(last)
    if last.status is JobStatus.SUCCEEDED:
        return ExitCode.OK
    return ExitCode.JOB_FAILED


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
            job = await client.jobs.create(args.connection_id, job_type=args.job_type)
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
        if argument in ("--client-id", "--client-secret", "--token"):
            value = next(values, None)
            joined.append(argument if value is None else f"{argument}={value}")
        else:
            joined.append(argument)
    return joined


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split()) or type(error).__name__


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
        err.write(f"aiobyte: error: {_one_line(exc)}\n")
        return ExitCode.USAGE
    except AirbyteError as exc:
        if debug:
            raise
        err.write(f"aiobyte: error: {_one_line(exc)}\n")
        return ExitCode.API_ERROR
    finally:
        if handler is not None:
            logging.getLogger("aiobyte").removeHandler(handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    try:
        return anyio.run(lambda: run(argv))
    except KeyboardInterrupt:
        print("\naiobyte: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
