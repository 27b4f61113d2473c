"""The town's name as shown on public pages and reports."""

from __future__ import annotations

from django.conf import settings


def town_name(commune: str | None = None) -> str:
    """``settings.BORNE_TOWN_NAME`` if set; else the name of ``commune``, or of the communes that have
    kiosks (joined), or of the communes in the catalog; "la commune" when there is none."""
    from backoffice.catalog.models import Commune

    if commune:
        found = Commune.objects.filter(insee=commune).values_list("name", flat=True).first()
        if found:
            return found
    if name := getattr(settings, "BORNE_TOWN_NAME", ""):
        return name
    names = list(Commune.objects.filter(kiosk__isnull=False).distinct().values_list("name", flat=True)[:4])
    if not names:
        names = list(Commune.objects.values_list("name", flat=True)[:4])
    return ", ".join(names) if names else "la commune"
