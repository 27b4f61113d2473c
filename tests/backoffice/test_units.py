"""Pure helpers: the hours table, DATABASE_URL, the catalogues, migrations in step with models."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backoffice.dburl import DatabaseUrlError, parse_database_url
from backoffice.portal.hours_table import DAYS, HoursTableError, osm_to_table, table_to_osm
from content.hours import check_opening_hours

time = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


@st.composite
def ranges(draw):
    a, b = sorted(draw(st.lists(time, min_size=2, max_size=2, unique=True)))
    if draw(st.booleans()):
        return [(a, b)]
    c, d = sorted(draw(st.lists(time.filter(lambda t: t > b), min_size=2, max_size=2, unique=True)))
    return [(a, b), (c, d)]


tables = st.dictionaries(st.sampled_from(DAYS), ranges())


@given(tables)
def test_hours_table_round_trip_and_valid_osm(table):
    osm = table_to_osm(table)
    assert osm_to_table(osm) == {d: r for d, r in table.items() if r}
    if osm:
        check_opening_hours(osm)


def test_hours_table_groups_days():
    table = {d: [("09:00", "12:00"), ("14:00", "19:00")] for d in DAYS[:5]} | {"Sa": [("09:00", "12:00")]}
    assert table_to_osm(table) == "Mo-Fr 09:00-12:00,14:00-19:00; Sa 09:00-12:00"


def test_hours_table_refuses_an_empty_range():
    with pytest.raises(HoursTableError, match="Mo"):
        table_to_osm({"Mo": [("12:00", "12:00")]})


def test_hours_table_runs_past_midnight():
    osm = table_to_osm({"Fr": [("18:00", "02:00")], "Sa": [("18:00", "02:00")]})
    assert osm == "Fr,Sa 18:00-02:00" and osm_to_table(osm) == {"Fr": [("18:00", "02:00")], "Sa": [("18:00", "02:00")]}
    check_opening_hours(osm)


def test_rich_hours_are_not_forced_into_the_table():
    assert osm_to_table("Mo-Fr 09:00-18:00; PH off") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql://bo:p%40ss@db.local:5433/borne",
            {"NAME": "borne", "USER": "bo", "PASSWORD": "p@ss", "HOST": "db.local", "PORT": "5433"},
        ),
        ("postgres:///borne?host=/run/postgresql", {"NAME": "borne", "HOST": "/run/postgresql"}),
        ("sqlite:////var/lib/borne/db.sqlite3", {"NAME": "/var/lib/borne/db.sqlite3"}),
    ],
)
def test_database_url(url, expected):
    config = parse_database_url(url)
    assert {k: config[k] for k in expected} == expected


@pytest.mark.parametrize("url", ["mysql://x/y", "postgresql://host/", "nonsense"])
def test_bad_database_url_is_named(url):
    with pytest.raises(DatabaseUrlError, match="DATABASE_URL"):
        parse_database_url(url)


def test_migrations_match_models(db):
    from django.core.management import call_command

    call_command("makemigrations", "catalog", "fleet", "portal", "--check", "--dry-run", verbosity=0)
