"""The admin's lists say where each entry and alert stands for the kiosks (coloured French words and a
filter); saving something the kiosks will not show says so; page titles read as French."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from test_admin import entry_form

from backoffice.catalog.models import Alert, Entry, Occurrence
from backoffice.catalog.states import alert_state, entry_state

NOW = timezone.now()
DAY = dt.timedelta(days=1)


@pytest.fixture
def editor_client(client, staff):
    client.force_login(staff("editor"))
    return client


@pytest.fixture
def entries(make_entry):
    """One entry in each state, by name."""
    made = {
        "draft": make_entry(title="Brouillon", status="draft"),
        "withdrawn": make_entry(title="Retirée", status="withdrawn"),
        "published": make_entry(title="En ligne", visible_from=NOW - DAY),
        "scheduled": make_entry(title="Plus tard", visible_from=NOW + DAY),
        "expired": make_entry(title="Finie", visible_until=NOW - DAY),
    }
    past = make_entry(title="Fête passée", kind="event", categories=["festival"])
    Occurrence.objects.create(entry=past, start=NOW - 3 * DAY, end=NOW - 2 * DAY)
    coming = make_entry(title="Fête à venir", kind="event", categories=["festival"])
    Occurrence.objects.create(entry=coming, start=NOW + 2 * DAY)
    made["expired event"], made["coming event"] = past, coming
    return made


@pytest.fixture
def alerts(db):
    return {
        "current": Alert.objects.create(message={"fr": "En cours"}, starts=NOW - DAY),
        "scheduled": Alert.objects.create(message={"fr": "Demain"}, starts=NOW + DAY),
        "expired": Alert.objects.create(message={"fr": "Passée"}, starts=NOW - 2 * DAY, until=NOW - DAY),
        "withdrawn": Alert.objects.create(message={"fr": "Retirée"}, active=False),
    }


EXPECTED_ENTRY = {
    "draft": "draft",
    "withdrawn": "withdrawn",
    "published": "published",
    "scheduled": "scheduled",
    "expired": "expired",
    "expired event": "expired",
    "coming event": "published",
}


def test_each_entry_has_its_state(entries):
    assert {name: entry_state(entry) for name, entry in entries.items()} == EXPECTED_ENTRY


def test_each_alert_has_its_state_and_an_expired_one_is_not_current(alerts):
    assert {name: alert_state(alert) for name, alert in alerts.items()} == {
        "current": "current",
        "scheduled": "scheduled",
        "expired": "expired",
        "withdrawn": "withdrawn",
    }


@pytest.mark.parametrize("state", ["draft", "withdrawn", "published", "scheduled", "expired"])
def test_the_entry_filter_finds_each_state(editor_client, entries, state):
    response = editor_client.get("/admin/catalog/entry/", {"state": state})

    shown = {str(e) for e in response.context["cl"].result_list}
    assert shown == {str(entries[name]) for name, s in EXPECTED_ENTRY.items() if s == state}


@pytest.mark.parametrize("state", ["current", "scheduled", "expired", "withdrawn"])
def test_the_alert_filter_finds_each_state(editor_client, alerts, state):
    response = editor_client.get("/admin/catalog/alert/", {"state": state})

    assert [a.pk for a in response.context["cl"].result_list] == [alerts[state].pk]


def test_the_entry_list_shows_states_as_french_words(editor_client, entries):
    page = editor_client.get("/admin/catalog/entry/").content.decode()

    badges = re.findall(r'class="borne-state borne-state-(\w+)"[^>]*>([^<]+)<', page)
    assert {state: words for state, words in badges} == {
        "draft": "brouillon",
        "withdrawn": "retirée",
        "published": "publiée",
        "scheduled": "programmée",
        "expired": "expirée",
    }


def test_the_alert_list_does_not_show_an_expired_alert_as_on_the_kiosks(editor_client, alerts):
    page = editor_client.get("/admin/catalog/alert/").content.decode()

    row = next(r for r in re.findall(r"<tr.*?</tr>", page, re.S) if "Passée" in r)
    assert "expirée" in row and "sur les bornes" not in row


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_saving_a_draft_says_it_is_not_on_the_kiosks(editor_client):
    response = editor_client.post("/admin/catalog/entry/add/", entry_form(status="draft"), follow=True)

    assert "Brouillon enregistré : il n'est pas encore sur les bornes." in " ".join(_messages(response))
    assert Entry.objects.get().status == "draft"


def test_saving_a_published_entry_adds_no_warning(editor_client):
    response = editor_client.post("/admin/catalog/entry/add/", entry_form(), follow=True)

    assert not [m for m in response.context["messages"] if m.level_tag == "warning"]


def test_scheduling_an_entry_says_when_it_reaches_the_kiosks(editor_client):
    start = timezone.localtime(NOW + 3 * DAY).replace(hour=9, minute=30, second=0, microsecond=0)

    response = editor_client.post(
        "/admin/catalog/entry/add/",
        entry_form(visible_from_0=start.strftime("%d/%m/%Y"), visible_from_1="09:30"),
        follow=True,
    )

    expected = date_format(start, "DATETIME_FORMAT")
    assert any("Programmée" in m and expected in m for m in _messages(response))


def test_saving_an_alert_that_is_not_active_says_so(editor_client):
    data = {"level": "info", "message_fr": "Marché", "starts_0": "01/01/2026", "starts_1": "10:00"}

    response = editor_client.post("/admin/catalog/alert/add/", data, follow=True)

    assert any("pas active" in m for m in _messages(response))


@pytest.mark.parametrize(
    ("url", "title", "wrong"),
    [
        ("/admin/catalog/alert/add/", "Ajout d'une alerte", "Ajout de alerte"),
        ("/admin/catalog/entry/add/", "Ajout d'une fiche", "Ajout de fiche"),
        ("/admin/catalog/alert/", "Alertes : choisissez celle à modifier", "objet alerte"),
    ],
)
def test_page_titles_read_as_french(editor_client, url, title, wrong):
    page = editor_client.get(url).content.decode().replace("&#x27;", "'")

    assert f"<h1>{title}</h1>" in page and wrong not in page


def test_category_groups_are_named_in_french(editor_client):
    page = editor_client.get("/admin/catalog/entry/add/").content.decode()

    groups = re.findall(r'<optgroup label="([^"]+)"', page)
    assert "événement" in groups and not {"place", "event", "shop"} & set(groups)


@pytest.mark.parametrize(
    ("url", "button"), [("/admin/catalog/alert/", "Ajouter une alerte"), ("/admin/catalog/entry/", "Ajouter une fiche")]
)
def test_the_add_button_reads_as_french(editor_client, url, button):
    page = editor_client.get(url).content.decode()

    assert re.search(rf'class="addlink">\s*{button}\s*</a>', page)


def test_the_add_page_crumb_reads_as_french(editor_client):
    page = editor_client.get("/admin/catalog/alert/add/").content.decode().replace("&#x27;", "'")

    crumbs = re.search(r'<div class="breadcrumbs">(.*?)</div>', page, re.S).group(1)
    assert "Ajout d'une alerte" in crumbs and "Ajouter alerte" not in crumbs


def _action(client, action, *entries):
    return client.post(
        "/admin/catalog/entry/",
        {"action": action, "_selected_action": [e.pk for e in entries]},
        follow=True,
    )


def test_publishing_from_the_list_says_how_many(editor_client, make_entry):
    drafts = [make_entry(title=f"Brouillon {n}", status="draft") for n in range(2)]

    response = _action(editor_client, "publish", *drafts)

    assert any(m.startswith("2 fiches publiées") for m in _messages(response))
    assert set(Entry.objects.values_list("status", flat=True)) == {"published"}


def test_an_event_without_a_date_is_not_published_from_the_list(editor_client, make_entry):
    event = make_entry(title="Fête sans date", kind="event", categories=["festival"], status="draft")
    Occurrence.objects.filter(entry=event).delete()

    response = _action(editor_client, "publish", event)

    assert any("« Fête sans date » n'est pas publiée" in m and "date" in m for m in _messages(response))
    event.refresh_from_db()
    assert event.status == "draft"


def test_withdrawing_from_the_list_says_how_many(editor_client, make_entry):
    entry = make_entry(title="À retirer")

    response = _action(editor_client, "withdraw", entry)

    assert any(m.startswith("1 fiche retirée") for m in _messages(response))
