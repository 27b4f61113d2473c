"""``public_url`` in the contract: optional, a web address, and the kiosk's QR code built from it per language."""

import json

import pytest

from content.contract import UI_LANGUAGES, public_page
from content.model import dump
from content.validation import EntryError, parse_entry
from content.views import EntryView

from .conftest import entry


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_the_page_in_a_language_is_the_address_and_the_language(lang):
    assert public_page("https://borne.saint-flour.fr/p/42", lang) == f"https://borne.saint-flour.fr/p/42/{lang}"
    assert public_page("https://borne.saint-flour.fr/p/42/", lang) == f"https://borne.saint-flour.fr/p/42/{lang}"


def test_a_language_the_pages_do_not_speak_falls_back_to_french_and_no_address_gives_nothing():
    assert public_page("https://borne.saint-flour.fr/p/42", "pt") == "https://borne.saint-flour.fr/p/42/fr"
    assert public_page("", "en") == ""


def test_public_url_is_optional_and_travels_with_the_entry():
    plain = parse_entry(entry("musee"))
    assert plain.public_url == ""
    e = parse_entry(entry("musee", public_url="https://borne.saint-flour.fr/p/7"))
    assert dump(e)["public_url"] == "https://borne.saint-flour.fr/p/7"
    assert EntryView.from_json(json.dumps(dump(e))).public_url == "https://borne.saint-flour.fr/p/7"


def test_a_cache_written_before_public_url_reads_as_without_one():
    old = dump(parse_entry(entry("musee")))
    del old["public_url"]
    assert EntryView.from_json(json.dumps(old)).public_url == ""


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "file:///etc/passwd", "borne.saint-flour.fr/p/7"])
def test_public_url_must_be_a_web_address(bad):
    with pytest.raises(EntryError, match="public_url"):
        parse_entry(entry("musee", public_url=bad))
