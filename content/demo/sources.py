"""Read the demo town's TOML sources and turn them into wire entries and alerts.

Each ``*.toml`` file in the source folder holds ``[[entry]]`` tables (with a top-level
``kind``) and/or ``[[alert]]`` tables; README.md in this folder describes every key. Errors name
the file and the entry, so that the person editing the file knows where to look.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image, UnidentifiedImageError

from content.contract import KINDS
from content.model import Contact, Details, Place, dump
from content.validation import EntryError, parse_alert, parse_entry

from . import when

DEFAULT_COMMUNE = "15187"  # Saint-Flour
SOURCE = {"name": "Borne demo", "producer": "Borne", "licence": "CC BY 4.0 (demo content)", "url": ""}
ENTRY_KEYS = {
    "slug", "categories", "commune", "featured", "title", "summary", "body", "place", "contact",
    "opening_hours", "when", "images", "url", "details",
}  # fmt: skip
ALERT_KEYS = {"slug", "level", "message", "from_days", "from_time", "until_days", "until_time", "communes"}
FILE_KEYS = {"kind", "commune", "entry", "alert"}
IMAGE_KEYS = {"file", "alt", "credit"}
MIMES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


class DemoError(ValueError):
    """A demo source that cannot be read; the message names the file and the entry."""


class _Problem(ValueError):
    """Raised inside one record; turned into a DemoError naming file and record."""


@dataclass
class ImageStore:
    """The image files entries refer to, read once each: file name -> media item and bytes."""

    folder: Path
    media: dict[str, bytes] = field(default_factory=dict)
    _items: dict[str, dict] = field(default_factory=dict)

    def item(self, name: str) -> dict:
        if name not in self._items:
            path = self.folder / name
            if "/" in name or "\\" in name or not path.is_file():
                raise _Problem(f"image file {name!r} not found in {self.folder}")
            data = path.read_bytes()
            try:
                with Image.open(io.BytesIO(data)) as img:
                    width, height, fmt = img.width, img.height, img.format
            except UnidentifiedImageError:
                raise _Problem(f"image file {name!r} is not a picture Pillow can read") from None
            if fmt not in MIMES:
                raise _Problem(f"image file {name!r} is {fmt}; use JPEG, PNG, WebP or GIF")
            sha = hashlib.sha256(data).hexdigest()
            self.media[sha] = data
            self._items[name] = {"sha256": sha, "mime": MIMES[fmt], "width": width, "height": height,
                                 "bytes": len(data)}  # fmt: skip
        return dict(self._items[name])


def _lang_map(value: Any, key: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _Problem(f'{key} must be a table of texts per language, e.g. {key}.fr = "…"')
    return dict(value)


def _check_keys(raw: dict, allowed: set[str], what: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise _Problem(f"unknown key {unknown[0]!r} in {what} (known keys: {', '.join(sorted(allowed))})")


def _media(raw_images: Any, store: ImageStore) -> list[dict]:
    if not isinstance(raw_images, list):
        raise _Problem('images must be a list: [[entry.images]] with file = "name.jpg"')
    items = []
    for image in raw_images:
        if not isinstance(image, dict) or "file" not in image:
            raise _Problem('each image needs file = "name.jpg"')
        _check_keys(image, IMAGE_KEYS, "an image")
        item = store.item(image["file"])
        item["alt"] = _lang_map(image.get("alt", {}), "alt")
        item["credit"] = str(image.get("credit", ""))
        items.append(item)
    return items


def build_entry(raw: dict, *, kind: str, commune: str, today: dt.date, tz: ZoneInfo, now: dt.datetime,
                store: ImageStore) -> dict:  # fmt: skip
    """One ``[[entry]]`` table -> a wire entry dict (raises _Problem or EntryError)."""
    _check_keys(raw, ENTRY_KEYS, "entry")
    data: dict[str, Any] = {
        "id": f"demo:{raw['slug']}",
        "kind": kind,
        "categories": raw.get("categories", []),
        "commune": raw.get("commune", commune),
        "title": _lang_map(raw.get("title", {}), "title"),
        "summary": _lang_map(raw.get("summary", {}), "summary"),
        "body": _lang_map(raw.get("body", {}), "body"),
        "opening_hours": raw.get("opening_hours", ""),
        "featured": raw.get("featured", False),
        "url": raw.get("url", ""),
        "source": dict(SOURCE),
        "updated_at": now.isoformat(),
    }
    for key, model in (("place", Place), ("contact", Contact)):
        if key in raw:
            if not isinstance(raw[key], dict):
                raise _Problem(f"{key} must be a table, e.g. {key} = {{ ... }}")
            _check_keys(raw[key], set(model.model_fields), key)
            data[key] = raw[key]
    if "details" in raw:
        if not isinstance(raw["details"], dict):
            raise _Problem("details must be a table, e.g. details = { price = 2 }")
        _check_keys(raw["details"], set(Details.model_fields), "details")
        data["details"] = raw["details"]
    if "images" in raw:
        data["media"] = _media(raw["images"], store)
    if "when" in raw:
        rules = raw["when"] if isinstance(raw["when"], list) else [raw["when"]]
        occurrences = [occ for rule in rules for occ in when.occurrences(rule, today, tz)]
        data["occurrences"] = sorted(occurrences, key=lambda occ: dt.datetime.fromisoformat(occ["start"]))
    elif kind == "event":
        raise _Problem('an event needs [entry.when] (e.g. days = 3 and start = "20:30")')
    return dump(parse_entry(data))


def build_alert(raw: dict, *, commune: str, today: dt.date, tz: ZoneInfo) -> dict:
    _check_keys(raw, ALERT_KEYS, "alert")
    data: dict[str, Any] = {
        "id": f"demo:{raw['slug']}",
        "level": raw.get("level", "info"),
        "message": _lang_map(raw.get("message", {}), "message"),
        "from": when.moment(raw.get("from_days", 0), raw.get("from_time", "00:00"), today, tz, "from"),
        "communes": raw.get("communes", [commune]),
    }
    if "until_days" in raw:
        data["until"] = when.moment(raw["until_days"], raw.get("until_time", "23:59"), today, tz, "until")
    return dump(parse_alert(data))


def display_path(path: Path) -> str:
    """The file as a person editing the repository would name it (relative to the repo root)."""
    root = Path(__file__).resolve().parents[2]
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)


def read_file(path: Path) -> dict:
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise DemoError(f"{display_path(path)}: not valid TOML: {exc}") from None
    unknown = sorted(set(doc) - FILE_KEYS)
    if unknown:
        raise DemoError(f"{display_path(path)}: unknown top-level key {unknown[0]!r} "
                        f"(known: {', '.join(sorted(FILE_KEYS))})")  # fmt: skip
    return doc


def _records(doc: dict, key: str, where: str) -> list[dict]:
    records = doc.get(key, [])
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DemoError(f"{where}: {key} must be written as [[{key}]] tables")
    for index, record in enumerate(records, 1):
        slug = record.get("slug")
        if not isinstance(slug, str) or not slug:
            raise DemoError(f'{where}, {key} #{index}: slug = "…" is required (it makes the id demo:<slug>)')
    return records


def load_folder(source_dir: Path, *, today: dt.date, tz: ZoneInfo, now: dt.datetime) -> tuple[list, list, dict]:
    """Every ``*.toml`` in ``source_dir`` -> (entries, alerts, media) ; raises DemoError."""
    store = ImageStore(source_dir / "images")
    entries: list[dict] = []
    alerts: list[dict] = []
    seen: dict[str, str] = {}
    files = sorted(source_dir.glob("*.toml"))
    if not files:
        raise DemoError(f"{display_path(source_dir)}: no *.toml source files")
    for path in files:
        where = display_path(path)
        doc = read_file(path)
        commune = doc.get("commune", DEFAULT_COMMUNE)
        entry_records = _records(doc, "entry", where)
        if entry_records and doc.get("kind") not in KINDS:
            raise DemoError(f"{where}: kind = {doc.get('kind')!r} at the top; use one of {', '.join(KINDS)}")
        for key, records in (("entry", entry_records), ("alert", _records(doc, "alert", where))):
            for raw in records:
                slug = raw["slug"]
                if slug in seen:
                    raise DemoError(f"{where}, {key} {slug!r}: slug already used in {seen[slug]}")
                seen[slug] = where
                try:
                    if key == "entry":
                        entries.append(build_entry(raw, kind=doc["kind"], commune=commune, today=today, tz=tz,
                                                   now=now, store=store))  # fmt: skip
                    else:
                        alerts.append(build_alert(raw, commune=commune, today=today, tz=tz))
                except EntryError as exc:
                    detail = "; ".join(f"{name}: {msg}" if name else msg for name, msg in exc.problems)
                    raise DemoError(f"{where}, {key} {slug!r}: {detail}") from exc
                except (_Problem, when.WhenError) as exc:
                    raise DemoError(f"{where}, {key} {slug!r}: {exc}") from exc
    return entries, alerts, store.media
