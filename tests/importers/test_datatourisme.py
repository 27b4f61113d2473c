import copy
import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest
from opening_hours import OpeningHours

from backoffice.importers import datatourisme
from backoffice.importers.base import ImporterError, SourceFormatError
from content.validation import parse_entry

from .conftest import load

ABBEY = "30-0075b425-3bee-3e37-ae93-5f5a5535d1b2.json"
CELLAR = "32-00638229-3cba-3311-ba75-b75077e31212.json"
CUCUGNAN = "41-000e77d6-ed98-3670-a9ea-9096e18f60b6.json"
SAUMUR = "49-00037bcf-28e4-3322-b72f-377587204703.json"


def one(result):
    assert not result.errors, result.problems
    assert len(result.entries) == 1
    return result.entries[0]


@pytest.fixture
def dt_dir(opendata) -> Path:
    return opendata / "datatourisme"


@pytest.mark.parametrize(
    ("name", "kind", "categories", "commune", "title", "lat", "lon", "producer"),
    [
        (
            ABBEY,
            "heritage",
            ["church"],
            "50281",
            "Abbaye Sainte-Trinité de La Lucerne",
            48.7916655,
            -1.4673076,
            "Attitude Manche",
        ),
        (CELLAR, "shop", ["wine-shop"], "34161", "DOMAINE DE SOUSTRES", 43.317706, 3.102811, "OT LA DOMITIENNE"),
        (
            CUCUGNAN,
            "heritage",
            [],
            "11113",
            "ESPACE AUDIOVISUEL ACHILLE MIR",
            42.8508071,
            2.6034057,
            "AGENCE DE DÉVELOPPEMENT TOURISTIQUE DE L'AUDE",
        ),
        (
            SAUMUR,
            "event",
            ["exhibition"],
            "49328",
            'EXPOSITION : "ÉMOTIONS ENFOUIES" D\'ANNA-EVA BERGE',
            47.272283,
            -0.106429,
            "eSPRIT Pays de la Loire",
        ),
    ],
)
def test_every_sample_maps(dt_dir, name, kind, categories, commune, title, lat, lon, producer):
    entry = one(datatourisme.import_file(dt_dir / name))
    uuid = name.split("-", 1)[1].removesuffix(".json")
    assert entry["id"] == f"datatourisme:{uuid}"
    assert (entry["kind"], entry["categories"], entry["commune"]) == (kind, categories, commune)
    assert entry["title"]["fr"] == title
    assert (entry["place"]["lat"], entry["place"]["lon"]) == (lat, lon)
    assert entry["source"] == {
        "name": "DATAtourisme",
        "producer": producer,
        "licence": "Licence Ouverte / Etalab 2.0",
        "url": f"https://data.datatourisme.fr/{name[:2]}/{uuid}",
    }
    assert entry["media"] == []
    parse_entry(entry)  # the wire form round-trips through the contract


def test_texts_per_language_are_plain(dt_dir):
    entry = one(datatourisme.import_file(dt_dir / ABBEY))
    assert set(entry["title"]) == {"fr", "en"}
    assert set(entry["summary"]) == {"fr", "en", "de", "es", "it", "nl"}
    assert entry["summary"]["en"].startswith("Founded in the 12th century")
    assert "Messe à 10h30 les jours de fêtes religieuses et tous les dimanches." in entry["body"]["fr"].split("\n")
    assert entry["contact"] == {
        "phone": "+33 2 33 60 58 98",
        "email": "accueil@abbaye-lucerne.fr",
        "website": "https://www.abbaye-lucerne.fr/",
    }
    assert entry["updated_at"].startswith("2023-10-06T02:14:58")


def test_french_only_record_keeps_french_only_title(dt_dir):
    entry = one(datatourisme.import_file(dt_dir / CUCUGNAN))
    assert set(entry["title"]) == {"fr"}
    assert entry["place"]["street"] == "Rue Achille Mir"
    assert entry["place"]["postcode"] == "11350"


def test_images_are_references_with_credit_and_licence(dt_dir):
    abbey = datatourisme.import_file(dt_dir / ABBEY)
    [image] = abbey.images[abbey.ids[0]]
    assert image.url == "https://upload.wikimedia.org/wikipedia/commons/c/c9/France_Manche_abbaye_lucerne_de_loin.jpg"
    assert image.credit == "Pinpin (https://commons.wikimedia.org/wiki/User:Pinpin)"
    assert image.licence == "CC BY 2.5"
    assert image.alt == {"fr": "France Manche abbaye lucerne de loin"}
    cellar = datatourisme.import_file(dt_dir / CELLAR)
    images = cellar.images[cellar.ids[0]]
    assert images[0].url == "https://cdt34.tourinsoft.com/upload/DJI-0075-2.jpg"  # the main one first
    assert len(images) == len({i.url for i in images}) == 10


