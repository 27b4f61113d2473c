"""What a kiosk receives: the changes since its cursor, in change-sequence order.

Every entry, alert and tombstone row carries the change number it got when last written
(``seq``); a page holds the ``limit`` lowest numbers above the cursor and the new cursor is the
last number in it. A row edited while a kiosk walks the pages gets a new, higher number: it is
sent once, in its newest form, when the walk reaches it (or again, as a change, if the walk had
already passed it). Nothing is skipped: numbers become visible in the order they were given
(see ``catalog.models.next_seq``).
"""

from __future__ import annotations

from dataclasses import dataclass
from heapq import merge

from django.db.models import Prefetch, Q

from backoffice.catalog.models import Alert, Entry, EntryImage, Tombstone, current_seq, max_alerts
from backoffice.fleet.wire import WireError, query_uint
from backoffice.notices import feed as notice_feed
from content.compat import SchemaRequestError, page_for_schema, wanted_schema
from content.contract import SCHEMA_VERSION

DEFAULT_LIMIT = 200
MAX_LIMIT = 1000


CursorError = WireError  # a ``since`` or ``limit`` that is not what the feed understands


@dataclass(frozen=True)
class FeedRequest:
    since: int
    limit: int
    schema: int = SCHEMA_VERSION


def parse_request(since: str | None, limit: str | None, schema: str | None = None) -> FeedRequest:
    """``since``: a cursor this back office gave (a change number); ``limit``: 1 to MAX_LIMIT;
    ``schema``: the contract version the kiosk reads (none said: 1, the kiosks from before the question)."""
    try:
        wanted = wanted_schema(schema)
    except SchemaRequestError as exc:
        raise CursorError(str(exc)) from None
    return FeedRequest(
        query_uint(since, "since", default=0),
        query_uint(limit, "limit", default=DEFAULT_LIMIT, low=1, high=MAX_LIMIT),
        wanted,
    )


def etag_for(commune: str, req: FeedRequest) -> str:
    """Changes only when something was written since: the answer for the same question is the same."""
    return f'"{commune}-{req.since}-{req.limit}-{current_seq()}-s{req.schema}"'


def _entry_visible_to(entry: Entry, commune: str) -> bool:
    return entry.status == "published" and (entry.commune_id in (None, "", commune))


def _alert_visible_to(alert: Alert, commune: str) -> bool:
    communes = [c.insee for c in alert.communes.all()]
    return alert.is_live() and (not communes or commune in communes)


def changes(commune: str, req: FeedRequest) -> dict:
    """The feed page for a kiosk of ``commune``.

    ``{schema, entries, alerts, deleted, deleted_alerts, cursor, more}`` (and ``reset`` when restarted)."""
    since, limit = req.since, req.limit
    reset = since > current_seq()
    if reset:  # the back office was restored from an older backup: start the kiosk over
        since = 0
    entries = (
        Entry.objects.filter(seq__gt=since)
        .order_by("seq")
        .select_related("commune")
        .prefetch_related("occurrences", Prefetch("images", queryset=EntryImage.objects.select_related("media")))[
            : limit + 1
        ]
    )
    alerts = Alert.objects.filter(seq__gt=since).order_by("seq").prefetch_related("communes")[: limit + 1]
    tombs = Tombstone.objects.filter(seq__gt=since).order_by("seq")[: limit + 1]
    notices = notice_feed.changed_since(since, limit + 1)
    rows = list(
        merge(
            (("entry", e) for e in entries),
            (("alert", a) for a in alerts),
            (("tomb", t) for t in tombs),
            (("notice", n) for n in notices),
            key=lambda pair: pair[1].seq,
        )
    )
    page, more = rows[:limit], len(rows) > limit
    out = {
        "schema": SCHEMA_VERSION,
        "entries": [],
        "alerts": [],
        "deleted": [],
        "deleted_alerts": [],
        "notices": [],
        "deleted_notices": [],
    }
    for what, row in page:
        if what == "entry":
            if _entry_visible_to(row, commune):
                out["entries"].append(row.to_contract())
            elif since:
                out["deleted"].append(row.wire_id)
        elif what == "notice":
            notice_feed.add(out, row, commune, since)
        elif what == "alert":
            if _alert_visible_to(row, commune):
                out["alerts"].append(row.to_contract())
            elif since:
                out["deleted_alerts"].append(row.wire_id)
        elif since:
            (out["deleted"] if row.what == Tombstone.ENTRY else out["deleted_alerts"]).append(row.wire_id)
    out["cursor"] = str(page[-1][1].seq if page else since)
    out["more"] = more
    if reset:
        out["reset"] = True
    return page_for_schema(out, req.schema)


def visible_snapshot(commune: str | None = None) -> tuple[list[Entry], list[Alert]]:
    """Every published entry and live alert for one commune (or all): what a bundle carries."""
    entries = (
        Entry.objects.filter(status="published")
        .prefetch_related("occurrences", Prefetch("images", queryset=EntryImage.objects.select_related("media")))
        .order_by("pk")
    )
    alerts = Alert.objects.live().prefetch_related("communes").order_by("-starts")[: max_alerts()]
    if commune:
        entries = entries.filter(Q(commune__isnull=True) | Q(commune_id=commune))
        alerts = [a for a in alerts if _alert_visible_to(a, commune)]
    return list(entries), list(alerts)
