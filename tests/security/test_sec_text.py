"""Plain text stays plain: every spelling a browser reads as a tag, and every Kivy markup tag, is
refused by the contract's one rule (content.text.check_plain), wherever text enters: the contract's
validation (feed, bundle, importers) and what the importers make of HTML."""

from __future__ import annotations

import pytest

from content.text import MarkupError, check_plain, html_to_text
from content.validation import EntryError, parse_alert, parse_entry

BROWSER_TAGS = [
    "<svg/onload=alert(1)>",
    "<img/src=x onerror=alert(1)>",
    "<IMG SRC=x OnError=alert(1)>",
    "<svg\nonload=alert(1)>",
    "<img\tsrc=x\tonerror=alert(1)>",
    "<svg onload=alert(1)",  # never closed: a browser still reads the tag
    "<a href=javascript:alert(1)>lien</a>",
    "<script>alert(1)</script>",
    "</script><script>alert(1)",
    "<!--x--><img src=x>",
    "<!doctype html>",
    "<?xml version='1.0'?>",
    "<math><mi xlink:href=javascript:alert(1)>",
    "<details open ontoggle=alert(1)>",
    "&lt;script&gt;",
    "&#60;script&#62;",
    "&#x3c;svg onload=alert(1)&#x3e;",
    "&#X3C;",
]
KIVY_TAGS = ["[b]gras[/b]", "[i]x", "[/u]", "[color=#ff0000]rouge", "[ref=x]clic", "[size=40]grand", "[FONT=x]"]
PLAIN = [
    "3 < 5 et 7 > 2",
    "<3",
    "5 <= 6",
    "a <- b",
    "R&D, Tom & Jerry",
    "Prix : 5 € [enfants gratuits]",
    "[1] note",
    "Ouvert 9 h-12 h",
]


@pytest.mark.parametrize("value", BROWSER_TAGS + KIVY_TAGS)
def test_markup_is_refused(value):
    with pytest.raises(MarkupError):
        check_plain(f"Visite guidée {value} du centre")


@pytest.mark.parametrize("value", PLAIN)
def test_plain_text_with_brackets_and_signs_passes(value):
    assert check_plain(value) == value


@pytest.mark.parametrize("value", BROWSER_TAGS + KIVY_TAGS)
@pytest.mark.parametrize("field", ["title", "summary", "body"])
def test_the_contract_refuses_it_in_every_text_field(value, field):
    data = {
        "id": "bo:1",
        "kind": "place",
        "title": {"fr": "Musée"},
        "commune": "15187",
        "updated_at": "2026-11-01T10:00:00+01:00",
    }
    data[field] = {"fr": "Musée", "en": f"Museum {value}"}
    with pytest.raises(EntryError):
        parse_entry(data)


@pytest.mark.parametrize("value", BROWSER_TAGS[:6] + KIVY_TAGS[:3])
def test_the_contract_refuses_it_in_an_alert(value):
    alert = {
        "id": "bo-alert:1",
        "level": "urgent",
        "message": {"fr": f"Route barrée {value}"},
        "from": "2026-11-01T00:00:00+01:00",
    }
    with pytest.raises(EntryError):
        parse_alert(alert)


@pytest.mark.parametrize("value", BROWSER_TAGS + KIVY_TAGS)
def test_what_the_importers_make_of_html_is_always_plain(value):
    check_plain(html_to_text(f"<p>Avant {value} après</p>"))
