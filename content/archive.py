"""Reading zip archives that came from outside, with one set of limits for every reader.

A zip's headers can lie, and a few kilobytes can inflate to gigabytes: by a high compression ratio,
by thousands of members, or by many members that point at the same compressed bytes (an
"overlapping" bomb). Every archive Borne reads (a USB bundle on a kiosk, a DATAtourisme or Apidae
export in the back office) goes through :class:`SafeZip`, which refuses

- more members than ``max_members``, and member paths that climb out of the archive;
- members whose compressed bytes overlap another's, or that claim more than the archive holds;
- a member that inflates past ``max_member_bytes``, or past ``max_ratio`` times its compressed size
  (beyond ``ratio_floor`` bytes, so small files of repeated text stay readable);
- an archive whose members together inflate past ``max_total_bytes``.

Sizes are counted on the bytes actually inflated, never taken from the headers alone.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 16


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int = 50_000
    max_member_bytes: int = 64 * 1024**2
    max_total_bytes: int = 1024**3
    #: inflated / compressed; past it (and past ``ratio_floor`` bytes) a member is a bomb.
    max_ratio: int = 200
    ratio_floor: int = 1024**2


#: What the back office's importers accept (a DATAtourisme or Apidae export).
IMPORT_LIMITS = ArchiveLimits()


class ArchiveError(ValueError):
    """An archive that must not be read further. The message names the file and the member."""


def is_zip(path: str | os.PathLike) -> bool:
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False


class SafeZip:
    """``with SafeZip(path, limits) as z: for info in z.members(): data = z.read(info)``."""

    def __init__(self, path: str | os.PathLike, limits: ArchiveLimits = IMPORT_LIMITS):
        self.path = Path(path)
        self.limits = limits
        self.inflated = 0
        try:
            self._zip = zipfile.ZipFile(self.path)
        except FileNotFoundError:
            raise ArchiveError(f"{self.path}: no such file") from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise ArchiveError(f"{self.path}: not a zip archive, or truncated or corrupt ({exc})") from None
        try:
            self._check()
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self._zip.close()

    def _fail(self, message: str, member: str = "") -> ArchiveError:
        where = f"{self.path}: member {member}" if member else str(self.path)
        return ArchiveError(f"{where}: {message}")

    def _check(self) -> None:
        infos = self._zip.infolist()
        limits = self.limits
        if len(infos) > limits.max_members:
            raise self._fail(f"{len(infos)} members, more than the {limits.max_members} allowed")
        size = self.path.stat().st_size
        spans = []
        for info in infos:
            name = info.filename
            if name.startswith(("/", "\\")) or "\\" in name or ".." in name.split("/") or ":" in name:
                raise self._fail("its path climbs out of the archive: refused", name)
            if info.header_offset + info.compress_size > size:
                raise self._fail("claims more bytes than the archive holds: refused", name)
            if not info.is_dir():
                spans.append((info.header_offset, info.header_offset + info.compress_size, name))
        spans.sort()
        for (_, end, name), (start, _, other) in zip(spans, spans[1:], strict=False):
            if start < end:
                raise self._fail(f"its bytes overlap those of {other!r}: refused as a decompression bomb", name)
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_total_bytes:
            raise self._fail(f"{declared} bytes once inflated, more than the {limits.max_total_bytes} allowed")

    def members(self) -> list[zipfile.ZipInfo]:
        """The files of the archive (folders left out)."""
        return [i for i in self._zip.infolist() if not i.is_dir()]

    def infolist(self) -> list[zipfile.ZipInfo]:
        """Every entry, folders included."""
        return self._zip.infolist()

    def getinfo(self, name: str) -> zipfile.ZipInfo:
        try:
            return self._zip.getinfo(name)
        except KeyError:
            raise self._fail("is missing", name) from None

    def iter_bytes(self, info: zipfile.ZipInfo | str, *, cap: int | None = None) -> Iterator[bytes]:
        """A member's bytes as they inflate, counted against every limit.

        ``cap``: this member's own cap instead of ``max_member_bytes`` (the ratio and the archive's
        total still apply).
        """
        if isinstance(info, str):
            info = self.getinfo(info)
        limits = self.limits
        cap = limits.max_member_bytes if cap is None else cap
        name = info.filename
        size = 0
        try:
            with self._zip.open(info) as fh:
                while chunk := fh.read(CHUNK):
                    size += len(chunk)
                    self.inflated += len(chunk)
                    if size > cap:
                        raise self._fail(f"larger than the {cap} bytes allowed", name)
                    if size > limits.ratio_floor and size > limits.max_ratio * max(info.compress_size, 1):
                        raise self._fail("inflates too much: refused as a decompression bomb", name)
                    if self.inflated > limits.max_total_bytes:
                        raise self._fail(f"the archive inflates past the {limits.max_total_bytes} bytes allowed")
                    yield chunk
        except ArchiveError:
            raise
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, zlib.error, NotImplementedError) as exc:
            raise self._fail(f"corrupt or truncated ({exc})", name) from None

    def read(self, info: zipfile.ZipInfo | str, *, cap: int | None = None) -> bytes:
        return b"".join(self.iter_bytes(info, cap=cap))
