"""Suite-wide settings. Each area's fixtures live in its own folder's conftest.py."""

import os
from pathlib import Path

import pytest
from hypothesis import settings

# No per-example deadline: the first example pays for imports and caches, which is not what a
# property test is about (timings belong in bench/).
settings.register_profile("borne", deadline=None, max_examples=60)
settings.load_profile("borne")

#: The real DATAtourisme / OpenAgenda / Apidae / iCalendar records, in shared/ beside the checkout.
OPENDATA_DIR = Path(os.environ.get("BORNE_OPENDATA_DIR") or Path(__file__).resolve().parents[2] / "shared" / "opendata")


def pytest_configure(config):
    # Built before anything starts Django: a translation looked up before its .mo exists is cached
    # as missing for the whole run.
    from backoffice.locale_build import compile_catalogs

    compile_catalogs()


def opendata_samples() -> Path:
    """The shared samples; their absence skips a test here but fails it in CI, where they must be."""
    if not OPENDATA_DIR.is_dir():
        message = f"open-data samples not found at {OPENDATA_DIR} (set BORNE_OPENDATA_DIR)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return OPENDATA_DIR
