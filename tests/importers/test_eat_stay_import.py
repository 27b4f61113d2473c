"""Real DATAtourisme restaurants and lodgings land in Eat & drink and Stay with their useful fields."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from backoffice.importers import apidae, datatourisme
from backoffice.importers.vocabulary import kind_and_categories
from content.cache import ChangeSet, ContentCache
from content.validation import parse_entry

DATA = Path(__file__).parent / "data" / "datatourisme"
CHEZ_JEANNE = "datatourisme:0049c43b-5087-3c44-87ef-349d316fc2b8"
MAZETTE = "datatourisme:005819a3-aaf9-31ba-9f1f-5616e78d8738"
GHK = "datatourisme:00886baa-0a41-3529-a1f2-4b2c85dbb869"
MAISON = "datatourisme:004729f1-24e7-3d50-875a-eb24f0f15a43"


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("dt")
    entries = {}
    for packed in sorted(DATA.glob("*.json.gz")):
        path = folder / packed.name.removesuffix(".gz")
        path.write_bytes(gzip.decompress(packed.read_bytes()))
        result = datatourisme.import_file(path)
        assert not [p for p in result.problems if p.level == "error"], result.problems
        entries.update({e["id"]: e for e in result.entries})
    return entries


def test_the_restaurant_is_in_eat_and_drink_with_its_hours_and_contact(imported):
    jeanne = imported[CHEZ_JEANNE]
    assert (jeanne["kind"], jeanne["categories"], jeanne["title"]["fr"]) == ("food", ["restaurant"], "Chez Jeanne")
    assert jeanne["opening_hours"] and jeanne["contact"]["phone"] and jeanne["contact"]["website"]
    assert jeanne["details"]["amenities"] == ["pets"]  # petsAllowed on its location
    assert jeanne["details"]["price"] is None  # its offers give payment methods, no price


def test_the_gites_are_in_stay_with_capacity_labels_stars_and_booking(imported):
    mazette, ghk, maison = imported[MAZETTE], imported[GHK], imported[MAISON]
    for lodging in (mazette, ghk, maison):
        assert (lodging["kind"], lodging["categories"]) == ("stay", ["gite", "holiday-rental"])
    assert mazette["details"]["capacity"] == 6
    assert mazette["details"]["labels"] == ["3 épis / Confort", "Gîtes de France"]
    assert mazette["details"]["booking_url"].startswith("https://www.gites-de-france-hautevienne.fr/")
    assert "pets" in mazette["details"]["amenities"]
    assert maison["details"]["stars"] == 3 and maison["details"]["labels"] == ["2 épis", "Gîtes de France"]
    assert {"terrace", "wifi", "parking"} <= set(maison["details"]["amenities"])
    assert "pets" not in maison["details"]["amenities"]  # petsAllowed: false
    assert maison["details"]["season"] == []  # its opening period is the whole year
    assert ghk["details"]["amenities"] == ["wifi"] and ghk["details"]["stars"] is None


def test_imported_lodgings_and_tables_reach_the_kiosks_lists(imported, tmp_path):
    cache = ContentCache.open(tmp_path)
    try:
        cache.apply(ChangeSet(entries=[parse_entry(e) for e in imported.values()], cursor="1"))
        now = dt.datetime(2026, 7, 9, 12, 0, tzinfo=ZoneInfo("Europe/Paris"))
        assert [c.id for c in cache.list_entries(kind="food", now=now)] == [CHEZ_JEANNE]
        assert {c.id for c in cache.list_entries(kind="stay", now=now)} == {MAZETTE, GHK, MAISON}
        assert [c.id for c in cache.with_facets(["stars3"], kind="stay", now=now)] == [MAISON]
        assert {c.id for c in cache.with_facets(["pets"], kind="stay", now=now)} == {MAZETTE}
        assert cache.list_entries(kind="shop", now=now) == []
    finally:
        cache.close()


def test_a_season_is_read_from_opening_periods_and_a_price_band_from_offers():
    record = {
        "@id": "https://data.datatourisme.fr/1/11111111-2222-3333-4444-555555555555",
        "@type": ["schema:Campground", "Camping", "CampingAndCaravanning", "Accommodation", "PointOfInterest"],
        "rdfs:label": {"fr": ["Camping du Lac"]},
        "lastUpdate": "2024-01-01",
        "hasReview": [{"hasReviewValue": {"@id": "kb:ScaleRating_4etoiles", "rdfs:label": {"fr": ["4 étoiles"]}}}],
        "isLocatedAt": [
            {
                "schema:openingHoursSpecification": [
                    {"schema:validFrom": "2024-04-15T00:00:00", "schema:validThrough": "2024-10-01T23:59:59"}
                ]
            }
        ],
    }
    [camping] = datatourisme.map_records([record]).entries
    assert (camping["kind"], camping["categories"]) == ("stay", ["campsite"])
    assert camping["details"]["stars"] == 4 and camping["details"]["labels"] == []
    assert camping["details"]["season"] == [{"start": "04-15", "end": "10-01"}]
    table = {
        **record,
        "@type": ["schema:FastFoodRestaurant", "FoodEstablishment"],
        "offers": [{"schema:priceSpecification": [{"schema:minPrice": ["12.5"], "schema:maxPrice": ["19"]}]}],
    }
    [snack] = datatourisme.map_records([table]).entries
    assert (snack["kind"], snack["categories"], snack["details"]["price"]) == ("food", ["snack"], 1)
    assert snack["details"]["season"] == []  # a table's periods are its hours, not a season


@pytest.mark.parametrize(
    ("types", "kind", "category"),
    [
        (["schema:Hotel", "HotelTrade", "Accommodation"], "stay", "hotel"),
        (["Camping", "CampingAndCaravanning"], "stay", "campsite"),
        (["CamperVanArea", "CampingAndCaravanning"], "stay", "motorhome-area"),
        (["RentalAccommodation", "Accommodation"], "stay", "holiday-rental"),
        (["schema:BedAndBreakfast", "Guesthouse", "RentalAccommodation"], "stay", "guesthouse"),
        (["YouthHostelAndInternationalCenter", "CollectiveAccommodation"], "stay", "hostel"),
        (["HotelRestaurant", "Hotel", "Restaurant", "FoodEstablishment"], "stay", "hotel"),
        (["schema:Restaurant", "FoodEstablishment"], "food", "restaurant"),
        (["schema:BarOrPub", "BarOrPub", "FoodEstablishment"], "food", "bar"),
        (["CafeOrTeahouse", "FoodEstablishment"], "food", "cafe"),
        (["schema:CafeOrCoffeeShop", "schema:FoodEstablishment"], "food", "cafe"),
        (["FastFoodRestaurant", "FoodEstablishment"], "food", "snack"),
        (["FoodEstablishment"], "food", None),
        (["Accommodation"], "stay", None),
        (["Bakery", "FoodEstablishment"], "shop", "bakery"),
        (["schema:LocalBusiness", "WineCellar", "TastingProvider"], "shop", "wine-shop"),
    ],
)
def test_every_food_and_accommodation_class(types, kind, category):
    found_kind, categories, _unknown = kind_and_categories(types)
    assert found_kind == kind
    assert (categories[0] if categories else None) == category


@pytest.mark.parametrize(
    ("apidae_type", "kind"),
    [
        ("RESTAURATION", "food"),
        ("HOTELLERIE", "stay"),
        ("HOTELLERIE_PLEIN_AIR", "stay"),
        ("HEBERGEMENT_LOCATIF", "stay"),
    ],
)
def test_apidae_tables_and_lodgings(apidae_type, kind):
    obj = {"id": 7, "type": apidae_type, "nom": {"libelleFr": "X"}, "gestion": {"dateModification": "2024-01-01"}}
    [entry] = apidae.map_objects([obj]).entries
    assert entry["kind"] == kind
