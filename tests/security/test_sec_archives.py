"""Zip bombs and hostile archives against every archive reader: the DATAtourisme and Apidae importers
(back office) and the bundle reader (kiosk). One set of limits (content.archive) serves all three."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

import pytest

from backoffice.importers import apidae, datatourisme
from backoffice.importers.base import SourceFormatError
from content.archive import ArchiveError, ArchiveLimits, SafeZip
from content.bundle import BundleError, read_bundle

#: Members written first in every attack archive (a bundle's manifest, so the reader gets past it).
PREFIX: dict[str, bytes] = {}


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, data in {**PREFIX, **members}.items():
            zf.writestr(name, data)
    return path


def _start(zf: zipfile.ZipFile) -> None:
    for name, data in PREFIX.items():
        zf.writestr(name, data)


def _manifest(name: str, size: int) -> bytes:
    from content.contract import SCHEMA_VERSION

    empty = hashlib.sha256(b"").hexdigest()
    members = {"entries.jsonl": {"bytes": size, "sha256": "0" * 64}, "alerts.jsonl": {"bytes": 0, "sha256": empty}}
    return json.dumps({"schema": SCHEMA_VERSION, "members": members}).encode()


def ratio_bomb(path: Path, name: str) -> Path:
    """One member: 200 MiB of spaces in about 200 KB."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        _start(zf)
        with zf.open(name, "w") as fh:
            block = b" " * (1024 * 1024)
            for _ in range(200):
                fh.write(block)
    return path


def overlapping_bomb(path: Path, name: str, copies: int = 2000) -> Path:
    """Thousands of directory entries pointing at the same compressed bytes (each one honest in size)."""
    data = b"[" + b" " * (900 * 1024) + b"]"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        _start(zf)
        zf.writestr(name, data)
        first = zf.filelist[-1]
        for _ in range(copies):
            zf.filelist.append(copy.copy(first))
    return path


def many_members(path: Path, folder: str, count: int = 1200) -> Path:
    """Many members, each under the member cap and the ratio floor, together past the total."""
    block = b"[" + b" " * (1024 * 1024 - 2) + b"]"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        _start(zf)
        for n in range(count):
            member = f"media/{n:064x}" if folder == "media/" else f"{folder}{n}.json"
            zf.writestr(member, block)
    return path


def climbing(path: Path, name: str) -> Path:
    return _zip(path, {f"../../{name}": b"{}"})


def lying_size(path: Path, name: str) -> Path:
    """The directory says 10 bytes; the member holds 5 MiB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        _start(zf)
        zf.writestr(name, b" " * (5 * 1024 * 1024))
    raw = bytearray(buf.getvalue())
    cd = raw.rfind(b"PK\x01\x02")
    raw[cd + 24 : cd + 28] = (10).to_bytes(4, "little")  # uncompressed size in the central directory
    path.write_bytes(bytes(raw))
    return path


ATTACKS = [ratio_bomb, overlapping_bomb, many_members, climbing, lying_size]
#: What the message must say (a ratio bomb may meet the member cap before the ratio: both are right).
WORDS = {
    ratio_bomb: "bomb|larger than the",
    overlapping_bomb: "overlap",
    many_members: "allowed",
    climbing: "climbs out",
    lying_size: "corrupt",
}
#: A bundle carries the town's photos: its total is 8 GiB, so many honest 1 MiB members are not an attack there.
CASES = [(r, a) for r in ("datatourisme", "apidae", "bundle") for a in ATTACKS if (r, a) != ("bundle", many_members)]


def _readers():
    return {
        "datatourisme": (lambda p: datatourisme.import_file(p), "objects/0.json", SourceFormatError),
        "apidae": (lambda p: apidae.import_file(p), "objets_modifies/0.json", SourceFormatError),
        "bundle": (lambda p: read_bundle(p), "entries.jsonl", BundleError),
    }


@pytest.mark.parametrize("reader, attack", CASES, ids=[f"{r}-{a.__name__}" for r, a in CASES])
def test_every_archive_reader_refuses_the_attack_naming_the_file(tmp_path, reader, attack, monkeypatch):
    read, name, error = _readers()[reader]
    if reader == "bundle":  # a manifest that lets the reader reach the members
        monkeypatch.setitem(PREFIX, "manifest.json", _manifest(name, 300 * 1024**2))
        monkeypatch.setitem(PREFIX, "alerts.jsonl", b"")
    if attack is many_members:
        path = attack(tmp_path / "export.zip", name.rsplit("/", 1)[0] + "/" if "/" in name else "media/")
    else:
        path = attack(tmp_path / "export.zip", name)
    with pytest.raises(error) as err:
        read(path)
    assert "export.zip" in str(err.value) and re.search(WORDS[attack], str(err.value))


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.__name__)
def test_the_shared_reader_says_what_was_wrong(tmp_path, attack):
    words = WORDS[attack]
    path = attack(tmp_path / "a.zip", "x.json") if attack is not many_members else attack(tmp_path / "a.zip", "x/")
    with pytest.raises(ArchiveError, match=words), SafeZip(path) as archive:
        for info in archive.members():
            archive.read(info)


def test_the_total_counts_bytes_actually_inflated(tmp_path):
    path = _zip(tmp_path / "a.zip", {f"{n}.json": b"x" * 1000 for n in range(10)})
    limits = ArchiveLimits(max_total_bytes=5000)
    with pytest.raises(ArchiveError, match="declared|inflated|allowed"):
        SafeZip(path, limits)


def test_an_honest_export_still_reads(tmp_path):
    record = {"@id": "https://data.datatourisme.fr/x", "@type": ["PlaceOfInterest"], "rdfs:label": {"fr": ["X"]}}
    path = _zip(tmp_path / "ok.zip", {f"objects/{n}.json": json.dumps(record).encode() * 1 for n in range(3)})
    with SafeZip(path) as archive:
        assert [len(archive.read(i)) for i in archive.members()] == [len(json.dumps(record))] * 3