# --- the wine cellar's 53 specifications ---------------------------------------------------------


def test_cellar_53_specifications_become_one_valid_osm_string(dt_dir):
    record = load(dt_dir / CELLAR)
    assert len(record["isLocatedAt"][0]["schema:openingHoursSpecification"]) == 53
    hours = one(datatourisme.import_file(dt_dir / CELLAR))["opening_hours"]
    assert hours.count(";") < 53
    OpeningHours(hours)


@pytest.mark.parametrize(
    ("when", "is_open"),
    [
        (dt.datetime(2023, 4, 12, 11, 0), True),  # Wednesday, 10:00-12:30 from Apr 08 to Apr 21
        (dt.datetime(2023, 4, 12, 13, 0), False),  # lunch break
        (dt.datetime(2023, 4, 12, 18, 30), True),  # 14:00-19:00
        (dt.datetime(2023, 4, 11, 11, 0), False),  # Tuesday: not listed for that period
        (dt.datetime(2023, 2, 6, 15, 0), True),  # Monday, 14:00-18:00 from Jan 02 to Apr 07
        (dt.datetime(2023, 2, 4, 15, 0), False),  # Saturday in the same period
        (dt.datetime(2023, 5, 10, 10, 15), False),  # Wednesday, opens at 10:30 from May 06
        (dt.datetime(2023, 5, 10, 10, 45), True),
        (dt.datetime(2023, 7, 11, 15, 0), True),  # Tuesday in summer: every day
        (dt.datetime(2023, 10, 15, 15, 0), False),  # no specification for October
    ],
)
def test_cellar_is_open_when_the_source_says(dt_dir, when, is_open):
    hours = one(datatourisme.import_file(dt_dir / CELLAR))["opening_hours"]
    assert OpeningHours(hours).is_open(when) is is_open, hours


def test_abbey_seasonal_hours(dt_dir):
    hours = OpeningHours(one(datatourisme.import_file(dt_dir / ABBEY))["opening_hours"])
    assert hours.is_open(dt.datetime(2024, 3, 6, 11))  # Wednesday, whole-year schedule
    assert not hours.is_open(dt.datetime(2024, 3, 5, 11))  # Tuesday
    assert hours.is_open(dt.datetime(2024, 4, 2, 11))  # Tuesday during the Easter week (Apr 01-07)
    assert not hours.is_open(dt.datetime(2024, 6, 9, 11))  # Sunday morning from May 06 to Jul 07
    assert hours.is_open(dt.datetime(2024, 6, 9, 15))


# --- the Saumur exhibition's 537 periods ---------------------------------------------------------


def test_saumur_537_periods_become_sorted_local_occurrences(dt_dir):
    entry = one(datatourisme.import_file(dt_dir / SAUMUR))
    occ = entry["occurrences"]
    assert len(occ) == 537
    starts = [o["start"] for o in occ]
    assert starts == sorted(starts) and len(set(starts)) == 537
    assert occ[0] == {"start": "2023-11-09T00:00:00+01:00", "end": "2023-11-09T23:59:00+01:00"}
    assert occ[-1]["start"] == "2025-04-28T00:00:00+02:00"  # summer time: the offset follows Europe/Paris
    assert entry["opening_hours"] == ""


def test_not_before_drops_past_occurrences(dt_dir):
    cut = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    entry = one(datatourisme.import_file(dt_dir / SAUMUR, not_before=cut))
    assert 0 < len(entry["occurrences"]) < 537
    assert all(o["end"] >= "2025-01-01" for o in entry["occurrences"])


