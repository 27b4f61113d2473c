"""OSM opening_hours: validation, "open now and until when", and a readable week in six languages.

Built on ``opening-hours-py`` (the Rust ``opening-hours`` crate), which knows French public
holidays (``PH off`` closes on 14 July, Easter Monday, 25 December, ...). Every computation is
done in the town's time zone; what is shown goes through Babel in the visitor's language.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_interval, format_skeleton, get_day_names
from opening_hours import OpeningHours, ParserError, State

from content.hours_seasons import days_text, seasonal_lines
from content.hours_words import WORDS
from content.timeutil import DEFAULT_TZ, format_time, format_time_range, zone

log = logging.getLogger(__name__)

COUNTRY = "FR"
#: How far ahead :func:`open_state` looks for the next opening.
HORIZON = dt.timedelta(days=400)
#: How many weeks :func:`describe` compares before it calls a week "the" week.
WEEKS = 53
#: How far ahead :func:`describe` lists closures (annual holidays, a closed day).
CLOSURES_AHEAD = dt.timedelta(days=183)

# -- validation --------------------------------------------------------------------------------------

_RULE_WORDS = {
    "EOI": "the end",
    "any_rule_separator": "';' between rules",
    "normal_rule_separator": "';' between rules",
    "rules_modifier": "open/off/unknown",
    "timespan": "a time span such as 09:00-12:00",
    "holiday": "PH (public holidays)",
    "always_open": "24/7",
    "small_range_selectors": "days such as Mo-Fr",
    "week_selector": "week numbers",
    "monthday_range": "dates such as Jul 14",
    "year": "a year",
    "comment": 'a "comment"',
    "wday": "a weekday (Mo Tu We Th Fr Sa Su)",
    "month": "a month (Jan ... Dec)",
    "hour_minutes": "a time such as 09:00",
    "extended_hour_minutes": "a time such as 09:00",
}
_POSITION_RE = re.compile(r"-->\s*\d+:(\d+)")
_EXPECTED_RE = re.compile(r"=\s*(expected|unexpected)\s+(.+)$", re.MULTILINE)


def _readable_parser_error(value: str, exc: Exception) -> str:
    text = str(exc)
    position = _POSITION_RE.search(text)
    expected = _EXPECTED_RE.search(text)
    if not position or not expected:
        return f"{value!r} is not valid OSM opening_hours ({text.strip().splitlines()[-1].strip(' =')})"
    column = int(position.group(1))
    names = [n.strip() for n in re.split(r",\s*(?:or\s+)?|\s+or\s+", expected.group(2)) if n.strip()]
    words = list(dict.fromkeys(_RULE_WORDS.get(n, n.replace("_", " ")) for n in sorted(names, key="EOI".__eq__)))
    words = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"
    return (
        f"{value!r} is not valid OSM opening_hours: at character {column} ({value[column - 1 :][:12]!r}): "
        f"{expected.group(1)} {words}"
    )


def check_opening_hours(value: str) -> str:
    """``value`` if it is a valid OSM opening_hours expression, else a ValueError that says where and why."""
    if not isinstance(value, str):
        raise ValueError(f"opening hours must be text, not {type(value).__name__}")
    if not value.strip():
        raise ValueError("opening hours are empty (leave the field out instead)")
    try:
        OpeningHours(value, auto_country=False, auto_timezone=False)
    except (ParserError, SyntaxError) as exc:
        raise ValueError(_readable_parser_error(value, exc)) from None
    return value


@lru_cache(maxsize=2048)
def _parsed(expr: str, tz: str | None, country: str | None) -> OpeningHours:
    """The parsed expression (a kiosk evaluates the same few hundred expressions again and again)."""
    check_opening_hours(expr)
    return OpeningHours(
        expr, timezone=zone(tz) if tz else None, country=country, auto_country=False, auto_timezone=False
    )


# -- open now ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenState:
    """Whether a place is open at a moment, and when that changes (aware, in the town's zone)."""

    is_open: bool
    unknown: bool
    changes_at: dt.datetime | None  # None: never changes (24/7, or closed for good)
    next_open: dt.datetime | None = None  # when closed or unknown: the next opening (None if none in a year)
    comment: str = ""  # the expression's comment for this moment, e.g. "sur rendez-vous"


def open_state(hours: str, at: dt.datetime, tz: str = DEFAULT_TZ, *, country: str = COUNTRY) -> OpenState:
    """The state of ``hours`` at ``at`` (aware), with public holidays of ``country``, in zone ``tz``."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"open_state needs an aware datetime, got {at.isoformat()}")
    # OSM hours change on whole minutes: within one minute the answer is the same, so a list of a
    # hundred shops sharing a few schedules works each one out once.
    minute = at.astimezone(dt.UTC).replace(second=0, microsecond=0)
    return _open_state(hours, minute, tz, country)


@lru_cache(maxsize=4096)
def _open_state(hours: str, at: dt.datetime, tz: str, country: str) -> OpenState:
    oh = _parsed(hours, tz, country)
    tzinfo = zone(tz)
    local = _in_zone(at, tzinfo)
    state, comment = oh.state(local)
    change = oh.next_change(local)
    changes_at = _in_zone(change, tzinfo) if change is not None else None
    if changes_at is not None and changes_at.fold == 1:
        # the night clocks go back, 02:00 happens twice; the library's state() already changes at the
        # first one while next_change() names the second: take the first, so both agree.
        first = changes_at.replace(fold=0)
        if local.timestamp() < first.timestamp() < changes_at.timestamp() and oh.state(first)[0] != state:
            changes_at = first
    next_open = None
    if state != State.OPEN and changes_at is not None:
        next_open = _next_open(oh, changes_at, _in_zone(local + HORIZON, tzinfo), tzinfo)
    return OpenState(
        is_open=state == State.OPEN,
        unknown=state == State.UNKNOWN,
        changes_at=changes_at,
        next_open=next_open,
        comment=comment or "",
    )


def _in_zone(moment: dt.datetime, tzinfo: ZoneInfo) -> dt.datetime:
    """``moment`` in ``tzinfo``, through UTC so that a wall time the clocks skip (02:30 on the night they
    go forward, which the library may return for a rule that says 02:30) becomes the real instant."""
    if moment.tzinfo is None:  # the library answers in the zone it was given; naive only without one
        moment = moment.replace(tzinfo=tzinfo)
    return moment.astimezone(dt.UTC).astimezone(tzinfo)


def _next_open(oh: OpeningHours, start: dt.datetime, limit: dt.datetime, tzinfo: ZoneInfo) -> dt.datetime | None:
    if oh.is_open(start):
        return start
    for begin, _end, state, _comment in oh.intervals(start, limit):
        if state == State.OPEN:
            return max(_in_zone(begin, tzinfo), start, key=dt.datetime.timestamp)
    return None


def _lang(lang: str) -> str:
    return lang if lang in WORDS else "fr"


# -- status line -------------------------------------------------------------------------------------


def status_text(state: OpenState, lang: str, now: dt.datetime) -> str:
    """``Ouvert · ferme à 19:00``, ``Closed · opens Monday at 9:00 AM``, ``Horaires à confirmer``."""
    lang = _lang(lang)
    w = WORDS[lang]
    if state.unknown:
        parts = [w["unknown"]]
    elif state.is_open:
        if state.changes_at is None:
            parts = [w["open_always"]]
        else:
            parts = [w["open"], f"{w['closes']} {_when(state.changes_at, now, lang, closing=True)}"]
    else:
        parts = [w["closed"]]
        if state.next_open is not None:
            parts.append(f"{w['opens']} {_when(state.next_open, now, lang, closing=False)}")
    if state.comment:
        parts.append(state.comment)
    return " · ".join(parts)


def _when(moment: dt.datetime, now: dt.datetime, lang: str, *, closing: bool) -> str:
    """``demain à 9:00``, ``am Montag um 09:00``, ``à minuit`` relative to ``now`` in ``moment``'s zone."""
    w = WORDS[lang]
    now = now.astimezone(moment.tzinfo)
    if moment.time() == dt.time(0):  # midnight ends the day before: "closes at midnight", not "tomorrow at 0:00"
        day, at = moment.date() - dt.timedelta(days=1), w["midnight"]
    else:
        day = moment.date()
        at = w["at_one" if moment.hour in (1, 13) and "at_one" in w and _is_one(moment, lang) else "at"]
        at = at.format(time=format_time(moment, lang))
    days = (day - now.date()).days
    if days <= 0 or (closing and moment.timestamp() - now.timestamp() < 12 * 3600):
        return at
    if days == 1:
        return f"{w['tomorrow']} {at}"
    if days < 7:
        weekday = get_day_names("wide", locale=lang)[day.weekday()]
        return f"{w['weekday'].format(day=weekday)} {at}"
    date = format_skeleton("MMMMd", day, locale=lang)
    template = w["date_elided"] if "date_elided" in w and day.day in (8, 11) else w["date"]
    return f"{template.format(date=date)} {at}"


def _is_one(moment: dt.datetime, lang: str) -> bool:
    """Spanish "a la 1:00" and Italian "all'1:00": the hour as written is one."""
    shown = format_time(moment, lang)
    return shown.lstrip("0").startswith("1:")


# -- the week ----------------------------------------------------------------------------------------

Piece = tuple[int, int, str, str]  # start minute, end minute (may be < start: past midnight), state, comment
Day = tuple[Piece, ...]
WHOLE_DAY: Day = ((0, 1440, "open", ""),)


def describe(hours: str, lang: str, *, on: dt.date | None = None, country: str = COUNTRY) -> list[str]:
    """The opening hours as lines a visitor reads, in ``lang``.

    ``["lundi–vendredi : 09:00 – 12:00, 14:00 – 19:00", "samedi : 09:00 – 12:00", "dimanche : fermé",
    "jours fériés : fermé", "fermé : 1–30 janv. 2027"]``.

    The usual week is read over the year from ``on`` (default: today); days when a place that is
    usually open is closed (annual closing, ``Dec 25 off``) are listed as closures when they come
    within six months. Hours that otherwise change over the year (seasons, shorter days) are read
    rule by rule (``content.hours_seasons``: "De mai à septembre : tous les jours 08:30–12:30"),
    or come back as the expression itself, in one line, when a rule is not of a common form.
    Raises ValueError for an invalid expression.
    """
    hours = hours.strip()
    if not hours:
        return []
    check_opening_hours(hours)
    return list(_describe(hours, _lang(lang), on or dt.date.today(), country))


@lru_cache(maxsize=512)
def _describe(hours: str, lang: str, on: dt.date, country: str) -> tuple[str, ...]:
    monday = on - dt.timedelta(days=on.weekday())
    start = dt.datetime.combine(monday - dt.timedelta(days=1), dt.time(0))
    ndays = WEEKS * 7 + 2  # the Sunday before (for what runs past its midnight) ... the Monday after
    plain = _day_pieces(_parsed(hours, None, None), start, ndays)
    year = plain[1 : 1 + WEEKS * 7]  # year[j] is the day monday + j
    week = _usual_week(year)
    odd = [j for j, day in enumerate(year) if day != week[j % 7]]
    if week is None or any(year[j] for j in odd):  # no usual week, or other hours part of the year
        return _by_rule(hours, lang)
    holidays = set()
    if "PH" in hours:
        # what the rule does on the public holidays themselves, where that differs from the usual day
        # (a night that runs into a holiday may be cut short: that is not said)
        with_holidays = _day_pieces(_parsed(hours, None, country), start, ndays)
        is_holiday = _day_pieces(_parsed("PH", None, country), start, ndays)
        holidays = {
            with_holidays[i] for i in range(1, ndays - 1) if is_holiday[i] == WHOLE_DAY and with_holidays[i] != plain[i]
        }
    if len(holidays) > 1:
        return _by_rule(hours, lang)
    w = WORDS[lang]
    lines = [w["week_always"]] if all(day == WHOLE_DAY for day in week) else _week_lines(week, lang)
    if holidays:
        (holiday,) = holidays
        lines.append(f"{w['week_holidays']}{w['colon']}{_day_text(holiday, lang)}")
    closures = [_range_text(first, last, on, lang) for first, last in _closures(odd, week, monday, on)]
    if closures:
        lines.append(f"{w['week_closures']}{w['colon']}{', '.join(closures)}")
    return tuple(lines)


def _by_rule(hours: str, lang: str) -> tuple[str, ...]:
    """Hours that change over the year, read rule by rule; as written when a rule is not understood."""
    lines = seasonal_lines(hours, lang)
    if lines is None:
        log.debug("hours %r change over the year in a way not put into words: shown as written", hours)
        return (hours,)
    return tuple(lines)


def _usual_week(year: list[Day]) -> tuple[Day, ...] | None:
    """Each weekday's schedule on most of the year's such days (None when no schedule has most)."""
    week = []
    for weekday in range(7):
        (day, count), *_ = Counter(year[weekday::7]).most_common(1)
        if count * 2 <= len(year[weekday::7]):
            return None
        week.append(day)
    return tuple(week)


def _closures(odd: list[int], week: tuple[Day, ...], monday: dt.date, on: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The closures (days usually open, closed) ahead of ``on``, joined over days closed anyway."""
    ranges: list[list[int]] = []
    for j in odd:
        if ranges and all(not week[k % 7] for k in range(ranges[-1][1] + 1, j)):
            ranges[-1][1] = j
        else:
            ranges.append([j, j])
    horizon = on + CLOSURES_AHEAD
    dates = [(monday + dt.timedelta(days=a), monday + dt.timedelta(days=b)) for a, b in ranges]
    return [(max(first, on), last) for first, last in dates if last >= on and first <= horizon]


def _range_text(first: dt.date, last: dt.date, on: dt.date, lang: str) -> str:
    skeleton = "MMMd" if first.year == last.year == on.year else "yMMMd"
    if first == last:
        return format_skeleton(skeleton, first, locale=lang)
    return format_interval(first, last, skeleton, locale=lang)


def _minutes(moment: dt.datetime) -> int:
    return moment.hour * 60 + moment.minute


def _day_pieces(oh: OpeningHours, start: dt.datetime, ndays: int) -> list[Day]:
    """What is not closed on each of ``ndays`` days from ``start`` (naive wall-clock time).

    A span that runs past midnight is kept whole on the day it started (``18:00-02:00``), unless
    it covers a whole day.
    """
    end = start + dt.timedelta(days=ndays)
    days: list[list[Piece]] = [[] for _ in range(ndays)]
    for begin, stop, state, comment in oh.intervals(start, end):
        if state == State.CLOSED:
            continue
        key = "open" if state == State.OPEN else "unknown"
        cursor, stop = max(begin, start), min(stop or end, end)
        while cursor < stop:
            midnight = dt.datetime.combine(cursor.date() + dt.timedelta(days=1), dt.time(0))
            piece_end = min(stop, midnight)
            index = (cursor.date() - start.date()).days
            days[index].append((_minutes(cursor), 1440 if piece_end == midnight else _minutes(piece_end), key, comment))
            cursor = piece_end
    for i in range(1, ndays):
        today, before = days[i], days[i - 1]
        if not (today and before):
            continue
        first, last = today[0], before[-1]
        runs_on = first[0] == 0 and first[1] < 1440 and last[1] == 1440 and last[0] > 0
        if runs_on and first[2:] == last[2:]:
            before[-1] = (last[0], first[1], *last[2:])
            del today[0]
    return [tuple(day) for day in days]


def _piece_text(piece: Piece, lang: str) -> str:
    w = WORDS[lang]
    begin, end, state, comment = piece
    if (begin, end) == (0, 1440):
        text = w["week_all_day"] if state == "open" else w["week_unknown"]
    else:
        text = format_time_range(dt.time(begin // 60, begin % 60), dt.time(end // 60 % 24, end % 60), lang)
        if state != "open" and not comment:
            comment = w["week_to_confirm"]
    return f"{text} ({comment})" if comment else text


def _day_text(day: Day, lang: str) -> str:
    return ", ".join(_piece_text(p, lang) for p in day) if day else WORDS[lang]["week_closed"]


def _week_lines(week: tuple[Day, ...], lang: str) -> list[str]:
    groups: dict[Day, list[int]] = {}
    for weekday, day in enumerate(week):
        groups.setdefault(day, []).append(weekday)
    ordered = sorted(groups.items(), key=lambda item: (not item[0], item[1][0]))  # closed days last
    colon = WORDS[lang]["colon"]
    return [f"{days_text(days, lang)}{colon}{_day_text(day, lang)}" for day, days in ordered]
