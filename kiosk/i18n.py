"""The kiosk's interface languages: gettext catalogues compiled with Babel, and a translator kv binds to.

Msgids are English; every language, French included, has its own catalogue at
``kiosk/locale/<lang>/LC_MESSAGES/borne.po``, compiled to ``borne.mo`` by :func:`compile_catalogues`
(``python -m kiosk.i18n compile``). The ``.mo`` files are build output and are not committed.

How a kv label follows the language
-----------------------------------
:class:`Translator` keeps its translating functions ``_``, ``ngettext`` and ``pgettext`` in Kivy
properties and replaces them by new ones whenever ``lang`` changes. A kv rule such as::

    text: app.tr._("Discover")
    text: app.tr._("Closes at {time}", time=root.closes)
    text: app.tr.ngettext("{n} result", "{n} results", root.count)

is bound by kv to ``app.tr._`` (kv watches the last attribute of every ``a.b.c`` chain it finds in
an expression), so setting ``app.tr.lang = "de"`` re-evaluates every such rule. ``app.tr`` must be
set before the kv rules are applied (an ``ObjectProperty`` of the App assigned in ``__init__``).
Python code that builds text outside kv binds to ``lang`` (``tr.bind(lang=...)``) or uses an
``on_lang`` handler and calls ``tr._(...)`` again.

Placeholders are ``str.format`` fields: ``_("Closes at {time}", time="19:00")``; a translation must
keep exactly the source's fields (checked by :func:`check_catalogue` and the catalogue tests).
"""

from __future__ import annotations

import gettext
import logging
import re
import string
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from kivy.event import EventDispatcher
from kivy.properties import ObjectProperty, StringProperty

log = logging.getLogger(__name__)

