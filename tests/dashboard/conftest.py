"""Fixtures for the usage dashboard tests (pytest-django): two kiosks with tokens, staff and a shopkeeper."""

from __future__ import annotations

import os
import tempfile

import pytest

pytest.importorskip("django")
pytest.importorskip("pytest_django")

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
os.environ.setdefault("BORNE_DATA_DIR", tempfile.mkdtemp(prefix="borne-bo-test-"))


def pytest_configure(config):
    import django

    django.setup()


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TIME_ZONE = "Europe/Paris"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def commune(db):
    from backoffice.catalog.models import Commune

    return Commune.objects.create(insee="15187", name="Saint-Flour")


@pytest.fixture
def kiosks(db, commune):
    """``{"mairie": (kiosk, token), "gare": (kiosk, token)}``."""
    from backoffice.fleet.models import Kiosk

    out = {}
    for name in ("mairie", "gare"):
        kiosk = Kiosk.objects.create(name=f"Borne {name}", commune=commune)
        out[name] = (kiosk, kiosk.issue_token())
    return out


@pytest.fixture
def post_heartbeat(client):
    """``post_heartbeat(token, batch_id, rows)`` through the real endpoint; returns the JSON answer."""

    def post(token: str, batch_id: str, rows: list[dict]) -> dict:
        response = client.post(
            "/api/kiosk/v1/heartbeat",
            data={"version": "0.1.0", "usage": {"batch_id": batch_id, "rows": rows}},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 200, response.content
        return response.json()

    return post


@pytest.fixture
def staff_client(client, db):
    from django.contrib.auth.models import User

    user = User.objects.create_user("elu", "elu@mairie.example", "s3cret-pass!", is_staff=True)
    client.force_login(user)
    return client


@pytest.fixture
def shopkeeper_client(client, db):
    from django.contrib.auth.models import User

    user = User.objects.create_user("boulanger", "pain@example.org", "s3cret-pass!")
    client.force_login(user)
    return client
