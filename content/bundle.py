"""The bundle: a whole content snapshot in one zip file.

Members: ``manifest.json`` (schema, generated_at, cursor, communes, counts, sha256 and size of every
other member, optional signature), ``entries.jsonl``, ``alerts.jsonl``, ``media/<sha256>``.

The reader trusts nothing: it refuses members whose paths climb out of the archive or are not
members a bundle has, archives with too many members or too many uncompressed bytes, members whose
bytes do not match the manifest's hash, truncated or corrupt files, unknown schema versions and,
when a key is given, a missing or wrong signature. Sizes are counted on the bytes actually
inflated, never taken from the zip's own headers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from content.archive import ArchiveError, ArchiveLimits, SafeZip
from content.contract import SCHEMA_VERSION
from content.validation import ContentError, EntryError, check_schema, parse_alert, parse_entry

MANIFEST = "manifest.json"
ENTRIES = "entries.jsonl"
ALERTS = "alerts.jsonl"
#: Official notices (content.notice): optional, written when there are some.
NOTICES = "notices.jsonl"
MEDIA_RE = re.compile(r"^media/([0-9a-f]{64})$")


class BundleError(ContentError):
    """A bundle that cannot be read or must not be applied. The message names the file and member."""


@dataclass(frozen=True)
class Limits(ArchiveLimits):
    """The archive limits every reader shares (:mod:`content.archive`), with a bundle's own sizes."""

    max_total_bytes: int = 8 * 1024**3
    max_json_bytes: int = 512 * 1024**2


DEFAULT_LIMITS = Limits()


class BundleKeyError(ContentError):
    """A signing key that is empty or cannot be read. The message names the file or the setting."""


_HEX_RE = re.compile(rb"^(?:[0-9a-fA-F]{2})+$")


def read_key(source: str | bytes | os.PathLike, *, where: str | None = None) -> bytes:
    """The bundle signing key, read the same way by the back office and by every kiosk.

    ``source`` is a file (a ``Path``: the back office's ``bundle.key``, a kiosk's ``bundle_key_file``)
    or the key itself as text (``str`` or ``bytes``: the ``BORNE_BUNDLE_KEY`` setting). Surrounding
    whitespace and newlines are trimmed; a key written in hexadecimal (an even number of hex digits,
    as in the generated ``bundle.key``) is decoded to its bytes; any other text (or a binary file) is
    the key as it is. ``where`` names the setting in error messages. Raises :class:`BundleKeyError`
    for an empty or unreadable key.
    """
    if isinstance(source, os.PathLike):
        path = Path(source)
        where = where or str(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise BundleKeyError(f"bundle key {where}: cannot be read ({exc.strerror or exc})") from None
    else:
        where = where or "bundle key setting"
        raw = source.encode("utf-8") if isinstance(source, str) else bytes(source)
    raw = raw.strip()
    if not raw:
        raise BundleKeyError(f"bundle key {where}: empty: put the back office's bundle.key there")
    if _HEX_RE.match(raw):
        return bytes.fromhex(raw.decode("ascii"))
    return raw


def _sign(manifest: Mapping, key: bytes) -> str:
    unsigned = {k: v for k, v in manifest.items() if k != "signature"}
    canonical = json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


def _jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records).encode()


