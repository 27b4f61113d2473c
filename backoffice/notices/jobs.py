"""Publishing a notice: the check-and-render job, withdrawal, and the notice's wire form.

``run_check(notice_id)`` is a plain function over the notice's row, called by the Celery task
``notices.check_pdf`` in a worker: it reloads the row, writes its progress as it goes, is safe to run
twice (a notice already published or refused is left alone) and ends with the notice published, or
refused with a French sentence. The web request only stores the upload and enqueues the id.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backoffice.jobs.queue import hand_over
from backoffice.notices.models import Notice, NoticePage, Status, log_event, pdf_storage_name
from backoffice.notices.pdf import PdfRefused, check_and_render

log = logging.getLogger(__name__)

#: A check whose row has not moved for this long was cut short (the worker stopped).
STALE_AFTER = dt.timedelta(minutes=15)


def enqueue(notice_id: int) -> None:
    """Hand the check to a worker; if the broker cannot be reached, the notice says so in French."""
    from backoffice.notices.tasks import check_pdf

    def refuse() -> None:
        message = _(
            "The check could not be handed to the job queue (the broker does not answer). Tell the person who "
            "looks after the server, then send the notice again."
        )
        Notice.objects.filter(pk=notice_id, status=Status.CHECKING).update(
            status=Status.REFUSED, error=message, step=""
        )

    hand_over(check_pdf, notice_id, what=f"notice {notice_id}", unreachable=refuse)


def reap_stale(now=None) -> int:
    """Refuse the checks that stopped moving (the worker stopped under them): staff can send them again."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        message = _(
            "The check was interrupted (the server was probably restarted while it ran). Send the notice again: "
            "nothing was published."
        )
    return Notice.objects.filter(status=Status.CHECKING, updated_at__lt=now - STALE_AFTER).update(
        status=Status.REFUSED, error=message, step="", updated_at=now
    )


def start_check(notice: Notice, *, launch=None) -> None:
    """Enqueue the check of a saved notice once the request's transaction commits."""
    transaction.on_commit(lambda: (launch or enqueue)(notice.pk))


def _save(notice: Notice, **values) -> None:
    for key, value in values.items():
        setattr(notice, key, value)
    notice.save(update_fields=[*values, "updated_at"])


def run_check(notice_id: int) -> Notice:
    """Check and render one notice's PDF, then publish it (or refuse it, saying why in French)."""
    with translation.override(settings.LANGUAGE_CODE):
        with transaction.atomic():
            notice = Notice.objects.select_for_update().get(pk=notice_id)
            if notice.status != Status.CHECKING:
                return notice
            _save(notice, progress=2, step=_("Reading the PDF"), error="")
        try:
            _check(notice)
        except PdfRefused as exc:
            _refuse(notice, str(exc))
        except Exception as exc:  # noqa: BLE001 - whatever happens, the row says it and the page shows it
            log.exception("notice %s: check failed", notice.pk)
            _refuse(
                notice,
                _(
                    "Unexpected error while checking the PDF (%(kind)s). The details are in the server's log: send "
                    "the notice again, and if it fails again tell the person who looks after the server."
                )
                % {"kind": type(exc).__name__},
            )
    return notice


def _refuse(notice: Notice, message: str) -> None:
    _save(notice, status=Status.REFUSED, error=message, step="", progress=100)
    log.warning("notice %s (%s) refused: %s", notice.pk, notice.title, message)


