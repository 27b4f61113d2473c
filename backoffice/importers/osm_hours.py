"""Opening-hours specifications (schema.org style) merged into one OSM opening_hours string.

Sources such as DATAtourisme give dozens of specifications, each "from this date to that date, on
these days, open from ... to ...". OSM opening_hours is the one internal format. The merge:

- specifications with the same validity period are one rule set: per day, the intervals are merged;
  days with identical intervals are grouped (``Mo-Fr 10:00-12:30,14:00-19:00``);
- a period is written as a month-day range without years (``Apr 08-Apr 21``, ``Dec 23-Jan 07``):
  tourist seasons repeat, and a kiosk should not call a place closed because last year's schedule
  has not been republished yet. A period of a year or more, or without dates, has no date selector;
- a more specific period overrides a broader one for the days it covers (OSM: a later rule wins), so
  rules are written broadest first; for equal lengths the most recent period comes last and wins.
  Inside a dated period, weekdays the source does not list are written ``off`` (the season's list
  is the whole schedule for those dates);
- a day listed without times is ``unknown`` (open, hours not given);
- the result is checked with ``content.hours.check_opening_hours``; anything that cannot be
  expressed raises :class:`HoursError` so the caller reports it and keeps the rest of the record.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from content.hours import check_opening_hours

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAY_NAMES = {
    "monday": "Mo",
    "tuesday": "Tu",
    "wednesday": "We",
    "thursday": "Th",
    "friday": "Fr",
    "saturday": "Sa",
    "sunday": "Su",
    "publicholidays": "PH",
}
_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$")


class HoursError(ValueError):
    """Opening hours that cannot be expressed as OSM opening_hours."""


@dataclass(frozen=True)
class Spec:
    """One specification: ``days`` (Mo..Su, PH; empty = every day), times "HH:MM" or None, dates inclusive."""

    days: frozenset[str]
    opens: str | None = None
    closes: str | None = None
    valid_from: dt.date | None = None
    valid_through: dt.date | None = None


def day_code(uri: str) -> str:
    """``schema:Monday`` / ``http://schema.org/Monday`` / ``Monday`` -> ``Mo``; raises HoursError."""
    name = re.split(r"[:/#]", uri.strip())[-1].lower()
    if name not in _DAY_NAMES:
        raise HoursError(f"unknown day of week {uri!r}")
    return _DAY_NAMES[name]


def hhmm(value: str, *, closing: bool = False) -> str:
    """``"10:00:00"`` -> ``"10:00"``; a closing time of midnight is ``24:00``. Raises HoursError."""
    m = _TIME_RE.match(value.strip()) if isinstance(value, str) else None
    if not m or int(m.group(1)) > 24 or int(m.group(2)) > 59:
        raise HoursError(f"{value!r} is not a time of day (HH:MM or HH:MM:SS)")
    hours, minutes = int(m.group(1)), int(m.group(2))
    if closing and hours == 0 and minutes == 0:
        hours = 24
    if hours == 24 and minutes:
        raise HoursError(f"{value!r} is not a time of day")
    return f"{hours:02d}:{minutes:02d}"


def _merge_intervals(intervals: set[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    merged: list[list[str]] = []
    for start, end in sorted(intervals):
        if end <= start:  # past midnight: keep as written, OSM reads 22:00-02:00
            merged.append([start, end])
        elif merged and merged[-1][0] < merged[-1][1] and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


def _day_selector(days: list[str]) -> str:
    """Mo,Tu,We,Fr -> ``Mo-We,Fr``; PH last."""
    idx = sorted(DAYS.index(d) for d in days if d in DAYS)
    parts: list[str] = []
    run: list[int] = []
    for i in idx + [None]:  # type: ignore[list-item]
        if run and (i is None or i != run[-1] + 1):
            if len(run) >= 3:
                parts.append(f"{DAYS[run[0]]}-{DAYS[run[-1]]}")
            else:
                parts.extend(DAYS[j] for j in run)
            run = []
        if i is not None:
            run.append(i)
    if "PH" in days:
        parts.append("PH")
    return ",".join(parts)


def _month_day(day: dt.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day:02d}"


def _date_selector(start: dt.date | None, end: dt.date | None) -> str:
    if start is None and end is None:
        return ""
    if start is None or end is None:
        raise HoursError(f"validity period with only one bound ({start or '…'} to {end or '…'})")
    if end < start:
        raise HoursError(f"validity period ends ({end}) before it starts ({start})")
    if (end - start).days >= 364:
        return ""
    if start == end:
        return _month_day(start)
    return f"{_month_day(start)}-{_month_day(end)}"


def merge_specs(specs: list[Spec]) -> str:
    """The OSM opening_hours string for ``specs`` ("" for none). Raises HoursError."""
    periods: dict[tuple, dict[str, set[tuple[str, str]] | None]] = defaultdict(dict)
    for spec in specs:
        if (spec.opens is None) != (spec.closes is None):
            raise HoursError(f"opening time {spec.opens!r} without closing time {spec.closes!r}")
        key = (spec.valid_from, spec.valid_through)
        days = periods[key]
        for day in spec.days or DAYS:
            if spec.opens is None:
                days.setdefault(day, None)
            else:
                current = days.get(day) or set()
                current.add((spec.opens, spec.closes))
                days[day] = current
    if not periods:
        return ""

    def order(key: tuple) -> tuple:
        start, end = key
        selector = _date_selector(start, end)
        length = (end - start).days if start and end else 10_000
        return (selector != "", -length, start or dt.date.min, end or dt.date.min)

    by_selector: dict[str, tuple[str, list[str]]] = {}
    for key in sorted(periods, key=order):
        selector = _date_selector(*key)
        by_schedule: dict[tuple | None, list[str]] = defaultdict(list)
        for day, intervals in periods[key].items():
            by_schedule[None if intervals is None else _merge_intervals(intervals)].append(day)
        unlisted = [d for d in DAYS if d not in periods[key]]
        prefix = f"{selector} " if selector else ""
        off = f"{prefix}{_day_selector(unlisted)} off" if unlisted else ""
        rules = []
        for schedule, days in sorted(by_schedule.items(), key=lambda item: _first_day(item[1])):
            times = "unknown" if schedule is None else ",".join(f"{s}-{e}" for s, e in schedule)
            rules.append(f"{prefix}{_day_selector(days)} {times}")
        # The same dates in another year: the later period replaces the earlier one entirely.
        by_selector.pop(selector, None)
        by_selector[selector] = (off, rules)
    # Days a later period does not list are closed during it, whatever an earlier rule said.
    rules = [
        rule for n, (off, group) in enumerate(by_selector.values()) for rule in ([off] if n and off else []) + group
    ]
    value = "; ".join(rules)
    try:
        return check_opening_hours(value)
    except ValueError as exc:
        raise HoursError(str(exc)) from None


def _first_day(days: list[str]) -> int:
    return min(DAYS.index(d) if d in DAYS else 7 for d in days)
