"""The USB export job: write a signed bundle of one commune's published content, then check it.

``run_export(export_id)`` is a plain function over the job's row, called by the Celery task
``usb.export_bundle`` (:mod:`backoffice.usb.tasks`) in a worker: it reloads what it needs, writes its
progress in the row as it goes, is safe to run twice, and ends with the file or a French error saying
what to do. ``start_export`` only records the row and enqueues its id once the request commits. Files
live under ``<data>/backoffice/exports/``, never in the public media, and are served only through the
admin's download view.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backoffice.jobs.queue import hand_over
from backoffice.usb.models import BundleExport, Status

log = logging.getLogger(__name__)

EXPORTS_DIR = "exports"
#: A job whose row has not moved for this long was cut short (the server stopped): shown as failed.
STALE_AFTER = dt.timedelta(minutes=10)
#: A job no worker took for this long: the workers are stopped, or the queue lost it.
QUEUED_STALE_AFTER = dt.timedelta(hours=1)
#: Finished files kept per commune; older ones are deleted when a new export is ready.
KEEP_FILES = 3


class ExportFailed(Exception):
    """An export that cannot finish; the message is the French text shown to staff."""


def exports_dir() -> Path:
    return Path(settings.BACKOFFICE_DIR) / EXPORTS_DIR


def export_path(export: BundleExport) -> Path | None:
    """The finished file of an export, or None (not ready, or a name that is not a plain file name)."""
    name = export.file_name
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    return exports_dir() / name


def bundle_key_location() -> Path:
    """The back office's key file: the one staff copy to each kiosk."""
    from backoffice.catalog.bundles import bundle_key_path

    return bundle_key_path()


def file_name_for(export: BundleExport) -> str:
    from content.contract import SCHEMA_VERSION

    local = timezone.localtime(export.created_at)
    older = f"-schema{export.schema}" if export.schema != SCHEMA_VERSION else ""  # told apart on the stick
    return f"borne-{export.commune_id or 'toutes'}-{local:%Y%m%d-%H%M}-{export.pk}{older}.zip"


def start_export(commune, user, *, schema: int | None = None, launch=None) -> BundleExport:
    """Record an export of ``commune`` asked by ``user`` for kiosks reading ``schema`` (default: the
    current version); enqueue it once the row is committed."""
    from content.contract import SCHEMA_VERSION

    export = BundleExport.objects.create(
        commune=commune,
        commune_name=commune.name,
        schema=schema or SCHEMA_VERSION,
        created_by=user if getattr(user, "is_authenticated", False) else None,
        step=_("Waiting to start"),
    )
    transaction.on_commit(lambda: (launch or enqueue)(export.pk))
    return export


def enqueue(export_id: int) -> None:
    """Hand the export to a worker. If the broker cannot be reached, the row says so in French."""
    from backoffice.usb.tasks import export_bundle

    def fail() -> None:
        message = _(
            "The export could not be handed to the job queue (the broker does not answer). Tell the person who "
            "looks after the server, then start the export again."
        )
        BundleExport.objects.filter(pk=export_id, status=Status.QUEUED).update(
            status=Status.FAILED, error=message, step="", finished_at=timezone.now()
        )

    hand_over(export_bundle, export_id, what=f"USB export {export_id}", unreachable=fail)


def _is_stale(export: BundleExport, now: dt.datetime) -> bool:
    return not export.finished and export.updated_at < now - STALE_AFTER


def reap_stale(now: dt.datetime | None = None) -> int:
    """Mark as failed the jobs that stopped moving (a worker stopped under them) or that no worker took."""
    now = now or timezone.now()
    running = BundleExport.objects.filter(status=Status.RUNNING, updated_at__lt=now - STALE_AFTER)
    queued = BundleExport.objects.filter(status=Status.QUEUED, updated_at__lt=now - QUEUED_STALE_AFTER)
    with translation.override(settings.LANGUAGE_CODE):
        interrupted = _(
            "The export was interrupted (the server was probably restarted while it ran). Start it again: "
            "nothing was lost."
        )
        not_taken = _(
            "No job worker took this export within an hour: the workers are probably stopped. Tell the person who "
            "looks after the server, then start the export again."
        )
    done = dict(step="", finished_at=now, updated_at=now, status=Status.FAILED)
    return running.update(error=interrupted, **done) + queued.update(error=not_taken, **done)


def _save(export: BundleExport, **values) -> None:
    for key, value in values.items():
        setattr(export, key, value)
    export.save(update_fields=[*values, "updated_at"])


