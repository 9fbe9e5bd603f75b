"""The README's workflow and testing examples run, as written, against the fake Airbyte.

What runs: the fenced blocks between ``<!-- workflows:start -->`` and
``<!-- workflows:end -->``, and between ``<!-- testing:start -->`` and
``<!-- testing:end -->``, in README.md. The convention, for whoever edits them:

- A ```` ```python ```` block is executed as a module of its own. It must define
  ``async def main(...)`` or a FastAPI ``app``:
  - ``main`` is awaited with its parameters filled by name from: ``client`` (an
    ``AirbyteClient`` for the fake), ``workspace_ids``, ``workspace_id``,
    ``connection_ids``, ``connection_id``;
  - ``app`` is served with its lifespan, ``AIRBYTE_*`` pointing at the fake, and each of
    its GET routes is requested once (path parameters filled by name, as for ``main``)
    and must answer 200.
- A ```` ```python ```` block that defines tests (``def test_...``) or only pytest
  fixtures is a user's pytest file: it is run by pytest in a project of its own
  (``pytester``, the plugin from the entry point, warnings as errors) and every test
  must pass; a block of fixtures alone is that project's ``conftest.py``, run with one
  test that uses ``airbyte_client``.
- In a ```` ```sh ```` block, every line that starts with ``aiobyte`` is run through the
  command line (in-process) with ``AIRBYTE_*`` set, ``$WORKSPACE_ID`` and
  ``$CONNECTION_ID`` replaced, and must exit 0.

Each block gets a fresh fake, seeded, on a ManualClock shared with the client, so the
syncs of the examples (with their hour-long timeouts) take no real time.
"""

from __future__ import annotations

import ast
import inspect
import io
import re
import shlex
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest

import aiobyte
from aiobyte._cli import run as run_cli
from aiobyte.testing import FakeAirbyte, ManualClock

pytestmark = pytest.mark.anyio

pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parents[2] / "README.md"
START, END = "<!-- workflows:start -->", "<!-- workflows:end -->"
TESTING = "<!-- testing:start -->", "<!-- testing:end -->"


@dataclass(frozen=True)
class Block:
    language: str
    line: int
    code: str

    def __str__(self) -> str:
        return f"README.md:{self.line} ({self.language})"


def workflow_blocks(markers: tuple[str, str] = (START, END)) -> list[Block]:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(markers[0]), text.index(markers[1])
    blocks = []
    for found in re.finditer(r"^```(\w+)\n(.*?)^```$", text[start:end], re.M | re.S):
        line = text.count("\n", 0, start + found.start()) + 2
        blocks.append(Block(found.group(1), line, found.group(2)))
    return blocks


BLOCKS = workflow_blocks()
TESTING_BLOCKS = workflow_blocks(TESTING)


def other_blocks() -> list[Block]:
    """The Python blocks outside both sections ("Use", "Lists and cursors", ...)."""
    text = README.read_text(encoding="utf-8")
    inside = [(text.index(a), text.index(b)) for a, b in ((START, END), TESTING)]
    blocks = []
    for found in re.finditer(r"^```python\n(.*?)^```$", text, re.M | re.S):
        if not any(a < found.start() < b for a, b in inside):
            line = text.count("\n", 0, found.start()) + 2
            blocks.append(Block("python", line, found.group(1)))
    return blocks


OTHER_BLOCKS = other_blocks()


def is_pytest(block: Block) -> bool:
    return bool(re.search(r"^(async )?def test_|^@pytest\.fixture", block.code, re.M))


PYTHON = [b for b in BLOCKS + TESTING_BLOCKS if b.language == "python" and not is_pytest(b)]
PYTEST = [b for b in TESTING_BLOCKS if b.language == "python" and is_pytest(b)]


def test_the_workflows_section_has_examples_of_each_workflow() -> None:
    languages = [b.language for b in BLOCKS]
    assert languages.count("python") >= 4
    assert "sh" in languages
    code = "\n".join(b.code for b in BLOCKS)
    for name in ("jobs.run", "jobs.watch", "fan_out", "FastAPI", "aiobyte jobs run"):
        assert name in code