def test_an_event_whose_every_period_is_past_is_a_problem_not_an_entry(dt_dir):
    result = datatourisme.import_file(dt_dir / SAUMUR, not_before=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    assert result.entries == []
    assert [p.message for p in result.errors] == ["an event needs at least one occurrence"]
    assert result.seen_ids == {"datatourisme:00037bcf-28e4-3322-b72f-377587204703"}


# --- determinism, shapes, snapshots --------------------------------------------------------------


def test_mapping_is_deterministic(dt_dir):
    for name in (ABBEY, CELLAR, CUCUGNAN, SAUMUR):
        first, second = datatourisme.import_file(dt_dir / name), datatourisme.import_file(dt_dir / name)
        assert json.dumps(first.entries, sort_keys=True) == json.dumps(second.entries, sort_keys=True)
        assert first.images == second.images and first.problems == second.problems


def test_periods_in_another_order_give_the_same_entry(dt_dir):
    record = load(dt_dir / SAUMUR)
    shuffled = copy.deepcopy(record)
    shuffled["takesPlaceAt"].reverse()
    shuffled["takesPlaceAt"] += shuffled["takesPlaceAt"][:10]  # duplicates too
    assert one(datatourisme.map_records([shuffled])) == one(datatourisme.map_records([record]))


def test_list_zip_and_graph_flux(dt_dir, tmp_path):
    records = [load(dt_dir / n) for n in (ABBEY, CELLAR, CUCUGNAN, SAUMUR)]
    (tmp_path / "list.json").write_text(json.dumps(records))
    listed = datatourisme.import_file(tmp_path / "list.json")
    assert len(listed.entries) == 4 and listed.snapshot is False
    assert listed.ids == sorted(listed.ids)

    (tmp_path / "flux.json").write_text(json.dumps({"@context": {}, "@graph": records[:2]}))
    flux = datatourisme.import_file(tmp_path / "flux.json")
    assert flux.snapshot is True
    assert flux.withdrawn_since(set(listed.ids)) == sorted(set(listed.ids) - set(flux.ids))

    with zipfile.ZipFile(tmp_path / "flux.zip", "w") as archive:
        archive.writestr("index.json", json.dumps([{"file": "objects/a.json"}]))
        for n in (ABBEY, SAUMUR):
            archive.write(dt_dir / n, f"objects/{n}")
    zipped = datatourisme.import_file(tmp_path / "flux.zip")
    assert zipped.snapshot is True and len(zipped.entries) == 2
    assert datatourisme.import_file(tmp_path / "flux.zip", snapshot=False).withdrawn_since(listed.ids) == []


def test_a_present_but_broken_record_is_not_withdrawn(dt_dir):
    good, broken = load(dt_dir / ABBEY), load(dt_dir / CELLAR)
    del broken["rdfs:label"]
    result = datatourisme.map_records([good, broken], snapshot=True)
    assert len(result.entries) == 1
    assert result.errors[0].record_id == "datatourisme:00638229-3cba-3311-ba75-b75077e31212"
    assert result.errors[0].field == "rdfs:label"
    assert result.withdrawn_since({"datatourisme:00638229-3cba-3311-ba75-b75077e31212"}) == []


def test_a_snapshot_with_an_unidentifiable_record_refuses_to_compute_withdrawals(dt_dir):
    result = datatourisme.map_records([load(dt_dir / ABBEY), {"@type": ["Museum"]}], snapshot=True)
    assert result.errors[0].field == "@id"
    with pytest.raises(ImporterError, match="without a usable id"):
        result.withdrawn_since({"datatourisme:x"})


# --- malformed input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [('{"@id": "x",', "not JSON"), ("42", "expected a JSON-LD object"), ('{"@graph": 3}', "@graph")],
)
def test_malformed_file_is_refused_naming_it(tmp_path, content, message):
    path = tmp_path / "broken.json"
    path.write_text(content)
    with pytest.raises(SourceFormatError, match=message) as info:
        datatourisme.import_file(path)
    assert "broken.json" in str(info.value)


def test_malformed_zip_member_is_refused_naming_it(tmp_path):
    with zipfile.ZipFile(tmp_path / "flux.zip", "w") as archive:
        archive.writestr("objects/bad.json", "{nope")
    with pytest.raises(SourceFormatError, match=r"flux.zip!objects/bad.json"):
        datatourisme.import_file(tmp_path / "flux.zip")


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(SourceFormatError, match="missing.json"):
        datatourisme.import_file(tmp_path / "missing.json")


# --- hand-made variations -----------------------------------------------------------------------

MINIMAL = {
    "@id": "https://data.datatourisme.fr/11/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    "@type": ["PointOfInterest", "PlaceOfInterest", "Museum"],
    "rdfs:label": {"fr": ["Musée du Pays"]},
    "lastUpdate": "2024-03-01",
}


def test_minimal_record_without_optional_fields():
    entry = one(datatourisme.map_records([MINIMAL], commune="11069"))
    assert entry["kind"] == "place" and entry["categories"] == ["museum"]
    assert entry["commune"] == "11069"  # the caller's commune when the record has none
    assert entry["place"] is None and entry["opening_hours"] == ""
    assert entry["updated_at"] == "2024-03-01T00:00:00+01:00"
    assert entry["source"]["producer"] == ""


def test_english_only_label_is_used_for_french_with_a_warning():
    record = dict(MINIMAL, **{"rdfs:label": {"en": ["Country Museum"]}})
    result = datatourisme.map_records([record])
    entry = one(result)
    assert entry["title"] == {"en": "Country Museum", "fr": "Country Museum"}
    assert [p.field for p in result.problems] == ["rdfs:label"]


