"""The shipped catalogues: complete in every language, placeholders kept, up to date with the source."""

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po

from kiosk.i18n import LANGUAGES, LOCALE_DIR, Translator, check_catalogue, compile_catalogues, extract_kv

REPO = Path(__file__).resolve().parents[2]
CODES = [code for code, _name in LANGUAGES]

#: Translations allowed to be spelt as the English msgid, because the word is the same.
SAME_AS_ENGLISH = {
    "fr": {"Dates", "Contact", "Maintenance", "Images", "Version", "OK"},
    "nl": {"Contact", "Open", "OK", "Volume {percent} %"},
    "de": {"Version", "OK"},
    "es": {"OK"},
    "it": {"OK", "Volume {percent} %"},
}


def po_path(lang):
    return LOCALE_DIR / lang / "LC_MESSAGES" / "borne.po"


def catalogue(lang):
    with po_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def source_msgids():
    """Every msgid the kiosk's .py and .kv files use now, extracted the way babel.cfg does."""
    found = set()
    for path in sorted((REPO / "kiosk").rglob("*")):
        method = {".py": "python", ".kv": extract_kv}.get(path.suffix)
        if method is None:
            continue
        for _lineno, message, _comments, context in extract_from_file(method, str(path), keywords=DEFAULT_KEYWORDS):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.add((context, msgid))
    return found


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    locale = tmp_path_factory.mktemp("locale")
    for lang in CODES:
        target = locale / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(po_path(lang), target)
    compile_catalogues(locale)
    return locale


@pytest.mark.parametrize("lang", CODES)
def test_catalogue_compiles(compiled, lang):
    assert (compiled / lang / "LC_MESSAGES" / "borne.mo").stat().st_size > 0


@pytest.mark.parametrize("lang", CODES)
def test_catalogue_is_complete_and_keeps_placeholders(lang):
    assert check_catalogue(po_path(lang)) == []


@pytest.mark.parametrize("lang", CODES)
def test_catalogue_covers_every_string_of_the_source(lang):
    have = {(m.context, m.id[0] if isinstance(m.id, tuple) else m.id) for m in catalogue(lang) if m.id}
    missing = sorted(msgid for _ctx, msgid in source_msgids() - have)
    assert missing == [], f"{po_path(lang)} lacks {missing}: run the catalogue update (see kiosk/i18n.py)"


@pytest.mark.parametrize("lang", [c for c in CODES if c != "en"])
def test_translations_are_not_left_in_english(lang):
    same = {m.id for m in catalogue(lang) if m.id and not isinstance(m.id, tuple) and m.string == m.id}
    assert same <= SAME_AS_ENGLISH[lang]


def test_french_typography_uses_non_breaking_spaces():
    for message in catalogue("fr"):
        text = " ".join(message.string) if isinstance(message.string, tuple) else message.string
        assert not re.search(r" [:;!?»]|« ", text), f"plain space in French typography: {text!r}"


@pytest.mark.parametrize("lang", CODES)
def test_the_app_reads_each_compiled_catalogue(compiled, lang):
    tr = Translator(locale_dir=compiled, lang=lang, compile_missing=False)
    expected = {"fr": "Découvrir", "en": "Discover", "de": "Entdecken", "es": "Descubrir", "it": "Scoprire"}
    assert tr._("Discover") == expected.get(lang, "Ontdekken")
