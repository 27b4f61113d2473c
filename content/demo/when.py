"""Relative dates of the demo town: "in 3 days at 20:30", "every Saturday for 8 weeks".

The demo must never show an empty agenda, so its sources give dates relative to the day the
bundle is built; this module turns them into aware datetimes in the town's time zone (zoneinfo
gives each date its own UTC offset: +01:00 in winter, +02:00 in summer).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
RULE_KEYS = {"days", "weekly", "weeks", "from_days", "start", "end", "span_days"}
DEFAULT_WEEKS = 8


class WhenError(ValueError):
    """A date rule that cannot be understood; the message says which key is wrong."""


def parse_time(value: Any, key: str) -> dt.time:
    if not isinstance(value, str):
        raise WhenError(f'{key} must be a time written "HH:MM" in quotes, got {value!r}')
    try:
        hour, minute = value.split(":")
        return dt.time(int(hour), int(minute))
    except ValueError:
        raise WhenError(f'{key} = {value!r} is not a time written "HH:MM" (e.g. "20:30")') from None


def _int(rule: dict, key: str, default: int) -> int:
    value = rule.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise WhenError(f"{key} must be a whole number, got {value!r}")
    return value


def _days(rule: dict, today: dt.date) -> list[dt.date]:
    if "days" in rule and "weekly" in rule:
        raise WhenError("give either days or weekly, not both")
    if "days" in rule:
        offsets = rule["days"] if isinstance(rule["days"], list) else [rule["days"]]
        for offset in offsets:
            if isinstance(offset, bool) or not isinstance(offset, int):
                raise WhenError(f"days must be a whole number or a list of them, got {offset!r}")
        return [today + dt.timedelta(days=offset) for offset in offsets]
    if "weekly" in rule:
        names = rule["weekly"] if isinstance(rule["weekly"], list) else [rule["weekly"]]
        unknown = [n for n in names if n not in WEEKDAYS]
        if unknown:
            raise WhenError(f"weekly: {unknown[0]!r} is not a day; use {', '.join(WEEKDAYS)}")
        wanted = {WEEKDAYS.index(n) for n in names}
        first = today + dt.timedelta(days=_int(rule, "from_days", 0))
        weeks = _int(rule, "weeks", DEFAULT_WEEKS)
        if weeks < 1:
            raise WhenError(f"weeks must be 1 or more, got {weeks}")
        span = (first + dt.timedelta(days=offset) for offset in range(7 * weeks))
        return [day for day in span if day.weekday() in wanted]
    raise WhenError('say when: days = 3 (in three days) or weekly = "Sa" (every Saturday)')


def occurrences(rule: dict, today: dt.date, tz: ZoneInfo) -> list[dict[str, str]]:
    """The ``{start, end}`` occurrences (ISO 8601 with offset) of one rule, in date order.

    Keys: ``days`` (offset or list of offsets from ``today``) or ``weekly`` (``"Sa"`` or a list)
    with ``weeks`` (default 8) and ``from_days``; ``start`` ``"HH:MM"``; optional ``end``
    ``"HH:MM"`` (an end at or before the start is on the next day: a night that crosses
    midnight); optional ``span_days``: the end falls that many days after the start (a festival
    held as one period over several days).
    """
    if not isinstance(rule, dict):
        raise WhenError(f"each when must be a table of keys, got {rule!r}")
    unknown = sorted(set(rule) - RULE_KEYS)
    if unknown:
        raise WhenError(f"unknown key {unknown[0]!r} in when (known: {', '.join(sorted(RULE_KEYS))})")
    if "start" not in rule:
        raise WhenError('when needs start = "HH:MM"')
    start_time = parse_time(rule["start"], "start")
    end_time = parse_time(rule["end"], "end") if "end" in rule else None
    span = _int(rule, "span_days", 0)
    if span < 0:
        raise WhenError(f"span_days must be 0 or more, got {span}")
    result = []
    for day in sorted(_days(rule, today)):
        start = dt.datetime.combine(day, start_time, tzinfo=tz)
        item = {"start": start.isoformat()}
        if end_time is not None or span:
            end_day = day + dt.timedelta(days=span)
            end = dt.datetime.combine(end_day, end_time or dt.time(23, 59), tzinfo=tz)
            if end <= start:
                end = dt.datetime.combine(end_day + dt.timedelta(days=1), end_time or dt.time(23, 59), tzinfo=tz)
            item["end"] = end.isoformat()
        result.append(item)
    return result


def moment(days: Any, time: Any, today: dt.date, tz: ZoneInfo, key: str) -> str:
    """One moment ``days`` after ``today`` at ``time`` (``"HH:MM"``), ISO 8601 with offset."""
    if isinstance(days, bool) or not isinstance(days, int):
        raise WhenError(f"{key}_days must be a whole number, got {days!r}")
    at = parse_time(time, f"{key}_time")
    return dt.datetime.combine(today + dt.timedelta(days=days), at, tzinfo=tz).isoformat()
