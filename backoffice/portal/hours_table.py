"""A per-day table of up to two time ranges <-> OSM opening_hours, for people who never saw OSM syntax."""

from __future__ import annotations

import re

DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
TIME_RE = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")

#: day -> list of (open, close) "HH:MM" pairs; a day missing or empty is closed.
Table = dict[str, list[tuple[str, str]]]


class HoursTableError(ValueError):
    """A time range that is not one: ``problem`` is ``"day"``, ``"time"`` or ``"empty"`` (opens and closes
    at the same time), for ``day`` and the range ``start``-``end``."""

    def __init__(self, problem: str, day: str, start: str = "", end: str = ""):
        self.problem, self.day, self.start, self.end = problem, day, start, end
        super().__init__(f"{day}: {start}-{end}: {problem}")


def _day_spec(ranges: list[tuple[str, str]]) -> str:
    return ",".join(f"{a}-{b}" for a, b in ranges)


def table_to_osm(table: Table) -> str:
    """``{"Mo": [("09:00", "12:00"), ("14:00", "19:00")], …}`` -> ``"Mo-Fr 09:00-12:00,14:00-19:00"``.

    Consecutive days with the same hours are grouped; days without hours are left out (closed). A range
    that closes at an earlier time than it opens runs past midnight (a bar's ``Fr 18:00-02:00``), as in
    OSM's syntax."""
    for day, ranges in table.items():
        if day not in DAYS:
            raise HoursTableError("day", day)
        for a, b in ranges:
            if not TIME_RE.match(a) or not TIME_RE.match(b):
                raise HoursTableError("time", day, a, b)
            if a == b:
                raise HoursTableError("empty", day, a, b)
    specs = [_day_spec(table.get(day) or []) for day in DAYS]
    rules, i = [], 0
    while i < len(DAYS):
        j = i
        while j + 1 < len(DAYS) and specs[j + 1] == specs[i]:
            j += 1
        if specs[i]:
            days = DAYS[i] if i == j else f"{DAYS[i]},{DAYS[j]}" if j == i + 1 else f"{DAYS[i]}-{DAYS[j]}"
            rules.append(f"{days} {specs[i]}")
        i = j + 1
    return "; ".join(rules)


_RULE_RE = re.compile(r"^(?P<days>[A-Za-z,\-]+)\s+(?P<ranges>\d\d:\d\d-\d\d:\d\d(?:,\d\d:\d\d-\d\d:\d\d)*)$")


def osm_to_table(value: str) -> Table | None:
    """The table for simple hours (what :func:`table_to_osm` writes); None for anything richer,
    which the form then keeps as text."""
    table: Table = {}
    value = (value or "").strip()
    if not value:
        return table
    for rule in value.split(";"):
        m = _RULE_RE.match(rule.strip())
        if not m:
            return None
        ranges = [tuple(r.split("-")) for r in m["ranges"].split(",")]
        if len(ranges) > 2:
            return None
        for part in m["days"].split(","):
            if "-" in part:
                a, _, b = part.partition("-")
                if a not in DAYS or b not in DAYS or DAYS.index(b) < DAYS.index(a):
                    return None
                days = DAYS[DAYS.index(a) : DAYS.index(b) + 1]
            elif part in DAYS:
                days = (part,)
            else:
                return None
            for day in days:
                if day in table:
                    return None
                table[day] = list(ranges)
    return table
