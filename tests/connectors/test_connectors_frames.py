"""A configuration refused before sending leaves no connector secret in any frame local.

Error trackers record the locals of every frame of a traceback. A typed model masks its
secrets in its repr; the plain copies aiobyte makes to check and send it must not outlive
the check in a frame that the refusal's traceback (or a chained error's) goes through.
"""

from __future__ import annotations

import math
import uuid
from pathlib import Path
from types import TracebackType

import pytest

import aiobyte
from aiobyte.connectors import SourcePostgres
from aiobyte.testing import FakeAirbyte

pytestmark = pytest.mark.anyio

AIOBYTE_DIR = str(Path(aiobyte.__file__).parent)


def _frame_locals(error: BaseException) -> list[tuple[str, str]]:
    """(where, repr) of every local of every aiobyte frame of the error and its chain."""
    shown: list[tuple[str, str]] = []
    seen: set[int] = set()
    chain: BaseException | None = error
    while chain is not None and id(chain) not in seen:
        seen.add(id(chain))
        tb: TracebackType | None = chain.__traceback__
        while tb is not None:
            frame = tb.tb_frame
            if frame.f_code.co_filename.startswith(AIOBYTE_DIR):
                for name, value in frame.f_locals.items():
                    shown.append((f"{frame.f_code.co_name}.{name}", repr(value)))
            tb = tb.tb_next
        chain = chain.__cause__ or chain.__context__
    return shown


def _postgres(password: str, **changes: object) -> SourcePostgres:
    fields: dict[str, object] = {
        "host": "db.internal",
        "port": 5432,
        "database": "app",
        "username": "airbyte",
        "password": password,
    }
    fields.update(changes)
    return SourcePostgres(**fields)  # type: ignore[arg-type]  # a bad value on purpose


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"port": 99_999_999}, "does not follow the schema"),  # the schema check
        ({"jdbc_url_params": math.nan}, "no number for"),  # the JSON check
    ],
)
async def test_a_refused_typed_configuration_leaves_no_secret_in_frame_locals(
    change: dict[str, object], refusal: str
) -> None:
    password = "connector-password-" + uuid.uuid4().hex
    configuration = _postgres(password, **change)
    async with FakeAirbyte() as fake:
        [workspace] = fake.seed(workspaces=1).workspace_ids
        async with fake.client() as client:
            calls = (
                lambda: client.sources.create(
                    name="pg", workspace_id=workspace, configuration=configuration
                ),
                lambda: client.sources.replace(
                    str(uuid.uuid4()), name="pg", configuration=configuration
                ),
            )
            for call in calls:
                with pytest.raises(ValueError, match=refusal) as caught:
                    await call()
                shown = _frame_locals(caught.value)
                assert any(where.startswith("connector_configuration.") for where, _ in shown)
                for where, text in shown:
                    assert password not in text, f"the password shows in {where}: {text[:200]}"
                assert password not in str(caught.value)
        assert fake.stats.hits["POST /sources"] == 0  # nothing was sent
        assert fake.stats.hits["PUT /sources/{sourceId}"] == 0
