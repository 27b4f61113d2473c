"""The pure functions that decide what a visitor reads (no window needed)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content.validation import parse_entry
from kiosk import rows
from tests import cldr
from tests.kiosk.town import town_entries

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 7, 9, 15, 0, tzinfo=PARIS)  # a Thursday


def same(s: str) -> str:
    return s


def shout(s: str) -> str:  # a "catalogue" that makes translated strings recognisable
    return s.upper()


def card(**fields):
    base = dict(
        id="t:x",
        kind="shop",
        categories=[],
        title={"fr": "Titre"},
        summary={},
        thumb=None,
        opening_hours="",
        next_start=None,
        next_end=None,
    )
    return SimpleNamespace(**{**base, **fields})


def entries():
    return {e["id"]: parse_entry(e) for e in town_entries(NOW)[0]}


def test_pick_falls_back_to_french_and_says_so():
    assert rows.pick({"fr": "Bonjour", "en": "Hello"}, "en") == ("Hello", False)
    assert rows.pick({"fr": "Bonjour"}, "de") == ("Bonjour", True)
    assert rows.pick({"fr": "Bonjour"}, "fr") == ("Bonjour", False)


def test_event_row_shows_its_next_date_in_the_visitors_language():
    start = NOW.replace(hour=21)
    line = rows.card_line(
        card(kind="event", categories=["concert"], next_start=start, next_end=start.replace(hour=23)),
        lang="en",
        now=NOW,
        _=same,
    )
    assert line == ("", cldr.with_times("Concert · Today · <21:00> – <23:00>", "en"))


def test_event_row_in_german_uses_german_date_names():
    start = dt.datetime(2026, 7, 11, 20, 30, tzinfo=PARIS)
    _state, line = rows.card_line(card(kind="event", next_start=start, next_end=None), lang="de", now=NOW, _=same)
    assert line.startswith(cldr.skeleton(start.date(), "MMMEd", "de"))
    assert "Juli" in line and "11" in line


def test_multi_day_event_already_running_says_until_when():
    start, end = NOW - dt.timedelta(days=2), NOW + dt.timedelta(days=3)
    until = cldr.skeleton(end.date(), "MMMEd", "en")
    assert rows.when_text(start, end, now=NOW, lang="en", _=same) == f"Until {until}"


def test_shop_row_shows_category_and_opening_status():
    line = rows.card_line(
        card(categories=["bakery"], opening_hours="Mo-Sa 06:30-19:30"),
        lang="fr",
        now=NOW,
        _=same,
        hours_status=lambda c: ("open", "Ouvert · ferme à 19:30"),
    )
    assert line == ("open", "Boulangerie · Ouvert · ferme à 19:30")


def test_row_without_hours_has_no_status_dot():
    line = rows.card_line(card(), lang="fr", now=NOW, _=same, hours_status=lambda c: pytest.fail("not asked"))
    assert line == ("", "")


def test_list_row_data_is_light_and_formats_nothing():
    """Opening a list of thousands builds only titles and thumbnails; the line is left to the row on show."""
    shop = card(title={"fr": "Titre", "en": "Title"}, thumb="abc", opening_hours="Mo-Sa 06:30-19:30")
    row = rows.card_row(shop, lang="en", thumb_path=lambda sha: f"/media/{sha}.thumb.jpg")
    assert row == {
        "viewclass": "CardRow",
        "entry_id": "t:x",
        "kind": "shop",
        "title": "Title",
        "icon": rows.KIND_ICONS["shop"],
        "thumb": "/media/abc.thumb.jpg",
        "card": shop,
    }


def test_status_text_is_worked_out_once_per_minute_and_language():
    calls = []

    def counting(s: str) -> str:
        calls.append(s)
        return s

    state = SimpleNamespace(is_open=True, unknown=False, changes_at=NOW.replace(hour=19))
    first = rows.status_text(state, now=NOW.replace(second=5), lang="en", _=counting)
    again = rows.status_text(state, now=NOW.replace(second=50), lang="en", _=counting)
    assert first == again == ("open", cldr.with_times("Open · closes at <19:00>", "en")) and len(calls) == 1
    rows.status_text(state, now=NOW.replace(minute=1), lang="en", _=counting)
    rows.status_text(state, now=NOW, lang="fr", _=counting)
    assert len(calls) == 3


@pytest.mark.parametrize(
    "is_open, changes_at, expected",
    [
        (True, NOW.replace(hour=19), ("open", "Open · closes at <19:00>")),
        (True, None, ("open", "Open")),
        (False, NOW.replace(hour=17), ("closed", "Closed · opens at <17:00>")),
        (False, (NOW + dt.timedelta(days=1)).replace(hour=9), ("closed", "Closed · opens tomorrow at <09:00>")),
        (False, None, ("closed", "Closed")),
    ],
)
def test_status_text(is_open, changes_at, expected):
    """<HH:MM> stands for the time as English writes it (Babel's short time)."""
    state = SimpleNamespace(is_open=is_open, unknown=False, changes_at=changes_at)
    dot, text = expected
    assert rows.status_text(state, now=NOW, lang="en", _=same) == (dot, cldr.with_times(text, "en"))


def test_unknown_opening_state_shows_nothing():
    assert rows.status_text(None, now=NOW, lang="en", _=same) == ("", "")
    unknown = SimpleNamespace(is_open=False, unknown=True, changes_at=None)
    assert rows.status_text(unknown, now=NOW, lang="en", _=same) == ("", "")


def test_status_text_goes_through_the_catalogue():
    state = SimpleNamespace(is_open=False, unknown=False, changes_at=None)
    assert rows.status_text(state, now=NOW, lang="en", _=shout) == ("closed", "CLOSED")


def test_search_results_are_grouped_by_kind_in_the_order_of_their_best_result():
    cards = [card(id="t:s", kind="shop"), card(id="t:h", kind="heritage"), card(id="t:s2", kind="shop")]
    data = rows.grouped_rows(cards, lang="fr", _=same)
    assert [(r["viewclass"], r.get("text") or r["entry_id"]) for r in data] == [
        ("HeaderRow", "Shops (2)"),
        ("CardRow", "t:s"),
        ("CardRow", "t:s2"),
        ("HeaderRow", "Heritage (1)"),
        ("CardRow", "t:h"),
    ]


@given(st.lists(st.sampled_from(["place", "heritage", "event", "shop", "service"]), max_size=30))
def test_grouping_keeps_every_result_once(kinds):
    cards = [card(id=f"t:{i}", kind=k) for i, k in enumerate(kinds)]
    data = rows.grouped_rows(cards, lang="fr", _=same)
    assert sorted(r["entry_id"] for r in data if r["viewclass"] == "CardRow") == sorted(c.id for c in cards)
    assert sum(r["viewclass"] == "HeaderRow" for r in data) == len(set(kinds))


def test_chips_start_with_all_then_categories_by_name():
    chips = rows.chip_rows(["wine-shop", "bakery"], lang="fr", selected="bakery", _=same)
    assert [c["key"] for c in chips] == ["", "bakery", "wine-shop"]
    assert [c["active"] for c in chips] == [False, True, False]


def test_alert_banner_shows_the_urgent_one_first():
    alerts = [
        SimpleNamespace(level="info", starts=NOW, message={"fr": "info"}),
        SimpleNamespace(level="urgent", starts=NOW, message={"fr": "Orage", "en": "Storm"}),
    ]
    assert rows.alert_banner(alerts, lang="en") == {"text": "Storm", "level": "urgent", "more": 1}
    assert rows.alert_banner([], lang="en")["text"] == ""


def test_detail_in_german_falls_back_to_french_and_says_so():
    view = rows.detail_view(entries()["test:cathedrale"], lang="de", now=NOW, _=same)
    assert view["title"] == "Kathedrale Sankt Peter"
    assert view["summary"].startswith("Cathédrale gothique")
    assert view["fallback_note"] == "Text available in French"


def test_detail_in_french_has_no_fallback_note():
    view = rows.detail_view(entries()["test:cathedrale"], lang="fr", now=NOW, _=same)
    assert view["fallback_note"] == ""
    assert view["address"] == ["Place d'Armes", "15100 Saint-Flour"]  # name and street were the same
    assert view["source"] == "Source: Mairie de Saint-Flour · Licence Ouverte 2.0"
    assert len(view["media"]) == 2


def test_qr_code_carries_the_page_else_a_map_link():
    town = entries()
    assert rows.qr_target(town["test:cathedrale"]) == "https://www.saint-flour.fr/cathedrale"
    assert rows.qr_target(town["test:pharmacie"]).startswith(
        "https://www.openstreetmap.org/?mlat=45.03380&mlon=3.09210"
    )
    assert rows.qr_target(town["test:boulangerie"]) == ""


def test_qr_code_opens_the_public_page_in_the_visitor_language_when_the_back_office_gave_one():
    cathedral = entries()["test:cathedrale"].model_copy(update={"public_url": "https://borne.saint-flour.fr/p/3"})
    assert rows.qr_target(cathedral, "de") == "https://borne.saint-flour.fr/p/3/de"
    view = rows.detail_view(cathedral, lang="en", now=NOW, _=same)
    assert view["qr"] == "https://borne.saint-flour.fr/p/3/en"


def test_event_detail_lists_coming_dates():
    view = rows.detail_view(entries()["test:concert"], lang="fr", now=NOW, _=same)
    day = cldr.skeleton(dt.date(2026, 7, 11), "MMMEd", "fr")
    assert view["dates"] == [cldr.with_times(f"{day} · <20:30> – <22:00>", "fr")]


def test_attract_shows_each_entry_once_today_first():
    market, cathedral = card(id="t:m", kind="event", next_start=NOW, next_end=None), card(id="t:c", kind="heritage")
    cards = rows.attract_cards([cathedral, market], [market])
    assert [c.id for c in cards] == ["t:m", "t:c"]
    slide = rows.attract_slide(market, lang="fr", now=NOW, _=same, thumb_path=lambda sha: f"/media/{sha}")
    assert slide["entry_id"] == "t:m" and slide["line"] == rows.when_text(NOW, None, now=NOW, lang="fr", _=same)


def test_home_clock_in_the_visitors_language():
    """The locale's full date, its first letter capitalised (Borne's), and its short time."""
    full_de, full_fr = cldr.pattern(NOW, "full", "de"), cldr.pattern(NOW, "full", "fr")
    assert rows.clock_texts(NOW, "de") == (full_de, cldr.time(15, 0, "de"))
    assert rows.clock_texts(NOW, "fr")[0] == "J" + full_fr[1:]
    assert full_fr.startswith("jeudi") and "juillet" in full_fr
