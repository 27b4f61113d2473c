"""The kiosk API answers bad input with a 400 and a short message naming the field, never a 500.

Every query parameter of the feed and every field of the heartbeat is tried with what a parser
chokes on: Unicode digits, huge and negative numbers, NaN and Infinity, floats where integers are
expected, strings where numbers are, lists and objects where scalars are, very long strings, NUL
bytes, year-1 dates, and 100,000 nested brackets. A refused heartbeat leaves the kiosk's status
as it was."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backoffice.fleet.models import Heartbeat, Kiosk, UsageCounter

FEED = "/api/kiosk/v1/changes"
BEAT = "/api/kiosk/v1/heartbeat"

BAD_NUMBERS = [
    "²",
    "١٢",  # Arabic-Indic digits: isdigit() says yes, int() also reads them: still not a cursor we gave
    "٣",
    "１２",  # full-width
    "-1",
    "+5",
    "1.5",
    "1e3",
    "0x10",
    "abc",
    "9" * 19,
    "9" * 5000,
    "12\x00",
    "NaN",
    "Infinity",
    " 1 2 ",
]


@pytest.mark.parametrize("value", BAD_NUMBERS)
@pytest.mark.parametrize("name", ["since", "limit"])
def test_feed_query_numbers_are_ascii_digits_in_range(kiosk_client, name, value):
    response = kiosk_client.get(FEED, {name: value})
    assert response.status_code == 400
    assert name in response.json()["error"]


@pytest.mark.parametrize("value", ["0", "1000000", "999999999999999999"])
def test_feed_accepts_every_cursor_it_could_have_given(kiosk_client, value):
    assert kiosk_client.get(FEED, {"since": value}).status_code == 200


def beat(client, body):
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.post(BEAT, data, content_type="application/json")


ROW = {"hour": "2026-11-26T10:00:00+01:00", "screen": "home", "entry_id": "", "category": "", "lang": "fr", "n": 1}


def with_row(**fields):
    return {"usage": {"batch_id": "b1", "rows": [{**ROW, **fields}]}}


BAD_VALUES = [
    ("huge int", 10**30),
    ("negative", -1),
    ("float", 2.5),
    ("big float", 1e30),
    ("bool", True),
    ("string", "12"),
    ("list", [1]),
    ("object", {"a": 1}),
]
INT_FIELDS = ["disk_free", "disk_total", "uptime"]
DATE_FIELDS = ["last_sync"]
TEXT_FIELDS = {"version": 40, "cursor": 40}
ROW_TEXT_FIELDS = {"screen": 40, "entry_id": 220, "category": 60, "lang": 8}

CASES = []
for field in INT_FIELDS:
    CASES += [(f"{field}: {label}", {field: value}, field) for label, value in BAD_VALUES]
for label, value in BAD_VALUES:
    if label != "negative":
        CASES.append((f"n: {label}", with_row(n=value), "rows[0].n"))
    CASES.append((f"hour: {label}", with_row(hour=value), "rows[0].hour"))
    CASES.append((f"bundle.imported_at: {label}", {"bundle": {"imported_at": value}}, "bundle.imported_at"))
    if label != "bool":
        CASES.append((f"bundle.signed: {label}", {"bundle": {"signed": value}}, "bundle.signed"))
    if label not in ("string",):
        CASES.append((f"version: {label}", {"version": value}, "version"))
        CASES.append((f"screen: {label}", with_row(screen=value), "rows[0].screen"))
        CASES.append((f"bundle.name: {label}", {"bundle": {"name": value}}, "bundle.name"))
for field in DATE_FIELDS:
    CASES += [
        (f"{field}: year 1 east", {field: "0001-01-01T00:00:00+14:00"}, field),
        (f"{field}: year 9999 west", {field: "9999-12-31T23:59:59-14:00"}, field),
        (f"{field}: year 1900", {field: "1900-01-01T00:00:00+00:00"}, field),
        (f"{field}: no offset", {field: "2026-11-26T10:00:00"}, field),
        (f"{field}: not a date", {field: "yesterday"}, field),
        (f"{field}: number", {field: 1764151200}, field),
        (f"{field}: long", {field: "2026-11-26T10:00:00+01:00" + " " * 10_000}, field),
    ]
CASES += [
    ("hour: year 1", with_row(hour="0001-01-01T00:00:00+14:00"), "rows[0].hour"),
    ("imported_at: year 1", {"bundle": {"imported_at": "0001-01-01T00:00:00+14:00"}}, "bundle.imported_at"),
    ("n: negative", with_row(n=-5), "rows[0].n"),
    ("n: missing", with_row(n=None), "rows[0]"),
    ("rows: object", {"usage": {"batch_id": "b", "rows": {"a": 1}}}, "usage.rows"),
    ("rows: too many", {"usage": {"batch_id": "b", "rows": [{}] * 20_001}}, "usage.rows"),
    ("row: list", {"usage": {"batch_id": "b", "rows": [[1, 2]]}}, "rows[0]"),
    ("usage: list", {"usage": [1]}, "usage"),
    ("batch_id: object", {"usage": {"batch_id": {"x": 1}}}, "batch_id"),
    ("batch_id: NUL", {"usage": {"batch_id": "a\x00b"}}, "batch_id"),
    ("errors: object in list", {"errors": [{"a": 1}]}, "errors[0]"),
    ("errors: nested lists", {"errors": [[[[1]]]]}, "errors[0]"),
    ("errors: NUL", {"errors": ["disk\x00full"]}, "errors[0]"),
    ("bundle: list", {"bundle": [1]}, "bundle"),
    ("bundle: string", {"bundle": "clé.zip"}, "bundle"),
    ("bundle: verified without signature", {"bundle": {"signed": False, "verified": True}}, "bundle"),
]
for field, size in TEXT_FIELDS.items():
    CASES += [
        (f"{field}: long", {field: "x" * (size + 1)}, field),
        (f"{field}: NUL", {field: "1\x00"}, field),
        (f"{field}: control", {field: "1\x1b[31m"}, field),
    ]
for field, size in ROW_TEXT_FIELDS.items():
    CASES += [
        (f"{field}: long", with_row(**{field: "x" * (size + 1)}), f"rows[0].{field}"),
        (f"{field}: NUL", with_row(**{field: "a\x00"}), f"rows[0].{field}"),
    ]


@pytest.mark.parametrize(("case", "body", "where"), CASES, ids=[c[0] for c in CASES])
def test_bad_heartbeat_field_is_a_400_naming_it(kiosk_client, kiosk_token, case, body, where):
    kiosk_client.post(BEAT, json.dumps({"version": "1.0", "disk_free": 5}), content_type="application/json")
    response = beat(kiosk_client, body)
    assert response.status_code == 400, response.content
    assert where in response.json()["error"]
    kiosk = Kiosk.objects.get(pk=kiosk_token[0].pk)
    assert (kiosk.version, kiosk.disk_free) == ("1.0", 5)  # the last good status is kept
    assert not UsageCounter.objects.exists()


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ('{"disk_free": NaN}', "disk_free"),
        ('{"disk_free": Infinity}', "disk_free"),
        ('{"uptime": -Infinity}', "uptime"),
        ('{"disk_free": 1e400}', "disk_free"),
        ('{"last_sync": NaN}', "last_sync"),
        ('{"usage": {"batch_id": "b", "rows": [{"hour": "2026-11-26T10:00:00Z", "n": NaN}]}}', "rows[0].n"),
        ('{"errors": [Infinity]}', "errors[0]"),
        ('{"bundle": {"signed": NaN}}', "bundle.signed"),
        ('{"disk_free": ' + "9" * 5000 + "}", "entier"),
        ("[" * 100_000 + "]" * 100_000, "imbriqué"),
        ('{"a":' * 100_000 + "1" + "}" * 100_000, "imbriqué"),
        ("[1, 2]", "objet"),
        ('"text"', "objet"),
        ("null", "objet"),
        ("not json", "JSON"),
        (b"\xff\xfe{}", "UTF-8"),
        ('{"version": "1"', "JSON"),
    ],
)
def test_json_that_python_would_choke_on_is_a_400(kiosk_client, body, where):
    response = beat(kiosk_client, body)
    assert response.status_code == 400
    assert where in response.json()["error"]


def test_unknown_fields_with_odd_values_are_ignored(kiosk_client):
    """The contract: a back office ignores what it does not know (an older one, a newer kiosk)."""
    assert beat(kiosk_client, '{"future": [NaN, {"x": [1e400]}], "version": "2.0"}').status_code == 200


def test_a_good_heartbeat_with_the_bundle_is_stored(kiosk_client, kiosk_token):
    bundle = {"name": "borne-15187.zip", "imported_at": "2026-11-20T09:30:00+01:00", "signed": True, "verified": True}
    assert beat(kiosk_client, {"bundle": bundle, "disk_total": 16 * 10**9}).status_code == 200
    kiosk = Kiosk.objects.get(pk=kiosk_token[0].pk)
    assert kiosk.bundle["name"] == "borne-15187.zip" and kiosk.bundle["verified"] is True
    assert kiosk.disk_total == 16 * 10**9


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=300)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
FIELDS = ["version", "cursor", "last_sync", "errors", "disk_free", "disk_total", "uptime", "usage", "bundle"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=4))
def test_any_heartbeat_is_stored_or_refused_never_a_500(kiosk_client, body):
    response = beat(kiosk_client, body)
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert response.json()["error"].startswith("heartbeat refusé")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40), st.text(max_size=40))
def test_any_feed_query_is_answered_or_refused_never_a_500(kiosk_client, since, limit):
    response = kiosk_client.get(FEED, {"since": since, "limit": limit})
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("size", [1024 * 1024 + 1, 3 * 1024 * 1024])
def test_heartbeat_too_large_is_a_413_in_words(kiosk_client, size):
    response = beat(kiosk_client, b'{"version": "' + b"x" * size + b'"}')
    assert response.status_code == 413
    assert "octets" in response.json()["error"]


def test_heartbeat_rows_are_counted_in_the_hour_they_name(kiosk_client):
    assert beat(kiosk_client, with_row(n=3)).status_code == 200
    assert UsageCounter.objects.get().n == 3 and Heartbeat.objects.count() == 1


# --- a new kiosk token is shown once in the page, never in the messages cookie or the session --------


@pytest.fixture
def admin_client(client, db):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("mairie", "mairie@example.org", "Cantal-15100-admin"))
    return client


def token_in(text: str) -> str:
    import re

    found = re.findall(r"bk_[A-Za-z0-9_-]{20,}", text)
    assert len(set(found)) == 1, found
    return found[0]


def assert_nowhere_but_the_page(client, response, token):
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert all(token not in morsel.value for morsel in response.cookies.values())
    assert all(token not in morsel.value for morsel in client.cookies.values())
    assert token not in str(dict(client.session.items()))
    later = client.get("/admin/fleet/kiosk/")  # the next page shows no token
    assert token not in later.content.decode() and "bk_" not in later.content.decode()


def test_new_kiosk_token_is_shown_once_in_the_page(admin_client, commune):
    response = admin_client.post(
        "/admin/fleet/kiosk/add/", {"name": "Borne de la gare", "commune": commune.pk, "location": "Gare"}
    )
    token = token_in(response.content.decode())
    assert Kiosk.by_token(token).name == "Borne de la gare"
    assert "ne sera plus jamais affiché" in response.content.decode()
    assert_nowhere_but_the_page(admin_client, response, token)


@pytest.mark.parametrize("continue_button", ["_continue", "_addanother", "_save"])
def test_new_kiosk_token_is_shown_whatever_button_was_pressed(admin_client, commune, continue_button):
    response = admin_client.post(
        "/admin/fleet/kiosk/add/", {"name": "Borne du musée", "commune": commune.pk, continue_button: "1"}
    )
    token = token_in(response.content.decode())
    assert_nowhere_but_the_page(admin_client, response, token)


def test_a_reissued_token_is_shown_once_in_the_page(admin_client, kiosk_token):
    kiosk, old = kiosk_token
    response = admin_client.post(
        "/admin/fleet/kiosk/", {"action": "issue_token", "_selected_action": [kiosk.pk], "index": 0}
    )
    token = token_in(response.content.decode())
    assert token != old and Kiosk.by_token(old) is None and Kiosk.by_token(token) == kiosk
    assert_nowhere_but_the_page(admin_client, response, token)


# --- the other query parameters: open data (public) and the dashboard (staff) -------------------------

ODD_TEXT = [
    "²",
    "１５１８７",
    "1518\x00",
    "15187" * 1000,
    "-1",
    "1e30",
    "NaN",
    "[1]",
    "{}",
    "' OR 1=1 --",
    "\u202e1518",
]


@pytest.mark.parametrize("value", ODD_TEXT)
@pytest.mark.parametrize(
    "url", ["/opendata/", "/opendata/contenus.json", "/opendata/contenus.csv", "/opendata/evenements.ics"]
)
def test_open_data_commune_parameter_never_fails(client, db, url, value):
    assert client.get(url, {"commune": value}).status_code == 200


@pytest.mark.parametrize("value", ODD_TEXT)
@pytest.mark.parametrize("name", ["mois", "trimestre", "annee", "du", "au", "borne", "periode"])
def test_dashboard_parameters_are_refused_in_words(client, staff, name, value):
    client.force_login(staff("editor"))
    query = {
        "periode": "plage" if name in ("du", "au") else {"mois": "mois", "trimestre": "trimestre"}.get(name, "annee")
    }
    query[name] = value
    for url in ("/dashboard/", "/dashboard/rapport/", "/dashboard/usage.csv"):
        response = client.get(url, query)
        assert response.status_code == 200
    assert client.get("/dashboard/", query).context["errors"]  # said, not silently replaced


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(
        st.sampled_from(["periode", "mois", "trimestre", "annee", "du", "au", "borne"]), st.text(max_size=30)
    )
)
def test_any_dashboard_query_is_answered(client, staff, query):
    from django.contrib.auth.models import User

    user = User.objects.filter(username="editor").first() or staff("editor")
    client.force_login(user)
    assert client.get("/dashboard/", query).status_code == 200


def test_counters_stop_at_their_column_limit_instead_of_overflowing(kiosk_client):
    from backoffice.fleet.api import MAX_COUNTER, MAX_VIEWS

    UsageCounter.objects.create(
        kiosk=Kiosk.objects.get(), hour="2026-11-26T09:00:00Z", screen="home", lang="fr", n=MAX_COUNTER - 1
    )
    assert beat(kiosk_client, with_row(n=MAX_VIEWS)).status_code == 200
    assert UsageCounter.objects.get().n == MAX_COUNTER
    assert beat(kiosk_client, with_row(n=MAX_VIEWS + 1)).status_code == 400


def test_a_token_from_the_kiosk_page_is_shown_once_in_the_page(admin_client, kiosk_token):
    kiosk, old = kiosk_token
    form = admin_client.get(f"/admin/fleet/kiosk/{kiosk.pk}/change/").content.decode()
    assert f'action="/admin/fleet/kiosk/{kiosk.pk}/token/"' in form and "Émettre un nouveau jeton" in form
    assert admin_client.get(f"/admin/fleet/kiosk/{kiosk.pk}/token/").status_code == 302  # a GET changes nothing
    assert Kiosk.by_token(old) == kiosk
    response = admin_client.post(f"/admin/fleet/kiosk/{kiosk.pk}/token/")
    token = token_in(response.content.decode())
    assert Kiosk.by_token(old) is None and Kiosk.by_token(token) == kiosk
    assert_nowhere_but_the_page(admin_client, response, token)


def test_a_viewer_cannot_issue_a_token(client, staff, kiosk_token):
    from django.contrib.auth.models import Permission

    user = staff("editor", username="lecteur")
    user.groups.clear()
    user.user_permissions.add(Permission.objects.get(codename="view_kiosk"))
    client.force_login(user)
    assert client.post(f"/admin/fleet/kiosk/{kiosk_token[0].pk}/token/").status_code == 403
    assert Kiosk.by_token(kiosk_token[1]) == kiosk_token[0]