#: The interface languages, each written as it names itself, in the order of the language bar.
LANGUAGES = [
    ("fr", "Français"),
    ("en", "English"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("nl", "Nederlands"),
]
LANGUAGE_CODES = tuple(code for code, _name in LANGUAGES)
DEFAULT_LANGUAGE = "fr"
DOMAIN = "borne"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

#: Keywords for extraction (kv and Python): the translator's methods, and N_ for deferred strings.
KEYWORDS = {
    "_": None,
    "N_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}


class CatalogueError(Exception):
    """A catalogue that does not compile, or whose translations do not match their source."""


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a string for extraction without translating it now (translate it later with ``tr._``)."""
    return message


def _format(text: str, kwargs: dict) -> str:
    return text.format(**kwargs) if kwargs else text


class Translator(EventDispatcher):
    """The current interface language and its catalogue; kv rebinds through ``_`` (see module doc).

    ``Translator(locale_dir=..., lang="fr")``. Unknown languages are refused with ValueError; a
    language whose ``.mo`` is missing falls back to the English msgids (logged once). Unless
    ``compile_missing=False``, catalogues whose ``.mo`` is missing or older than the ``.po`` are
    compiled first (:func:`ensure_compiled`: a read-only install only logs a warning).
    """

    #: The current language code, one of LANGUAGE_CODES.
    lang = StringProperty(DEFAULT_LANGUAGE)
    #: ``_(msgid, **fields)``: replaced by a new function on each language switch, so kv re-renders.
    _ = ObjectProperty(None, force_dispatch=True, allownone=True)
    #: ``ngettext(singular, plural, n, **fields)``; ``{n}`` is filled with ``n`` unless given.
    ngettext = ObjectProperty(None, force_dispatch=True, allownone=True)
    #: ``pgettext(context, msgid, **fields)``, for a msgid that needs a context to be translated.
    pgettext = ObjectProperty(None, force_dispatch=True, allownone=True)

    def __init__(self, *, locale_dir: Path | str | None = None, compile_missing: bool = True, **kwargs):
        self.locale_dir = Path(locale_dir) if locale_dir is not None else LOCALE_DIR
        self._catalogues: dict[str, gettext.NullTranslations] = {}
        if compile_missing:
            ensure_compiled(self.locale_dir)
        lang = kwargs.pop("lang", DEFAULT_LANGUAGE)
        super().__init__(**kwargs)
        self._check_lang(lang)
        self.lang = lang
        self._install()

    @staticmethod
    def _check_lang(lang: str) -> None:
        if lang not in LANGUAGE_CODES:
            raise ValueError(f"unknown interface language {lang!r}: expected one of {', '.join(LANGUAGE_CODES)}")

    def catalogue(self, lang: str) -> gettext.NullTranslations:
        """The compiled catalogue of ``lang`` (English msgids when its .mo is missing)."""
        if lang not in self._catalogues:
            found = gettext.find(DOMAIN, str(self.locale_dir), languages=[lang])
            if found is None and lang != "en":
                log.warning("no compiled catalogue for %s in %s: showing English", lang, self.locale_dir)
            # fallback=True gives a NullTranslations (msgids as they are) when the .mo is missing.
            self._catalogues[lang] = gettext.translation(DOMAIN, str(self.locale_dir), languages=[lang], fallback=True)
        return self._catalogues[lang]

    def reload(self) -> None:
        """Forget loaded catalogues (after recompiling) and re-render."""
        self._catalogues.clear()
        gettext._translations.clear()  # gettext caches by .mo path; a recompiled file must be reread
        self._install()

    def on_lang(self, _instance, value: str) -> None:
        self._check_lang(value)
        self._install()

    def _install(self) -> None:
        cat = self.catalogue(self.lang)

        def translate(message: str, /, **fields) -> str:
            return _format(cat.gettext(message), fields)

        def translate_plural(singular: str, plural: str, n: int, /, **fields) -> str:
            fields.setdefault("n", n)
            return _format(cat.ngettext(singular, plural, n), fields)

        def translate_in_context(context: str, message: str, /, **fields) -> str:
            return _format(cat.pgettext(context, message), fields)

        self.ngettext = translate_plural
        self.pgettext = translate_in_context
        self._ = translate  # last: kv rules bound to ``_`` see the other two already switched

    def translate_in(self, lang: str, message: str, /, **fields) -> str:
        """``message`` in another language than the current one (the attract loop's "Touch to start"
        in every language in turn); not bound by kv: call it from Python."""
        self._check_lang(lang)
        return _format(self.catalogue(lang).gettext(message), fields)

    def gettext(self, message: str, /, **fields) -> str:
        """Same as ``_`` (for Python code that prefers the long name; kv must use ``_``)."""
        return self._(message, **fields)


# --- catalogues: compile and check ----------------------------------------------------------------


def _po_files(locale_dir: Path) -> Iterator[tuple[str, Path]]:
    for po in sorted(Path(locale_dir).glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        yield po.parent.parent.name, po


def placeholders(text: str) -> set[str]:
    """The ``str.format`` field names of ``text`` ({name} -> "name"); raises ValueError if malformed."""
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def check_catalogue(po_path: Path | str) -> list[str]:
    """Problems of one .po file: untranslated or fuzzy messages, placeholders differing from the msgid."""
    from babel.messages.pofile import read_po

    po_path = Path(po_path)
    problems = []
    with po_path.open("rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strs = message.string if isinstance(message.string, tuple | list) else (message.string,)
        where = f"{po_path}:{message.lineno} msgid {ids[0]!r}"
        if message.fuzzy:
            problems.append(f"{where}: marked fuzzy")
        try:
            expected = set().union(*(placeholders(i) for i in ids))
        except ValueError as exc:
            problems.append(f"{where}: malformed placeholder in msgid ({exc})")
            continue
        for index, s in enumerate(strs):
            if not s:
                problems.append(f"{where}: not translated")
                continue
            try:
                found = placeholders(s)
            except ValueError as exc:
                problems.append(f"{where}: malformed placeholder in translation {s!r} ({exc})")
                continue
            # A plural form other than the last may drop a field ("ein Ergebnis" for "{n} result"),
            # but never add one; every other translation keeps exactly the source's fields.
            singular_form = len(strs) > 1 and index < len(strs) - 1
            if found != expected and not (singular_form and found < expected):
                problems.append(f"{where}: placeholders {sorted(found)} differ from the source's {sorted(expected)}")
    return problems


def compile_catalogues(locale_dir: Path | str = LOCALE_DIR, *, force: bool = False) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/borne.po`` under ``locale_dir`` to its ``.mo``.

    Only catalogues whose ``.mo`` is missing or older than the ``.po`` are compiled (all with
    ``force``). Returns the .mo files written. Raises CatalogueError naming the file on a bad .po.
    """
    written = []
    for lang, po in _po_files(Path(locale_dir)):
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        # Babel's catalogue machinery only when there is something to compile (not at every start).
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import PoFileError, read_po

        try:
            with po.open("rb") as f:
                catalog = read_po(f, locale=lang, abort_invalid=True)
        except (PoFileError, ValueError, UnicodeDecodeError) as exc:
            raise CatalogueError(f"cannot read catalogue {po}: {exc}") from exc
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        tmp.replace(mo)
        written.append(mo)
        log.info("compiled %s", mo)
    return written


def ensure_compiled(locale_dir: Path | str = LOCALE_DIR) -> list[Path]:
    """Compile missing or stale catalogues, logging instead of raising (for the app's start)."""
    try:
        return compile_catalogues(locale_dir)
    except (CatalogueError, OSError) as exc:
        log.warning("interface catalogues not (re)compiled: %s", exc)
        return []


# --- extraction from .kv files --------------------------------------------------------------------

_KV_DIRECTIVE = re.compile(rb"^\s*#:")


def extract_kv(fileobj, keywords, comment_tags, options) -> Iterable[tuple]:
    """Babel extraction method for Kivy .kv files (``[kiosk.i18n:extract_kv: kiosk/**.kv]``).

    kv property values are Python expressions; the file is handed to Babel's Python extractor with
    indentation removed (kv's nesting is not Python's) and ``#:`` directives blanked, so line
    numbers are kept and every ``_("…")``, ``ngettext(…)``, ``pgettext(…)`` call is found.
    """
    import io

    from babel.messages.extract import extract_python

    lines = []
    for raw in fileobj.read().splitlines():
        lines.append(b"" if _KV_DIRECTIVE.match(raw) else raw.lstrip())
    source = io.BytesIO(b"\n".join(lines) + b"\n")
    yield from extract_python(source, keywords, comment_tags, options)


def update_catalogues(repo_root: Path | str, locale_dir: Path | str = LOCALE_DIR) -> None:
    """Re-extract ``borne.pot`` from the kiosk's .py and .kv (``babel.cfg`` at ``repo_root``) and merge
    it into every language's .po (new msgids arrive untranslated: ``check`` lists them)."""
    import contextlib

    from babel.messages.frontend import CommandLineInterface

    root, locale_dir = Path(repo_root).resolve(), Path(locale_dir).resolve()
    pot = locale_dir / f"{DOMAIN}.pot"
    with contextlib.chdir(root):  # source references in the catalogues are relative to the repo root
        CommandLineInterface().run(
            ["pybabel", "-q", "extract", "-F", "babel.cfg", "--no-wrap", "--sort-by-file"]
            + ["--project", "Borne", "--copyright-holder", "Borne contributors", "-o", str(pot), "."]
        )
    for lang in LANGUAGE_CODES:
        po = locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        command = "update" if po.exists() else "init"
        args = ["pybabel", "-q", command, "-i", str(pot), "-d", str(locale_dir), "-D", DOMAIN, "-l", lang, "--no-wrap"]
        if command == "update":
            args += ["--ignore-obsolete", "--no-fuzzy-matching"]
        CommandLineInterface().run(args)


# --- command line ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """``python -m kiosk.i18n compile [--force] [DIR]`` | ``check [DIR]`` | ``update`` (from the repo root)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m kiosk.i18n", description=main.__doc__)
    parser.add_argument("command", choices=["compile", "check", "update"])
    parser.add_argument("locale_dir", nargs="?", default=str(LOCALE_DIR))
    parser.add_argument("--force", action="store_true", help="compile even when the .mo is up to date")
    args = parser.parse_args(argv)
    if args.command == "compile":
        written = compile_catalogues(args.locale_dir, force=args.force)
        print(f"compiled {len(written)} catalogue(s) in {args.locale_dir}")
        return 0
    if args.command == "update":
        update_catalogues(Path(__file__).resolve().parents[1], args.locale_dir)
    problems = [p for _lang, po in _po_files(Path(args.locale_dir)) for p in check_catalogue(po)]
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
