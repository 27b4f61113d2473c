import json
import zipfile

import pytest
from opening_hours import OpeningHours

from backoffice.importers import apidae
from backoffice.importers.base import SourceFormatError


@pytest.fixture
def ap_dir(opendata):
    return opendata / "apidae"


def test_commerce_et_service_sample(ap_dir):
    result = apidae.import_file(ap_dir / "cos_winter.json", commune="15040", licence="Licence Ouverte")
    [entry] = result.entries
    assert entry["id"] == "apidae:4838849" and entry["kind"] == "shop"
    assert entry["title"]["fr"] == "La Grange des huskies" and entry["title"]["de"] == "Huskytouren Grange des Huskies"
    assert entry["summary"]["fr"] == "short desc standard fr" and entry["body"]["fr"] == "long desc standard fr"
    assert entry["commune"] == "15040"
    assert (entry["place"]["lat"], entry["place"]["lon"]) == (45.154246, 2.881851)  # GeoJSON is lon, lat
    assert entry["contact"] == {"phone": "06 16 51 83 85", "email": "traineauxetchiens@orange.fr", "website": ""}
    assert entry["opening_hours"] == "Mo-Su unknown"  # all year, times not given ("sur réservation")
    assert entry["source"] == {
        "name": "Apidae",
        "producer": "Hautes Terres Tourisme",
        "licence": "Licence Ouverte",
        "url": "",
    }
    assert [i.url.rsplit("/", 1)[1] for i in result.images["apidae:4838849"]] == ["3805485.jpg", "3805490.jpg"]
    assert entry["updated_at"] == "2018-03-13T08:47:27.168000Z"


def test_export_zip_events_and_deletions(ap_dir):
    result = apidae.import_file(ap_dir / "json_export.zip")
    assert result.ids == ["apidae:4826137", "apidae:4826186", "apidae:4826282", "apidae:4828422", "apidae:4833997"]
    assert result.withdrawn == ["apidae:123"]  # objets_supprimes.json
    events = {e["id"]: e for e in result.entries}
    assert all(e["kind"] == "event" for e in events.values())
    assert events["apidae:4826137"]["occurrences"] == [
        {"start": "2017-11-07T07:00:00+01:00", "end": "2017-11-07T19:00:00+01:00"}
    ]
    assert events["apidae:4826186"]["occurrences"] == [
        {"start": "2017-11-11T00:00:00+01:00", "end": "2017-11-13T23:59:00+01:00"}
    ]
    zingaro = events["apidae:4828422"]
    assert len(zingaro["occurrences"]) == 20 and zingaro["place"]["name"] == "La Croix verte"
    # the sample's communes.json is cut down: unknown communes are reported
    assert {p.field for p in result.problems} == {"localisation.adresse.commune"}


def test_communes_json_gives_the_insee_code(tmp_path, ap_dir):
    with zipfile.ZipFile(ap_dir / "json_export.zip") as source, zipfile.ZipFile(tmp_path / "x.zip", "w") as out:
        for info in source.infolist():
            if info.filename != "communes.json":
                out.writestr(info, source.read(info))
        out.writestr("communes.json", json.dumps([{"id": 30248, "code": "73008", "nom": "Aix-les-Bains"}]))
    entry = {e["id"]: e for e in apidae.import_file(tmp_path / "x.zip").entries}["apidae:4826137"]
    assert entry["commune"] == "73008" and entry["place"]["city"] == "Aix-les-Bains"


def test_weekly_opening_periods_become_osm_hours():
    obj = {
        "id": 1,
        "type": "RESTAURATION",
        "nom": {"libelleFr": "Le Bistrot"},
        "gestion": {"dateModification": "2024-01-01T00:00:00.000+0000"},
        "ouverture": {
            "periodesOuvertures": [
                {
                    "dateDebut": "2024-04-01",
                    "dateFin": "2024-09-30",
                    "type": "OUVERTURE_SEMAINE",
                    "horaireOuverture": "12:00:00",
                    "horaireFermeture": "14:00:00",
                    "ouverturesJournalieres": [{"jour": "MARDI"}, {"jour": "MERCREDI"}],
                }
            ]
        },
    }
    [entry] = apidae.map_objects([obj]).entries
    assert entry["categories"] == ["restaurant"]
    assert entry["opening_hours"] == "Apr 01-Sep 30 Tu,We 12:00-14:00"
    OpeningHours(entry["opening_hours"])


def test_hidden_objects_are_withdrawn_and_nameless_ones_are_problems():
    result = apidae.map_objects([{"id": 2, "state": "HIDDEN"}, {"id": 3, "type": "ACTIVITE", "nom": {}}, "x"])
    assert result.withdrawn == ["apidae:2"]
    assert [(p.record_id, p.field) for p in result.errors] == [("apidae:3", "nom"), ("#2", "id")]


def test_malformed_file_is_refused(tmp_path):
    (tmp_path / "bad.json").write_text("[{")
    with pytest.raises(SourceFormatError, match="bad.json"):
        apidae.import_file(tmp_path / "bad.json")
