"""Babel's own writing of a date, a time, an interval or a number, for tests of Borne's texts.

Borne decides which pattern or skeleton, which fields, which words around them and which language.
CLDR, through Babel, decides how a pattern is written out: thin or narrow no-break spaces, the dash
of a range, abbreviations. That writing changes between Babel releases (2.19 put thin spaces around
the dash of a date range). A test states Borne's decision and takes the writing from Babel, so it
passes with every release that pyproject.toml allows, and still fails when Borne picks another
pattern, field or language.
"""

import datetime as dt
import re

from babel import Locale, dates, units

#: The long date Borne shows (content.timeutil.format_date): the full weekday and month names in
#: the order and with the words each language uses.
LONG_DATE = {
    "fr": "EEEE d MMMM",
    "en": "EEEE, MMMM d",
    "de": "EEEE, d. MMMM",
    "es": "EEEE, d 'de' MMMM",
    "it": "EEEE d MMMM",
    "nl": "EEEE d MMMM",
}


def time(hour: int, minute: int, lang: str) -> str:
    """The locale's short time: ``21:00``, ``9:00 PM``."""
    return dates.format_time(dt.time(hour, minute), "short", locale=lang)


def with_times(template: str, lang: str) -> str:
    """``"closes at <19:00>"`` with each ``<HH:MM>`` written as the locale's short time."""
    return re.sub(r"<(\d\d):(\d\d)>", lambda m: time(int(m[1]), int(m[2]), lang), template)


def times(start: tuple[int, int], end: tuple[int, int], lang: str) -> str:
    """A time range in CLDR's interval format, on the 12-hour clock in English only."""
    skeleton = "hm" if lang == "en" else "Hm"
    return dates.format_interval(dt.time(*start), dt.time(*end), skeleton, locale=lang)


def long_date(value: dt.date, lang: str) -> str:
    """``mardi 14 juillet``, ``Tuesday, July 14``."""
    return dates.format_date(value, LONG_DATE[lang], locale=lang)


def pattern(value: dt.date, name: str, lang: str) -> str:
    """A date written with a CLDR pattern or a named format (``full``: ``jeudi 9 juillet 2026``)."""
    return dates.format_date(value, name, locale=lang)


def skeleton(value: dt.date, name: str, lang: str) -> str:
    """A date written with the locale's pattern for a skeleton: ``MMMMd`` is ``3 août``."""
    return dates.format_skeleton(name, value, locale=lang)


def interval(first: dt.date, last: dt.date, name: str, lang: str) -> str:
    """Two dates as one range in CLDR's interval format for a skeleton: ``3–5 août``."""
    return dates.format_interval(first, last, name, locale=lang)


def date_and_time(date_text: str, time_text: str, lang: str) -> str:
    """A date and a time joined as the locale's medium date-time pattern joins them."""
    return Locale.parse(lang).datetime_formats["medium"].format(time_text, date_text)


def medium_datetime(value: dt.datetime, lang: str) -> str:
    """``26 nov. 2026, 03:30:00``: the locale's medium date and time."""
    return dates.format_datetime(value, "medium", locale=lang)


def unit(value: float, name: str, lang: str, fmt: str) -> str:
    """A measure with its short unit: ``5,5 Mo``."""
    return units.format_unit(value, name, locale=lang, format=fmt, length="short")


def language_name(code: str, lang: str) -> str:
    """A language's name in ``lang``, as CLDR writes it (``anglais`` in French)."""
    return Locale.parse(lang).languages[code]
