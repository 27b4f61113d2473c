"""The fleet pages in French words: last contact (heartbeat or feed), content, disk, USB bundle."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation

from backoffice.catalog.models import current_seq
from backoffice.fleet import status
from backoffice.fleet.models import Kiosk

FEED = "/api/kiosk/v1/changes"
BEAT = "/api/kiosk/v1/heartbeat"


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff("administrator"))
    return client


def fleet_page(client) -> str:
    response = client.get("/admin/fleet/kiosk/status/")
    assert response.status_code == 200
    return html.unescape(re.sub(r"[ \t\r\n]+", " ", response.content.decode()))


def row_of(html: str, kiosk: Kiosk) -> str:
    return html.split(f'data-kiosk="{kiosk.pk}"', 1)[1].split("</tr>", 1)[0]


def beat(client, **payload):
    response = client.post(BEAT, json.dumps(payload), content_type="application/json")
    assert response.status_code == 200, response.content
    return response


def fresh(kiosk: Kiosk) -> Kiosk:
    return Kiosk.objects.get(pk=kiosk.pk)


def test_a_sync_without_heartbeat_shows_as_a_contact_through_the_feed(kiosk_client, kiosk_token, admin_client):
    kiosk = kiosk_token[0]
    assert "jamais" in row_of(fleet_page(admin_client), kiosk)
    assert kiosk_client.get(FEED).status_code == 200
    assert fresh(kiosk).last_feed_at is not None and fresh(kiosk).last_heartbeat is None
    row = row_of(fleet_page(admin_client), kiosk)
    assert "demande de contenu" in row and "en ligne" in row


def test_the_heartbeat_is_named_when_it_is_the_latest_contact(kiosk_client, kiosk_token, admin_client):
    kiosk_client.get(FEED)
    Kiosk.objects.filter(pk=kiosk_token[0].pk).update(last_feed_at=timezone.now() - dt.timedelta(minutes=5))
    beat(kiosk_client, version="1.2")
    row = row_of(fleet_page(admin_client), kiosk_token[0])
    assert "signal de vie" in row and "demande de contenu" not in row


def test_feed_contact_is_written_at_most_once_a_minute(kiosk_client, kiosk_token):
    kiosk = kiosk_token[0]
    recent = timezone.now() - dt.timedelta(seconds=30)
    Kiosk.objects.filter(pk=kiosk.pk).update(last_feed_at=recent)
    kiosk_client.get(FEED)
    assert fresh(kiosk).last_feed_at == recent  # walking pages: no write
    old = timezone.now() - dt.timedelta(minutes=2)
    Kiosk.objects.filter(pk=kiosk.pk).update(last_feed_at=old)
    kiosk_client.get(FEED)
    assert fresh(kiosk).last_feed_at > old


def test_a_304_is_a_contact_too(kiosk_client, kiosk_token):
    etag = kiosk_client.get(FEED)["ETag"]
    Kiosk.objects.filter(pk=kiosk_token[0].pk).update(last_feed_at=timezone.now() - dt.timedelta(minutes=3))
    before = fresh(kiosk_token[0]).last_feed_at
    assert kiosk_client.get(FEED, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert fresh(kiosk_token[0]).last_feed_at > before


def test_disk_is_shown_as_sizes_in_french(kiosk_client, kiosk_token, admin_client):
    beat(kiosk_client, disk_free=812345678, disk_total=15_987_654_321)
    row = row_of(fleet_page(admin_client), kiosk_token[0])
    with translation.override("fr"):
        free, total = filesizeformat(812345678), filesizeformat(15_987_654_321)
    assert f"{free} libres sur {total}" in row
    assert "812345678" not in row and "octets" not in row


def test_low_disk_is_in_red(kiosk_client, kiosk_token, admin_client):
    beat(kiosk_client, disk_free=100_000_000, disk_total=16_000_000_000)
    assert 'color:#c62828">' in row_of(fleet_page(admin_client), kiosk_token[0]).split('class="disk"')[1][:60]


def test_content_state_in_words_not_a_cursor(kiosk_client, kiosk_token, admin_client, make_entry):
    entry = make_entry()
    beat(kiosk_client, cursor=str(current_seq()))
    html = fleet_page(admin_client)
    assert "à jour" in row_of(html, kiosk_token[0])
    assert "Curseur" not in html and "curseur" not in html
    make_entry(title="Musée")  # the kiosk has not received it yet
    with translation.override("fr"):
        expected = status.when(entry.updated_at)
    assert f"contenu reçu jusqu'aux modifications du {expected}" in row_of(fleet_page(admin_client), kiosk_token[0])


def test_content_not_reported_yet(kiosk_token, admin_client):
    assert "pas encore indiqué par la borne" in row_of(fleet_page(admin_client), kiosk_token[0])


BUNDLE = {"name": "borne-15187.zip", "imported_at": "2026-11-20T09:30:00+01:00"}


def test_signed_and_verified_bundle(kiosk_client, kiosk_token, admin_client):
    beat(kiosk_client, bundle={**BUNDLE, "signed": True, "verified": True})
    row = row_of(fleet_page(admin_client), kiosk_token[0]).split('class="bundle"')[1].split("</td>")[0]
    with translation.override("fr"):
        when = status.when(dt.datetime.fromisoformat(BUNDLE["imported_at"]))
    assert f"borne-15187.zip, importée le {when}, signature vérifiée" in row
    assert "#b35900" not in row


def test_unsigned_bundle_is_a_warning(kiosk_client, kiosk_token, admin_client):
    beat(kiosk_client, bundle={**BUNDLE, "signed": False, "verified": False})
    row = row_of(fleet_page(admin_client), kiosk_token[0]).split('class="bundle"')[1].split("</td>")[0]
    assert "NON SIGNÉE : rien n'a été vérifié" in row and "#b35900" in row


def test_a_heartbeat_without_bundle_keeps_the_last_one(kiosk_client, kiosk_token):
    beat(kiosk_client, bundle={**BUNDLE, "signed": True, "verified": True})
    beat(kiosk_client, version="1.0")
    assert fresh(kiosk_token[0]).bundle["name"] == "borne-15187.zip"


def test_change_form_speaks_french_words(kiosk_client, kiosk_token, admin_client):
    beat(kiosk_client, disk_free=812345678, uptime=3 * 86400 + 5, bundle={**BUNDLE, "signed": False})
    html = admin_client.get(f"/admin/fleet/kiosk/{kiosk_token[0].pk}/change/").content.decode()
    assert "812345678" not in html and "259205" not in html
    assert "NON SIGNÉE" in html and "en marche depuis" in html.lower()


def test_dashboard_is_in_the_admin_menu(admin_client):
    html = admin_client.get("/admin/").content.decode()
    link = re.search(r'href="([^"]+)"[^>]*>Fréquentation des bornes', html)
    assert link, "no link to the usage dashboard on the admin's index"
    assert admin_client.get(link.group(1))["Location"] == "/dashboard/"


def test_heartbeat_history_and_counters_in_words(kiosk_client, kiosk_token, admin_client):
    beat(kiosk_client, disk_free=812345678, uptime=7200, usage={"batch_id": "b", "rows": [
        {"hour": "2026-11-26T10:00:00+01:00", "screen": "detail", "lang": "en", "category": "museum", "n": 2}
    ]})  # fmt: skip
    for url in ("/admin/fleet/heartbeat/", "/admin/fleet/heartbeat/1/change/"):
        page = html.unescape(admin_client.get(url).content.decode())
        assert "812345678" not in page and "libres" in page
    counters = html.unescape(admin_client.get("/admin/fleet/usagecounter/").content.decode())
    assert "Fiches" in counters and "Anglais" in counters and ">detail<" not in counters
