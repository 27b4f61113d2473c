"""Opening hours for people: validation and a readable rendering, via content.hours."""

from __future__ import annotations

import logging

from django.http import JsonResponse
from django.views.decorators.http import require_GET

log = logging.getLogger(__name__)


def describe_hours(value: str, lang: str = "fr") -> tuple[bool, str]:
    """``(valid, text)``: the readable form of valid hours (one line per rule), or the error message."""
    from content import hours

    value = (value or "").strip()
    if not value:
        return True, ""
    try:
        hours.check_opening_hours(value)
    except ValueError as exc:
        return False, str(exc)
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
