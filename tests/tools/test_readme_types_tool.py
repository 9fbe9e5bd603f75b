"""tools/check_readme_types.py fails on an example that does not type-check, at its line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "check_readme_types.py"

README = """\
# a project

```python
import aiobyte


async def main(client: aiobyte.AirbyteClient, workspace_ids: list[str]) -> None:
    async with aiobyte.fan_out(client.workspaces.get, workspace_ids) as results:
        async for outcome in results:
            print(outcome.value.name)  # not narrowed: may be None
```

```python
ws = await client.workspaces.get(workspace_id)
print(ws.nmae)
```
"""


@pytest.mark.slow
def test_a_wrong_example_fails_at_its_readme_line(tmp_path: Path) -> None:
    if not TOOL.is_file():
        pytest.skip("tools/check_readme_types.py is not here")
    pytest.importorskip("mypy", reason="mypy is in the dev extra")
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(TOOL), "--readme", str(readme)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert 'README.md:10: error: Item "None" of "Workspace | None" has no attribute "name"' in (
        done.stdout
    )
    assert 'README.md:15: error: "Workspace" has no attribute "nmae"' in done.stdout
