"""The distributions as PyPI would get them: built from this checkout, then read back.

The sdist and the wheel are built with hatchling (the build backend) into a temporary
directory; what a user of PyPI meets is checked in them: the license, the metadata
(project URLs, Python versions), what each one ships, and a README whose links work
outside the repository.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAME = "aiobyte"

# What the sdist's own test suite reads besides the package and the tests.
SDIST_NEEDS = ("README.md", "LICENSE", "pyproject.toml", "examples/", "tools/", "benchmarks/")


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    if not (ROOT / "pyproject.toml").is_file() or not (ROOT / ".git").exists():
        pytest.skip("builds from a git checkout (an unpacked sdist is already built)")
    pytest.importorskip("hatchling", reason="hatchling is in the test extra")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-d", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = out.glob("*.whl")
    [sdist] = out.glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def _metadata(text: str) -> dict[str, list[str]]:
    message = Parser().parsestr(text)
    fields: dict[str, list[str]] = {}
    for key, value in message.items():
        fields.setdefault(key, []).append(value)
    return fields


@pytest.mark.slow
def test_the_wheel(dist: dict[str, Path]) -> None:
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = wheel.namelist()
        [info] = {n.split("/")[0] for n in names if ".dist-info/" in n}
        license_text = wheel.read(f"{info}/licenses/LICENSE").decode()
        metadata = _metadata(wheel.read(f"{info}/METADATA").decode())
        entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    assert license_text == (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_text.startswith("MIT License")
    assert "Copyright (c) 2026 the aiobyte authors" in license_text
    assert metadata["License-Expression"] == ["MIT"]
    assert f"{NAME}/py.typed" in names
    assert f"{NAME}/testing/pytest_plugin.py" in names
    assert not [n for n in names if n.startswith(("tests/", "tools/", "benchmarks/"))]
    assert "aiobyte = aiobyte._cli:main" in entry_points
    assert "aiobyte = aiobyte.testing.pytest_plugin" in entry_points

    urls = dict(u.split(", ", 1) for u in metadata["Project-URL"])
    assert {"Homepage", "Source", "Issues"} <= set(urls)
    assert all(u.startswith("https://") for u in urls.values())
    versions = [
        c.rsplit(" :: ", 1)[1]
        for c in metadata["Classifier"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    assert versions == ["3.10", "3.11", "3.12", "3.13"]
    assert metadata["Requires-Python"] == [">=3.10"]
    assert versions[0] == metadata["Requires-Python"][0].removeprefix(">=")


@pytest.mark.slow
def test_the_sdist(dist: dict[str, Path]) -> None:
    with tarfile.open(dist["sdist"]) as sdist:
        names = [n.split("/", 1)[1] for n in sdist.getnames() if "/" in n]
        [pkg_info] = [m for m in sdist.getmembers() if m.name.endswith("/PKG-INFO")]
        extracted = sdist.extractfile(pkg_info)
        assert extracted is not None
        metadata = _metadata(extracted.read().decode())
    for needed in SDIST_NEEDS:
        assert any(n == needed or n.startswith(needed) for n in names), needed
    shipped_tests = {n for n in names if n.startswith("tests/") and n.endswith(".py")}
    in_git = subprocess.run(
        ["git", "ls-files", "tests/*.py", "tests/**/*.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert set(in_git) <= shipped_tests  # every committed test is in the sdist
    assert not [n for n in names if "/.venv/" in f"/{n}" or "__pycache__" in n]
    assert metadata["License-Expression"] == ["MIT"]


def test_the_readme_links_work_on_pypi() -> None:
    """PyPI shows the README without the repository: every link must be absolute."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)\s]+)\)", text)
    assert links
    relative = [link for link in links if not link.startswith(("https://", "http://"))]
    assert relative == []
