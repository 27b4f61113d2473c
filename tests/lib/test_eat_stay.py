"""Contract schema 2: the food and stay kinds, their details, the older kiosks' view, the facets."""

from __future__ import annotations

import datetime as dt

import pytest

from content import compat, facets
from content.bundle import read_bundle, write_bundle
from content.contract import SCHEMA_VERSION
from content.model import dump
from content.validation import EntryError, SchemaVersionError, check_schema, parse_entry

from .conftest import NOW, PARIS, changes, entry

# 26 November 2026 is a Thursday: lunch and evening service, closed on Sunday.
BISTRO_HOURS = "Tu-Sa 12:00-14:00,19:00-22:00"
SUNDAY_HOURS = "Th-Su 12:00-14:30"


def bistro(**details):
    return entry("bistro", kind="food", categories=["creperie"], opening_hours=BISTRO_HOURS, details=details)


def test_details_are_read_and_unknown_values_named():
    e = parse_entry(bistro(price=2, amenities=["terrace", "terrace"], season=[{"start": "11-15", "end": "03-15"}]))
    assert (e.kind, e.details.price, e.details.amenities) == ("food", 2, ["terrace"])
    with pytest.raises(EntryError, match=r"details\.amenities: .*unknown amenity 'jacuzzi'"):
        parse_entry(bistro(amenities=["jacuzzi"]))
    with pytest.raises(EntryError, match=r"details\.price: .*price band 7"):
        parse_entry(bistro(price=7))
    with pytest.raises(EntryError, match=r"details\.season\.0\.end: .*month 4 has no day 31"):
        parse_entry(bistro(season=[{"start": "01-01", "end": "04-31"}]))
    with pytest.raises(EntryError, match=r"details\.booking_url: .*not a web address"):
        parse_entry(bistro(booking_url="javascript:alert(1)"))


def test_schema_one_and_two_are_read_newer_refused():
    check_schema(1)
    check_schema(SCHEMA_VERSION)
    with pytest.raises(
        SchemaVersionError, match="schema version 3 in feed is not supported: this kiosk reads schema 1 and 2"
    ):
        check_schema(3, "feed")


def test_an_old_kiosk_gets_the_nearest_kinds_and_categories_and_no_details():
    wire = dump(parse_entry(bistro(price=1, amenities=["terrace"])))
    old = compat.entry_for_schema(wire, 1)
    assert (old["kind"], old["categories"], "details" in old) == ("shop", ["restaurant"], False)
    assert compat.entry_for_schema(wire, 2) == wire
    camping = dump(parse_entry(entry("aire", kind="stay", categories=["motorhome-area", "campsite"])))
    assert compat.entry_for_schema(camping, 1)["categories"] == ["campsite"]
    # What an old kiosk receives is valid for it: schema 1 knew these kinds and categories.
    from content.categories import SINCE_SCHEMA_2
    from content.contract import SCHEMA_KINDS

    for data in (old, compat.entry_for_schema(camping, 1)):
        assert data["kind"] in SCHEMA_KINDS[1] and not set(data["categories"]) & SINCE_SCHEMA_2


@pytest.mark.parametrize(("asked", "schema"), [(None, 1), ("", 1), ("1", 1), ("2", 2)])
def test_the_schema_a_reader_asks_for(asked, schema):
    assert compat.wanted_schema(asked) == schema


@pytest.mark.parametrize("asked", ["3", "two", "0", "-1"])
def test_a_schema_nobody_serves_is_refused(asked):
    with pytest.raises(compat.SchemaRequestError, match=f"schema={asked!r}: this back office serves schema 1, 2"):
        compat.wanted_schema(asked)


def test_a_bundle_for_old_kiosks_says_schema_1(tmp_path):
    path = tmp_path / "old.zip"
    write_bundle(path, entries=[bistro(price=2)], schema=1)
    bundle = read_bundle(path)
    assert bundle.manifest["schema"] == 1
    (only,), _alerts = bundle.parsed()
    assert (only.kind, only.categories, only.details.price) == ("shop", ["restaurant"], None)


class Card:
    def __init__(self, hours="", **details):
        self.opening_hours, self.details = hours, details


def open_by(text: str, moment: dt.datetime) -> bool:
    from content.hours import open_state

    return open_state(text, moment, "Europe/Paris").is_open


@pytest.mark.parametrize(
    ("facet", "card", "expected"),
    [
        ("open_now", Card(BISTRO_HOURS), False),  # 10:00 on a Thursday
        ("tonight", Card(BISTRO_HOURS), True),
        ("tonight", Card(SUNDAY_HOURS), False),
        ("sunday", Card(SUNDAY_HOURS), True),
        ("sunday", Card(BISTRO_HOURS), False),
        ("tonight", Card(""), False),  # hours not known: not "open tonight"
        ("terrace", Card(amenities=["terrace"]), True),
        ("terrace", Card(), False),
        ("price2", Card(price=2), True),
        ("price2", Card(price=1), False),
        ("price1", Card(), False),
        ("in_season", Card(season=[{"start": "04-01", "end": "10-31"}]), False),  # 26 November
        ("in_season", Card(season=[{"start": "11-15", "end": "03-15"}]), True),  # across the new year
        ("in_season", Card(), True),  # no season said: open all year
        ("stars3", Card(stars=3), True),
        ("stars3", Card(stars=2), False),
        ("group", Card(capacity=facets.GROUP_SIZE), True),
        ("group", Card(capacity=4), False),
        ("pets", Card(amenities=["pets", "wifi"]), True),
    ],
)
def test_facets(facet, card, expected):
    assert facets.matches(card, facet, now=NOW, is_open=open_by) is expected


def test_an_unknown_facet_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown facet 'cheap'"):
        facets.matches(Card(), "cheap", now=NOW, is_open=open_by)


def test_the_cache_filters_stays_and_tables_by_their_facets(cache):
    summer = [{"start": "04-01", "end": "10-31"}]
    cache.apply(
        changes(
            [
                bistro(price=2, amenities=["terrace"]),
                entry("cafe", kind="food", categories=["cafe"], opening_hours=SUNDAY_HOURS, details={"price": 1}),
                entry("camping", kind="stay", categories=["campsite"], details={"season": summer, "capacity": 240}),
                entry("hotel", kind="stay", categories=["hotel"], details={"stars": 3, "amenities": ["pets"]}),
                entry("boucherie", kind="shop"),
            ]
        )
    )
    food = {"terrace": ["test:bistro"], "sunday": ["test:cafe"], "price1": ["test:cafe"]}
    for facet, expected in food.items():
        assert [c.id for c in cache.with_facets([facet], kind="food", now=NOW)] == expected
    assert [c.id for c in cache.with_facets(["in_season"], kind="stay", now=NOW)] == ["test:hotel"]
    summer_day = dt.datetime(2027, 7, 14, 12, 0, tzinfo=PARIS)
    assert [c.id for c in cache.with_facets(["in_season", "group"], kind="stay", now=summer_day)] == ["test:camping"]
    assert cache.state()["counts"] == {
        "place": 0, "heritage": 0, "event": 0, "shop": 1, "service": 0, "food": 2, "stay": 2
    }  # fmt: skip
