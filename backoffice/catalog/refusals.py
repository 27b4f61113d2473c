"""Why a kiosk would refuse a value, said to town staff in their language.

The content contract (``content.validation``) speaks English to developers and logs. Staff need the
same verdict in French, on the field they typed into. Rather than translating the contract's
sentences word by word, each refusal is worked out again from the value itself with the contract's
own rules (``content.text``'s patterns, ``content.hours``' parser), so the verdict cannot differ
from what a kiosk decides; only the words are the back office's.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from content import text

#: The language names shown next to per-language fields.
LANG_NAMES = {
    "fr": gettext_lazy("French"),
    "en": gettext_lazy("English"),
    "de": gettext_lazy("German"),
    "es": gettext_lazy("Spanish"),
    "it": gettext_lazy("Italian"),
    "nl": gettext_lazy("Dutch"),
}


def plain_text_problems(value: str) -> list[str]:
    """Every reason a kiosk would refuse ``value`` as plain text (too long, HTML, markup, control
    characters), one sentence each, so that one correction is enough; empty when it would show it."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    try:
        text.check_plain(value)
    except text.MarkupError:
        refused = True
    else:
        refused = False
    problems = []
    if len(value) > text.MAX_TEXT:
        problems.append(
            _("The text has %(length)d characters, more than the %(limit)d the kiosks accept.")
            % {"length": len(value), "limit": text.MAX_TEXT}
        )
    tag = text.HTML_TAG_RE.search(value)  # the contract's pattern: every spelling a browser reads as a tag
    if tag and tag.group(0).startswith("&"):
        problems.append(
            _(
                "“%(found)s” is an HTML code: the kiosks show plain text only. "
                "Write the character itself (for example & rather than &amp;)."
            )
            % {"found": tag.group(0)}
        )
    elif tag:
        problems.append(_html_problem(tag.group(0)))
    if m := text.KIVY_TAG_RE.search(value):
        problems.append(
            _("“%(found)s” is a formatting code that the kiosks refuse: remove it (plain text only).")
            % {"found": m.group(0)}
        )
    if m := text.CONTROL_RE.search(value.replace("\t", " ")):
        problems.append(
            _(
                "The text holds an invisible control character (U+%(code)s), often brought by a copy and paste: "
                "remove it or type the text again."
            )
            % {"code": f"{ord(m.group(0)):04X}"}
        )
    if refused and not problems:
        problems.append(_("The kiosks would refuse this text."))
    return problems


def plain_text_problem(value: str) -> str | None:
    """The first of :func:`plain_text_problems`, or None."""
    problems = plain_text_problems(value)
    return problems[0] if problems else None


def _html_problem(found: str) -> str:
    return _(
        "HTML is not accepted: “%(found)s”. The kiosks show plain text only; remove the tags "
        "(a blank line separates paragraphs)."
    ) % {"found": found}


def validate_plain_text(value: str) -> None:
    """Form validator: the kiosks' plain-text rule, with a French reason for each thing to remove."""
    problems = plain_text_problems(value)
    if problems:
        raise ValidationError([ValidationError(p, code="markup") for p in problems])


# -- opening hours -------------------------------------------------------------------------------------

_HOURS_WHERE_RE = re.compile(r"at character (\d+) \(.*\): (expected|unexpected) (.+)$", re.S)
_HOURS_WORDS = {
    "the end": gettext_lazy("the end of the text"),
    "';' between rules": gettext_lazy("“;” between two rules"),
    "open/off/unknown": gettext_lazy("open or off"),
    "a time span such as 09:00-12:00": gettext_lazy("a time range such as 09:00-12:00"),
    "PH (public holidays)": gettext_lazy("PH (public holidays)"),
    "24/7": gettext_lazy("24/7"),
    "days such as Mo-Fr": gettext_lazy("days such as Mo-Fr"),
    "week numbers": gettext_lazy("week numbers"),
    "dates such as Jul 14": gettext_lazy("dates such as Jul 14"),
    "a year": gettext_lazy("a year"),
    'a "comment"': gettext_lazy("a comment in quotes"),
    "a weekday (Mo Tu We Th Fr Sa Su)": gettext_lazy("a day (Mo Tu We Th Fr Sa Su)"),
    "a month (Jan ... Dec)": gettext_lazy("a month (Jan … Dec)"),
    "a time such as 09:00": gettext_lazy("a time such as 09:00"),
}


