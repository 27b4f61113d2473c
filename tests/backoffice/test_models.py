import datetime as dt

import pytest
from bo_helpers import PARIS
from django.core.exceptions import ValidationError

from backoffice.catalog.models import Alert, Entry, Occurrence, Tombstone, current_seq
from content.validation import parse_alert, parse_entry


def test_entry_contract_validates_with_parse_entry(make_entry):
    entry = make_entry(
        title="Cathédrale Saint-Pierre",
        summary={"fr": "Gothique", "en": "Gothic"},
        categories=["cathedral"],
        street="Place d'Armes",
        postcode="15100",
        city="Saint-Flour",
        lat=45.03,
        lon=3.09,
        opening_hours="Mo-Su 09:00-18:00",
        phone="04 71 60 00 00",
        website="https://example.org",
    )
    wire = entry.to_contract()
    parsed = parse_entry(wire)
    assert parsed.id == f"bo:{entry.pk}"
    assert parsed.commune == "15187"
    assert parsed.title == {"fr": "Cathédrale Saint-Pierre"}
    assert parsed.place.lat == pytest.approx(45.03)


def test_event_contract_carries_occurrences(make_entry):
    entry = make_entry(title="Fête", kind="event", categories=["festival"])
    Occurrence.objects.create(entry=entry, start=dt.datetime(2026, 7, 14, 21, tzinfo=PARIS))
    entry.refresh_from_db()
    wire = entry.to_contract()
    assert parse_entry(wire).occurrences[0].start.hour == 21


@pytest.mark.parametrize(
    ("field", "value", "error_field"),
    [
        ("opening_hours", "every day maybe", "opening_hours"),
        ("categories", ["not-a-category"], "categories"),
        ("title", {"en": "no French"}, "title.fr"),  # a language map: the error names the language
        ("title", {"fr": "<b>bold</b>"}, "title.fr"),
    ],
)
def test_entry_that_breaks_the_contract_is_refused_on_the_field(db, commune, field, value, error_field):
    entry = Entry(kind="place", title={"fr": "Parc"}, commune=commune)
    setattr(entry, field, value)
    with pytest.raises(ValidationError) as exc:
        entry.full_clean()
    assert error_field in exc.value.message_dict


def test_every_save_takes_a_higher_change_number(make_entry):
    a = make_entry(title="A")
    b = make_entry(title="B")
    assert b.seq > a.seq
    a.title = {"fr": "A2"}
    a.save()
    assert a.seq > b.seq == current_seq() - 1


def test_adding_an_occurrence_bumps_the_entry(make_entry):
    entry = make_entry(kind="event", title="Concert")
    before = Entry.objects.get(pk=entry.pk).seq
    Occurrence.objects.create(entry=entry, start=dt.datetime(2026, 8, 1, 20, tzinfo=PARIS))
    assert Entry.objects.get(pk=entry.pk).seq > before


def test_deleting_an_entry_leaves_a_tombstone(make_entry):
    entry = make_entry()
    wire_id = entry.wire_id
    entry.delete()
    tomb = Tombstone.objects.get()
    assert (tomb.what, tomb.wire_id) == ("entry", wire_id)


def test_alert_contract_validates(db, commune):
    alert = Alert.objects.create(level="urgent", message={"fr": "Route barrée", "en": "Road closed"})
    alert.communes.add(commune)
    parsed = parse_alert(alert.to_contract())
    assert parsed.level == "urgent"
    assert parsed.communes == ["15187"]


def test_groups_of_an_older_back_office_get_their_french_names_and_keep_their_members(db):
    from django.contrib.auth.models import Group, User

    from backoffice.catalog.groups import ensure_groups, role_group

    Group.objects.all().delete()
    old = Group.objects.create(name="editor")
    user = User.objects.create_user("claire", "c@mairie.example", "x-long-pass-123", is_staff=True)
    user.groups.add(old)
    ensure_groups()
    assert not Group.objects.filter(name="editor").exists()
    assert list(user.groups.all()) == [role_group("editor")] and role_group("editor").name == "rédacteur"
    assert role_group("editor").permissions.filter(codename="add_entry").exists()