def _check(notice: Notice) -> None:
    from backoffice.catalog.images import store_image_bytes
    from backoffice.catalog.models import next_seq
    from backoffice.storage import local_paths
    from content.notice import plain_page_text

    last = {"percent": 2}

    def progress(done: int, total: int) -> None:
        percent = 5 + (85 * done) // max(total, 1)
        if percent != last["percent"]:
            last["percent"] = percent
            _save(
                notice,
                progress=percent,
                step=_("Drawing the pages: %(done)d of %(total)d") % {"done": done, "total": total},
            )

    with local_paths({"pdf": notice.pdf_storage_name}) as paths:
        rendered = check_and_render(paths["pdf"], progress=progress)
    if rendered.sha256 != notice.pdf_sha256:
        raise PdfRefused(_("The stored file no longer matches its SHA-256: send the notice again."))
    _save(notice, progress=92, step=_("Storing the pages"))
    media = [
        store_image_bytes(page.image, where=f"page {i + 1}", reencode=False) for i, page in enumerate(rendered.pages)
    ]
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.status != Status.CHECKING:
            return
        NoticePage.objects.filter(notice=notice).delete()
        NoticePage.objects.bulk_create(
            NoticePage(notice=notice, position=i, media=m, text=plain_page_text(page.text))
            for i, (m, page) in enumerate(zip(media, rendered.pages, strict=True))
        )
        now = timezone.now()
        _save(
            notice,
            status=Status.PUBLISHED,
            pages=len(media),
            published_at=now,
            progress=100,
            step="",
            seq=next_seq(),
        )
        log_event(notice, "published", notice.created_by)
        old = notice.replaces
        if old is not None and old.status == Status.PUBLISHED:
            withdraw(old, notice.created_by, reason=_("replaced by %(notice)s") % {"notice": notice})
    log.info("notice %s published: %d pages, sha256 %s", notice.pk, len(media), notice.pdf_sha256)


def withdraw(notice: Notice, user, *, reason: str = "") -> bool:
    """Withdraw a published notice: kiosks drop it at their next sync, the register keeps it in its archive."""
    from backoffice.catalog.models import next_seq

    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice.pk)
        if notice.status != Status.PUBLISHED:
            return False
        _save(
            notice, status=Status.WITHDRAWN, withdrawn_at=timezone.now(), withdrawn_reason=reason[:300], seq=next_seq()
        )
        log_event(notice, "withdrawn", user, detail=reason[:300])
    return True


def public_base() -> str:
    return getattr(settings, "BORNE_PUBLIC_URL", "") or ""


def pdf_path(notice: Notice) -> str:
    return reverse("notices:pdf", args=[notice.commune_id, notice.pk])


def to_contract(notice: Notice) -> dict:
    """The notice as kiosks receive it (content.notice.Notice's wire form)."""
    base = public_base()
    pages = sorted(notice.page_set.all(), key=lambda p: p.position)  # prefetched by the feed
    return {
        "id": notice.wire_id,
        "kind": notice.kind,
        "commune": notice.commune_id,
        "title": notice.title,
        "number": notice.number,
        "act_date": notice.act_date.isoformat() if notice.act_date else None,
        "published_at": notice.starts.isoformat(),
        "until": notice.until.isoformat() if notice.until else None,
        "pdf": {
            "sha256": notice.pdf_sha256,
            "bytes": notice.pdf_size,
            "url": f"{base}{pdf_path(notice)}" if base else "",
        },
        "pages": [
            {
                "sha256": p.media.sha256,
                "mime": p.media.mime,
                "width": p.media.width,
                "height": p.media.height,
                "bytes": p.media.size,
            }
            for p in pages
        ],
        "text": [p.text for p in pages],
        "replaces": notice.replaces.wire_id if notice.replaces_id else "",
        "public_url": f"{base}{reverse('notices:register', args=[notice.commune_id])}" if base else "",
        "updated_at": notice.updated_at.isoformat(),
    }


def store_pdf(data_or_file, sha256: str) -> None:
    """Keep the PDF as it came, named by its hash (the same file sent twice is stored once)."""
    from django.core.files.base import File

    name = pdf_storage_name(sha256)
    if not default_storage.exists(name):
        if hasattr(data_or_file, "seek"):
            data_or_file.seek(0)
            default_storage.save(name, File(data_or_file))
        else:
            from django.core.files.base import ContentFile

            default_storage.save(name, ContentFile(data_or_file))