def test_the_testing_section_shows_each_way_to_use_the_fake() -> None:
    assert len(PYTEST) >= 3
    assert len([b for b in TESTING_BLOCKS if b in PYTHON]) >= 4
    code = "\n".join(b.code for b in TESTING_BLOCKS)
    for name in (
        "async with FakeAirbyte(",
        "fake.client(",
        "airbyte_client",
        "@pytest.mark.fake_airbyte(",
        "fake_airbyte_options",
        "faults.inject(",
        "probability=",
        "ManualClock()",
        "clock.advance(",
        "fake.stats.",
        "aiobyte fake-server",
        "FastAPI(",
    ):
        assert name in code, name


@dataclass
class Fixture:
    fake: FakeAirbyte
    clock: ManualClock
    values: dict[str, Any]


@pytest.fixture
async def world() -> AsyncIterator[Fixture]:
    clock = ManualClock()
    async with FakeAirbyte(clock=clock) as fake:
        seeded = fake.seed(workspaces=3, sources=2, destinations=1, connections=2, jobs=1)
        fake.plan_jobs(None, queued_for=5, duration=120, rows_per_second=500)
        for connection_id in seeded.connection_ids:
            fake.plan_jobs(connection_id, queued_for=5, duration=120, rows_per_second=500)
        async with fake.client(clock=clock) as client:
            yield Fixture(
                fake,
                clock,
                {
                    "client": client,
                    "workspace_ids": seeded.workspace_ids,
                    "workspace_id": seeded.workspace_ids[0],
                    "connection_ids": seeded.connection_ids,
                    "connection_id": seeded.connection_ids[0],
                },
            )


