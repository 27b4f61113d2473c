"""The public page's words: the kiosk's own catalogues (kiosk/locale/<lang>/LC_MESSAGES/borne.po).

The visitor reads on the phone what the kiosk showed ("Opening hours", "Open · closes at 19:00"), so
the page uses the kiosk's translations rather than a second set of its own; the few words only
this page says are in the same catalogues (extracted from this package, see babel.cfg). The .po
files are read directly (a server need not compile the kiosk's .mo) and kept once read.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from content.contract import UI_LANGUAGES

LOCALE_DIR = Path(__file__).resolve().parents[2] / "kiosk" / "locale"


def N_(message: str) -> str:  # noqa: N802 - the conventional marker: extracted, translated later
    return message


#: Only the public page says these (extracted into the kiosk's catalogues by babel.cfg).
PAGE_WORDS = (
    N_("Add to calendar"),
    N_("Directions"),
    N_("Open the map"),
    N_("Call"),
    N_("Write"),
    N_("Web site"),
    N_("Photo: {credit}"),
    N_("This page is no longer published."),
    N_("The town's home page"),
    N_("This page does not exist."),
    N_("Information from the town's kiosk"),
    N_("Languages"),
)


@lru_cache(maxsize=len(UI_LANGUAGES))
def _catalogue(lang: str) -> dict[str, str]:
    from babel.messages.pofile import read_po

    path = LOCALE_DIR / lang / "LC_MESSAGES" / "borne.po"
    try:
        with open(path, "rb") as fh:
            catalogue = read_po(fh)
    except OSError:
        return {}
    return {m.id: m.string for m in catalogue if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def translator(lang: str):
    """``_(message, **fields)`` in ``lang`` (the message itself, in English, when a catalogue lacks it)."""
    table = _catalogue(lang)

    def _(message: str, /, **fields) -> str:
        text = table.get(message, message)
        return text.format(**fields) if fields else text

    return _
