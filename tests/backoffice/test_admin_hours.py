"""The admin's opening hours: a weekly table (two ranges a day, past midnight for bars) plus free OSM
rules for what a table cannot say; both saved as one OSM string, nothing dropped."""

import pytest
from test_admin import entry_form

from backoffice.catalog.hours import join_hours, split_hours
from backoffice.catalog.models import Entry
from backoffice.portal.hours_table import table_to_osm
from content.hours import check_opening_hours

DAYS = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]


def grid(**days):
    """Form data for the table: ``Fr=[("22:00", "02:00")]`` -> ``weekly_hours_16=22:00`` …"""
    data = {}
    for day, ranges in days.items():
        for i, (opens, closes) in enumerate(ranges):
            base = DAYS.index(day) * 4 + 2 * i
            data[f"weekly_hours_{base}"], data[f"weekly_hours_{base + 1}"] = opens, closes
    return data


@pytest.fixture
def editor_client(client, staff):
    client.force_login(staff("editor"))
    return client


@pytest.mark.parametrize(
    "hours",
    [
        "Mo-Fr 09:00-12:00,14:00-19:00; Sa 09:00-12:00",
        "Mo-Fr 09:00-12:00,14:00-19:00; Sa 09:00-12:00; PH off",
        "Fr,Sa 22:00-02:00",
        "PH off; Mo 09:00-10:00",
        "Mo-Fr 09:00-12:00; Fr 14:00-18:00",
        "Mo 08:00-09:00,10:00-11:00,12:00-13:00",
        "Mo-Su 10:00-12:00; Jul-Aug Mo-Su 10:00-19:00",
        "24/7",
        "",
    ],
)
def test_table_and_other_rules_give_back_what_was_stored(hours):
    table, others = split_hours(hours)

    assert join_hours(table_to_osm(table), others) == hours


def test_a_bar_open_past_midnight_is_saved_from_the_table(editor_client):
    data = entry_form(opening_hours="PH off", **grid(Fr=[("22:00", "02:00")], Sa=[("22:00", "02:00")]))

    response = editor_client.post("/admin/catalog/entry/add/", data)

    assert response.status_code == 302
    hours = Entry.objects.get().opening_hours
    assert hours == "Fr,Sa 22:00-02:00; PH off"
    assert check_opening_hours(hours) == hours


def test_two_ranges_a_day_are_grouped_over_days(editor_client):
    week = {day: [("09:00", "12:00"), ("14:00", "19:00")] for day in ["Tu", "We", "Th", "Fr"]}
    data = entry_form(opening_hours="", **grid(**week, Sa=[("09:00", "12:00")]))

    editor_client.post("/admin/catalog/entry/add/", data)

    assert Entry.objects.get().opening_hours == "Tu-Fr 09:00-12:00,14:00-19:00; Sa 09:00-12:00"


def test_the_change_form_shows_the_table_and_only_the_other_rules_as_text(editor_client, make_entry):
    entry = make_entry(opening_hours="Mo-Fr 09:00-12:00; Fr 14:00-18:00")

    form = editor_client.get(f"/admin/catalog/entry/{entry.pk}/change/").context["adminform"].form

    assert form["opening_hours"].value() == "Fr 14:00-18:00"
    assert form["weekly_hours"].value() == {"Mo": [("09:00", "12:00")], **{d: [("09:00", "12:00")] for d in DAYS[1:5]}}


def test_saving_unchanged_keeps_hours_the_table_cannot_hold(editor_client, make_entry):
    entry = make_entry(opening_hours="Mo-Fr 09:00-12:00; Fr 14:00-18:00")
    form = editor_client.get(f"/admin/catalog/entry/{entry.pk}/change/").context["adminform"].form
    table = grid(**form["weekly_hours"].value())

    response = editor_client.post(
        f"/admin/catalog/entry/{entry.pk}/change/", entry_form(opening_hours=form["opening_hours"].value(), **table)
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.opening_hours == "Mo-Fr 09:00-12:00; Fr 14:00-18:00"


def test_a_range_without_its_closing_time_is_refused_naming_the_day(editor_client):
    data = entry_form(opening_hours="PH off", **grid(Mo=[("09:00", "12:00")], Fr=[("22:00", "")]))

    response = editor_client.post("/admin/catalog/entry/add/", data)

    form = response.context["adminform"].form
    assert "vendredi" in form.errors["weekly_hours"][0].lower()
    assert (form["opening_hours"].value(), response.context["adminform"].form.data["weekly_hours_0"]) == (
        "PH off",
        "09:00",
    )
    assert not Entry.objects.exists()


def test_the_same_opening_and_closing_time_is_refused(editor_client):
    response = editor_client.post("/admin/catalog/entry/add/", entry_form(**grid(Tu=[("10:00", "10:00")])))

    assert "mardi" in response.context["adminform"].form.errors["weekly_hours"][0].lower()


def test_other_rules_not_understood_are_said_in_french_where_they_were_typed(editor_client):
    data = entry_form(opening_hours="fermé les jours fériés", **grid(Mo=[("09:00", "12:00")]))

    response = editor_client.post("/admin/catalog/entry/add/", data)

    form = response.context["adminform"].form
    assert list(form.errors) == ["opening_hours"]
    assert "caractère 1" in form.errors["opening_hours"][0]
    assert form["opening_hours"].value() == "fermé les jours fériés"


def test_the_live_preview_reads_the_table(editor_client):
    times = [""] * 28
    times[16:18] = ["22:00", "02:00"]

    answer = editor_client.get("/hours/preview", {"value": "PH off", "g": times}).json()
    alone = editor_client.get("/hours/preview", {"value": "Fr 22:00-02:00; PH off"}).json()

    assert answer == alone and answer["ok"]
