"""Fixtures of the security suite: the back office's own (a Django test database, a commune, staff
accounts, a kiosk token), so each attack runs against the same setup as the back office tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("django")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backoffice"))  # bo_helpers

from tests.backoffice.conftest import *  # noqa: E402,F403  (fixtures and the Django setup)
from tests.backoffice.conftest import _media_root  # noqa: E402,F401  (autouse: not brought in by *)
from tests.backoffice.conftest import pytest_configure as _backoffice_configure  # noqa: E402


def pytest_configure(config):
    _backoffice_configure(config)
