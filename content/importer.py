"""Importing a bundle into the cache: the same apply path as a sync."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from content.bundle import BundleError, import_record, read_bundle
from content.cache import ApplyReport, ChangeSet, ContentCache

log = logging.getLogger(__name__)


@contextmanager
def bundle_changes(
    path: str | Path, *, verify_key: bytes | None, staging_dir: Path, at: dt.datetime | None = None
) -> Iterator[ChangeSet]:
    """Check a bundle whole and yield it as a full-snapshot change set.

    Its images are extracted (verified again) into a temporary folder under ``staging_dir`` that
    lives as long as the ``with`` block, so the caller applies inside it. The change set also stores
    the bundle's name and whether it was signed and verified (``meta["bundle"]``, see
    ``content.bundle.import_record``). Without a key nothing is checked: said in a warning. Raises BundleError.
    """
    bundle = read_bundle(path, verify_key=verify_key)
    if verify_key is None:
        log.warning(
            "bundle %s is imported WITHOUT checking where it comes from (%s): no bundle key on this kiosk; "
            "copy the back office's bundle.key to the kiosk and set bundle_key_file",
            path,
            "its signature was not checked" if bundle.signed else "it is not signed",
        )
    record = import_record(bundle, verified=verify_key is not None, at=at or dt.datetime.now(dt.UTC))
    entries, alerts = bundle.parsed()
    with tempfile.TemporaryDirectory(prefix="borne-bundle-", dir=staging_dir) as staging:
        yield ChangeSet(
            entries=entries,
            alerts=alerts,
            notices=bundle.parsed_notices(),
            media=bundle.extract_media(Path(staging)),
            cursor=bundle.cursor,  # "" when it has none: a later online sync starts over
            replace_all=True,
            origin="bundle",
            meta={"bundle": record, "content_schema": bundle.manifest.get("schema")},
        )


def import_bundle(cache: ContentCache, path: str | Path, *, verify_key: bytes | None = None) -> ApplyReport:
    """Check a bundle whole, then apply it as a full snapshot in one transaction.

    A refused bundle is recorded in the cache's state (last import and its errors) and raised as
    BundleError; the content already there stays as it was.
    """
    try:
        with bundle_changes(path, verify_key=verify_key, staging_dir=cache.media.root.parent) as changes:
            report = cache.apply(changes)
    except BundleError as exc:
        log.error("bundle refused: %s", exc)
        cache.record_outcome("bundle", ok=False, errors=[str(exc)])
        raise
    log.info(
        "bundle %s applied: %d entries, %d alerts, %d new images, %d withdrawn",
        path,
        report.upserted,
        report.alerts,
        report.media_added,
        report.deleted,
    )
    return report


def build_demo_bundle(out: str | Path, *, today=None) -> dict:
    """Build the demo town's bundle from ``content/demo/`` (dates relative to ``today``)."""
    from content.bundle import write_bundle
    from content.demo import load_demo

    town = load_demo(today)
    # No cursor: the demo town is no back office's state, so a kiosk that later gets a back office
    # starts its first sync from the beginning.
    return write_bundle(
        out,
        entries=town.entries,
        alerts=town.alerts,
        notices=town.notices,
        media={**town.media, **town.notice_media},
        cursor="",
        communes=sorted({e["commune"] for e in town.entries if e.get("commune")}),
    )


def ensure_content(cache: ContentCache) -> ApplyReport | None:
    """On an empty cache (a kiosk's first start), import the demo town so the screen is never blank."""
    if cache.db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]:
        return None
    with tempfile.TemporaryDirectory(prefix="borne-demo-") as tmp:
        bundle = Path(tmp) / "demo.zip"
        build_demo_bundle(bundle)
        log.info("empty content cache: importing the demo town")
        return import_bundle(cache, bundle)
