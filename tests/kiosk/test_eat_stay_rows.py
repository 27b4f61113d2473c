"""What a visitor reads in the food and stay lists and pages (pure functions, no window)."""

from __future__ import annotations

import datetime as dt
import json
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from content.model import dump
from content.validation import parse_entry
from content.views import EntryView
from kiosk import offer_rows, rows

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=PARIS)  # late November: summer campsites are closed


def shout(s: str) -> str:  # a "catalogue" that makes translated strings recognisable, placeholders kept
    return re.sub(r"\{(\w+)\}", lambda m: "{" + m.group(1).lower() + "}", s.upper())


def view(kind="stay", **details) -> EntryView:
    data = {
        "id": "test:x",
        "kind": kind,
        "title": {"fr": "Camping"},
        "updated_at": "2026-11-01T10:00:00+01:00",
        "url": "https://example.org/page",
        "details": details,
    }
    return EntryView.from_json(json.dumps(dump(parse_entry(data))))


def card(kind="stay", **details):
    return SimpleNamespace(kind=kind, categories=[], opening_hours="", details=details)


def test_a_stay_says_whether_it_is_open_this_season_not_this_hour():
    summer = [{"start": "04-01", "end": "09-30"}]
    assert rows.card_line(card(season=summer, stars=2), lang="fr", now=NOW, _=shout) == (
        "closed",
        "2 STARS · CLOSED FOR THE SEASON",
    )
    state, line = rows.card_line(card(season=summer), lang="fr", now=NOW.replace(month=7), _=shout)
    assert (state, line) == ("open", "OPEN THIS SEASON")
    assert rows.card_line(card(), lang="fr", now=NOW, _=shout) == ("", "")  # nothing said, nothing claimed


def test_a_table_shows_its_price_band():
    assert rows.card_line(card("food", price=3), lang="fr", now=NOW, _=shout) == ("", "€€€")


@pytest.mark.parametrize(("kind", "first"), [("food", "open_now"), ("stay", "in_season"), ("shop", None)])
def test_facet_chips_per_kind(kind, first):
    chips = offer_rows.facet_chips(kind, ["terrace"], _=shout)
    assert (chips[0]["key"] if chips else None) == first
    assert [c["key"] for c in chips if c["active"]] == (["terrace"] if kind == "food" else [])
    assert all(c["text"] for c in chips)


def test_the_page_of_a_stay_lists_what_is_good_to_know_and_books_by_qr():
    entry = view(
        stars=3,
        capacity=6,
        labels=["Gîtes de France 3 épis"],
        amenities=["pets", "wheelchair"],
        season=[{"start": "04-01", "end": "09-30"}],
        booking_url="https://example.org/book",
    )
    facts = offer_rows.detail_facts(entry, lang="en", _=lambda s: s)
    assert facts[:3] == ["Classified: 3 stars", "Gîtes de France 3 épis", "Up to 6 people"]
    assert facts[3] == "Pets welcome · Wheelchair accessible"
    assert facts[4].startswith("Open from ") and facts[4].index("April") < facts[4].index("September")
    assert rows.qr_target(entry) == "https://example.org/book"
    assert rows.qr_caption(entry, shout) == "SCAN TO BOOK ON YOUR PHONE"


def test_without_a_booking_link_the_qr_is_the_page():
    entry = view("food", price=1)
    assert rows.qr_target(entry) == "https://example.org/page"
    assert offer_rows.detail_facts(entry, lang="fr", _=lambda s: s) == ["Prices: €"]


def test_an_entry_stored_before_schema_2_reads_with_empty_details():
    data = dump(
        parse_entry({"id": "t:old", "kind": "shop", "title": {"fr": "x"}, "updated_at": "2026-01-01T00:00:00Z"})
    )
    del data["details"]
    old = EntryView.from_json(json.dumps(data))
    assert (old.details.price, old.details.season, offer_rows.detail_facts(old, lang="fr", _=str)) == (None, [], [])
