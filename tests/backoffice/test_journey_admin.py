"""A town employee in the admin, in French, in a real browser (Debian's Chromium) against the real
server started by the CLI: publishing, scheduling, a draft, an urgent alert, the weekly hours of a
bar, and each bad input they meet (markup, a 5,000-character title, dates the wrong way round),
which must come back as a French sentence on the field with nothing typed lost.

One server and one logged-in page for the module; each journey leaves what it saved behind, so
titles are unique. Screenshots of the screens (admin-*.png) go to $BORNE_SCREENSHOTS, or a temporary
folder; the ones in docs/ were taken with ``BORNE_SCREENSHOTS=docs/screenshots/backoffice``."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from bo_helpers import ARGS, CHROMIUM, served

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return Path(os.environ.get("BORNE_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with served(tmp_path_factory.mktemp("journey-admin")) as (url, _console):
        yield url


@pytest.fixture(scope="module")
def staff(site, shots):
    """A logged-in page of the town's staff, in French."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.goto(site + "/admin/login/")
        page.fill("#id_username", "mairie")
        page.fill("#id_password", "Cantal-15100-admin")
        page.click("input[type=submit]")
        page.wait_for_url(site + "/admin/")
        page.goto(site + "/admin/catalog/commune/add/")
        page.fill("#id_insee", "15187")
        page.fill("#id_name", "Saint-Flour")
        page.click("input[name=_save]")
        page.site, page.shots = site, shots
        yield page
        browser.close()


def shot(page, name: str, around: str | None = None) -> None:
    """The whole page, or the part of the form that holds ``around`` (a field's CSS selector)."""
    page.shots.mkdir(parents=True, exist_ok=True)
    path = str(page.shots / f"admin-{name}.png")
    if around:
        page.locator("fieldset", has=page.locator(around)).screenshot(path=path)
    else:
        page.screenshot(path=path, full_page=True)


def new_entry(page, title: str, *, kind="place", category="viewpoint", status="published"):
    page.goto(page.site + "/admin/catalog/entry/add/")
    page.select_option("#id_kind", kind)
    page.select_option("#id_status", status)
    page.select_option("#id_categories", [category])
    page.select_option("#id_commune", "15187")
    page.fill("#id_title_fr", title)


def save(page):
    page.click("input[name=_save]")
    page.wait_for_load_state()


def day(delta_days: int) -> str:
    return (dt.date.today() + dt.timedelta(days=delta_days)).strftime("%d/%m/%Y")


def field_error(page, field: str) -> str:
    return page.inner_text(f"#id_{field}_error")


def row_of(page, title: str) -> str:
    return page.locator("#result_list tbody tr", has_text=title).inner_text()


def test_publish_an_event(staff):
    new_entry(staff, "Fête de la Saint-Jean", kind="event", category="festival")
    staff.fill("#id_summary_fr", "Feu de joie sur les remparts")
    staff.fill("#id_occurrences-0-start_0", day(10))
    staff.fill("#id_occurrences-0-start_1", "21:00")
    save(staff)

    assert "a été ajouté avec succès" in staff.inner_text(".messagelist")
    assert "publiée" in row_of(staff, "Fête de la Saint-Jean")


def test_schedule_an_entry(staff):
    new_entry(staff, "Exposition d'été")
    staff.fill("#id_visible_from_0", day(5))
    staff.fill("#id_visible_from_1", "08:00")
    save(staff)

    assert "Programmée : elle arrivera sur les bornes le" in staff.inner_text(".messagelist")
    assert "programmée" in row_of(staff, "Exposition d'été")


def test_save_a_draft(staff):
    new_entry(staff, "Visite guidée (à relire)", status="draft")
    save(staff)

    assert "Brouillon enregistré : il n'est pas encore sur les bornes." in staff.inner_text(".messagelist")
    assert "brouillon" in row_of(staff, "Visite guidée (à relire)")
    shot(staff, "draft-saved")


def test_an_urgent_alert_with_markup_is_refused_with_the_reason(staff):
    message = "<b>Route fermée</b> [color=ff0000]rue des Lacs[/color]"
    staff.goto(staff.site + "/admin/catalog/alert/add/")
    assert staff.inner_text("h1") == "Ajout d'une alerte"
    staff.select_option("#id_level", "urgent")
    staff.fill("#id_message_fr", message)
    staff.fill("#id_message_en", "Road closed")
    save(staff)

    assert "HTML n'est pas accepté" in field_error(staff, "message_fr")
    assert staff.input_value("#id_message_fr") == message
    assert staff.input_value("#id_message_en") == "Road closed"
    shot(staff, "alert-markup-refused")

    staff.fill("#id_message_fr", "Route fermée rue des Lacs jusqu'à 18 h")
    save(staff)
    assert "sur les bornes" in row_of(staff, "Route fermée rue des Lacs")


