"""The translator: catalogues compile, lookups follow the language, kv labels re-render on a switch."""

import os

import pytest

from kiosk import i18n
from kiosk.i18n import LANGUAGES, CatalogueError, Translator, check_catalogue, compile_catalogues, placeholders

PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"

msgid "Discover"
msgstr "{discover}"

msgid "Closes at {time}"
msgstr "{closes}"

msgid "{n} result"
msgid_plural "{n} results"
msgstr[0] "{n} {one}"
msgstr[1] "{n} {many}"

msgctxt "state"
msgid "Open"
msgstr "{open}"
"""

WORDS = {
    "fr": {
        "discover": "Découvrir",
        "closes": "Ferme à {time}",
        "one": "résultat",
        "many": "résultats",
        "open": "Ouvert",
    },
    "de": {
        "discover": "Entdecken",
        "closes": "Schließt um {time}",
        "one": "Ergebnis",
        "many": "Ergebnisse",
        "open": "Geöffnet",
    },
}


def write_po(locale_dir, lang, text):
    po = locale_dir / lang / "LC_MESSAGES" / "borne.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_text(text, encoding="utf-8")
    return po


@pytest.fixture
def locale_dir(tmp_path):
    for lang, words in WORDS.items():
        body = PO.replace("{discover}", words["discover"]).replace("{closes}", words["closes"])
        body = body.replace("{one}", words["one"]).replace("{many}", words["many"]).replace("{open}", words["open"])
        write_po(tmp_path, lang, body)
    compile_catalogues(tmp_path)
    return tmp_path


def test_languages_are_the_six_named_as_they_name_themselves():
    assert [code for code, _ in LANGUAGES] == ["fr", "en", "de", "es", "it", "nl"]
    assert dict(LANGUAGES)["de"] == "Deutsch"


def test_n_marks_without_translating():
    assert i18n.N_("Discover") == "Discover"


def test_translates_in_the_chosen_language(locale_dir):
    tr = Translator(locale_dir=locale_dir, lang="de")
    assert tr._("Discover") == "Entdecken"
    tr.lang = "fr"
    assert tr._("Discover") == "Découvrir"


def test_placeholders_are_filled_after_translation(locale_dir):
    tr = Translator(locale_dir=locale_dir, lang="fr")
    assert tr._("Closes at {time}", time="19:00") == "Ferme à 19:00"


@pytest.mark.parametrize(("n", "expected"), [(1, "1 résultat"), (2, "2 résultats"), (0, "0 résultat")])
def test_plural_follows_the_languages_rule(locale_dir, n, expected):
    tr = Translator(locale_dir=locale_dir, lang="fr")
    assert tr.ngettext("{n} result", "{n} results", n, n=n) == expected


def test_context_picks_the_contextual_translation(locale_dir):
    tr = Translator(locale_dir=locale_dir, lang="de")
    assert tr.pgettext("state", "Open") == "Geöffnet"


def test_missing_catalogue_falls_back_to_the_msgid(locale_dir):
    tr = Translator(locale_dir=locale_dir, lang="es")
    assert tr._("Discover") == "Discover"


def test_unknown_language_is_refused(locale_dir):
    tr = Translator(locale_dir=locale_dir)
    with pytest.raises(ValueError, match="'xx'"):
        tr.lang = "xx"


def test_switching_language_notifies_binders_of_the_translate_function(locale_dir):
    tr = Translator(locale_dir=locale_dir, lang="fr")
    seen = []
    tr.bind(_=lambda inst, fn: seen.append(fn("Discover")))
    tr.lang = "de"
    tr.lang = "fr"
    assert seen == ["Entdecken", "Découvrir"]


@pytest.fixture
def app_with_translator(kv_app, locale_dir):
    kv_app.tr = Translator(locale_dir=locale_dir, lang="fr")
    return kv_app


KV = """
BoxLayout:
    Label:
        id: plain
        text: app.tr._("Discover")
    Label:
        id: formatted
        text: app.tr._("Closes at {time}", time="19:00")
    Label:
        id: plural
        text: app.tr.ngettext("{n} result", "{n} results", 3)
