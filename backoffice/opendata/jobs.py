"""Running an import source: asked for by staff or by its schedule, done by a Celery worker.

- ``enqueue(source, trigger=…)`` records a waiting run and sends the task once the row is committed;
  the web request does nothing else.
- ``run(source_id, run_id)`` is what the worker does: it takes the source's lock (one run at a time,
  across every worker: a conditional UPDATE on the source's row, which SQLite and PostgreSQL both
  hold), reads the source (:mod:`backoffice.opendata.reading`), applies it through
  :func:`~backoffice.opendata.apply.apply_result`, writes its progress in the run's row as it goes,
  and tells the staff once when a source starts failing and once when it works again.

Both are plain functions over ids; ``tasks.py`` only wraps them.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backoffice.importers.base import ImporterError
from backoffice.jobs.queue import hand_over
from backoffice.opendata.apply import ImportRefused, apply_result
from backoffice.opendata.images import ImageFetcher
from backoffice.opendata.models import ImportRun, RunStatus, Source
from backoffice.opendata.reading import SourceError, address_of, check_source_url, load, redact

__all__ = ["SourceError", "address_of", "check_source_url", "enqueue", "load", "redact", "run"]

log = logging.getLogger(__name__)

#: A run whose lock has not been refreshed for this long was cut short (its worker stopped).
STALE_AFTER = dt.timedelta(minutes=30)
#: A run no worker has taken after this long: the workers are probably stopped.
UNTAKEN_AFTER = dt.timedelta(hours=1)
#: The progress is written to the run's row at most every this many records.
PROGRESS_EVERY = 25


# --- asking for a run ---------------------------------------------------------------------------


def reap_stale() -> int:
    """Fail the runs no worker took within ``UNTAKEN_AFTER``, and the runs cut short (their lock lost or
    stale), each with a French reason; how many."""
    now = timezone.now()
    untaken = ImportRun.objects.filter(status=RunStatus.QUEUED, started_at__lt=now - UNTAKEN_AFTER).update(
        status=RunStatus.FAILED,
        ok=False,
        phase="",
        finished_at=now,
        error=_(
            "No worker took this import within an hour: the back office's workers are probably stopped. "
            "Tell the person who installed Borne."
        ),
    )
    lost = (
        Q(source_ref__lock_run__isnull=True)
        | ~Q(source_ref__lock_run=F("pk"))
        | Q(source_ref__locked_at__lt=now - STALE_AFTER)
    )
    cut = (
        ImportRun.objects.filter(status=RunStatus.RUNNING, source_ref__isnull=False)
        .filter(lost)
        .update(
            status=RunStatus.FAILED,
            ok=False,
            phase="",
            finished_at=now,
            error=_("This import was cut short (its worker stopped). Run it again."),
        )
    )
    return untaken + cut


def under_way(source: Source) -> ImportRun | None:
    """The run of ``source`` waiting or running now, if any (stale ones are failed first)."""
    reap_stale()
    return (
        ImportRun.objects.filter(source_ref=source, status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
        .order_by("-started_at")
        .first()
    )


def enqueue(source: Source, *, trigger: str = "", send=None) -> tuple[ImportRun, bool]:
    """``(run, True)``: a new run of ``source``, its task sent once committed; ``(run, False)``: the run
    already waiting or running (a double click, or the schedule got there first)."""
    current = under_way(source)
    if current is not None:
        return current, False
    run = ImportRun.objects.create(
        source_ref=source,
        source=source.kind,
        scope=source.feed_scope[:300],
        status=RunStatus.QUEUED,
        trigger=trigger[:150],
        phase=_("Waiting for a worker"),
    )
    transaction.on_commit(lambda: (send or send_task)(source.pk, run.pk))
    return run, True


def send_task(source_id: int, run_id: int) -> None:
    """Hand the run to a worker. If the broker cannot be reached, the run says so in French."""
    from backoffice.opendata.tasks import run_source

    def fail() -> None:
        message = _(
            "The import could not be handed to the job queue (the broker does not answer). Tell the person "
            "who looks after the server, then run it again."
        )
        ImportRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.FAILED, ok=False, error=message, phase="", finished_at=timezone.now()
        )

    hand_over(run_source, source_id, run_id, what=f"import source {source_id}", unreachable=fail)


# --- the lock -----------------------------------------------------------------------------------


def acquire(source_id: int, run: ImportRun) -> bool:
    """Take the source's lock for ``run``: True when it was free (or held by a run cut short)."""
    now = timezone.now()
    free = Q(locked_at__isnull=True) | Q(locked_at__lt=now - STALE_AFTER)
    return Source.objects.filter(free, pk=source_id).update(locked_at=now, lock_run=run) == 1


def refresh(source_id: int, run: ImportRun) -> None:
    Source.objects.filter(pk=source_id, lock_run=run).update(locked_at=timezone.now())


def release(source_id: int, run: ImportRun) -> None:
    Source.objects.filter(pk=source_id, lock_run=run).update(locked_at=None, lock_run=None)


# --- the run ------------------------------------------------------------------------------------


