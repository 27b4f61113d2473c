"""Apply one importer result to the catalog: the one path every open-data import takes.

``apply_result(result, scope=…)`` creates or updates an entry per contract dict through the catalog's
own ``save_contract_entry``, downloads the records' images, withdraws (status ``withdrawn``, never
deleted) what the source withdrew or what a snapshot no longer holds, and remembers which entry each
record became (:class:`~backoffice.opendata.models.ImportedRecord`).

- Idempotent: a record whose source data did not change since the last import is not written again
  (same ``updated_at``, no new change number, so kiosks download nothing).
- Atomic: images are fetched first (stored by hash, harmless if unused), then every write happens in
  one transaction: a failure halfway leaves what was published as it was.
- A failed image is a problem of its record, not a failed import.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from backoffice.catalog.images import read_media
from backoffice.catalog.models import Entry, MediaFile, Status
from backoffice.catalog.wire import save_contract_entry
from backoffice.importers.base import ImageRef, ImporterError, ImportResult, RecordProblem
from backoffice.opendata.images import ImageFetcher, ImageFetchError
from backoffice.opendata.models import ImportedRecord, ImportRun, RunStatus
from content.validation import EntryError, parse_entry

log = logging.getLogger(__name__)

#: ``progress(done, total, label)``: called as records are read, then as they are written.
Progress = Callable[[int, int, str], None]


#: The most problems a run's row keeps.
MAX_PROBLEMS = 2000


def problem_rows(problems: list[RecordProblem]) -> list[dict]:
    """Problems as rows for the admin, records refused first."""
    ordered = sorted(problems, key=lambda p: p.severity != "error")[:MAX_PROBLEMS]
    return [{"record": p.record_id, "field": p.field, "message": p.message, "severity": p.severity} for p in ordered]


class ImportRefused(Exception):
    """The whole input is refused; nothing was written. The message names the file and records."""


@dataclass
class ApplyReport:
    source: str
    scope: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    problems: list[RecordProblem] = field(default_factory=list)
    run: ImportRun | None = None

    def summary(self) -> str:
        return (
            f"{self.source} {self.scope}: {len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.withdrawn)} withdrawn, "
            f"{sum(p.severity == 'error' for p in self.problems)} records not imported, "
            f"{sum(p.severity == 'warning' for p in self.problems)} warnings"
        )


def fingerprint(data: dict, images: list[ImageRef]) -> str:
    """What the source said about a record, hashed; its own ``updated_at`` is left out."""
    payload = {
        "entry": {k: v for k, v in data.items() if k not in ("updated_at", "media")},
        "images": [dataclasses.asdict(ref) for ref in images],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _credit(ref: ImageRef) -> str:
    credit = ref.credit.strip()
    if ref.licence.strip():
        credit = f"{credit} ({ref.licence.strip()})" if credit else ref.licence.strip()
    return credit[:200]


def _same(entry: Entry, data: dict, status: str) -> bool:
    """True when saving ``data`` would change nothing a kiosk sees."""
    if entry.status != status:
        return False
    try:
        old = parse_entry(entry.to_contract())
        new = parse_entry({**data, "updated_at": old.updated_at.isoformat()})
    except EntryError:
        return False
    return old == new


@dataclass
class _Plan:
    data: dict
    refs: list[ImageRef]
    fingerprint: str
    media: list[tuple[ImageRef, MediaFile]] = field(default_factory=list)
    complete: bool = True  # every image stored


def _fetch_images(plan: _Plan, record: ImportedRecord | None, fetcher: ImageFetcher | None, report) -> None:
    known = record.images if record else {}
    rid = plan.data["id"]
    for n, ref in enumerate(plan.refs, start=1):
        media = MediaFile.objects.filter(sha256=known.get(ref.url, "")).first()
        if media is None and fetcher is not None:
            try:
                media = fetcher.fetch(ref.url, where=f"{rid} image {n}")
            except ImageFetchError as exc:
                report.problems.append(RecordProblem(rid, f"image[{n}]", str(exc)))
                plan.complete = False
                continue
        if media is not None:
            plan.media.append((ref, media))


def apply_result(
    result: ImportResult,
    *,
    scope: str,
    status: str = Status.PUBLISHED,
    fetcher: ImageFetcher | None = None,
    strict: bool = False,
    progress: Progress | None = None,
    run: ImportRun | None = None,
) -> ApplyReport:
    """Write ``result`` to the catalog. ``scope`` names the feed a snapshot replaces (a file name, a URL).

    ``status``: of new entries (an update keeps the entry's status; one its source had withdrawn is
    published again). ``fetcher``: downloads images (None: images are not fetched). ``strict``: refuse
    the whole input when any record could not be mapped. ``run``: the row to write what happened
    into (a source's run, created when it was asked for); a new one otherwise. Raises :class:`ImportRefused`.
    """
    report = ApplyReport(result.source, scope, problems=list(result.problems))
    if strict and result.errors:
        raise ImportRefused(
            f"{result.source} {scope}: refused, {len(result.errors)} records could not be mapped:\n"
            + "\n".join(f"  {p}" for p in result.errors)
        )
    if run is None:
        run = ImportRun(started_at=timezone.now())
    run.source, run.scope, run.cursor, run.status = result.source, scope[:300], result.cursor[:500], RunStatus.RUNNING
    run.read = len(result.seen_ids)
    run.refused = len({p.record_id for p in result.errors})
    run.details = problem_rows(report.problems)
    run.save()
    report.run = run
    try:
        previous = set(
            ImportedRecord.objects.filter(source=result.source, scope=scope, withdrawn=False).values_list(
                "key", flat=True
            )
        )
        try:
            gone = set(result.withdrawn_since(previous))
        except ImporterError as exc:
            raise ImportRefused(
                f"{exc}\n" + "\n".join(f"  {p}" for p in result.errors) if result.errors else str(exc)
            ) from None
        records = {r.key: r for r in ImportedRecord.objects.filter(key__in=[e["id"] for e in result.entries])}
        existing = set(Entry.objects.filter(key__in=[e["id"] for e in result.entries]).values_list("key", flat=True))
        plans: list[_Plan] = []
        total = len(result.entries)
        for n, data in enumerate(result.entries, start=1):
            rid = data["id"]
            refs = result.images.get(rid, [])
            plan = _Plan(data, refs, fingerprint(data, refs))
            record = records.get(rid)
            if record and not record.withdrawn and record.fingerprint == plan.fingerprint and rid in existing:
                report.unchanged.append(rid)
            else:
                _fetch_images(plan, record, fetcher, report)
                plans.append(plan)
            if progress:
                progress(n, total, f"read {rid}")
        with transaction.atomic():
            for n, plan in enumerate(plans, start=1):
                _write(plan, records.get(plan.data["id"]), run=run, scope=scope, status=status, report=report)
                if progress:
                    progress(n, len(plans), f"write {plan.data['id']}")
            report.withdrawn = withdraw_records(sorted(gone - {e["id"] for e in result.entries}), result.source)
            run.created, run.updated = len(report.created), len(report.updated)
            run.unchanged, run.withdrawn = len(report.unchanged), len(report.withdrawn)
            run.problems = [str(p) for p in report.problems][:MAX_PROBLEMS]
            run.details = problem_rows(report.problems)
            run.ok, run.status, run.finished_at = True, RunStatus.OK, timezone.now()
            run.save()
    except BaseException as exc:
        run.ok, run.status, run.finished_at = False, RunStatus.FAILED, timezone.now()
        run.error = f"{type(exc).__name__}: {exc}"[:5000]
        run.problems = [str(p) for p in report.problems][:MAX_PROBLEMS]
        run.details = problem_rows(report.problems)
        run.save()
        raise
    log.info("%s", report.summary())
    return report


def _write(plan: _Plan, record: ImportedRecord | None, *, run, scope, status, report: ApplyReport) -> None:
    rid = plan.data["id"]
    entry = Entry.objects.filter(key=rid).first()
    media_rows = [
        {
            "sha256": m.sha256,
            "mime": m.mime,
            "width": m.width,
            "height": m.height,
            "bytes": m.size,
            "alt": dict(ref.alt),
            "credit": _credit(ref),
        }
        for ref, m in plan.media
    ]
    data = {**plan.data, "media": media_rows}
    if entry is None:
        wanted = status
    elif record is not None and record.withdrawn and entry.status == Status.WITHDRAWN:
        wanted = Status.PUBLISHED  # back in the source
    else:
        wanted = entry.status
    if entry is not None and _same(entry, data, wanted):
        report.unchanged.append(rid)
    else:
        save_contract_entry(data, media={m.sha256: read_media(m) for _ref, m in plan.media}, status=wanted)
        (report.updated if entry is not None else report.created).append(rid)
    ImportedRecord.objects.update_or_create(
        key=rid,
        defaults={
            "source": report.source,
            "scope": scope[:300],
            # An image that failed is tried again next time: no fingerprint until the record is complete.
            "fingerprint": plan.fingerprint if plan.complete else "",
            "images": {ref.url: m.sha256 for ref, m in plan.media},
            "withdrawn": False,
            "run": run,
            "updated_at": timezone.now(),
        },
    )


def withdraw_records(keys: list[str], source: str) -> list[str]:
    """Withdraw the entries ``keys`` that this source imported; the ids actually withdrawn."""
    mine = set(ImportedRecord.objects.filter(key__in=keys, source=source).values_list("key", flat=True))
    done = []
    for entry in Entry.objects.filter(key__in=mine).exclude(status=Status.WITHDRAWN):
        entry.status = Status.WITHDRAWN
        entry.save(update_fields=["status"])
        done.append(entry.key)
    ImportedRecord.objects.filter(key__in=mine).update(withdrawn=True, updated_at=timezone.now())
    return sorted(done)
