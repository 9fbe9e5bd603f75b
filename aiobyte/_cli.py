"""The ``aiobyte`` command line (also ``python -m aiobyte``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import anyio

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="aiobyte",
        description="The asynchronous client for the Airbyte public API.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser(
        "demo",
        help="run aiobyte's main job against an embedded fake Airbyte",
        description="Start a fake Airbyte on 127.0.0.1, seed workspaces, fan out over "
        "them, run syncs concurrently with live progress and print a summary.",
    )
    demo.add_argument("--workspaces", type=int, default=6, help="workspaces to seed (default 6)")
    demo.add_argument("--fast", action="store_true", help="shorter syncs (for smoke tests)")

    fake = commands.add_parser(
        "fake-server",
        help="serve the fake Airbyte on 127.0.0.1 for any client to use",
        description="Serve the fake Airbyte API with seeded demo data until interrupted, "
        "and print the base URL and credentials to use with it.",
    )
    fake.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    fake.add_argument(
        "--path-prefix",
        default="/api/public/v1",
        help="API path (default /api/public/v1, like a local self-managed install)",
    )
    fake.add_argument("--workspaces", type=int, default=3, help="workspaces to seed (default 3)")
    return parser


async def _serve_fake(port: int, path_prefix: str, workspaces: int) -> int:
    from .testing import FakeAirbyte

    async with FakeAirbyte(port=port, path_prefix=path_prefix) as fake:
        fake.seed(workspaces=workspaces)
        print(f"fake Airbyte serving on {fake.base_url}")
        print(f"  AIRBYTE_API_URL={fake.base_url}")
        print(f"  AIRBYTE_CLIENT_ID={fake.client_id}")
        print(f"  AIRBYTE_CLIENT_SECRET={fake.client_secret}")
        print("  HTTP Basic: airbyte / password")
        token = fake.issue_token(3600)
        print(f"  e.g. curl -H 'Authorization: Bearer {token}' {fake.base_url}/sources")
        print("press Ctrl-C to stop", flush=True)
        await anyio.sleep_forever()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            from ._demo import run_demo

            return anyio.run(lambda: run_demo(workspaces=args.workspaces, fast=args.fast))
        if args.command == "fake-server":
            return anyio.run(_serve_fake, args.port, args.path_prefix, args.workspaces)
    except KeyboardInterrupt:
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
