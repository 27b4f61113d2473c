"""The map blob beside the content cache: ``<data>/maps/<sha256>``, one file in use at a time.

The writer (``ContentCache.apply``) checks a new blob whole (hash, inflation, structure) and puts it
in place before the transaction that names it commits; the file the cache no longer names is removed
afterwards. A blob that does not pass is reported and the previous map stays in use.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from content import geo

MAPS_DIR = "maps"


class MapStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        return self.root / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def add(self, sha256: str, blob: bytes) -> None:
        """Verify and store a map blob (MapError when it is not the map it says it is)."""
        if geo.sha256(blob) != sha256:
            raise geo.MapError(f"map {sha256}: the bytes do not match the hash")
        geo.decode(blob, where=f"map {sha256}")
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(blob)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path(sha256))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def keep_only(self, sha256: str | None) -> int:
        """Remove every map file but ``sha256``; returns how many went."""
        if not self.root.is_dir():
            return 0
        removed = 0
        for p in self.root.iterdir():
            if p.name != sha256:
                p.unlink(missing_ok=True)
                removed += 1
        return removed
