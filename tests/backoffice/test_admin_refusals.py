"""The admin's entry and alert forms: what a kiosk would refuse is refused at save, on the field that
holds it, in French, and everything typed stays in the form (no server error, nothing lost)."""

import datetime as dt

import pytest
from django.utils import timezone
from test_admin import entry_form

from backoffice.catalog.models import Alert, Entry

HTML = [
    "<b>gras</b>",
    "<svg/onload=alert(1)>",
    "<img/src=x onerror=alert(1)>",
    "avant <!-- note --> après",
    "A &amp; B",
]
KIVY = ["[b]gras[/b]", "[color=ff0000]rouge[/color]", "[ref=x]lien[/ref]"]
CONTROL = ["cloche\x07ici", "retour\x1bici", "zéro\u200blargeur"]
BAD = HTML + KIVY + CONTROL
LANG_TEXT_FIELDS = ["title_fr", "summary_fr", "body_fr", "title_en", "summary_en", "body_en"]


def alert_form(**extra):
    data = {
        "level": "urgent",
        "message_fr": "Route fermée",
        "starts_0": "01/01/2026",
        "starts_1": "10:00",
        "active": "on",
    }
    data.update(extra)
    return data


@pytest.fixture
def editor_client(client, staff):
    client.force_login(staff("editor"))
    return client


def _form(response):
    assert response.status_code == 200, response
    return response.context["adminform"].form


@pytest.mark.parametrize("field", LANG_TEXT_FIELDS)
@pytest.mark.parametrize("bad", BAD)
def test_markup_in_an_entry_text_is_refused_on_its_field_in_french(editor_client, field, bad):
    response = editor_client.post("/admin/catalog/entry/add/", entry_form(**{field: bad}))

    form = _form(response)
    assert list(form.errors) == [field]
    assert "bornes" in form.errors[field][0]  # French, and says who would refuse it
    assert not Entry.objects.exists()


@pytest.mark.parametrize("bad", ["<b>gras</b>", "[b]gras[/b]", "cloche\x07ici"])
def test_everything_typed_stays_in_the_form_after_a_refusal(editor_client, bad):
    response = editor_client.post(
        "/admin/catalog/entry/add/", entry_form(title_fr=bad, summary_fr="Gothique et fière", body_en="Gothic")
    )

    form = _form(response)
    assert (form["title_fr"].value(), form["summary_fr"].value(), form["body_en"].value()) == (
        bad,
        "Gothique et fière",
        "Gothic",
    )
    assert "Gothique et fière" in response.content.decode()


@pytest.mark.parametrize("field", ["message_fr", "message_en"])
@pytest.mark.parametrize("bad", BAD)
def test_an_alert_the_kiosks_would_skip_is_refused_with_the_reason(editor_client, field, bad):
    response = editor_client.post("/admin/catalog/alert/add/", alert_form(**{field: bad}))

    form = _form(response)
    assert list(form.errors) == [field]
    assert "bornes" in form.errors[field][0]
    assert form[field].value() == bad
    assert not Alert.objects.exists()


def test_the_alert_contract_check_speaks_french_on_the_language_field(db):
    alert = Alert(level="urgent", message={"fr": "Route fermée", "en": "[b]Closed[/b]"})

    with pytest.raises(Exception) as exc:
        alert.full_clean()

    assert list(exc.value.message_dict) == ["message.en"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("street", "<b>1 rue</b>"), ("place_name", "[i]Halle[/i]"), ("city", "Saint\x07Flour"), ("phone", "<i>04</i>")],
)
def test_markup_in_a_plain_field_lands_on_that_field(editor_client, field, value):
    response = editor_client.post("/admin/catalog/entry/add/", entry_form(**{field: value}))

    form = _form(response)
    assert field in form.errors and "bornes" in form.errors[field][0]
    assert form[field].value() == value


def test_an_end_of_publication_before_its_start_is_said_on_the_end_field(editor_client):
    response = editor_client.post(
        "/admin/catalog/entry/add/",
        entry_form(
            visible_from_0="01/05/2026", visible_from_1="10:00", visible_until_0="01/04/2026", visible_until_1="10:00"
        ),
    )

    form = _form(response)
    assert list(form.errors) == ["visible_until"]
    assert "visible_until" not in form.errors["visible_until"][0]
    assert "publication" in form.errors["visible_until"][0]


def test_a_5000_character_title_is_refused_naming_the_field_and_the_limit(editor_client):
    title = "Fête " * 1000

    response = editor_client.post("/admin/catalog/entry/add/", entry_form(title_fr=title))

    form = _form(response)
    message = form.errors["title_fr"][0]
    assert "200" in message and "titre" in message.lower()
    assert form["title_fr"].value() == title
    assert 'maxlength="200"' not in response.content.decode()  # the browser must not cut it silently
    assert not Entry.objects.exists()


def test_the_opening_hours_error_is_french_and_said_once(editor_client):
    response = editor_client.post("/admin/catalog/entry/add/", entry_form(opening_hours="Mo-Fr 9h-12h"))

    form = _form(response)
    assert len(form.errors["opening_hours"]) == 1
    message = form.errors["opening_hours"][0]
    assert "is not valid" not in message and "caractère 7" in message
    assert response.content.decode().count("« 9h-12h »") == 1


def test_a_clean_entry_is_still_saved(editor_client, commune):
    response = editor_client.post(
        "/admin/catalog/entry/add/", entry_form(commune="15187", title_en="Cathedral", body_fr="Ici & là [sic]")
    )

    assert response.status_code == 302
    assert Entry.objects.get().body == {"fr": "Ici & là [sic]"}


def test_a_clean_alert_is_still_saved(editor_client):
    until = timezone.localtime() + dt.timedelta(days=1)

    response = editor_client.post(
        "/admin/catalog/alert/add/",
        alert_form(until_0=until.strftime("%d/%m/%Y"), until_1="10:00", message_en="Road closed"),
    )

    assert response.status_code == 302
    assert Alert.objects.get().message == {"fr": "Route fermée", "en": "Road closed"}


def test_every_kind_of_markup_in_one_text_is_said_at_once(editor_client):
    response = editor_client.post(
        "/admin/catalog/entry/add/", entry_form(title_fr="<b>Halle</b> [i]aux[/i] grains\x07")
    )

    errors = _form(response).errors["title_fr"]
    assert len(errors) == 3
    assert ["<b>" in errors[0], "[i]" in errors[1], "U+0007" in errors[2]] == [True, True, True]
