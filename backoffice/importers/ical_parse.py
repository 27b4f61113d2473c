"""A lenient iCalendar (RFC 5545) reader: content lines, components, property values.

Real feeds are often slightly wrong (cut files, date-only LAST-MODIFIED, wrong X-WR-TIMEZONE), so
this reader keeps what is safe and records what it skipped, with line numbers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_NAME_RE = re.compile(r"^[A-Za-z0-9-]+$")
_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATETIME_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)$")
_DURATION_RE = re.compile(r"^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")
#: Windows zone names some calendar programs write in TZID.
_WINDOWS_ZONES = {
    "Romance Standard Time": "Europe/Paris",
    "W. Europe Standard Time": "Europe/Berlin",
    "Central Europe Standard Time": "Europe/Budapest",
    "GMT Standard Time": "Europe/London",
    "UTC": "UTC",
}


class ICalError(ValueError):
    """A value or line that cannot be read; ``field`` names the property when known."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


@dataclass
class Prop:
    name: str
    params: dict[str, str]
    value: str
    line: int


@dataclass
class Component:
    name: str
    line: int
    props: list[Prop] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)
    truncated: bool = False

    def get(self, name: str) -> Prop | None:
        return next((p for p in self.props if p.name == name), None)

    def all(self, name: str) -> list[Prop]:
        return [p for p in self.props if p.name == name]


def unfold(text: str) -> list[tuple[int, str]]:
    """Logical lines with the number of the physical line they start on."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] = (lines[-1][0], lines[-1][1] + raw[1:])
        elif raw.strip():
            lines.append((number, raw))
    return lines


def parse_line(line: str, number: int) -> Prop:
    """``NAME;PARAM=a;P2="b:c":value`` -> Prop. Raises ICalError."""
    in_quotes = False
    for i, char in enumerate(line):
        if char == '"':
            in_quotes = not in_quotes
        elif char == ":" and not in_quotes:
            head, value = line[:i], line[i + 1 :]
            break
    else:
        raise ICalError(f"line {number}: no ':' in {line[:60]!r}")
    parts = re.findall(r'(?:[^;"]|"[^"]*")+', head)
    name = parts[0].upper() if parts else ""
    if not _NAME_RE.match(name):
        raise ICalError(f"line {number}: {name!r} is not a property name")
    params = {}
    for part in parts[1:]:
        key, _, val = part.partition("=")
        params[key.strip().upper()] = val.strip().strip('"')
    return Prop(name, params, value, number)


def parse(text: str) -> tuple[Component, list[str]]:
    """The VCALENDAR component tree and notes on what was skipped (with line numbers)."""
    notes: list[str] = []
    root = Component("ROOT", 0)
    stack = [root]
    for number, line in unfold(text):
        try:
            prop = parse_line(line, number)
        except ICalError as exc:
            notes.append(f"{exc}: line skipped")
            continue
        if prop.name == "BEGIN":
            child = Component(prop.value.strip().upper(), number)
            stack[-1].children.append(child)
            stack.append(child)
        elif prop.name == "END":
            name = prop.value.strip().upper()
            if name not in [c.name for c in stack[1:]]:
                notes.append(f"line {number}: END:{name} without BEGIN: skipped")
                continue
            while stack[-1].name != name:
                notes.append(f"line {number}: {stack[-1].name} (line {stack[-1].line}) not closed before END:{name}")
                stack.pop()
            stack.pop()
        else:
            stack[-1].props.append(prop)
    for open_component in stack[1:]:
        open_component.truncated = True
        notes.append(f"the file ends inside {open_component.name} begun on line {open_component.line}")
    calendars = [c for c in root.children if c.name == "VCALENDAR"]
    if not calendars:
        raise ICalError("no BEGIN:VCALENDAR: not an iCalendar file")
    return calendars[0], notes


def text_value(value: str) -> str:
    """Unescape a TEXT value (``\\n``, ``\\,``, ``\\;``, ``\\\\``)."""
    return re.sub(r"\\([nN,;\\])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def tz_for(name: str | None, fallback: ZoneInfo) -> tuple[ZoneInfo, bool]:
    """``(zone, known)`` for a TZID; unknown names give ``fallback`` and ``known=False``."""
    if not name:
        return fallback, True
    candidates = [name, _WINDOWS_ZONES.get(name, ""), "/".join(name.strip("/").split("/")[-2:])]
    for candidate in candidates:
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate), True
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return fallback, False


def date_or_datetime(prop: Prop, floating: ZoneInfo) -> dt.date | dt.datetime:
    """DATE -> date; DATE-TIME -> aware datetime (``Z`` UTC, TZID, or floating in ``floating``)."""
    value = prop.value.strip().split(",")[0]
    if m := _DATE_RE.match(value):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    m = _DATETIME_RE.match(value)
    if not m or prop.params.get("VALUE", "DATE-TIME").upper() == "DATE":
        raise ICalError(f"line {prop.line}: {prop.name} {value!r} is not a date or date-time", prop.name)
    naive = dt.datetime(int(m[1]), int(m[2]), int(m[3]), int(m[4]), int(m[5]), min(int(m[6]), 59))
    if m[7]:
        return naive.replace(tzinfo=dt.UTC)
    zone, known = tz_for(prop.params.get("TZID"), floating)
    if not known:
        raise ICalError(f"line {prop.line}: unknown time zone {prop.params.get('TZID')!r}", prop.name)
    return naive.replace(tzinfo=zone)


def date_list(prop: Prop, floating: ZoneInfo) -> list[dt.date | dt.datetime]:
    """EXDATE/RDATE: comma-separated values sharing the property's parameters."""
    return [
        date_or_datetime(Prop(prop.name, prop.params, part, prop.line), floating)
        for part in prop.value.split(",")
        if part.strip()
    ]


def duration(value: str) -> dt.timedelta:
    m = _DURATION_RE.match(value.strip())
    if not m or not any(m.groups()[1:]):
        raise ICalError(f"{value!r} is not a duration", "DURATION")
    weeks, days, hours, minutes, seconds = (int(g or 0) for g in m.groups()[1:])
    delta = dt.timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    return -delta if m[1] == "-" else delta
