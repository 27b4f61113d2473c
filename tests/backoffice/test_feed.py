import datetime as dt
import gzip
import json

import pytest
from bo_helpers import jpeg_bytes

from backoffice.catalog.models import Alert, Entry
from content.validation import parse_entry

URL = "/api/kiosk/v1/changes"


def walk(client, limit=2, since="", edit=None):
    """Follow ``more`` to the end; ``edit(page_number)`` runs between pages."""
    pages, page_no = [], 0
    while True:
        data = client.get(URL, {"since": since, "limit": limit}).json()
        pages.append(data)
        since = data["cursor"]
        page_no += 1
        if edit:
            edit(page_no)
        if not data["more"]:
            return pages


def ids(pages, key="entries"):
    return [e["id"] for p in pages for e in p[key]]


def test_refuses_missing_and_wrong_token(client, kiosk_token):
    assert client.get(URL).status_code == 401
    assert client.get(URL, HTTP_AUTHORIZATION="Bearer bk_nope").status_code == 401


def test_revoked_token_is_refused(kiosk_client, kiosk_token):
    assert kiosk_client.get(URL).status_code == 200
    kiosk_token[0].revoke()
    assert kiosk_client.get(URL).status_code == 401


def test_new_token_replaces_the_old(kiosk_client, kiosk_token):
    kiosk_token[0].issue_token()
    assert kiosk_client.get(URL).status_code == 401


def test_token_is_stored_hashed(kiosk_token):
    kiosk, token = kiosk_token
    kiosk.refresh_from_db()
    assert token not in kiosk.token_hash and token not in str(kiosk.__dict__)


def test_page_shape_and_entries_parse(kiosk_client, make_entry):
    make_entry(title="Cathédrale")
    data = kiosk_client.get(URL).json()
    assert set(data) >= {"schema", "entries", "alerts", "deleted", "cursor", "more"}
    assert data["schema"] == 1 and data["more"] is False
    assert [parse_entry(e).title["fr"] for e in data["entries"]] == ["Cathédrale"]


def test_paged_walk_returns_every_visible_entry_once(kiosk_client, make_entry):
    made = {make_entry(title=f"E{i}").wire_id for i in range(7)}
    make_entry(title="Draft", status="draft")
    pages = walk(kiosk_client, limit=3)
    assert sorted(ids(pages)) == sorted(made)
    assert len(pages) == 3


def test_walk_while_staff_edit_skips_nothing_and_sends_each_once(kiosk_client, make_entry):
    entries = [make_entry(title=f"E{i}") for i in range(8)]
    expected = {e.wire_id for e in entries}
    added = []

    def staff_edits(page_no):
        if page_no == 1:
            # Edit one not yet reached (moves behind the cursor's end), add a new one, publish a draft.
            later = entries[6]
            later.title = {"fr": "E6 edited"}
            later.save()
            added.append(make_entry(title="New one").wire_id)

    pages = walk(kiosk_client, limit=3, edit=staff_edits)
    got = ids(pages)
    assert sorted(got) == sorted(expected | set(added))
    assert len(got) == len(set(got))  # exactly once
    titles = {e["id"]: e["title"]["fr"] for p in pages for e in p["entries"]}
    assert titles[entries[6].wire_id] == "E6 edited"


def test_entry_edited_after_being_sent_comes_again_as_a_change(kiosk_client, make_entry):
    a = make_entry(title="A")
    first = kiosk_client.get(URL).json()
    a.title = {"fr": "A2"}
    a.save()
    second = kiosk_client.get(URL, {"since": first["cursor"]}).json()
    assert [e["title"]["fr"] for e in second["entries"]] == ["A2"]


@pytest.mark.parametrize("change", ["withdraw", "delete", "draft"])
def test_withdrawn_or_deleted_entries_become_tombstones(kiosk_client, make_entry, change):
    entry = make_entry()
    wire_id = entry.wire_id
    cursor = kiosk_client.get(URL).json()["cursor"]
    if change == "delete":
        entry.delete()
    else:
        entry.status = "withdrawn" if change == "withdraw" else "draft"
        entry.save()
    data = kiosk_client.get(URL, {"since": cursor}).json()
    assert data["deleted"] == [wire_id]
    assert data["entries"] == []


def test_commune_filter_own_and_shared_only(kiosk_client, make_entry, other_commune):
    own = make_entry(title="Own")
    shared = make_entry(title="Shared", commune=None)
    make_entry(title="Elsewhere", commune=other_commune)
    assert sorted(ids([kiosk_client.get(URL).json()])) == sorted([own.wire_id, shared.wire_id])


def test_entry_moved_to_another_commune_is_a_tombstone_for_this_kiosk(kiosk_client, make_entry, other_commune):
    entry = make_entry()
    cursor = kiosk_client.get(URL).json()["cursor"]
    entry.commune = other_commune
    entry.save()
    assert kiosk_client.get(URL, {"since": cursor}).json()["deleted"] == [entry.wire_id]


