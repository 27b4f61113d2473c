"""The public register of a commune's notices, as data: in force, archive, JSON and CSV rows, the log's CSV."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from backoffice import csvsafe
from backoffice.notices.models import KIND_LABELS, Notice, PublicationEvent, Status


def _listed(commune: str):
    """Notices the public may see: published or withdrawn, once their publication has started."""
    return (
        Notice.objects.filter(commune_id=commune, status__in=[Status.PUBLISHED, Status.WITHDRAWN])
        .filter(starts__lte=timezone.now())
        .select_related("replaces", "commune")
        .prefetch_related("replaced_by")
        .order_by("-starts", "-pk")
    )


def register(commune: str) -> tuple[list[Notice], list[Notice]]:
    """``(in_force, archive)``: the archive holds withdrawn notices and those whose publication ended."""
    now = timezone.now()
    in_force, archive = [], []
    for notice in _listed(commune):
        (in_force if notice.in_force(now) else archive).append(notice)
    return in_force, archive


def _state(notice: Notice, now) -> str:
    if notice.status == Status.WITHDRAWN:
        return "retiré"
    return "en vigueur" if notice.in_force(now) else "publication terminée"


def record(notice: Notice, pdf_url: str, now=None) -> dict:
    """One notice in the register's JSON."""
    now = now or timezone.now()
    replaced_by = [n for n in notice.replaced_by.all() if n.status in (Status.PUBLISHED, Status.WITHDRAWN)]
    return {
        "id": notice.wire_id,
        "kind": notice.kind,
        "kind_label": str(KIND_LABELS[notice.kind]),
        "title": notice.title,
        "number": notice.number,
        "act_date": notice.act_date.isoformat() if notice.act_date else None,
        "published_from": notice.starts.isoformat(),
        "published_until": notice.until.isoformat() if notice.until else None,
        "withdrawn_at": notice.withdrawn_at.isoformat() if notice.withdrawn_at else None,
        "state": _state(notice, now),
        "pages": notice.pages,
        "sha256": notice.pdf_sha256,
        "bytes": notice.pdf_size,
        "pdf": pdf_url,
        "replaces": notice.replaces.wire_id if notice.replaces_id else None,
        "replaced_by": [n.wire_id for n in replaced_by],
    }


def all_records(commune: str, pdf_url) -> list[dict]:
    now = timezone.now()
    return [record(n, pdf_url(n), now) for n in _listed(commune)]


CSV_HEADER = [
    "id",
    "nature",
    "numéro",
    "titre",
    "date de l'acte",
    "publié le",
    "publié jusqu'au",
    "retiré le",
    "état",
    "pages",
    "sha256",
    "octets",
    "pdf",
    "remplace",
]


def register_csv(records: list[dict]) -> str:
    return csvsafe.text(
        CSV_HEADER,
        (
            [
                r["id"],
                r["kind_label"],
                r["number"],
                r["title"],
                r["act_date"] or "",
                r["published_from"],
                r["published_until"] or "",
                r["withdrawn_at"] or "",
                r["state"],
                r["pages"],
                r["sha256"],
                r["bytes"],
                r["pdf"],
                r["replaces"] or "",
            ]
            for r in records
        ),
        delimiter=";",
    )


LOG_HEADER = ["date (UTC)", "action", "commune", "avis", "nature", "numéro", "titre", "sha256", "par", "détail"]


def log_csv(events) -> str:
    """The publication log as the town's proof: one line per publication or withdrawal, oldest first."""
    actions = {PublicationEvent.PUBLISHED: "publication", PublicationEvent.WITHDRAWN: "retrait"}
    return csvsafe.text(
        LOG_HEADER,
        (
            [
                e.at.astimezone(dt.UTC).isoformat(timespec="seconds"),
                actions.get(e.action, e.action),
                e.commune,
                f"avis:{e.notice_id}",
                e.kind,
                e.number,
                e.title,
                e.sha256,
                e.username,
                e.detail,
            ]
            for e in events.order_by("at", "pk")
        ),
        delimiter=";",
    )
