"""The README's connector configuration example runs, as written, against the fake."""

from __future__ import annotations

import re
import types
from pathlib import Path

import pytest

from aiobyte.testing import FakeAirbyte

pytestmark = pytest.mark.anyio

README = Path(__file__).resolve().parents[2] / "README.md"


def _blocks() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("<!-- connectors:start -->", 1)[1].split("<!-- connectors:end -->")[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


async def test_the_readme_builds_a_source_with_a_typed_configuration(
    capsys: pytest.CaptureFixture[str],
) -> None:
    [code] = _blocks()
    module = types.ModuleType("readme_connectors")
    exec(compile(code, str(README), "exec"), module.__dict__)
    async with FakeAirbyte() as fake:
        [workspace_id] = fake.seed(workspaces=1, connections=0, jobs=0).workspace_ids
        async with fake.client() as client:
            await module.main(client, workspace_id)
        assert fake.stats.hits["POST /sources"] == 1  # the one with a typo was not sent
        assert fake.stats.hits["PUT /sources/{sourceId}"] == 1
    printed = capsys.readouterr().out
    assert "password='***'" in printed
    assert "s3cr3t" not in printed
    assert "airbyte_slot" in printed
    for line in (
        "- configuration.database: required",
        "- configuration.username: required",
        "- configuration.port: expected an integer, got '5432'",
    ):
        assert line in printed