def run(source_id: int, run_id: int | None = None) -> ImportRun | None:
    """Run ``source_id`` (the worker's side). ``run_id``: the row staff are watching; None (the
    schedule): a new row. A run already finished is left as it is (a message delivered twice)."""
    with translation.override(settings.LANGUAGE_CODE):
        source = Source.objects.filter(pk=source_id).first()
        if run_id is None:
            if source is None or not source.active:
                return None
            job = ImportRun.objects.create(
                source_ref=source, source=source.kind, scope=source.feed_scope[:300], trigger=_("on schedule")
            )
        else:
            job = ImportRun.objects.filter(pk=run_id).first()
            if job is None or job.status != RunStatus.QUEUED:
                return job
        if source is None:
            _end(job, RunStatus.FAILED, _("This source was deleted before the import started."))
            return job
        if not acquire(source_id, job):
            _end(job, RunStatus.SKIPPED, _("Another import of this source was under way: this one did nothing."))
            return job
        try:
            _run_locked(source, job)
        finally:
            release(source_id, job)
        job.refresh_from_db()
        notify(source, job)
        return job


def _end(job: ImportRun, status: str, error: str) -> None:
    job.status, job.error, job.finished_at, job.phase = status, error[:5000], timezone.now(), ""
    job.ok = status == RunStatus.OK
    job.save()


def _run_locked(source: Source, job: ImportRun) -> None:
    job.status, job.started_at, job.phase = RunStatus.RUNNING, timezone.now(), _("Reading the source")
    job.save(update_fields=["status", "started_at", "phase"])
    try:
        result = load(source, job)
        ImportRun.objects.filter(pk=job.pk).update(phase=_("Comparing the records with the entries"))
        fetcher = ImageFetcher()
        try:
            apply_result(
                result,
                scope=source.feed_scope,
                status=source.new_status,
                fetcher=fetcher,
                progress=_progress(source, job),
                run=job,
            )
        finally:
            fetcher.close()
    except (ImporterError, ImportRefused, SourceError) as exc:
        _end(job, RunStatus.FAILED, redact(str(exc), source))
        log.warning("import source %s failed: %s", source.pk, redact(str(exc), source))
        return
    except Exception as exc:  # noqa: BLE001 - any failure is the run's, shown to staff
        log.exception("import source %s: unexpected error", source.pk)
        _end(job, RunStatus.FAILED, redact(f"{_('Unexpected error')}: {type(exc).__name__}: {exc}", source))
        return
    ImportRun.objects.filter(pk=job.pk).update(phase="")


def _progress(source: Source, job: ImportRun):
    def progress(done: int, total: int, label: str) -> None:
        if done % PROGRESS_EVERY and done != total:
            return
        if label.startswith("read"):
            phase = _("Comparing the records with the entries: %(done)d of %(total)d") % {"done": done, "total": total}
            refresh(source.pk, job)
            ImportRun.objects.filter(pk=job.pk).update(phase=phase)
        # Writes happen in one transaction: the row shows the last step read until it commits.

    return progress


# --- the entries of a source -------------------------------------------------------------------


def imported_keys(source: Source) -> list[str]:
    """The entries this source's feed made that are still on the kiosks' side (not withdrawn by it)."""
    from backoffice.opendata.models import ImportedRecord

    return list(
        ImportedRecord.objects.filter(source=source.kind, scope=source.feed_scope, withdrawn=False).values_list(
            "key", flat=True
        )
    )


def withdraw_entries(source: Source) -> list[str]:
    """Withdraw (never delete) every entry the source imported, when staff ask: the ids withdrawn."""
    from backoffice.opendata.apply import withdraw_records

    with transaction.atomic():
        return withdraw_records(imported_keys(source), source.kind)


# --- telling the staff --------------------------------------------------------------------------


def staff_to_tell():
    """Active staff with an address who manage sources: administrators, or those allowed to change them."""
    from django.contrib.auth import get_user_model

    perm = Q(groups__permissions__codename="change_source") | Q(user_permissions__codename="change_source")
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .exclude(email="")
        .filter(Q(is_superuser=True) | perm)
        .distinct()
    )


def notify(source: Source, job: ImportRun) -> bool:
    """Mail the staff when ``source`` starts failing or works again (once each); True when mailed."""
    from django.core.mail import send_mail

    if job.status == RunStatus.FAILED:
        if Source.objects.filter(pk=source.pk, failing=False).update(failing=True) != 1:
            return False
        subject = _("Borne: the import source “%(name)s” fails") % {"name": source.name}
        body = _(
            "The import of “%(name)s” failed on %(when)s:\n\n%(error)s\n\nThe entries it imported before stay "
            "as they are. You will get one more e-mail when it works again.\n%(link)s"
        )
    elif job.status == RunStatus.OK:
        if Source.objects.filter(pk=source.pk, failing=True).update(failing=False) != 1:
            return False
        subject = _("Borne: the import source “%(name)s” works again") % {"name": source.name}
        body = _("The import of “%(name)s” worked again on %(when)s.\n%(link)s")
    else:
        return False
    from django.urls import reverse

    link = ""
    if settings.BORNE_PUBLIC_URL:
        link = settings.BORNE_PUBLIC_URL + reverse("admin:opendata_source_change", args=[source.pk])
    when = timezone.localtime(job.finished_at or timezone.now()).strftime("%d/%m/%Y %H:%M")
    text = body % {"name": source.name, "when": when, "error": job.error, "link": link}
    recipients = sorted({u.email for u in staff_to_tell()})
    if recipients:
        send_mail(subject, text, None, recipients, fail_silently=True)
    return True
