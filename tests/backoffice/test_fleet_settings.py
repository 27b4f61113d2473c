"""Per-kiosk settings shipped in the feed (``settings``), and what the heartbeat brings back
(screen power, update result, a screenshot on demand)."""

import base64
import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from content.kiosk_settings import KioskSettingsUpdate

URL = "/api/kiosk/v1/changes"
HB = "/api/kiosk/v1/heartbeat"


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 48), (20, 60, 120)).save(out, "JPEG")
    return out.getvalue()


def test_the_feed_carries_the_kiosks_settings_and_their_change_moves_the_etag(kiosk_client, kiosk_token):
    kiosk = kiosk_token[0]
    first = kiosk_client.get(URL)
    settings = first.json()["settings"]
    assert settings == {"screen": None, "idle_seconds": None, "languages": None, "pin": None, "release": None}
    assert kiosk_client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    kiosk.screen_schedule = True
    kiosk.screen_sun = "fermé"
    kiosk.screen_exceptions = "2026-12-25 fermé\n2026-12-24 08:00-18:00"
    kiosk.maintenance_pin, kiosk.languages, kiosk.idle_seconds = "13579", "en,de", 60
    kiosk.full_clean()
    kiosk.save()
    second = kiosk_client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    update = KioskSettingsUpdate.from_wire(second.json()["settings"])  # what the kiosk reads
    assert update.pin == "13579" and update.languages == ("fr", "en", "de") and update.idle_seconds == 60
    sunday_noon = dt.datetime(2026, 12, 6, 12, 0)
    assert not update.screen.is_on(sunday_noon)
    assert update.screen.is_on(dt.datetime(2026, 12, 24, 17, 0)) and not update.screen.is_on(
        dt.datetime(2026, 12, 24, 19, 0)
    )


def test_two_kiosks_of_one_commune_share_the_page_not_the_settings(kiosk_client, kiosk_token, commune, client):
    from backoffice.fleet.models import Kiosk

    other = Kiosk.objects.create(name="Gare", commune=commune, maintenance_pin="8642")
    token = other.issue_token()
    mine = kiosk_client.get(URL).json()
    theirs = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert mine["cursor"] == theirs["cursor"]
    assert mine["settings"]["pin"] is None and theirs["settings"]["pin"] == "8642"


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("screen_mon", "22:00-02:00", "finit avant de commencer"),
        ("screen_tue", "sept heures", "n'est pas une plage horaire"),
        ("screen_exceptions", "25/12 fermé", "n'est pas une date"),
        ("maintenance_pin", "12a4", "4 à 8 chiffres"),
        ("languages", "fr,xx", "langue inconnue"),
    ],
)
def test_bad_settings_are_refused_in_french(kiosk_token, field, value, words):
    kiosk = kiosk_token[0]
    setattr(kiosk, field, value)
    with pytest.raises(ValidationError) as caught:
        kiosk.full_clean()
    assert words in " ".join(caught.value.message_dict[field])


def test_a_screenshot_is_asked_for_once_and_stored(kiosk_client, kiosk_token):
    kiosk = kiosk_token[0]
    kiosk.screenshot_requested = True
    kiosk.save()
    answer = kiosk_client.post(HB, json.dumps({"version": "1"}), content_type="application/json").json()
    assert answer["commands"] == ["screenshot"]
    shot = {"taken_at": "2026-12-05T01:00:00+01:00", "jpeg": base64.b64encode(jpeg()).decode()}
    body = {"version": "1", "screenshot": shot, "screen": {"backend": "fake", "state": "on", "action": "on"}}
    answer = kiosk_client.post(HB, json.dumps(body), content_type="application/json").json()
    assert "commands" not in answer
    kiosk.refresh_from_db()
    assert bytes(kiosk.screenshot) == jpeg() and kiosk.screenshot_at.isoformat() == "2026-12-05T00:00:00+00:00"
    assert kiosk.screen_state["backend"] == "fake" and not kiosk.screenshot_requested


@pytest.mark.parametrize(
    "extra, words",
    [
        ({"screenshot": {"jpeg": base64.b64encode(b"GIF89a....").decode()}}, "pas une image JPEG"),
        ({"screenshot": {"jpeg": "%%%"}}, "base64"),
        ({"screen": {"state": "dim"}}, "screen.state"),
        ({"update": {"result": "maybe"}}, "update.result"),
    ],
)
def test_bad_reports_are_refused_and_nothing_is_kept(kiosk_client, kiosk_token, extra, words):
    response = kiosk_client.post(HB, json.dumps({"version": "2", **extra}), content_type="application/json")
    assert response.status_code == 400 and words in response.json()["error"]
    kiosk = kiosk_token[0]
    kiosk.refresh_from_db()
    assert kiosk.version == "" and kiosk.screenshot is None


def release_zip(version: str) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("release.json", json.dumps({"version": version}))
        zf.writestr("content/__init__.py", f'__version__ = "{version}"\n')
    return out.getvalue()


def test_a_release_is_signed_on_upload_and_reaches_only_its_group(admin_client, kiosk_client, kiosk_token):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from backoffice.catalog.bundles import bundle_key
    from backoffice.fleet.models import Release
    from content.release import verify

    data = release_zip("2.0.0")
    upload = SimpleUploadedFile("borne-2.0.0.zip", data, content_type="application/zip")
    response = admin_client.post(
        "/admin/fleet/release/add/",
        {"version": "2.0.0", "archive": upload, "group": "gare", "health_minutes": 10},
    )
    assert response.status_code == 302
    release = Release.objects.get()
    verify(bundle_key(), "2.0.0", release.sha256, release.signature)  # what the kiosk checks
    assert kiosk_client.get(URL).json()["settings"]["release"] is None  # not published yet
    admin_client.post("/admin/fleet/release/", {"action": "publish", "_selected_action": [release.pk]})
    assert kiosk_client.get(URL).json()["settings"]["release"] is None  # published, but for group "gare"
    kiosk = kiosk_token[0]
    kiosk.group = "gare"
    kiosk.save()
    shipped = kiosk_client.get(URL).json()["settings"]["release"]
    assert shipped["version"] == "2.0.0" and shipped["health_seconds"] == 600 and shipped["size"] == len(data)
    got = kiosk_client.get(f"/api/kiosk/v1/release/{release.sha256}")
    assert got.status_code == 200 and b"".join(got.streaming_content) == data
    assert Client().get(f"/api/kiosk/v1/release/{release.sha256}").status_code == 401  # a token is needed