def hours_problem(value: str) -> str | None:
    """Why ``value`` is not opening hours a kiosk understands (in French), or None."""
    from content.hours import check_opening_hours

    value = (value or "").strip()
    if not value:
        return None
    try:
        check_opening_hours(value)
    except ValueError as exc:
        m = _HOURS_WHERE_RE.search(str(exc))
    else:
        return None
    if not m:
        return _("These opening hours are not understood: check the days (Mo-Fr) and times (09:00-12:00).")
    column = int(m.group(1))
    words = [str(_HOURS_WORDS.get(w, w)) for w in re.split(r", | or ", m.group(3)) if w]
    expected = (
        words[0] if len(words) == 1 else _("%(some)s or %(last)s") % {"some": ", ".join(words[:-1]), "last": words[-1]}
    )
    params = {"column": column, "snippet": value[column - 1 :][:12], "expected": expected}
    if m.group(2) == "unexpected":
        return (
            _(
                "Opening hours not understood at character %(column)d (“%(snippet)s”): "
                "%(expected)s is not expected there."
            )
            % params
        )
    return _("Opening hours not understood at character %(column)d (“%(snippet)s”): expected %(expected)s.") % params


# -- a whole entry or alert -----------------------------------------------------------------------------

#: Contract path -> model field that shows the problem.
FIELD_OF = {
    "kind": "kind",
    "categories": "categories",
    "commune": "commune",
    "title": "title",
    "summary": "summary",
    "body": "body",
    "message": "message",
    "opening_hours": "opening_hours",
    "url": "url",
    "visible_from": "visible_from",
    "visible_until": "visible_until",
    "place.name": "place_name",
    "place.street": "street",
    "place.postcode": "postcode",
    "place.city": "city",
    "place.lat": "lat",
    "place.lon": "lon",
    "place": "lat",
    "contact.phone": "phone",
    "contact.email": "email",
    "contact.website": "website",
    "source.name": "source_name",
    "source.producer": "source_producer",
    "source.licence": "source_licence",
    "source.url": "source_url",
    "from": "starts",
    "starts": "starts",
    "until": "until",
    "communes": "communes",
    "level": "level",
}
_LANG_MAPS = ("title", "summary", "body", "message")


def _at(data: dict, path: str):
    value = data
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def contract_errors(data: dict, problems: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The contract's ``(path, English message)`` problems for the wire dict ``data`` as
    ``{model field: [French messages]}``; a language map's problems go to ``"<field>.<lang>"``."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        if message not in errors.setdefault(field, []):
            errors[field].append(message)

    for path, message in problems:
        top = path.split(".")[0]
        if path.startswith("occurrences"):
            add("__all__", _("A date of this event is not valid: check that each end is after its start."))
            continue
        if top in _LANG_MAPS:
            values = _at(data, top) or {}
            bad = [(lang, p) for lang, v in values.items() if isinstance(v, str) and (p := plain_text_problem(v))]
            for lang, problem in bad:
                add(f"{top}.{lang}", problem)
            if not bad:
                if "French" in message or "required" in message:
                    add(f"{top}.fr", _("The French text is required."))
                else:
                    add(f"{top}.fr", _("The kiosks would refuse this text."))
            continue
        if top == "details" and "." in path:  # the admin's details_<part> field shows it
            add(f"details.{path.split('.')[1]}", _french(path, message, _at(data, path)))
            continue
        field = FIELD_OF.get(path) or FIELD_OF.get(top) or field_of_problem(message)
        add(field, _french(path, message, _at(data, path)))
    return errors


def _french(path: str, message: str, value) -> str:
    if isinstance(value, str) and (problem := plain_text_problem(value)):
        return problem
    if path == "opening_hours":
        return hours_problem(value or "") or _("These opening hours are not understood.")
    if path in ("place.lat", "place.lon") or (path == "place" and "lat and lon" in message):
        if "together" in message:
            return _("Give both the latitude and the longitude, or neither.")
        if path == "place.lat":
            return _("The latitude must be between -90 and 90.")
        return _("The longitude must be between -180 and 180.")
    if path == "categories":
        return _("Unknown category: %(detail)s.") % {"detail": message.removeprefix("unknown category ")}
    if path == "contact.email":
        return _("“%(value)s” is not an e-mail address.") % {"value": value}
    if path in ("url", "contact.website", "details.booking_url"):
        return _("“%(value)s” is not a web address: it must start with http:// or https://.") % {"value": value}
    if path == "commune":
        return _("“%(value)s” is not an INSEE commune code (five characters, e.g. 15187).") % {"value": value}
    if "visible_until is before visible_from" in message:
        return _("The end of the publication is before its start.")
    if "until is before from" in message:
        return _("The end is before the start.")
    if "event needs at least one occurrence" in message:
        return _("An event needs at least one date.")
    return _("The kiosks would refuse this value (%(detail)s).") % {"detail": message}


def field_of_problem(message: str) -> str:
    """The model field for a whole-record problem with no path (the contract's model checks)."""
    if "visible_until" in message:
        return "visible_until"
    if "until is before from" in message:
        return "until"
    return "__all__"
