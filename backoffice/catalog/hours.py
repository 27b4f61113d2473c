"""Opening hours for people: a weekly table, validation and a readable rendering, via content.hours.

Staff fill a table (up to two ranges a day; a range that closes at or before it opens runs past
midnight, as a bar's 22:00-02:00) and, for what a table cannot say (public holidays, seasons, a
closed week), a few rules in OSM syntax. Both become the one OSM ``opening_hours`` string: the
table's rules first, then the others, which OSM lets override them (``PH off``).
"""

from __future__ import annotations

import logging

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from backoffice.catalog.refusals import hours_problem
from backoffice.portal.hours_table import DAYS, osm_to_table, table_to_osm

log = logging.getLogger(__name__)

#: One day's ranges: ``[("09:00", "12:00"), ("22:00", "02:00")]``; the table maps Mo … Su to them.
Table = dict[str, list[tuple[str, str]]]
RANGES_PER_DAY = 2


def split_hours(value: str) -> tuple[Table, str]:
    """An ``opening_hours`` string as ``(table, other rules)``: the longest run of leading rules the
    table can hold, and the rest as written. ``join_hours(table_to_osm(t), rest)`` means the same
    (the table is written by the portal's ``table_to_osm``: one way of writing a week for both)."""
    rules = [r.strip() for r in (value or "").split(";") if r.strip()]
    for k in range(len(rules), 0, -1):
        table = osm_to_table("; ".join(rules[:k]))
        if table is not None and all(len(r) <= RANGES_PER_DAY for r in table.values()):
            return table, "; ".join(rules[k:])
    return {}, "; ".join(rules)


def join_hours(table_part: str, other_rules: str) -> str:
    return "; ".join(part for part in (table_part.strip(), (other_rules or "").strip(" ;\n")) if part)


def describe_hours(value: str, lang: str = "fr") -> tuple[bool, str]:
    """``(valid, text)``: the readable form of valid hours (one line per rule), or why they are not
    understood (in the active language: French for staff and shopkeepers)."""
    from content import hours

    value = (value or "").strip()
    if not value:
        return True, ""
    problem = hours_problem(value)
    if problem:
        return False, problem
    try:
        lines = hours.describe(value, lang)
    except Exception:  # a rendering problem must not hide that the value is valid
        log.exception("describing opening hours %r", value)
        return True, value
    return True, "\n".join(lines)


def _grid_from_query(times: list[str]) -> Table:
    """The table from the admin grid's times in page order (Mo open, Mo close, Mo open again, …);
    unfinished ranges are left out of a live preview (the form says what is missing at save)."""
    per_day = RANGES_PER_DAY * 2
    table: Table = {}
    for n, day in enumerate(DAYS):
        row = (times[n * per_day : (n + 1) * per_day] + [""] * per_day)[:per_day]
        ranges = [(row[i], row[i + 1]) for i in range(0, per_day, 2) if _is_time(row[i]) and _is_time(row[i + 1])]
        if ranges:
            table[day] = [(a, b) for a, b in ranges if a != b]
    return table


def _is_time(value: str) -> bool:
    return len(value) == 5 and value[2] == ":" and value.replace(":", "").isdigit() and value < "24:00"


@require_GET
def hours_preview(request):
    """``GET ?value=…`` (and, from the admin's weekly table, ``g=HH:MM`` per time box) -> ``{ok, text}``:
    live check used by the admin and the portal editor."""
    lang = (getattr(request, "LANGUAGE_CODE", "fr") or "fr")[:2]
    value = request.GET.get("value", "")[:500]
    times = request.GET.getlist("g")[: len(DAYS) * RANGES_PER_DAY * 2]
    if times:
        value = join_hours(table_to_osm(_grid_from_query(times)), value)
    ok, text = describe_hours(value, lang)
    return JsonResponse({"ok": ok, "text": text})