def test_alerts_for_commune_and_withdrawn_alert_tombstone(kiosk_client, commune, other_commune):
    everywhere = Alert.objects.create(level="urgent", message={"fr": "Orage"})
    mine = Alert.objects.create(level="info", message={"fr": "Marché déplacé"})
    mine.communes.add(commune)
    theirs = Alert.objects.create(level="info", message={"fr": "Ailleurs"})
    theirs.communes.add(other_commune)
    data = kiosk_client.get(URL).json()
    assert sorted(a["id"] for a in data["alerts"]) == sorted([everywhere.wire_id, mine.wire_id])
    everywhere.active = False
    everywhere.save()
    data2 = kiosk_client.get(URL, {"since": data["cursor"]}).json()
    assert data2["deleted_alerts"] == [everywhere.wire_id]


def test_expired_alerts_are_not_sent_and_withdrawn_when_they_change(kiosk_client):
    """Only live alerts travel (a back office may hold thousands of old ones); a kiosk that has one
    lets it go by itself when it expires (time filters at query time)."""
    past = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    alert = Alert.objects.create(level="info", message={"fr": "Vieux"}, starts=past, until=past + dt.timedelta(1))
    first = kiosk_client.get(URL).json()
    assert first["alerts"] == []
    alert.message = {"fr": "Vieux, corrigé"}
    alert.save()
    assert kiosk_client.get(URL, {"since": "1"}).json()["deleted_alerts"] == [alert.wire_id]


def test_etag_and_304_when_nothing_changed(kiosk_client, make_entry):
    make_entry()
    first = kiosk_client.get(URL, {"since": ""})
    etag = first["ETag"]
    again = kiosk_client.get(URL, {"since": ""}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    make_entry(title="Another")
    assert kiosk_client.get(URL, {"since": ""}, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_gzip_when_asked(kiosk_client, make_entry):
    for i in range(5):
        make_entry(title=f"Entrée numéro {i}", summary={"fr": "Un texte assez long pour compresser " * 5})
    response = kiosk_client.get(URL, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.content))["entries"]) == 5


@pytest.mark.parametrize("query", [{"since": "abc"}, {"limit": "0"}, {"limit": "100000"}, {"since": "-1"}])
def test_bad_cursor_or_limit_is_a_clear_400(kiosk_client, query):
    response = kiosk_client.get(URL, query)
    assert response.status_code == 400
    assert "since" in response.json()["error"] or "limit" in response.json()["error"]


def test_cursor_from_the_future_starts_over(kiosk_client, make_entry):
    entry = make_entry()
    data = kiosk_client.get(URL, {"since": "999999"}).json()
    assert data.get("reset") is True and ids([data]) == [entry.wire_id]


def test_media_immutable_and_304(client, db):
    from bo_helpers import jpeg_bytes

    from backoffice.catalog.images import store_image_bytes

    media = store_image_bytes(jpeg_bytes())
    response = client.get(f"/api/kiosk/v1/media/{media.sha256}")
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
    assert response["Content-Type"] == "image/jpeg"
    body = b"".join(response.streaming_content)
    import hashlib

    assert hashlib.sha256(body).hexdigest() == media.sha256
    assert client.get(f"/api/kiosk/v1/media/{media.sha256}", HTTP_IF_NONE_MATCH=f'"{media.sha256}"').status_code == 304
    assert client.get("/api/kiosk/v1/media/" + "0" * 64).status_code == 404


def test_entry_with_image_in_feed(kiosk_client, make_entry):
    from bo_helpers import jpeg_bytes

    from backoffice.catalog.images import store_image_bytes
    from backoffice.catalog.models import EntryImage

    entry = make_entry()
    media = store_image_bytes(jpeg_bytes())
    EntryImage.objects.create(entry=entry, media=media, alt={"fr": "Façade"})
    wire = kiosk_client.get(URL).json()["entries"][0]
    assert wire["media"][0]["sha256"] == media.sha256
    assert parse_entry(wire).media[0].width == media.width
    assert Entry.objects.count() == 1


def test_feed_queries_do_not_grow_with_entries(kiosk_client, make_entry, django_assert_max_num_queries):
    from backoffice.catalog.images import store_image_bytes
    from backoffice.catalog.models import EntryImage

    media = store_image_bytes(jpeg_bytes())
    for i in range(20):
        EntryImage.objects.create(entry=make_entry(title=f"E{i}"), media=media)
    with django_assert_max_num_queries(12):
        assert len(kiosk_client.get(URL).json()["entries"]) == 20


def test_same_page_for_two_kiosks_of_a_commune(client, kiosk_token, make_entry):
    from backoffice.fleet.models import Kiosk

    make_entry()
    other = Kiosk.objects.create(name="Gare", commune=kiosk_token[0].commune).issue_token()
    first = client.get(URL, HTTP_AUTHORIZATION=f"Bearer {kiosk_token[1]}").content
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {other}").content == first
