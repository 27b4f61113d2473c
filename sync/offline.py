"""Offline bundles: a watched folder (a USB stick's mount point) and the import of a signed bundle.

A bundle found there is imported once: read and checked whole by ``content.bundle.read_bundle``
(structure, limits, hashes and the back office's signature), then applied through the job's one
write path as a full snapshot. With a bundle key (a copy of the back office's ``bundle.key``),
unsigned or badly signed bundles are refused and reported; broken ones always are. Without a key a
bundle is imported unchecked, with a warning in the log. Either way the cache's state keeps the last
bundle's name and whether it was signed and verified (``bundle``), for the maintenance panel and
the heartbeat.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from content.bundle import BundleError
from content.cache import ApplyReport
from content.importer import bundle_changes
from sync.errors import SyncError

if TYPE_CHECKING:
    from sync.job import SyncJob

log = logging.getLogger(__name__)

SEEN_FILE = "bundles-seen.json"
PATTERNS = ("*.zip", "*.borne")
MAX_FILES = 50


class BundleWatcher:
    """Looks in ``job.bundle_dir`` for bundles not imported yet."""

    def __init__(self, job: SyncJob):
        self.job = job

    @property
    def _seen_path(self) -> Path:
        return self.job.data_dir / SEEN_FILE

    def _load_seen(self) -> dict[str, str]:
        try:
            data = json.loads(self._seen_path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def _save_seen(self, seen: dict[str, str]) -> None:
        fd, tmp = tempfile.mkstemp(prefix=".seen-", dir=self.job.data_dir)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(dict(list(seen.items())[-500:]), fh)
        os.replace(tmp, self._seen_path)

    def candidates(self) -> list[Path]:
        folder = self.job.bundle_dir
        if folder is None or not folder.is_dir():
            return []
        found: set[Path] = set()
        try:
            for pattern in PATTERNS:
                found.update(folder.glob(pattern))
                found.update(folder.glob(f"*/{pattern}"))
        except OSError:  # the stick was pulled out while we looked
            return []
        files = [p for p in found if p.is_file() and not p.name.startswith(".")]
        return sorted(files, key=lambda p: p.stat().st_mtime)[:MAX_FILES]

    def scan(self) -> list[str]:
        """Import each new bundle of the folder; return one line per bundle looked at."""
        outcomes = []
        seen = self._load_seen()
        now = time.time()
        for path in self.candidates():
            try:
                st = path.stat()
            except OSError:
                continue
            key = f"{path.name}:{st.st_size}:{st.st_mtime_ns}"
            if key in seen or now - st.st_mtime < self.job.bundle_settle_s:
                continue  # imported or refused already, or still being copied
            try:
                report = self.import_bundle(path)
            except SyncError as exc:
                if not path.exists():
                    continue  # pulled out mid-read: try again when it comes back
                seen[key] = f"refused: {exc}"
                outcomes.append(f"{path}: refused: {exc}")
            else:
                seen[key] = "imported"
                outcomes.append(f"{path}: imported ({report.upserted} entries, {report.alerts} alerts)")
            self._save_seen(seen)
        return outcomes

    def import_bundle(self, path: Path) -> ApplyReport:
        """Verify and apply one bundle as a full snapshot. Raises SyncError (recorded) when refused."""
        job = self.job
        job.incoming.mkdir(parents=True, exist_ok=True)
        try:
            # With a key, the reader refuses an unsigned or badly signed bundle; without one it warns.
            key = job.bundle_key or None
            with bundle_changes(path, verify_key=key, staging_dir=job.incoming, at=job.clock()) as changes:
                report = job.apply(changes)
                checks = changes.meta["bundle"]
        except (BundleError, OSError) as exc:
            message = str(exc) if isinstance(exc, BundleError) else f"{path}: cannot read ({exc})"
            log.warning("bundle refused: %s", message)
            job.record("bundle", ok=False, errors=[message])
            raise SyncError(message) from None
        log.info(
            "bundle %s imported (%s): %d entries, %d alerts",
            path,
            "signature verified" if checks["verified"] else "NOT verified: no bundle key on this kiosk",
            report.upserted,
            report.alerts,
        )
        return report
