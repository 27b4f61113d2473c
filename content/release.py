"""Software releases for kiosks: how one is signed, checked and unpacked (the contract's side).

A release is a zip of Borne's code (``main.py``, ``content/``, ``kiosk/``, ``sync/`` …) with a
``release.json`` naming its version. The back office signs ``(version, sha256 of the zip)`` with the
key it signs USB bundles with (HMAC-SHA256, ``content.bundle.read_key``); a kiosk installs only a
release whose signature it can verify with its own copy of that key. Unpacking goes through
:class:`content.archive.SafeZip` (no path out of the folder, no bomb).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
from pathlib import Path

from content.archive import ArchiveError, ArchiveLimits, SafeZip

MANIFEST = "release.json"
RELEASE_LIMITS = ArchiveLimits(max_members=20_000, max_member_bytes=64 * 1024**2, max_total_bytes=512 * 1024**2)


class ReleaseError(ValueError):
    """A release that must not be installed; the message says why."""


def sign(key: bytes, version: str, sha256: str) -> str:
    message = f"borne-release\n{version}\n{sha256}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def verify(key: bytes | None, version: str, sha256: str, signature: str) -> None:
    if not key:
        raise ReleaseError(f"release {version}: no bundle key on this kiosk, the signature cannot be checked")
    if not hmac.compare_digest(sign(key, version, sha256), str(signature)):
        raise ReleaseError(f"release {version}: the signature does not match (not made with this kiosk's key)")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def unpack(archive: Path, dest: Path, *, version: str) -> Path:
    """Unpack into ``dest`` (a new folder, made whole before it is renamed into place)."""
    tmp = dest.with_name(f".{dest.name}.unpacking")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        with SafeZip(archive, RELEASE_LIMITS) as zf:
            names = {i.filename for i in zf.members()}
            if MANIFEST not in names:
                raise ReleaseError(f"release {version}: no {MANIFEST} in the archive")
            declared = json.loads(zf.read(MANIFEST, cap=64 * 1024)).get("version")
            if declared != version:
                raise ReleaseError(f"release {version}: the archive says it is version {declared!r}")
            # The new code reports its version from content.__version__: it must be this one, or the
            # health check would never see it and roll a good release back.
            init = zf.read("content/__init__.py", cap=64 * 1024).decode() if "content/__init__.py" in names else ""
            if f'__version__ = "{version}"' not in init:
                raise ReleaseError(f'release {version}: content/__init__.py does not say __version__ = "{version}"')
            for info in zf.members():
                if info.is_dir():
                    continue
                target = tmp / info.filename
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "wb") as out:
                    for chunk in zf.iter_bytes(info):
                        out.write(chunk)
        shutil.rmtree(dest, ignore_errors=True)
        tmp.rename(dest)
    except (ArchiveError, ValueError, OSError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, ReleaseError):
            raise
        raise ReleaseError(f"release {version}: cannot unpack ({exc})") from exc
    return dest
