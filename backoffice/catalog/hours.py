"""Opening hours for people: validation and a readable rendering, via content.hours."""

from __future__ import annotations

import logging

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from backoffice.catalog.refusals import hours_problem

log = logging.getLogger(__name__)


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


@require_GET
def hours_preview(request):
    """``GET ?value=…`` -> ``{ok, text}``: live check used by the admin and the portal editor."""
    lang = (getattr(request, "LANGUAGE_CODE", "fr") or "fr")[:2]
    ok, text = describe_hours(request.GET.get("value", "")[:500], lang)
    return JsonResponse({"ok": ok, "text": text})
