"""The importers' problems in French: their fixed phrases translated, the raw detail kept when not.

The importers (pure Python, no Django) write their problems in English; staff read them here. A
phrase this table knows becomes a French sentence; any other keeps a French heading with the
importer's own words beside it, so nothing is hidden.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

#: (pattern over the importer's message, French sentence with the pattern's named groups)
_PHRASES = [
    (
        r"(?:UID .*?: )?line (?P<line>\d+): (?P<prop>[A-Z-]+) (?P<value>.*) is not a date or date-time",
        lambda m: _("Line %(line)s: %(prop)s %(value)s is not a date.") % m,
    ),
    (
        r"(?:UID .*?: )?line (?P<line>\d+): unknown time zone (?P<value>.*)",
        lambda m: _("Line %(line)s: unknown time zone %(value)s.") % m,
    ),
    (r"(?:UID .*?: )?no SUMMARY \(line (?P<line>\d+)\)", lambda m: _("Line %(line)s: the event has no title.") % m),
    (
        r"(?:UID .*?: )?no DTSTART \(event on line (?P<line>\d+)\)",
        lambda m: _("Line %(line)s: the event has no start date.") % m,
    ),
    (
        r"(?:UID .*?: )?no occurrence left.*",
        lambda m: _("No date left to show: past, too far ahead, or every date cancelled."),
    ),
    (r"is required", lambda m: _("This field is required.")),
    (r"a French title \(fr\) is required", lambda m: _("A French title is required.")),
    (r"an event needs at least one occurrence", lambda m: _("An event needs at least one date.")),
    (r"end is before start", lambda m: _("The end is before the start.")),
    (r"(?P<value>.*) is not a web address.*", lambda m: _("%(value)s is not a web address.") % m),
    (r"(?P<value>.*) is not an e-mail address", lambda m: _("%(value)s is not an e-mail address.") % m),
    (
        r"(?P<value>.*) is not an INSEE commune code.*",
        lambda m: _("%(value)s is not an INSEE commune code (five characters).") % m,
    ),
    (r"unknown category (?P<value>.*)", lambda m: _("Unknown category %(value)s.") % m),
]
_COMPILED = [(re.compile(rf"^{pattern}$", re.DOTALL), make) for pattern, make in _PHRASES]


def in_french(message: str) -> tuple[str, str]:
    """``(French sentence, importer's own words or "")`` for one problem's message."""
    for pattern, make in _COMPILED:
        if match := pattern.match(message.strip()):
            return make(match.groupdict()), ""
    return _("The importer says (in English):"), message


def rows(details: list[dict], severity: str | None = None) -> list[dict]:
    """A run's problems for a template: record, field, French reason and the raw detail if any."""
    out = []
    for problem in details:
        if severity and problem.get("severity") != severity:
            continue
        french, raw = in_french(str(problem.get("message", "")))
        out.append(
            {"record": problem.get("record", ""), "field": problem.get("field", ""), "reason": french, "raw": raw}
        )
    return out
