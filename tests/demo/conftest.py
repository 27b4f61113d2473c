"""Fixtures of the demo town's tests: the town built for a fixed day, and a copy of its sources."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from content.demo import DEMO_DIR, load_demo

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 3, 20)  # nine days before the spring clock change: agendas straddle it
NOW = dt.datetime(2026, 3, 20, 10, 0, tzinfo=PARIS)


@pytest.fixture(scope="session")
def town():
    return load_demo(TODAY, now=NOW)


@pytest.fixture
def sources(tmp_path) -> Path:
    """A writable copy of the TOML sources; images are linked, not copied."""
    folder = tmp_path / "demo"
    folder.mkdir()
    for path in DEMO_DIR.glob("*.toml"):
        shutil.copy(path, folder / path.name)
    (folder / "images").symlink_to(DEMO_DIR / "images")
    return folder
