import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content.contract import SCHEMA_VERSION
from content.model import dump
from content.validation import EntryError, SchemaVersionError, check_schema, parse_alert, parse_entry

from .conftest import alert, entry


def test_valid_entry_round_trips_through_its_wire_form():
    e = parse_entry(entry("musee", categories=["museum"], opening_hours="Tu-Su 10:00-18:00"))
    assert parse_entry(dump(e)) == e


def test_unknown_fields_of_a_known_schema_are_ignored():
    e = parse_entry(entry("musee", colour="blue", place={"city": "Saint-Flour", "altitude": 880}))
    assert e.place.city == "Saint-Flour"
    assert "colour" not in dump(e)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "castle"}, "kind", "Input should be"),
        ({"title": {"en": "Museum"}}, "title", "French title"),
        ({"categories": ["spaceport"]}, "categories", "unknown category 'spaceport'"),
        ({"commune": "Saint-Flour"}, "commune", "INSEE"),
        ({"opening_hours": "Mo-Zz 10:00"}, "opening_hours", "not valid OSM opening_hours"),
        ({"updated_at": "2026-11-01T10:00:00"}, "updated_at", "UTC offset"),
        ({"place": {"lat": 45.0}}, "place", "lat and lon go together"),
        ({"place": {"lat": 95.0, "lon": 3.0}}, "place.lat", "less than or equal to 90"),
        ({"contact": {"email": "nobody"}}, "contact.email", "not an e-mail address"),
        ({"url": "javascript:alert(1)"}, "url", "not a web address"),
        ({"title": {"fr": "<b>Musée</b>"}}, "title", "HTML is not allowed"),
        ({"summary": {"fr": "Un [color=ff0000]musée[/color]"}}, "summary", "markup is not allowed"),
        ({"body": {"fr": "Bonjour\x07"}}, "body", "control character"),
        (
            {"media": [{"sha256": "abc", "mime": "image/jpeg", "width": 1, "height": 1, "bytes": 1}]},
            "media.0.sha256",
            "should match pattern",
        ),
    ],
)
def test_invalid_entries_name_the_entry_and_the_field(fields, field, message):
    with pytest.raises(EntryError) as excinfo:
        parse_entry(entry("musee", **fields))
    err = excinfo.value
    assert err.record_id == "test:musee"
    assert any(f == field or f.startswith(field + ".") for f in err.fields), err.fields
    assert message in str(err)
    assert str(err).startswith("entry test:musee: ")


def test_an_event_needs_occurrences():
    with pytest.raises(EntryError, match="at least one occurrence"):
        parse_entry(entry("fete", kind="event", occurrences=[]))


def test_occurrence_end_before_start_is_refused():
    bad = [{"start": "2026-11-26T20:00:00+01:00", "end": "2026-11-26T19:00:00+01:00"}]
    with pytest.raises(EntryError, match="occurrences.0: Value error, end is before start|end is before start"):
        parse_entry(entry("fete", kind="event", occurrences=bad))


def test_entry_without_id_is_named_by_its_position():
    with pytest.raises(EntryError, match=r"entry #7: id: is required"):
        parse_entry({"kind": "place", "title": {"fr": "x"}, "updated_at": "2026-01-01T00:00:00Z"}, 7)


def test_not_an_object_is_refused():
    with pytest.raises(EntryError, match="expected an object, got list"):
        parse_entry([1, 2], 0)


def test_alert_uses_from_on_the_wire():
    a = parse_alert(alert("route", level="urgent", until="2026-12-01T00:00:00+01:00"))
    assert dump(a)["from"] == "2026-11-01T00:00:00+01:00"
    with pytest.raises(EntryError, match="alert test:x: level"):
        parse_alert(alert("x", level="panic"))


def test_unknown_schema_version_is_refused_with_a_clear_message():
    check_schema(SCHEMA_VERSION)
    with pytest.raises(SchemaVersionError, match="schema version 99 in feed is not supported"):
        check_schema(99, "feed")


def test_text_falls_back_to_french():
    e = parse_entry(entry("musee", summary={"fr": "Un musée", "de": "Ein Museum"}))
    assert e.text("summary", "de") == ("Ein Museum", "de")
    assert e.text("summary", "nl") == ("Un musée", "fr")


plain_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp", "Cf"), blacklist_characters="<>[]&"),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip())


@given(
    title=plain_text,
    lang=st.sampled_from(["en", "de", "es", "it", "nl"]),
    other=plain_text,
    lat=st.floats(-90, 90),
    lon=st.floats(-180, 180),
    featured=st.booleans(),
)
def test_validation_round_trip_law(title, lang, other, lat, lon, featured):
    data = entry("x", title={"fr": title, lang: other}, place={"lat": lat, "lon": lon}, featured=featured)
    e = parse_entry(data)
    assert parse_entry(dump(e)) == e
    assert e.title["fr"] == unicodedata.normalize("NFC", title).strip()  # the contract keeps text in NFC


@given(
    st.dictionaries(
        st.sampled_from(["id", "kind", "title", "updated_at", "occurrences", "media"]),
        st.one_of(st.none(), st.integers(), st.text(max_size=5), st.lists(st.integers(), max_size=2)),
    )
)
def test_validation_never_raises_anything_but_entry_error(data):
    try:
        parse_entry(data)
    except EntryError as exc:
        assert str(exc).startswith("entry ")
