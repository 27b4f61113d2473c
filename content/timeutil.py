"""Town time: "now", day and period bounds in the town's time zone, dates and times in the visitor's language.

Every bound is built from wall-clock dates in the town's zone (never by adding 24 hours), so the
days when clocks change (23 or 25 hours long) come out right. Formatting goes through
``babel.dates`` in the visitor's locale; the only patterns used are CLDR's own.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.dates import format_interval
from babel.dates import format_time as _babel_format_time

DEFAULT_TZ = "Europe/Paris"
PERIODS = ("today", "weekend", "month")


@lru_cache(maxsize=32)
def zone(tz: str) -> ZoneInfo:
    """The :class:`ZoneInfo` named ``tz``; a clear ValueError for an unknown name."""
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"{tz!r} is not a known time zone (IANA name, e.g. Europe/Paris)") from None


def _require_aware(value: dt.datetime, what: str) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime (with a time zone), got {value.isoformat()}")
    return value


def town_now(tz: str = DEFAULT_TZ, now: dt.datetime | None = None) -> dt.datetime:
    """``now`` (or the current time) as an aware datetime in the town's zone ``tz``."""
    if now is None:
        return dt.datetime.now(zone(tz))
    return _require_aware(now, "now").astimezone(zone(tz))


def _midnight(day: dt.date, tzinfo: dt.tzinfo) -> dt.datetime:
    """The first instant of ``day`` in ``tzinfo``.

    The UTC round trip moves a midnight that does not exist (zones that change clocks at 00:00)
    to the first wall-clock time that does.
    """
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tzinfo)
    return start.astimezone(dt.UTC).astimezone(tzinfo)


def day_bounds(day: dt.date, tz: str = DEFAULT_TZ) -> tuple[dt.datetime, dt.datetime]:
    """``(start, end)`` of ``day`` in ``tz``: midnight to the next midnight (23, 24 or 25 hours)."""
    if isinstance(day, dt.datetime):
        raise ValueError(f"day_bounds takes a date, not a datetime ({day.isoformat()})")
    tzinfo = zone(tz)
    return _midnight(day, tzinfo), _midnight(day + dt.timedelta(days=1), tzinfo)


def period_bounds(period: str, now: dt.datetime, tz: str | None = None) -> tuple[dt.datetime, dt.datetime]:
    """``(start, end)`` of ``"today"``, this ``"weekend"`` or this ``"month"`` as seen at ``now``.

    - today: from now to midnight;
    - weekend: Monday to Friday, the coming Saturday 00:00 to Sunday 24:00; on Saturday or
      Sunday, from now to Sunday 24:00;
    - month: from now to the end of the current month.

    Computed in ``tz`` when given, else in ``now``'s own zone (pass town time, see :func:`town_now`).
    """
    _require_aware(now, "now")
    if tz is not None:
        now = now.astimezone(zone(tz))
    tzinfo = now.tzinfo
    today = now.date()
    if period == "today":
        return now, _midnight(today + dt.timedelta(days=1), tzinfo)
    if period == "weekend":
        weekday = today.weekday()  # Monday 0 ... Sunday 6
        monday = today + dt.timedelta(days=7 - weekday)
        if weekday >= 5:
            return now, _midnight(monday, tzinfo)
        return _midnight(today + dt.timedelta(days=5 - weekday), tzinfo), _midnight(monday, tzinfo)
    if period == "month":
        first_next = dt.date(today.year + today.month // 12, today.month % 12 + 1, 1)
        return now, _midnight(first_next, tzinfo)
    raise ValueError(f"unknown period {period!r}: expected one of {', '.join(PERIODS)}")


# -- formatting ------------------------------------------------------------------------------------

_E_RUN = re.compile(r"(?<!E)E{1,3}(?!E)")
_MMM_RUN = re.compile(r"(?<![ML])([ML])\1\1(?![ML])")


@lru_cache(maxsize=16)
def _long_date_pattern(lang: str) -> str:
    """The locale's "weekday day month" pattern with full names: ``EEEE d MMMM`` in French.

    CLDR has no skeleton with full weekday and month names; its abbreviated one is taken and its
    fields widened (which is what UTS #35 says a skeleton match should do, and Babel does not).
    """
    skeletons = Locale.parse(lang).datetime_skeletons
    pattern = (skeletons.get("MMMMEd") or skeletons["MMMEd"]).pattern
    pattern = _E_RUN.sub("EEEE", pattern)
    return _MMM_RUN.sub(lambda m: m.group(1) * 4, pattern)


def format_date(value: dt.date, lang: str) -> str:
    """``samedi 14 juillet`` / ``Saturday, July 14`` / ``Samstag, 14. Juli``."""
    if isinstance(value, dt.datetime):
        value = value.date()
    return _babel_format_date(value, _long_date_pattern(lang), locale=lang)


def format_time(value: dt.datetime | dt.time, lang: str) -> str:
    """``21:00`` / ``9:00 PM`` in the locale's short form (aware datetimes in their own zone)."""
    if isinstance(value, dt.datetime):
        value = value.timetz().replace(tzinfo=None)
    return _babel_format_time(value, "short", locale=lang)


def _time_skeleton(lang: str) -> str:
    pattern = Locale.parse(lang).time_formats["short"].pattern
    return "hm" if "h" in pattern or "a" in pattern else "Hm"


def format_time_range(start: dt.time, end: dt.time, lang: str) -> str:
    """``09:00 – 12:00`` / ``9:00 AM – 12:00 PM`` / ``09:00–12:00 Uhr`` (CLDR interval formats)."""
    if start == end:
        return _babel_format_time(start, "short", locale=lang)
    return format_interval(start, end, _time_skeleton(lang), locale=lang)


def format_datetime_range(start: dt.datetime, end: dt.datetime | None, lang: str) -> str:
    """When an event takes place, in the visitor's language, in ``start``'s time zone.

    - a moment: ``samedi 14 juillet, 21:00``;
    - less than a day: ``samedi 14 juillet, 21:00 – 23:00`` (may end after midnight);
    - whole days, or longer than a day: the dates, ``3–5 août`` (with the years when they differ).
    """
    _require_aware(start, "start")
    locale = Locale.parse(lang)
    glue = locale.datetime_formats["medium"]  # "{1}, {0}": date, time
    if end is None or end == start:
        return glue.format(format_time(start, lang), format_date(start, lang))
    end = _require_aware(end, "end").astimezone(start.tzinfo)
    if end < start:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    midnight = dt.time(0)
    whole_days = start.time() == midnight and end.time() in (midnight, dt.time(23, 59), dt.time(23, 59, 59))
    if not whole_days and end - start < dt.timedelta(days=1):
        times = format_time_range(start.time(), end.time(), lang)
        return glue.format(times, format_date(start, lang))
    last = end.date() - dt.timedelta(days=1) if whole_days and end.time() == midnight else end.date()
    first = start.date()
    if last <= first:
        return format_date(first, lang)
    skeleton = "MMMMd" if first.year == last.year else "yMMMd"
    return format_interval(first, last, skeleton, locale=lang)
