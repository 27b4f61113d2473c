"""The import commands, end to end: sample files of every format -> catalog entries -> what the kiosk gets."""

from __future__ import annotations

import copy
import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from opendata_helpers import jpeg_bytes

from backoffice.catalog.models import Entry, MediaFile, current_seq
from backoffice.opendata.models import ImportedRecord, ImportRun

pytestmark = pytest.mark.django_db

DT = "datatourisme"
LO = "Licence Ouverte / Etalab 2.0"
PARIS = dt.timezone(dt.timedelta(hours=1))
SUMMER = dt.timezone(dt.timedelta(hours=2))

# file -> (command, args, entry id, kind, titles, commune, (lat, city), hours or first start, attribution)
SAMPLES = {
    "datatourisme/30-0075b425-3bee-3e37-ae93-5f5a5535d1b2.json": (
        "import_datatourisme",
        [],
        "datatourisme:0075b425-3bee-3e37-ae93-5f5a5535d1b2",
        "heritage",
        {"fr": "Abbaye Sainte-Trinité de La Lucerne", "en": "Abbaye Sainte-Trinité de La Lucerne"},
        "50281",
        (48.7916655, "La Lucerne-d'Outremer"),
        "We-Sa 10:00-18:00; Su 14:00-18:00",
        ("DATAtourisme", "Attitude Manche", LO),
    ),
    "datatourisme/32-00638229-3cba-3311-ba75-b75077e31212.json": (
        "import_datatourisme",
        [],
        "datatourisme:00638229-3cba-3311-ba75-b75077e31212",
        "shop",
        {"fr": "DOMAINE DE SOUSTRES", "en": "DOMAINE DE SOUSTRES", "es": "DOMAINE DE SOUSTRES"},
        "34161",
        (43.317706, "Montady"),
        "Mo,We,Fr 14:00-18:00",
        ("DATAtourisme", "OT LA DOMITIENNE", LO),
    ),
    "datatourisme/41-000e77d6-ed98-3670-a9ea-9096e18f60b6.json": (
        "import_datatourisme",
        [],
        "datatourisme:000e77d6-ed98-3670-a9ea-9096e18f60b6",
        "heritage",
        {"fr": "ESPACE AUDIOVISUEL ACHILLE MIR"},
        "11113",
        (42.8508071, "Cucugnan"),
        "Mo-Su 10:30-12:30,14:00-19:30",
        ("DATAtourisme", "AGENCE DE DÉVELOPPEMENT TOURISTIQUE DE L'AUDE", LO),
    ),
    "datatourisme/49-00037bcf-28e4-3322-b72f-377587204703.json": (
        "import_datatourisme",
        [],
        "datatourisme:00037bcf-28e4-3322-b72f-377587204703",
        "event",
        None,
        "49328",
        (47.272283, "Saumur"),
        dt.datetime(2023, 11, 9, 0, 0, tzinfo=PARIS),
        ("DATAtourisme", "eSPRIT Pays de la Loire", LO),
    ),
    "openagenda/v2-event-single.erwane-openagenda-api.json": (
        "import_openagenda",
        ["--commune", "75056"],
        "openagenda:9906334",
        "event",
        {"fr": "Mon évènement", "en": "My event"},
        "75056",
        (48.854969, "Paris"),
        dt.datetime(2025, 1, 6, 11, 0, tzinfo=PARIS),
        ("OpenAgenda", "My agenda", "Licence Ouverte"),
    ),
    "openagenda/v2-events-list.erwane-openagenda-api.json": (
        "import_openagenda",
        ["--commune", "75056"],
        "openagenda:9906334",
        "event",
        {"fr": "Mon évènement", "en": "My event"},
        "75056",
        (48.854969, "Paris"),
        dt.datetime(2025, 1, 6, 11, 0, tzinfo=PARIS),
        ("OpenAgenda", "AgendaTradWip", "Licence Ouverte"),
    ),
    "ical/collectifprimavez-ricochets-2025.EXCERPT.ics": (
        "import_ical",
        ["--commune", "35238", "--licence", "CC BY 4.0"],
        "ical:MEC-e97399278d24e6bbf3a2d5e9c8d34262@en.collectifprimavez.com",
        "event",
        None,
        "35238",
        None,
        dt.datetime(2025, 7, 14, 19, 0, tzinfo=SUMMER),
        ("iCalendar", "", "CC BY 4.0"),
    ),
    "apidae/cos_winter.json": (
        "import_apidae",
        ["--commune", "15187"],
        "apidae:4838849",
        "shop",
        {"fr": "La Grange des huskies", "en": "La Grange des Huskies", "de": "Huskytouren Grange des Huskies"},
        "15187",
        (45.154246, None),
        None,
        ("Apidae", "Hautes Terres Tourisme", ""),
    ),
    "apidae/json_export.zip": (
        "import_apidae",
        ["--commune", "73008"],
        "apidae:4828422",
        "event",
        None,
        "73008",
        (45.644668, None),
        dt.datetime(2018, 4, 19, 20, 30, tzinfo=SUMMER),
        ("Apidae", "Office de Tourisme intercommunal Aix-les-Bains Riviera des Alpes", ""),
    ),
}


