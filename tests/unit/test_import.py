"""Importing aiobyte stays cheap: aiohttp (most of the import time) loads on first use."""

from __future__ import annotations

import subprocess
import sys


def test_import_does_not_load_aiohttp() -> None:
    code = (
        "import sys, aiobyte\n"
        "client = aiobyte.AirbyteClient('http://127.0.0.1:9/v1', token='t')\n"
        "print('aiohttp' in sys.modules)\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert shown.stdout.strip() == "False"
