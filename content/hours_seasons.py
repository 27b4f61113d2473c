"""Opening hours that change over the year, read rule by rule: "De mai à septembre : tous les jours …".

``content.hours.describe`` first works out a usual week. When the hours differ between parts of
the year (a campsite open from May to September, longer days in summer), there is no such week;
this module then reads the expression's rules in their order, for the common forms:

- months and dates (``May-Sep``, ``Jul-Aug``, ``Dec``, ``Jul 14``, ``Dec 24-26``, ``Jul 14-Aug 15``);
- weekdays and public holidays (``Mo-Su``, ``Mo-Fr,Sa``, ``Fr-Mo``, ``PH``);
- times (``08:30-12:30,14:00-20:00``, past midnight ``18:00-02:00``);
- ``off`` / ``closed``.

Anything else (years, week numbers, comments, ``unknown``, sunrise, ``Su[1]``, ``SH``, ``||`` …)
makes :func:`seasonal_lines` answer ``None``, and the caller shows the expression as written.
Month and day names and dates come from Babel; only the words around them are here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from babel.dates import format_skeleton, get_day_names, get_month_names

from content.hours_words import SEASON_WORDS, WORDS
from content.timeutil import format_time_range

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_MON = "(?:" + "|".join(_MONTHS) + ")"
_DAY = "(?:" + "|".join(_WEEKDAYS) + ")"
_PERIOD = rf"{_MON} \d{{1,2}}(?:-(?:{_MON} )?\d{{1,2}})?|{_MON}(?:-{_MON})?"
_DAYS = rf"{_DAY}(?:-{_DAY})?|PH"
_SPAN = r"\d{2}:\d{2}-\d{2}:\d{2}"
_RULE = re.compile(
    rf"(?:(?P<periods>(?:{_PERIOD})(?:,(?:{_PERIOD}))*)(?::? |$))?"  # "May-Sep: Mo-Su" is allowed too
    rf"(?:(?P<days>(?:{_DAYS})(?:,(?:{_DAYS}))*)(?: |$))?"
    rf"(?:(?P<spans>{_SPAN}(?:,{_SPAN})*)(?: |$))?"
    r"(?P<off>off|closed)?"
)
#: Any year will do for a month and day; a leap year knows 29 February.
_YEAR = 2000


@dataclass(frozen=True)
class _Rule:
    periods: tuple[tuple[dt.date, dt.date, bool], ...]  # first, last, whole months
    weekdays: tuple[int, ...]  # 0 is Monday
    holidays: bool
    spans: tuple[tuple[int, int], ...]  # minutes; the end may pass 24:00
    off: bool


def seasonal_lines(hours: str, lang: str) -> list[str] | None:
    """One line per rule of ``hours`` in ``lang`` (a language of ``WORDS``), or None when a rule is not understood."""
    rules = []
    for text in hours.split(";"):
        text = " ".join(text.split())
        if not text:
            continue
        rule = _parse(text)
        if rule is None:
            return None
        rules.append(rule)
    if not rules:
        return None
    return [_capitalised(_rule_text(rule, lang)) for rule in rules]


# -- reading -----------------------------------------------------------------------------------------


def _parse(text: str) -> _Rule | None:
    match = _RULE.fullmatch(text)
    if match is None or not any(match.groups()):
        return None
    try:
        periods = tuple(_period(p) for p in match["periods"].split(",")) if match["periods"] else ()
        spans = tuple(_span(s) for s in match["spans"].split(",")) if match["spans"] else ()
    except ValueError:  # 31 April, 25:00 ...
        return None
    weekdays: list[int] = []
    holidays = False
    for part in match["days"].split(",") if match["days"] else ():
        if part == "PH":
            holidays = True
            continue
        first, _, last = part.partition("-")
        a, b = _WEEKDAYS.index(first), _WEEKDAYS.index(last or first)
        weekdays.extend((a + i) % 7 for i in range((b - a) % 7 + 1))
    off = bool(match["off"])
    if off and spans:
        return None  # "10:00-12:00 off": not a form worth guessing at
    return _Rule(periods, tuple(sorted(set(weekdays))), holidays, spans, off)


def _period(text: str) -> tuple[dt.date, dt.date, bool]:
    """``May-Sep`` → 1 May, 1 September, whole months; ``Jul 14-Aug 15`` → 14 July, 15 August, days."""
    first, _, last = text.partition("-")
    month, _, day = first.partition(" ")
    start_month = _MONTHS.index(month) + 1
    if not day:  # months
        end_month = _MONTHS.index(last) + 1 if last else start_month
        return dt.date(_YEAR, start_month, 1), dt.date(_YEAR, end_month, 1), True
    start = dt.date(_YEAR, start_month, int(day))
    if not last:
        return start, start, False
    end_name, _, end_day = last.rpartition(" ")
    end_month = _MONTHS.index(end_name) + 1 if end_name else start_month
    return start, dt.date(_YEAR, end_month, int(end_day)), False


def _span(text: str) -> tuple[int, int]:
    begin, end = (_minute(t) for t in text.split("-"))
    if begin >= 24 * 60 or end > 48 * 60:
        raise ValueError(text)
    return begin, end


def _minute(text: str) -> int:
    hour, minute = (int(p) for p in text.split(":"))
    if minute >= 60:
        raise ValueError(text)
    return hour * 60 + minute


# -- writing -----------------------------------------------------------------------------------------


def _rule_text(rule: _Rule, lang: str) -> str:
    w, s = WORDS[lang], SEASON_WORDS[lang]
    when = ", ".join(_period_text(p, lang) for p in rule.periods)
    days = _rule_days(rule, lang)
    if rule.off:
        if when and not days:
            return s["closed_when"].format(when=when)
        if when:
            return f"{when}, {days}{w['colon']}{w['week_closed']}"
        return f"{days or s['every_day']}{w['colon']}{w['week_closed']}"
    spans = ", ".join(_span_text(span, lang) for span in rule.spans) if rule.spans else w["week_all_day"]
    if when:
        return f"{when}{w['colon']}{days or s['every_day']} {spans}"
    return f"{days or s['every_day']}{w['colon']}{spans}"


def _rule_days(rule: _Rule, lang: str) -> str:
    if len(rule.weekdays) == 7:
        days = SEASON_WORDS[lang]["every_day"]
    else:
        days = days_text(list(rule.weekdays), lang)
    if rule.holidays:
        days = f"{days}, {WORDS[lang]['week_holidays']}" if days else WORDS[lang]["week_holidays"]
    return days


def _period_text(period: tuple[dt.date, dt.date, bool], lang: str) -> str:
    """``de mai à septembre``, ``d'octobre à avril``, ``en juillet``, ``le 14 juillet``, ``dall'8 al 15 agosto``."""
    first, last, months = period
    s = SEASON_WORDS[lang]
    if months:
        names = get_month_names("wide", locale=lang)
        a, b = names[first.month], names[last.month]
        if first == last:
            return _pick(s, "in_month", a_vowel=_vowel(a)).format(a=a)
        return _pick(s, "months", a_vowel=_vowel(a), b_vowel=_vowel(b)).format(a=a, b=b)
    a, b = _date(first, lang), _date(last, lang)
    if first == last:
        return _pick(s, "on_date", a_vowel=first.day in (8, 11)).format(a=a)
    return _pick(s, "dates", a_vowel=first.day in (8, 11), b_vowel=last.day in (8, 11)).format(a=a, b=b)


def _pick(words: dict[str, str], key: str, *, a_vowel: bool = False, b_vowel: bool = False) -> str:
    """The template for ``key``, or its elided form where the language has one (``d'octobre``, ``ad aprile``).

    Elided forms are keys ending ``_a`` (the first word starts with a vowel sound), ``_b`` (the
    second does) or ``_ab`` (both); a language without them uses ``key``.
    """
    tried = [key + "_ab"] if a_vowel and b_vowel else []
    tried += [key + "_a"] if a_vowel else []
    tried += [key + "_b"] if b_vowel else []
    return next((words[k] for k in tried if k in words), words[key])


def _vowel(word: str) -> bool:
    return word[:1].lower() in "aeiouàâéèêîôû"


def _date(day: dt.date, lang: str) -> str:
    return format_skeleton("MMMMd", day, locale=lang)


def _span_text(span: tuple[int, int], lang: str) -> str:
    begin, end = span
    return format_time_range(dt.time(begin // 60, begin % 60), dt.time(end // 60 % 24, end % 60), lang)


def _capitalised(line: str) -> str:
    return line[:1].upper() + line[1:]


def days_text(days: list[int], lang: str) -> str:
    """``lundi–vendredi``, ``samedi, dimanche``, ``lundi, mercredi–vendredi`` (0 is Monday)."""
    names = get_day_names("wide", locale=lang)
    runs: list[list[int]] = []
    for d in days:
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{names[run[0]]}–{names[run[-1]]}")
        else:
            parts.extend(names[d] for d in run)
    return ", ".join(parts)