def run(command: str, *args) -> str:
    out = StringIO()
    call_command(command, *args, "--no-images", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_every_sample_file_is_covered(samples):
    found = {str(p.relative_to(samples)) for p in samples.rglob("*") if p.is_file() and p.name != "README.md"}
    assert found == set(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_imports_as_expected(samples, name):
    command, extra, key, kind, titles, commune, place, when, source = SAMPLES[name]
    run(command, str(samples / name), *extra)
    entry = Entry.objects.get(key=key)
    wire = entry.to_contract()
    assert entry.status == "published"
    assert wire["kind"] == kind
    if titles:
        assert wire["title"] == titles
    assert wire["title"]["fr"]
    assert wire["commune"] == commune
    if place:
        assert wire["place"]["lat"] == pytest.approx(place[0])
        if place[1]:
            assert wire["place"]["city"] == place[1]
    if isinstance(when, str):
        assert when in wire["opening_hours"]
    elif when is not None:
        assert dt.datetime.fromisoformat(wire["occurrences"][0]["start"]) == when
    assert (wire["source"]["name"], wire["source"]["producer"], wire["source"]["licence"]) == source
    assert ImportedRecord.objects.get(key=key).source == key.split(":")[0]
    assert ImportRun.objects.filter(ok=True).count() == 1


def test_datatourisme_event_keeps_every_day(samples):
    run("import_datatourisme", str(samples / "datatourisme/49-00037bcf-28e4-3322-b72f-377587204703.json"))
    entry = Entry.objects.get(key="datatourisme:00037bcf-28e4-3322-b72f-377587204703")
    assert entry.occurrences.count() == 537


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_second_run_changes_nothing(samples, name):
    command, extra, *_rest = SAMPLES[name]
    run(command, str(samples / name), *extra)
    before = sorted(Entry.objects.values_list("key", "seq", "updated_at", "status"))
    seq = current_seq()
    out = run(command, str(samples / name), *extra)
    assert sorted(Entry.objects.values_list("key", "seq", "updated_at", "status")) == before
    assert current_seq() == seq
    assert "0 created, 0 updated" in out


def test_a_changed_record_is_updated_in_place(samples, tmp_path):
    path = samples / "datatourisme/41-000e77d6-ed98-3670-a9ea-9096e18f60b6.json"
    run("import_datatourisme", str(path))
    entry = Entry.objects.get()
    record = json.loads(path.read_text())
    record["rdfs:label"] = {"fr": ["Espace Achille Mir"]}
    changed = tmp_path / path.name
    changed.write_text(json.dumps(record))
    out = run("import_datatourisme", str(changed))
    again = Entry.objects.get()
    assert "1 updated" in out
    assert (again.pk, again.title["fr"]) == (entry.pk, "Espace Achille Mir")
    assert again.seq > entry.seq


def _flux(samples, *names) -> dict:
    return {"@graph": [json.loads((samples / "datatourisme" / n).read_text()) for n in names]}


ABBEY = "30-0075b425-3bee-3e37-ae93-5f5a5535d1b2.json"
AUDIO = "41-000e77d6-ed98-3670-a9ea-9096e18f60b6.json"
EXPO = "49-00037bcf-28e4-3322-b72f-377587204703.json"


def test_a_record_removed_from_a_snapshot_is_withdrawn_not_deleted(samples, tmp_path, kiosk_client):
    flux = tmp_path / "flux.json"
    flux.write_text(json.dumps(_flux(samples, ABBEY, AUDIO)))
    run("import_datatourisme", str(flux))
    cursor = kiosk_client.get("/api/kiosk/v1/changes").json()["cursor"]
    flux.write_text(json.dumps(_flux(samples, ABBEY)))
    out = run("import_datatourisme", str(flux))
    gone = Entry.objects.get(key="datatourisme:000e77d6-ed98-3670-a9ea-9096e18f60b6")
    assert gone.status == "withdrawn"
    assert "withdrawn: datatourisme:000e77d6-ed98-3670-a9ea-9096e18f60b6" in out
    assert Entry.objects.get(key="datatourisme:0075b425-3bee-3e37-ae93-5f5a5535d1b2").status == "published"
    # The kiosks learn it through the feed.
    assert kiosk_client.get(f"/api/kiosk/v1/changes?since={cursor}").json()["deleted"] == [gone.key]
    # Back in the source: published again.
    flux.write_text(json.dumps(_flux(samples, ABBEY, AUDIO)))
    run("import_datatourisme", str(flux))
    gone.refresh_from_db()
    assert gone.status == "published"


def test_snapshots_of_other_scopes_do_not_withdraw_each_other(samples, tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(_flux(samples, ABBEY)))
    b.write_text(json.dumps(_flux(samples, AUDIO)))
    run("import_datatourisme", str(a), str(b))
    assert set(Entry.objects.values_list("status", flat=True)) == {"published"}


def test_scope_option_names_the_feed_across_file_names(samples, tmp_path):
    monday, tuesday = tmp_path / "flux-monday.json", tmp_path / "flux-tuesday.json"
    monday.write_text(json.dumps(_flux(samples, ABBEY, AUDIO)))
    tuesday.write_text(json.dumps(_flux(samples, ABBEY)))
    run("import_datatourisme", str(monday), "--scope", "office")
    run("import_datatourisme", str(tuesday), "--scope", "office")
    assert Entry.objects.get(key__endswith="9096e18f60b6").status == "withdrawn"


def test_openagenda_removed_event_is_withdrawn(samples, tmp_path):
    run("import_openagenda", str(samples / "openagenda/v2-event-single.erwane-openagenda-api.json"))
    removed = tmp_path / "removed.json"
    removed.write_text(json.dumps({"events": [{"uid": 9906334, "removed": True}]}))
    run("import_openagenda", str(removed))
    assert Entry.objects.get(key="openagenda:9906334").status == "withdrawn"


def test_a_record_staff_withdrew_stays_withdrawn_when_the_source_says_the_same(samples):
    path = samples / "datatourisme" / ABBEY
    run("import_datatourisme", str(path))
    entry = Entry.objects.get()
    entry.status = "withdrawn"
    entry.save()
    run("import_datatourisme", str(path))
    entry.refresh_from_db()
    assert entry.status == "withdrawn"


def test_draft_option_leaves_new_entries_for_staff(samples):
    run("import_datatourisme", str(samples / "datatourisme" / ABBEY), "--draft")
    assert Entry.objects.get().status == "draft"


# --- refusals ---------------------------------------------------------------------------------------


def test_a_file_that_is_not_json_is_refused_naming_the_file(tmp_path):
    bad = tmp_path / "flux-broken.json"
    bad.write_text('{"@graph": [ {"@id": ')
    with pytest.raises(CommandError, match=r"flux-broken\.json.*not JSON"):
        run("import_datatourisme", str(bad))
    assert not Entry.objects.exists()


def test_a_snapshot_with_a_record_without_id_is_refused_naming_the_record(samples, tmp_path):
    flux = tmp_path / "flux.json"
    data = _flux(samples, ABBEY, AUDIO)
    run("import_datatourisme", str(_write(flux, data)))
    del data["@graph"][1]["@id"]
    data["@graph"].pop(0)  # the abbey left the flux, but the withdrawals cannot be trusted
    with pytest.raises(CommandError, match=r"refused[\s\S]*#0 @id: no @id"):
        run("import_datatourisme", str(_write(flux, data)))
    assert set(Entry.objects.values_list("status", flat=True)) == {"published"}


def test_strict_refuses_a_file_with_an_unmappable_record_naming_it(samples, tmp_path):
    data = _flux(samples, ABBEY, AUDIO)
    del data["@graph"][1]["rdfs:label"]
    with pytest.raises(CommandError, match=r"datatourisme:000e77d6-ed98-3670-a9ea-9096e18f60b6 rdfs:label"):
        run("import_datatourisme", str(_write(tmp_path / "flux.json", data)), "--strict")
    assert not Entry.objects.exists()


def test_an_unmappable_record_is_reported_and_the_rest_imported(samples, tmp_path):
    data = _flux(samples, ABBEY, AUDIO)
    del data["@graph"][1]["rdfs:label"]
    out = run("import_datatourisme", str(_write(tmp_path / "flux.json", data)))
    assert "error: datatourisme:000e77d6-ed98-3670-a9ea-9096e18f60b6 rdfs:label: no title" in out
    assert "1 records not imported" in out
    assert list(Entry.objects.values_list("key", flat=True)) == ["datatourisme:0075b425-3bee-3e37-ae93-5f5a5535d1b2"]


def test_a_bad_commune_option_is_refused():
    with pytest.raises(CommandError, match="--commune 'Paris' is not an INSEE"):
        run("import_ical", "x.ics", "--commune", "Paris")


def _write(path, data):
    path.write_text(json.dumps(data))
    return path


def test_nothing_published_is_lost_when_an_import_fails_halfway(samples, tmp_path, monkeypatch):
    flux = tmp_path / "flux.json"
    first = _flux(samples, ABBEY, AUDIO)
    run("import_datatourisme", str(_write(flux, first)))
    before = sorted(Entry.objects.values_list("key", "seq", "updated_at", "status", "title"))
    second = copy.deepcopy(first)
    for record in second["@graph"]:
        record["rdfs:label"] = {"fr": ["Nouveau titre"]}
    second["@graph"].append(json.loads((samples / "datatourisme" / EXPO).read_text()))

    from backoffice.opendata import apply

    real, calls = apply.save_contract_entry, []

    def failing(data, **kwargs):
        calls.append(data["id"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(data, **kwargs)

    monkeypatch.setattr(apply, "save_contract_entry", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        run("import_datatourisme", str(_write(flux, second)))
    assert len(calls) == 2  # the first entry had been written when it failed
    assert sorted(Entry.objects.values_list("key", "seq", "updated_at", "status", "title")) == before
    failed = ImportRun.objects.filter(ok=False).get()
    assert "disk full" in failed.error
    # The records still remember the first import: a later good run works normally.
    monkeypatch.setattr(apply, "save_contract_entry", real)
    run("import_datatourisme", str(flux))
    assert Entry.objects.filter(title__fr="Nouveau titre").count() == 2


# --- images -------------------------------------------------------------------------------------------


def _rewrite_images(monkeypatch, mapping):
    """Point the importer's image references at the local server (by position in each record)."""
    from backoffice.importers import datatourisme

    real = datatourisme.import_file

    def patched(*args, **kwargs):
        result = real(*args, **kwargs)
        for rid, refs in result.images.items():
            result.images[rid] = [
                type(ref)(url=mapping[n], credit=ref.credit, licence=ref.licence, alt=ref.alt)
                for n, ref in enumerate(refs)
                if n < len(mapping)
            ]
        return result

    monkeypatch.setattr(datatourisme, "import_file", patched)


def test_images_are_downloaded_checked_and_attached(samples, image_server, monkeypatch):
    image_server.files["/photo.jpg"] = jpeg_bytes()
    _rewrite_images(monkeypatch, [image_server.url("/photo.jpg")])
    out = StringIO()
    call_command("import_datatourisme", str(samples / "datatourisme" / ABBEY), stdout=out, stderr=StringIO())
    entry = Entry.objects.get()
    media = entry.to_contract()["media"]
    assert len(media) == 1
    assert (media[0]["width"], media[0]["height"], media[0]["mime"]) == (120, 80, "image/jpeg")
    assert media[0]["credit"] == "Pinpin (https://commons.wikimedia.org/wiki/User:Pinpin) (CC BY 2.5)"
    assert media[0]["alt"] == {"fr": "France Manche abbaye lucerne de loin"}
    assert MediaFile.objects.filter(sha256=media[0]["sha256"]).exists()
    # A second run neither downloads again nor changes the entry.
    seq = entry.seq
    call_command("import_datatourisme", str(samples / "datatourisme" / ABBEY), stdout=StringIO(), stderr=StringIO())
    assert image_server.hits == ["/photo.jpg"]
    entry.refresh_from_db()
    assert entry.seq == seq


def test_a_failed_image_is_a_problem_of_its_record_not_a_failed_import(samples, image_server, monkeypatch):
    image_server.files["/photo.jpg"] = jpeg_bytes()
    image_server.files["/not-a-photo.jpg"] = b"<?php echo 'hello'; ?>"
    _rewrite_images(
        monkeypatch,
        [image_server.url("/photo.jpg"), image_server.url("/missing.jpg"), image_server.url("/not-a-photo.jpg")],
    )
    path = samples / "datatourisme/32-00638229-3cba-3311-ba75-b75077e31212.json"
    out = StringIO()
    call_command("import_datatourisme", str(path), stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "datatourisme:00638229-3cba-3311-ba75-b75077e31212 image[2]:" in text and "HTTP 404" in text
    entry = Entry.objects.get()
    assert entry.status == "published"
    assert len(entry.to_contract()["media"]) == 1
    # The failed image is tried again next time; the entry does not change while it still fails.
    seq = entry.seq
    call_command("import_datatourisme", str(path), stdout=StringIO(), stderr=StringIO())
    entry.refresh_from_db()
    assert entry.seq == seq
    assert image_server.hits.count("/missing.jpg") == 2


def test_an_oversized_image_is_refused_without_reading_it_all(samples, image_server, monkeypatch, settings):
    settings.BORNE_MAX_UPLOAD_BYTES = 1000
    image_server.files["/big.jpg"] = jpeg_bytes(size=(800, 600))
    _rewrite_images(monkeypatch, [image_server.url("/big.jpg")])
    out = StringIO()
    call_command("import_datatourisme", str(samples / "datatourisme" / ABBEY), stdout=out, stderr=StringIO())
    assert "more than the 1000 bytes" in out.getvalue()
    assert Entry.objects.get().to_contract()["media"] == []
