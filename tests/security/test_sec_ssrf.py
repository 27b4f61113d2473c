"""Server-side request forgery through an imported feed: the image URLs inside a record must not make
the back office fetch its own network, and nothing internal must come out at /api/kiosk/v1/media/."""

from __future__ import annotations

import hashlib

import pytest
from bo_helpers import jpeg_bytes
from hostile import Hostile

from backoffice.catalog.models import MediaFile
from backoffice.importers.base import ImageRef, ImportResult
from backoffice.opendata.apply import apply_result
from backoffice.opendata.images import ImageFetcher

SECRET = jpeg_bytes((32, 32), (1, 2, 3))


@pytest.fixture
def inside():
    """The town's internal network: a server that answers a real photo nobody outside should get."""
    with Hostile("127.0.0.2") as server:
        server.route("/secret.jpg", SECRET, Content_Type="image/jpeg")
        yield server


@pytest.fixture
def outside():
    """A feed's image host (on 127.0.0.1, which these tests treat as the public side by allowing it)."""
    with Hostile("127.0.0.1") as server:
        yield server


def _result(url: str, commune) -> ImportResult:
    result = ImportResult("datatourisme")
    entry = {
        "id": "datatourisme:ssrf-1",
        "kind": "place",
        "title": {"fr": "Abbaye"},
        "commune": commune.insee,
        "source": {"name": "DATAtourisme", "licence": "Licence Ouverte"},
        "updated_at": "2026-11-01T10:00:00+01:00",
    }
    result.entries.append(entry)
    result.images[entry["id"]] = [ImageRef(url=url)]
    return result.finish()


def _import(url: str, commune, allow: str = ""):
    fetcher = ImageFetcher(allow=allow)
    try:
        return apply_result(_result(url, commune), scope="feed.json", fetcher=fetcher)
    finally:
        fetcher.close()


@pytest.mark.parametrize(
    "template",
    [
        "{inside}/secret.jpg",
        "http://127.0.0.1:{port}/secret.jpg",
        "http://localhost:{port}/secret.jpg",
        "http://2130706434:{port}/secret.jpg",  # 127.0.0.2 as one number
        "http://[::ffff:127.0.0.2]:{port}/secret.jpg",
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://10.0.0.1/secret.jpg",
        "file:///etc/passwd",
    ],
)
def test_an_image_url_inside_the_network_is_never_fetched(db, commune, inside, kiosk_client, template):
    url = template.format(inside=inside.url, port=inside.server_address[1])
    report = _import(url, commune)
    assert inside.hits == []
    assert not MediaFile.objects.exists()
    assert any("internal" in p.message or "only http" in p.message for p in report.problems), report.problems
    sha = hashlib.sha256(SECRET).hexdigest()
    assert kiosk_client.get(f"/api/kiosk/v1/media/{sha}").status_code == 404


@pytest.mark.parametrize("status", [301, 302, 307])
def test_a_public_image_that_redirects_inside_is_not_followed(db, commune, inside, outside, status):
    url = outside.route("/photo.jpg", None, status, Location=inside.url + "/secret.jpg")
    report = _import(url, commune, allow="127.0.0.1")
    assert outside.hits and inside.hits == []
    assert not MediaFile.objects.exists()
    assert any("internal" in p.message for p in report.problems)


def test_an_internal_host_that_staff_listed_is_fetched(db, commune, inside):
    _import(inside.url + "/secret.jpg", commune, allow="127.0.0.2")
    assert inside.hits and MediaFile.objects.count() == 1


def test_the_setting_is_what_the_importer_uses(db, commune, inside, settings):
    settings.BORNE_FETCH_ALLOW = ""
    assert ImageFetcher().allow == ""
    settings.BORNE_FETCH_ALLOW = "127.0.0.2"
    fetcher = ImageFetcher()
    try:
        apply_result(_result(inside.url + "/secret.jpg", commune), scope="feed.json", fetcher=fetcher)
    finally:
        fetcher.close()
    assert inside.hits


@pytest.mark.parametrize("allow", ["", "127.0.0.1"])
def test_a_staff_typed_source_address_inside_the_network_is_refused(inside, allow, monkeypatch):
    from backoffice.importers import ical
    from backoffice.importers.base import FetchError

    monkeypatch.setenv("BORNE_FETCH_ALLOW", allow)
    inside.route("/agenda.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    with pytest.raises(FetchError, match="internal address"):
        ical.fetch_calendar(inside.url + "/agenda.ics")
    assert inside.hits == []
