"""Fixtures for the back office tests (pytest-django).

DJANGO_SETTINGS_MODULE is set here (not in pyproject) so the rest of the suite never needs Django;
the data folder points at a temporary directory, and each test gets its own media folder.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("django")
pytest.importorskip("pytest_django")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
os.environ.setdefault("BORNE_DATA_DIR", tempfile.mkdtemp(prefix="borne-bo-test-"))


def pytest_configure(config):
    # The test modules import models at the top: the app registry must be ready before collection.
    import django

    django.setup()
    from backoffice.locale_build import compile_catalogs

    compile_catalogs()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKOFFICE_DIR = tmp_path / "backoffice"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def commune(db):
    from backoffice.catalog.models import Commune

    return Commune.objects.create(insee="15187", name="Saint-Flour")


@pytest.fixture
def other_commune(db):
    from backoffice.catalog.models import Commune

    return Commune.objects.create(insee="15014", name="Aurillac")


@pytest.fixture
def make_entry(db, commune):
    from backoffice.catalog.models import Entry

    def make(title="Cathédrale", status="published", kind="heritage", commune=commune, **kw):
        entry = Entry(kind=kind, title={"fr": title}, status=status, commune=commune, **kw)
        entry.full_clean()
        entry.save()
        return entry

    return make


@pytest.fixture
def kiosk_token(db, commune):
    from backoffice.fleet.models import Kiosk

    kiosk = Kiosk.objects.create(name="Place d'Armes", commune=commune)
    return kiosk, kiosk.issue_token()


@pytest.fixture
def kiosk_client(client, kiosk_token):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {kiosk_token[1]}"
    return client


@pytest.fixture
def staff(db):
    from django.contrib.auth.models import User

    from backoffice.catalog.groups import ensure_groups, role_group

    ensure_groups()

    def make(role="editor", username=None):
        user = User.objects.create_user(username or role, f"{role}@mairie.example", "s3cret-pass!", is_staff=True)
        user.groups.add(role_group(role))
        return user

    return make


# --- a real server started by the CLI, and Debian's Chromium (browser tests) ------------------------

from bo_helpers import ARGS, CHROMIUM, served  # noqa: E402


@pytest.fixture
def server(tmp_path):
    with served(tmp_path) as (url, _console):
        yield url, tmp_path


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