"""


def test_kv_labels_re_render_when_the_language_switches(app_with_translator):
    from kivy.lang import Builder

    root = Builder.load_string(KV)
    ids = root.ids
    assert (ids.plain.text, ids.formatted.text, ids.plural.text) == ("Découvrir", "Ferme à 19:00", "3 résultats")
    app_with_translator.tr.lang = "de"
    assert (ids.plain.text, ids.formatted.text, ids.plural.text) == ("Entdecken", "Schließt um 19:00", "3 Ergebnisse")


def test_compile_skips_up_to_date_catalogues_and_redoes_stale_ones(locale_dir):
    po = locale_dir / "fr" / "LC_MESSAGES" / "borne.po"
    assert compile_catalogues(locale_dir) == []
    os.utime(po, (po.stat().st_atime, po.with_suffix(".mo").stat().st_mtime + 10))
    assert compile_catalogues(locale_dir) == [po.with_suffix(".mo")]


def test_reload_reads_a_recompiled_catalogue(locale_dir):
    tr = Translator(locale_dir=locale_dir, lang="fr")
    po = locale_dir / "fr" / "LC_MESSAGES" / "borne.po"
    po.write_text(po.read_text(encoding="utf-8").replace("Découvrir", "Explorer"), encoding="utf-8")
    compile_catalogues(locale_dir, force=True)
    tr.reload()
    assert tr._("Discover") == "Explorer"


def test_a_broken_catalogue_is_refused_naming_the_file(tmp_path):
    write_po(tmp_path, "fr", 'msgid "Discover"\nmsgstr "Découvrir"\ngarbage\n')
    with pytest.raises(CatalogueError, match="borne.po"):
        compile_catalogues(tmp_path)


@pytest.mark.parametrize(
    ("text", "names"), [("Closes at {time}", {"time"}), ("{n} of {total}", {"n", "total"}), ("none", set())]
)
def test_placeholders(text, names):
    assert placeholders(text) == names


@pytest.mark.parametrize(
    ("msgstr", "problem"),
    [
        ('"Ferme à {heure}"', "placeholders"),
        ('"Ferme à {time} {time2}"', "placeholders"),
        ('"Ferme à {time"', "malformed"),
        ('""', "not translated"),
    ],
)
def test_check_catalogue_reports_bad_translations(tmp_path, msgstr, problem):
    po = write_po(tmp_path, "fr", f'msgid ""\nmsgstr ""\n\nmsgid "Closes at {{time}}"\nmsgstr {msgstr}\n')
    problems = check_catalogue(po)
    assert len(problems) == 1 and problem in problems[0] and "Closes at {time}" in problems[0]


def test_check_catalogue_lets_a_singular_form_drop_the_count(tmp_path):
    po = write_po(
        tmp_path,
        "de",
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "{n} result"\nmsgid_plural "{n} results"\nmsgstr[0] "ein Ergebnis"\nmsgstr[1] "{n} Ergebnisse"\n',
    )
    assert check_catalogue(po) == []


def test_translator_compiles_a_catalogue_that_has_no_mo_yet(tmp_path):
    write_po(tmp_path, "fr", PO.replace("{discover}", "Découvrir"))
    tr = Translator(locale_dir=tmp_path, lang="fr")
    assert tr._("Discover") == "Découvrir"


def test_ensure_compiled_logs_a_broken_catalogue_instead_of_raising(tmp_path, caplog):
    write_po(tmp_path, "fr", 'msgid "Discover"\nmsgstr "Découvrir"\ngarbage\n')
    assert i18n.ensure_compiled(tmp_path) == []
    assert "borne.po" in caplog.text


def test_interface_languages_are_the_content_contracts():
    from content.contract import UI_LANGUAGES

    assert tuple(code for code, _ in LANGUAGES) == UI_LANGUAGES


def test_translate_in_another_language_leaves_the_current_one(locale_dir):
    tr = Translator(locale_dir=locale_dir, lang="fr")
    assert tr.translate_in("de", "Closes at {time}", time="9:00") == "Schließt um 9:00"
    assert tr.lang == "fr" and tr._("Discover") == "Découvrir"