def run_export(export_id: int) -> BundleExport:
    """Run one export to its end. A finished export, or one another worker is running, is left alone."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        export = BundleExport.objects.select_for_update().get(pk=export_id)
        if export.finished or (export.status == Status.RUNNING and not _is_stale(export, timezone.now())):
            return export
        _save(
            export,
            status=Status.RUNNING,
            started_at=timezone.now(),
            progress=2,
            step=_("Gathering the published pages"),
            error="",
        )
    with translation.override(settings.LANGUAGE_CODE):
        try:
            _export(export)
        except ExportFailed as exc:
            _fail(export, str(exc))
        except Exception as exc:  # noqa: BLE001 - whatever happens, the row says it and the page shows it
            log.exception("USB export %s failed", export.pk)
            _fail(
                export,
                _(
                    "Unexpected error during the export (%(kind)s). The details are in the server's log: start the "
                    "export again, and if it fails again tell the person who looks after the server."
                )
                % {"kind": type(exc).__name__},
            )
    return export


def _fail(export: BundleExport, message: str) -> None:
    _save(export, status=Status.FAILED, error=message, step="", finished_at=timezone.now())
    log.warning("USB export %s (%s) failed: %s", export.pk, export.commune_name, message)


def _export(export: BundleExport) -> None:
    from backoffice.catalog.bundles import bundle_key, bundle_key_path, export_bundle
    from content.bundle import BundleError, BundleKeyError, read_bundle
    from content.validation import ContentError

    if export.commune_id is None:
        raise ExportFailed(_("The commune of this export no longer exists: start a new export from the communes."))
    folder = exports_dir()
    name = file_name_for(export)
    out = folder / name
    last = {"percent": 2}

    def progress(done: int, total: int) -> None:
        percent = 5 + (85 * done) // max(total, 1)
        if percent != last["percent"]:  # one write per percent, not per image
            last["percent"] = percent
            _save(
                export,
                progress=percent,
                step=_("Writing the images: %(done)d of %(total)d") % {"done": done, "total": total},
            )

    try:
        key = bundle_key()
    except BundleKeyError as exc:
        log.error("USB export %s: %s", export.pk, exc)
        raise ExportFailed(
            _(
                "The signing key cannot be read (%(path)s is empty or unreadable): no file was made. Ask the person "
                "who installed the server to put the key back (64 hexadecimal characters), or to set "
                "BORNE_BUNDLE_KEY."
            )
            % {"path": bundle_key_path()}
        ) from None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _save(export, progress=5, step=_("Writing the file"))
        manifest = export_bundle(
            out, commune=export.commune_id, signing_key=key, progress=progress, schema=export.schema
        )
    except ContentError as exc:  # a published page the kiosks would refuse, an image missing from the disk
        log.error("USB export %s: %s", export.pk, exc)
        raise ExportFailed(
            _(
                "A published page or one of its photos cannot go into the file, so no file was made (technical "
                "detail: %(detail)s). Correct that page, then start the export again."
            )
            % {"detail": exc}
        ) from None
    except OSError as exc:
        out.unlink(missing_ok=True)
        log.error("USB export %s: cannot write %s: %s", export.pk, out, exc)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise ExportFailed(
                _(
                    "The server's disk is full: the file could not be written in %(folder)s. Delete old USB "
                    "exports (or ask for more room), then start the export again."
                )
                % {"folder": folder}
            ) from None
        raise ExportFailed(
            _("The file could not be written in %(folder)s (technical detail: %(detail)s).")
            % {"folder": folder, "detail": exc.strerror or exc}
        ) from None
    _save(export, progress=92, step=_("Checking the file with the signing key"))
    try:
        read_bundle(out, verify_key=key)  # the file opens as a kiosk will open it, or it is not offered
    except BundleError as exc:
        out.unlink(missing_ok=True)
        log.error("USB export %s: %s", export.pk, exc)
        raise ExportFailed(
            _("The file made does not read back whole, so it is not offered (technical detail: %(detail)s).")
            % {"detail": exc}
        ) from None
    _save(
        export,
        status=Status.DONE,
        progress=100,
        step="",
        file_name=name,
        size=out.stat().st_size,
        counts=dict(manifest["counts"]),
        finished_at=timezone.now(),
    )
    log.info("USB export %s (%s) ready: %s", export.pk, export.commune_name, out)
    prune_files(export.commune_id)


def delete_file(export: BundleExport) -> None:
    """Remove an export's file from the disk (its row is being deleted, or pruned)."""
    if path := export_path(export):
        path.unlink(missing_ok=True)


def prune_files(commune_id: str, keep: int = KEEP_FILES) -> int:
    """Delete the files of this commune's older finished exports beyond the last ``keep``; rows stay."""
    done = BundleExport.objects.filter(commune_id=commune_id, status=Status.DONE).exclude(file_name="")
    removed = 0
    for old in done.order_by("-created_at", "-pk")[keep:]:
        delete_file(old)
        old.file_name = ""
        old.save(update_fields=["file_name", "updated_at"])
        removed += 1
    return removed
