"""Running an import source: asked for by staff or by its schedule, done by a Celery worker.

- ``enqueue(source, trigger=…)`` records a waiting run and sends the task once the row is committed;
  the web request does nothing else.
- ``run(source_id, run_id)`` is what the worker does: it takes the source's lock (one run at a time,
  across every worker: a conditional UPDATE on the source's row, which SQLite and PostgreSQL both
  hold), reads the source, applies it through :func:`~backoffice.opendata.apply.apply_result`,
  writes its progress in the run's row as it goes, and tells the staff once when a source starts
  failing and once when it works again.

Both are plain functions over ids; ``tasks.py`` only wraps them.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backoffice.importers.base import ImporterError, ImportResult
from backoffice.opendata.apply import ImportRefused, apply_result
from backoffice.opendata.images import ImageFetcher
from backoffice.opendata.models import ImportRun, RunStatus, Source

log = logging.getLogger(__name__)

#: A run whose lock has not been refreshed for this long was cut short (its worker stopped).
STALE_AFTER = dt.timedelta(minutes=30)
#: A run no worker has taken after this long: the workers are probably stopped.
UNTAKEN_AFTER = dt.timedelta(hours=1)
#: The progress is written to the run's row at most every this many records.
PROGRESS_EVERY = 25
USER_AGENT = "Borne back office (import sources)"


class SourceError(Exception):
    """The source cannot be read; the message is the French sentence shown to staff."""


# --- the address --------------------------------------------------------------------------------


def check_source_url(url: str, *, resolve=socket.getaddrinfo) -> None:
    """Refuse (French ValidationError) an address Borne would not fetch: not http(s), no server, a
    server that cannot be found, or an internal one not listed in ``BORNE_FETCH_ALLOW``.

    The same rule as the outbound fetcher's (its :class:`~outbound.AddressPolicy`), checked when staff
    save the source and again when it runs.
    """
    from outbound import AddressPolicy, AddressRefused

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ValidationError(_("This is not a web address."), code="invalid") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValidationError(_("The address must start with http:// or https://."), code="scheme")
    if not parts.hostname:
        raise ValidationError(_("The address names no server."), code="host")
    unknown = []

    def resolving(*args, **kwargs):
        try:
            return resolve(*args, **kwargs)
        except (OSError, UnicodeError):
            unknown.append(True)
            raise

    try:
        AddressPolicy.from_setting(settings.BORNE_FETCH_ALLOW).check_url(url, resolve=resolving)
    except AddressRefused:
        if unknown:
            raise ValidationError(
                _("The server %(host)s cannot be found: check the address.") % {"host": parts.hostname},
                code="unknown",
            ) from None
        raise ValidationError(
            _(
                "%(host)s is an address of the town's own network or of this server: Borne does not fetch "
                "from there. If this server is meant, the person who installed Borne adds it to "
                "BORNE_FETCH_ALLOW."
            )
            % {"host": parts.hostname},
            code="internal",
        ) from None


def address_of(source: Source) -> str:
    """The address to fetch, with the key in place of ``{key}``."""
    return source.url.replace("{key}", source.key) if source.key else source.url


def redact(text: str, source: Source) -> str:
    """``text`` without the source's key (errors and logs never show it)."""
    return text.replace(source.key, "•••") if source.key and len(source.key) >= 4 else text


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
    from backoffice.opendata.tasks import run_source

    run_source.delay(source_id, run_id)


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


def load(source: Source, job: ImportRun) -> ImportResult:
    """Read the source (its file, its address or its agenda): the importer's result."""
    from backoffice.importers import apidae, datatourisme, ical, openagenda

    common = {"commune": source.commune_id or ""}
    kind = source.kind
    if source.file:
        with _local_copy(source) as path:
            return _from_file(source, path, common)
    if kind == Source.Kind.OPENAGENDA:
        if not source.agenda_uid or not source.key:
            raise SourceError(_("An OpenAgenda source needs its agenda number and its key."))
        last = (
            ImportRun.objects.filter(source_ref=source, status=RunStatus.OK, scope=source.feed_scope)
            .exclude(pk=job.pk)
            .order_by("-started_at")
            .first()
        )
        since = last.started_at - dt.timedelta(hours=1) if last else None
        with _fetcher() as fetcher:
            return openagenda.import_agenda(
                source.agenda_uid,
                key=source.key,
                fetcher=fetcher,
                fetch_options={"updated_since": since},
                retrieved_at=dt.datetime.now(dt.UTC),
                **common,
            )
    url = address_of(source)
    if not source.url:
        raise SourceError(_("This source has neither an address nor a file."))
    try:
        check_source_url(url)
    except ValidationError as exc:
        raise SourceError(" ".join(exc.messages)) from None
    with _fetcher() as fetcher:
        if kind == Source.Kind.ICAL:
            return ical.import_url(
                url,
                fetcher=fetcher,
                source_name=source.name,
                producer=source.producer,
                licence=source.licence,
                source_url="" if "{key}" in source.url else url,
                **common,
            )
        data = _download(fetcher, url)
    with tempfile.TemporaryDirectory(prefix="borne-source-") as folder:
        path = Path(folder) / ("feed.zip" if data[:2] == b"PK" else "feed.json")
        path.write_bytes(data)
        if kind == Source.Kind.DATATOURISME:
            return _credited(source, datatourisme.import_file(path, **common))
        return _credited(source, apidae.import_file(path, licence=source.licence, **common))


def _fetcher():
    from backoffice.importers.base import source_fetcher

    return source_fetcher(USER_AGENT, allow=settings.BORNE_FETCH_ALLOW)


def _download(fetcher, url: str) -> bytes:
    from outbound import FetchError

    try:
        return fetcher.get_bytes(url)
    except FetchError as exc:
        raise SourceError(_("The source could not be downloaded: %(reason)s") % {"reason": exc}) from None


class _local_copy:  # noqa: N801 - used as a context manager
    """The uploaded file as a local path (the storage may be a bucket), removed afterwards."""

    def __init__(self, source: Source):
        self.source = source
        self.folder = None

    def __enter__(self) -> Path:
        self.folder = tempfile.TemporaryDirectory(prefix="borne-source-")
        name = Path(self.source.file.name).name or "source"
        path = Path(self.folder.name) / name
        try:
            with self.source.file.open("rb") as src, open(path, "wb") as dst:
                for chunk in src.chunks():
                    dst.write(chunk)
        except OSError:
            raise SourceError(_("The uploaded file is no longer on the server: upload it again.")) from None
        return path

    def __exit__(self, *exc):
        self.folder.cleanup()


def _from_file(source: Source, path: Path, common: dict) -> ImportResult:
    from backoffice.importers import apidae, datatourisme, ical, openagenda

    kind = source.kind
    if kind == Source.Kind.ICAL:
        return ical.import_file(
            path, source_name=source.name, producer=source.producer, licence=source.licence, **common
        )
    if kind == Source.Kind.OPENAGENDA:
        return _credited(source, openagenda.import_file(path, **common))
    if kind == Source.Kind.APIDAE:
        return _credited(source, apidae.import_file(path, licence=source.licence, **common))
    if not zipfile.is_zipfile(path) and path.suffix.lower() != ".json":
        path = path.rename(path.with_suffix(".json"))
    return _credited(source, datatourisme.import_file(path, **common))


def _credited(source: Source, result: ImportResult) -> ImportResult:
    """The producer and licence staff gave, on every entry (what the kiosk shows under a page)."""
    for entry in result.entries:
        credit = entry.setdefault("source", {})
        if source.producer:
            credit["producer"] = source.producer
        if source.licence:
            credit["licence"] = source.licence
    return result


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