def _environment(fake: FakeAirbyte, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRBYTE_API_URL", fake.base_url)
    monkeypatch.setenv("AIRBYTE_CLIENT_ID", fake.client_id)
    monkeypatch.setenv("AIRBYTE_CLIENT_SECRET", fake.client_secret)


async def _serve(app: Any, values: dict[str, Any]) -> None:
    httpx = pytest.importorskip("httpx")
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://app") as http:
            routes = [r for r in app.routes if "GET" in getattr(r, "methods", ())]
            routes = [r for r in routes if not r.path.startswith(("/docs", "/openapi", "/redoc"))]
            assert routes, "the app has no GET route to try"
            for route in routes:
                path = route.path.format(**{k: values[k] for k in route.param_convertors})
                answer = await http.get(path)
                assert answer.status_code == 200, (path, answer.text)
                if "cursor" in inspect.signature(route.endpoint).parameters:
                    # A caller's bad cursor is the caller's mistake (4xx), not a crash.
                    bad = await http.get(path, params={"cursor": "not-a-cursor"})
                    assert 400 <= bad.status_code < 500, (path, bad.status_code, bad.text)


@pytest.mark.parametrize("block", PYTHON, ids=lambda b: f"line{b.line}")
async def test_python_example(
    block: Block,
    world: Fixture,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if "fastapi" in block.code:
        pytest.importorskip("fastapi")
    namespace: dict[str, Any] = {"__name__": f"readme_line{block.line}"}
    exec(compile(block.code, str(block), "exec"), namespace)
    main, app = namespace.get("main"), namespace.get("app")
    assert main is not None or app is not None, f"{block} defines neither main nor app"
    with anyio.fail_after(20):
        if main is not None:
            assert inspect.iscoroutinefunction(main), f"{block}: main must be async"
            names = inspect.signature(main).parameters
            await main(**{name: world.values[name] for name in names})
        if app is not None:
            _environment(world.fake, monkeypatch)
            await _serve(app, world.values)
    assert world.fake.stats.server_errors == []
    assert world.fake.client_secret not in capsys.readouterr().out


@pytest.mark.parametrize("block", OTHER_BLOCKS, ids=lambda b: f"line{b.line}")
async def test_snippet(block: Block, world: Fixture, capsys: pytest.CaptureFixture[str]) -> None:
    """A snippet with top-level ``await`` (as in ``python -m asyncio`` or a notebook), run
    with the names it takes as given, and the placeholder credentials of a client it
    creates filled in with the fake's, as a user fills in theirs."""
    fake = world.fake
    code = block.code.replace(
        'base_url="https://api.airbyte.com/v1"', f'base_url="{fake.base_url}"'
    )
    code = code.replace('client_id="..."', f'client_id="{fake.client_id}"')
    code = code.replace('client_secret="..."', f'client_secret="{fake.client_secret}"')
    # The snippet's own client waits on the real clock while the fake's stands still:
    # its sync ends at once, so that waiting for it takes one poll.
    fake.plan_jobs(world.values["connection_id"], queued_for=0, duration=0)
    fake.add_source(world.values["workspace_id"], source_type="s3")  # a source with no host
    given = dict(world.values)
    given["a"], given["b"] = world.values["workspace_ids"][:2]
    compiled = compile(code, str(block), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    with anyio.fail_after(20):
        result = eval(compiled, given)  # a coroutine when the snippet awaits
        if inspect.iscoroutine(result):
            await result
    assert fake.stats.server_errors == []
    assert fake.client_secret not in capsys.readouterr().out


def test_every_python_block_of_the_readme_runs() -> None:
    text = README.read_text(encoding="utf-8")
    python = [b for b in BLOCKS + TESTING_BLOCKS + OTHER_BLOCKS if b.language == "python"]
    assert len(python) == text.count("```python\n")
    assert len([b for b in BLOCKS + TESTING_BLOCKS if b.language == "python"]) == len(
        PYTHON + PYTEST
    )
    assert any("AirbyteClient(" in b.code for b in OTHER_BLOCKS)  # the "Use" block


@pytest.mark.parametrize("block", PYTEST, ids=lambda b: f"line{b.line}")
def test_pytest_example(block: Block, pytester: pytest.Pytester) -> None:
    if "fastapi" in block.code:
        pytest.importorskip("fastapi")
    pytester.makeini(
        "[pytest]\naddopts = --strict-markers -p no:cacheprovider\nfilterwarnings = error\n"
        # pytest-asyncio (in the test extra) warns at start-up without it
        "asyncio_default_fixture_loop_scope = function\n"
    )
    if re.search(r"^(async )?def test_", block.code, re.M):
        pytester.makepyfile(**{f"test_readme_line{block.line}": block.code})
    else:
        pytester.makeconftest(block.code)
        pytester.makepyfile(
            test_it="import pytest\n\n\n@pytest.mark.anyio\n"
            "async def test_it(airbyte_client):\n"
            "    await airbyte_client.workspaces.list().to_list()\n"
        )
    result = pytester.runpytest_inprocess()
    assert result.ret == 0, f"{block}:\n" + "\n".join(result.outlines[-30:])
    assert result.parseoutcomes().get("passed", 0) >= 1


@pytest.mark.parametrize(
    "block", [b for b in BLOCKS if b.language == "sh"], ids=lambda b: f"line{b.line}"
)
async def test_command_lines(block: Block, world: Fixture, monkeypatch: pytest.MonkeyPatch) -> None:
    _environment(world.fake, monkeypatch)
    commands = [line for line in block.code.splitlines() if line.startswith("aiobyte ")]
    assert commands
    for command in commands:
        command = command.replace("$WORKSPACE_ID", world.values["workspace_id"])
        command = command.replace("$CONNECTION_ID", world.values["connection_id"])
        out, err = io.StringIO(), io.StringIO()
        with anyio.fail_after(20):
            code = await run_cli(
                shlex.split(command, comments=True)[1:], stdout=out, stderr=err, clock=world.clock
            )
        assert code == 0, (command, err.getvalue())
        assert world.fake.client_secret not in out.getvalue() + err.getvalue()


async def test_the_examples_see_what_the_readme_says(world: Fixture) -> None:
    """One claim of the section checked directly: a pager's items come tagged by key."""
    client: aiobyte.AirbyteClient = world.values["client"]
    keys: list[str] = world.values["workspace_ids"]
    async with aiobyte.fan_out(
        lambda ws: client.connections.list(workspace_ids=[ws]), keys, limit=10
    ) as results:
        tagged = [(o.key, o.unwrap().workspace_id) async for o in results]
    assert len(tagged) == 2 * len(keys)
    assert all(key == workspace for key, workspace in tagged)