def write_bundle(
    path: str | Path,
    *,
    entries: list[dict],
    alerts: list[dict] = (),
    notices: list[dict] = (),
    media: Mapping[str, bytes | Path] | None = None,
    cursor: str = "",
    communes: list[str] = (),
    signing_key: bytes | None = None,
    generated_at: dt.datetime | None = None,
    progress: Callable[[int, int], object] | None = None,
    schema: int = SCHEMA_VERSION,
) -> dict:
    """Write a bundle atomically (temporary file, then rename) and return its manifest.

    Entries and alerts are validated first, so no invalid bundle is ever written; media must be
    exactly the images the entries reference. ``progress(done, total)`` is called after each image.
    ``schema``: the contract version of the kiosks it is for (an older one gets entries brought down
    to it by :mod:`content.compat`).
    """
    from content.compat import entry_for_schema, notices_for_schema, wanted_schema

    path = Path(path)
    media = dict(media or {})
    schema = wanted_schema(schema, where="bundle schema")
    entries = [entry_for_schema(e, schema) if isinstance(e, dict) and "kind" in e else e for e in entries]
    notices = notices_for_schema(notices, schema)
    for i, e in enumerate(entries):
        parse_entry(e, i)
    for i, a in enumerate(alerts):
        parse_alert(a, i)
    if notices:
        from content.notice import parse_notice

        for i, n in enumerate(notices):
            parse_notice(n, i)
    wanted = {m["sha256"] for e in entries for m in e.get("media", [])}
    wanted |= {p["sha256"] for n in notices for p in n.get("pages", [])}
    if missing := sorted(wanted - media.keys()):
        raise BundleError(f"{path}: the entries reference media that were not given: {', '.join(missing[:5])}")

    members: dict[str, dict] = {}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".bundle-", suffix=".zip", dir=path.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            records = [(ENTRIES, _jsonl(entries)), (ALERTS, _jsonl(list(alerts)))]
            if notices:
                records.append((NOTICES, _jsonl(list(notices))))
            for name, data in records:
                zf.writestr(name, data)
                members[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            for done, sha in enumerate(sorted(wanted), 1):
                src = media[sha]
                data = src.read_bytes() if isinstance(src, Path) else bytes(src)
                if hashlib.sha256(data).hexdigest() != sha:
                    raise BundleError(f"{path}: media {sha} does not match its hash")
                # Images are already compressed: storing them saves time and changes nothing in size.
                zf.writestr(f"media/{sha}", data, compress_type=zipfile.ZIP_STORED)
                members[f"media/{sha}"] = {"sha256": sha, "bytes": len(data)}
                if progress is not None:
                    progress(done, len(wanted))
            manifest = {
                "schema": schema,
                "generated_at": (generated_at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
                "cursor": cursor,
                "communes": list(communes),
                "counts": {"entries": len(entries), "alerts": len(alerts), "media": len(wanted)}
                | ({"notices": len(notices)} if notices else {}),
                "members": members,
            }
            if signing_key:
                manifest["signature"] = {"alg": "hmac-sha256", "value": _sign(manifest, signing_key)}
            zf.writestr(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return manifest


@dataclass
class Bundle:
    """A bundle whose structure, hashes and (if asked) signature have been checked."""

    path: Path
    manifest: dict
    entries: list[dict]
    alerts: list[dict]
    media: list[str] = field(default_factory=list)
    _limits: Limits = DEFAULT_LIMITS
    notices: list[dict] = field(default_factory=list)

    @property
    def cursor(self) -> str:
        return str(self.manifest.get("cursor", ""))

    @property
    def signed(self) -> bool:
        return "signature" in self.manifest

    def parsed(self):
        """Entries and alerts as model objects; an invalid one raises BundleError naming it."""
        try:
            entries = [parse_entry(e, i) for i, e in enumerate(self.entries)]
            alerts = [parse_alert(a, i) for i, a in enumerate(self.alerts)]
        except EntryError as exc:
            raise BundleError(f"{self.path}: {exc}") from None
        return entries, alerts

    def parsed_notices(self):
        """The official notices as model objects; an invalid one raises BundleError naming it."""
        from content.notice import parse_notice

        try:
            return [parse_notice(n, i) for i, n in enumerate(self.notices)]
        except EntryError as exc:
            raise BundleError(f"{self.path}: {exc}") from None

    def extract_media(self, dest_dir: Path) -> dict[str, Path]:
        """Copy every image into ``dest_dir`` (verified again on the way) and return sha -> path."""
        dest_dir.mkdir(parents=True, exist_ok=True)
        out = {}
        with _open_zip(self.path, self._limits) as zf:
            for sha in self.media:
                target = dest_dir / sha
                with open(target, "wb") as fh:
                    for chunk in _read_member(
                        zf, f"media/{sha}", self.manifest["members"][f"media/{sha}"], self._limits, self.path
                    ):
                        fh.write(chunk)
                out[sha] = target
        return out


def _open_zip(path: Path, limits: Limits) -> SafeZip:
    if not path.exists():
        raise BundleError(f"{path}: no such file")
    try:
        return SafeZip(path, limits)
    except ArchiveError as exc:
        raise BundleError(str(exc).replace("not a zip archive", "not a bundle")) from None


def _read_member(zf: SafeZip, name: str, expected: dict, limits: Limits, path: Path) -> Iterator[bytes]:
    """Yield a member's bytes, checking its size cap, compression ratio and hash as they inflate."""
    most = limits.max_json_bytes if name in (ENTRIES, ALERTS, NOTICES) else limits.max_member_bytes
    cap = min(int(expected.get("bytes", most)), most)
    digest = hashlib.sha256()
    size = 0
    try:
        for chunk in zf.iter_bytes(name, cap=cap):
            size += len(chunk)
            digest.update(chunk)
            yield chunk
    except ArchiveError as exc:
        if "larger than" in str(exc):
            raise BundleError(f"{path}: member {name} is larger than its manifest says or than allowed") from None
        raise BundleError(str(exc)) from None
    if size != int(expected["bytes"]) or digest.hexdigest() != expected["sha256"]:
        raise BundleError(f"{path}: member {name} does not match the sha256 in the manifest")


def _check_names(zf: SafeZip, path: Path, limits: Limits) -> list[zipfile.ZipInfo]:
    infos = zf.infolist()  # their count, paths, overlaps and declared sizes were checked by SafeZip
    seen = set()
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or "\\" in name or ".." in name.split("/") or ":" in name:
            raise BundleError(f"{path}: member path {name!r} climbs out of the bundle: refused")
        if name not in (MANIFEST, ENTRIES, ALERTS, NOTICES) and not MEDIA_RE.match(name):
            raise BundleError(f"{path}: unexpected member {name!r}")
        if name in seen:
            raise BundleError(f"{path}: member {name!r} appears twice")
        seen.add(name)
    return infos


def _manifest(zf: zipfile.ZipFile, path: Path, limits: Limits) -> dict:
    try:
        info = zf.getinfo(MANIFEST)
    except ArchiveError:
        raise BundleError(f"{path}: no manifest.json: not a Borne bundle") from None
    if info.file_size > 16 * 1024**2:
        raise BundleError(f"{path}: manifest.json is too large")
    try:
        manifest = json.loads(zf.read(info, cap=16 * 1024**2))
    except ArchiveError as exc:
        raise BundleError(str(exc)) from None
    except (ValueError, RecursionError) as exc:
        raise BundleError(f"{path}: manifest.json is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("members"), dict):
        raise BundleError(f"{path}: manifest.json has no members table")
    try:
        check_schema(manifest.get("schema"), f"{path}")
    except ContentError as exc:
        raise BundleError(str(exc)) from None
    return manifest


def _verify_signature(manifest: dict, key: bytes | None, path: Path) -> None:
    if key is None:
        return
    sig = manifest.get("signature")
    if not isinstance(sig, dict) or sig.get("alg") != "hmac-sha256":
        raise BundleError(f"{path}: bundle is not signed by the back office, and this kiosk has a bundle key: refused")
    if not hmac.compare_digest(str(sig.get("value", "")), _sign(manifest, key)):
        raise BundleError(
            f"{path}: bundle signature does not match: refused (the kiosk's key file is not a copy of this back "
            "office's bundle.key, or the bundle was altered)"
        )


def import_record(bundle: Bundle, *, verified: bool, at: dt.datetime) -> dict:
    """What a kiosk keeps (and reports in its heartbeat) about the last bundle it imported.

    ``signed``: the bundle carries a signature; ``verified``: that signature was checked against the
    kiosk's key and matched (``read_bundle`` with a key refuses any other bundle).
    """
    return {
        "name": bundle.path.name,
        "imported_at": at.isoformat(timespec="seconds"),
        "signed": bundle.signed,
        "verified": bool(verified and bundle.signed),
    }


def _jsonl_records(data: bytes, name: str, path: Path) -> list[dict]:
    records = []
    for n, line in enumerate(data.decode("utf-8", errors="strict").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise BundleError(f"{path}: {name} line {n} is not valid JSON ({exc})") from None
        if not isinstance(record, dict):
            raise BundleError(f"{path}: {name} line {n} is not an object")
        records.append(record)
    return records


def read_bundle(path: str | Path, *, verify_key: bytes | None = None, limits: Limits = DEFAULT_LIMITS) -> Bundle:
    """Open and check a bundle: structure, limits, schema, signature (when a key is given), hashes.

    Media are hashed here too (streamed, never held in memory), so a bundle that reads without
    error is whole.
    """
    path = Path(path)
    with _open_zip(path, limits) as zf:
        infos = _check_names(zf, path, limits)
        manifest = _manifest(zf, path, limits)
        _verify_signature(manifest, verify_key, path)
        names = {i.filename for i in infos} - {MANIFEST}
        members = manifest["members"]
        if missing := sorted(set(members) - names):
            raise BundleError(f"{path}: member {missing[0]} is in the manifest but not in the archive")
        if extra := sorted(names - set(members)):
            raise BundleError(f"{path}: member {extra[0]} is in the archive but not in the manifest")
        for name in (ENTRIES, ALERTS):
            if name not in members:
                raise BundleError(f"{path}: {name} is missing")
        records = {}
        for name in (ENTRIES, ALERTS, NOTICES):
            if name not in members:  # notices.jsonl is optional
                records[name] = []
                continue
            try:
                data = b"".join(_read_member(zf, name, members[name], limits, path))
                records[name] = _jsonl_records(data, name, path)
            except UnicodeDecodeError:
                raise BundleError(f"{path}: {name} is not UTF-8") from None
        media = []
        for name in sorted(members):
            if m := MEDIA_RE.match(name):
                if members[name].get("sha256") != m.group(1):
                    raise BundleError(f"{path}: member {name} is not named by its own sha256")
                for _ in _read_member(zf, name, members[name], limits, path):
                    pass
                media.append(m.group(1))
    return Bundle(path, manifest, records[ENTRIES], records[ALERTS], media, limits, records[NOTICES])