def test_markup_in_an_entry_title_gets_a_french_error_and_nothing_is_lost(staff):
    new_entry(staff, "[b]Halle aux grains[/b]")
    staff.fill("#id_summary_fr", "Marché couvert du XIXe siècle")
    save(staff)

    assert staff.inner_text("h1").startswith("Ajout d'une fiche")  # the form again, not a server error
    assert "code de mise en forme" in field_error(staff, "title_fr")
    assert staff.input_value("#id_title_fr") == "[b]Halle aux grains[/b]"
    assert staff.input_value("#id_summary_fr") == "Marché couvert du XIXe siècle"
    shot(staff, "entry-markup-refused", around="#id_title_fr")


def test_a_5000_character_title_is_refused_not_cut(staff):
    title = ("Grande fête des moissons " * 200)[:4999] + "!"
    new_entry(staff, title)
    save(staff)

    error = field_error(staff, "title_fr")
    assert "Titre (français)" in error and "5000" in error and "200" in error
    assert staff.input_value("#id_title_fr") == title
    shot(staff, "title-too-long", around="#id_title_fr")


def test_visible_until_before_visible_from_is_said_in_french(staff):
    new_entry(staff, "Concert au jardin")
    staff.fill("#id_visible_from_0", day(20))
    staff.fill("#id_visible_from_1", "10:00")
    staff.fill("#id_visible_until_0", day(10))
    staff.fill("#id_visible_until_1", "10:00")
    save(staff)

    error = field_error(staff, "visible_until")
    assert "avant son début" in error and "visible_until" not in error
    assert staff.input_value("#id_visible_until_0") == day(10)
    shot(staff, "visible-until-before-from", around="#id_visible_until_0")


def test_a_bar_open_past_midnight_with_the_weekly_table(staff):
    new_entry(staff, "Le Comptoir", kind="shop", category="bar")
    for n in (4, 5):  # Friday and Saturday: 18:00 to 02:00 the next morning
        staff.fill(f"#id_weekly_hours_{n * 4}", "18:00")
        staff.fill(f"#id_weekly_hours_{n * 4 + 1}", "02:00")
    staff.fill("#id_opening_hours", "PH off")
    save(staff)
    assert "a été ajouté avec succès" in staff.inner_text(".messagelist")

    staff.click("text=Le Comptoir")
    assert staff.input_value("#id_weekly_hours_16") == "18:00"
    assert staff.input_value("#id_weekly_hours_17") == "02:00"
    assert staff.input_value("#id_opening_hours") == "PH off"
    readable = staff.inner_text("#hours-readable")
    assert "02:00" in readable or "2:00" in readable
    shot(staff, "hours-table-bar", around="#id_weekly_hours_16")


def test_a_forgotten_closing_time_names_the_day(staff):
    new_entry(staff, "Boulangerie du Pont", kind="shop", category="bakery")
    staff.fill("#id_weekly_hours_0", "07:00")
    staff.fill("#id_opening_hours", "PH off")
    save(staff)

    assert "lundi" in field_error(staff, "weekly_hours").lower()
    assert staff.input_value("#id_weekly_hours_0") == "07:00"
    assert staff.input_value("#id_opening_hours") == "PH off"


def test_an_event_without_a_date_is_refused_in_french(staff):
    new_entry(staff, "Marché de Noël", kind="event", category="festival")
    save(staff)

    assert "Un événement a besoin d'au moins une date." in staff.inner_text(".errorlist.nonform")
    assert staff.input_value("#id_title_fr") == "Marché de Noël"


def test_the_lists_show_where_each_entry_and_alert_stands(staff):
    staff.goto(staff.site + "/admin/catalog/entry/")
    states = staff.locator("#result_list .borne-state").all_inner_texts()
    assert {"publiée", "programmée", "brouillon"} <= set(states)
    shot(staff, "entries-states")

    staff.goto(staff.site + "/admin/catalog/entry/?state=draft")
    assert staff.locator("#result_list .borne-state").all_inner_texts() == ["brouillon"]

    staff.goto(staff.site + "/admin/catalog/alert/")
    assert staff.inner_text("h1") == "Alertes : choisissez celle à modifier"
    assert "sur les bornes" in row_of(staff, "Route fermée rue des Lacs")
    shot(staff, "alerts-states")


def test_a_campsite_with_its_stars_season_and_booking_page(staff):
    new_entry(staff, "Camping des Grillons", kind="stay", category="campsite")
    staff.click("text=Restaurant ou hébergement : bon à savoir")  # the folded section opens
    staff.select_option("#id_details_stars", "3")
    staff.fill("#id_details_capacity", "120")
    staff.check("input[name=details_amenities][value=pets]")
    staff.fill("#id_details_season", "01/04-31/04")
    staff.fill("#id_details_booking_url", "https://example.org/reserver")
    save(staff)
    assert "31/04" in field_error(staff, "details_season")
    assert staff.input_value("#id_details_booking_url") == "https://example.org/reserver"  # nothing typed lost
    assert staff.is_checked("input[name=details_amenities][value=pets]")
    shot(staff, "eat-stay-season-error", around="#id_details_season")
    staff.fill("#id_details_season", "01/04-30/09")
    save(staff)
    assert "a été ajouté avec succès" in staff.inner_text(".messagelist")
    staff.click("text=Camping des Grillons")
    assert "Ouvert chaque année du 01/04 au 30/09" in staff.inner_text("body")
