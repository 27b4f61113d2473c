"""QR scans for the dashboard: openings of the public pages over a period (all kiosks: the QR code names none)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum

from backoffice.public.models import PageHit


def scans(first: dt.date, end: dt.date, *, top: int = 10) -> tuple[int, list[tuple[str, int]]]:
    """``(total, [(French title, openings), ...])`` from ``first`` to ``end`` (excluded), most opened first."""
    hits = PageHit.objects.filter(day__gte=first, day__lt=end)
    total = hits.aggregate(n=Sum("count"))["n"] or 0
    rows = hits.values("entry_id", "entry__title").annotate(n=Sum("count")).order_by("-n", "entry_id")[:top]
    return total, [((r["entry__title"] or {}).get("fr") or f"bo:{r['entry_id']}", r["n"]) for r in rows]
