"""Notices in the kiosk feed and in bundles.

A notice takes a change number (``seq``) when it is published and again when it is withdrawn; the
feed sends it in ``notices`` while it is published, and its id in ``deleted_notices`` once withdrawn
(the row itself is the tombstone: notices are never deleted). Its publication window travels with it:
the kiosk hides it before and after by itself.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q

from backoffice.notices.jobs import to_contract
from backoffice.notices.models import Notice, NoticePage, Status

SENT = [Status.PUBLISHED, Status.WITHDRAWN]


def _with_pages(queryset):
    return queryset.select_related("commune", "replaces").prefetch_related(
        Prefetch("page_set", queryset=NoticePage.objects.select_related("media").order_by("position"))
    )


def changed_since(since: int, limit: int) -> list[Notice]:
    return list(_with_pages(Notice.objects.filter(seq__gt=since, status__in=SENT)).order_by("seq")[:limit])


def add(out: dict, notice: Notice, commune: str, since: int) -> None:
    """Put one changed notice in a feed page: as a notice, or as a tombstone (not on a first sync)."""
    if notice.status == Status.PUBLISHED and notice.commune_id == commune:
        out["notices"].append(to_contract(notice))
    elif since:
        out["deleted_notices"].append(notice.wire_id)


def in_force_snapshot(commune: str | None) -> tuple[list[dict], dict[str, str]]:
    """Published notices (of one commune, or all) as wire dicts, and their page images' storage names."""
    notices = _with_pages(Notice.objects.filter(status=Status.PUBLISHED)).order_by("pk")
    if commune:
        notices = notices.filter(Q(commune_id=commune))
    wire, names = [], {}
    for notice in notices:
        wire.append(to_contract(notice))
        for page in notice.page_set.all():
            names[page.media.sha256] = page.media.storage_name
    return wire, names