def test_single_values_instead_of_arrays():
    record = dict(
        MINIMAL,
        **{
            "@type": "Restaurant",
            "rdfs:label": {"fr": "Chez <b>Paul</b>"},
            "rdfs:comment": {"fr": "Cuisine <i>locale</i> &amp; vins"},
            "hasContact": {"schema:telephone": "+33 1 23 45 67 89", "schema:email": "x@y.fr"},
            "isLocatedAt": {
                "schema:address": {
                    "schema:streetAddress": "1 place de l'Église",
                    "schema:postalCode": "11350",
                    "hasAddressCity": {"insee": "11113"},
                },
                "schema:geo": {"schema:latitude": "42.85", "schema:longitude": "2.60"},
                "schema:openingHoursSpecification": {
                    "schema:dayOfWeek": {"@id": "schema:Tuesday"},
                    "schema:opens": "12:00:00",
                    "schema:closes": "14:00:00",
                },
            },
            "takesPlaceAt": {"startDate": "2024-01-01"},
        },
    )
    entry = one(datatourisme.map_records([record]))
    assert (entry["kind"], entry["categories"]) == ("food", ["restaurant"])
    assert entry["title"] == {"fr": "Chez Paul"}
    assert entry["summary"] == {"fr": "Cuisine locale & vins"}
    assert entry["place"]["street"] == "1 place de l'Église" and entry["commune"] == "11113"
    assert (entry["place"]["lat"], entry["place"]["lon"]) == (42.85, 2.6)
    assert entry["opening_hours"] == "Tu 12:00-14:00"
    assert entry["occurrences"] == []  # periods are read for events only
    assert entry["contact"]["phone"] == "+33 1 23 45 67 89"


def test_event_with_times_and_a_night_period():
    record = dict(
        MINIMAL,
        **{
            "@type": ["EntertainmentAndEvent", "Concert"],
            "takesPlaceAt": [
                {"startDate": "2024-07-14", "endDate": "2024-07-14", "startTime": "21:00:00", "endTime": "01:00:00"},
                {"startDate": "2024-07-13", "endDate": "2024-07-13", "startTime": "20:30:00"},
            ],
        },
    )
    entry = one(datatourisme.map_records([record]))
    assert entry["categories"] == ["concert"]
    assert entry["occurrences"] == [
        {"start": "2024-07-13T20:30:00+02:00", "end": "2024-07-13T23:59:00+02:00"},
        {"start": "2024-07-14T21:00:00+02:00", "end": "2024-07-15T01:00:00+02:00"},
    ]


def test_unmappable_fields_are_problems_and_the_rest_is_kept():
    record = dict(
        MINIMAL,
        **{
            "@type": ["PointOfInterest", "SpaceStation"],
            "isLocatedAt": [
                {
                    "schema:geo": {"schema:latitude": "north", "schema:longitude": "2.1"},
                    "schema:openingHoursSpecification": [
                        {
                            "schema:dayOfWeek": [{"@id": "schema:Funday"}],
                            "schema:opens": "10:00:00",
                            "schema:closes": "12:00:00",
                        }
                    ],
                }
            ],
            "hasContact": [{"schema:email": ["not an address"], "foaf:homepage": ["ftp://x"]}],
        },
    )
    result = datatourisme.map_records([record])
    entry = one(result)
    assert entry["kind"] == "place" and entry["opening_hours"] == ""
    assert entry["place"]["lat"] is None and entry["contact"]["email"] == ""
    fields = sorted(p.field for p in result.problems)
    assert fields == sorted(
        [
            "@type",
            "isLocatedAt.schema:geo",
            "openingHoursSpecification",
            "hasContact.schema:email",
            "hasContact.foaf:homepage",
        ]
    )
    assert all(p.severity == "warning" and p.record_id == entry["id"] for p in result.problems)


def test_event_without_periods_is_a_problem_naming_the_record():
    record = dict(MINIMAL, **{"@type": ["EntertainmentAndEvent"]})
    result = datatourisme.map_records([record])
    assert result.entries == []
    assert result.errors[0].record_id == "datatourisme:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    assert "occurrence" in result.errors[0].message


def test_non_object_records_are_problems():
    result = datatourisme.map_records(["oops", MINIMAL])
    assert len(result.entries) == 1
    assert result.errors[0].record_id == "#0"


def test_corrupt_zip_is_refused_naming_it(dt_dir, tmp_path):
    with zipfile.ZipFile(tmp_path / "flux.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(dt_dir / ABBEY, "objects/a.json")
    raw = bytearray((tmp_path / "flux.zip").read_bytes())
    raw[60:400] = bytes(340)  # damage the compressed data, keep the directory
    (tmp_path / "flux.zip").write_bytes(bytes(raw))
    with pytest.raises(SourceFormatError, match="flux.zip"):
        datatourisme.import_file(tmp_path / "flux.zip")
