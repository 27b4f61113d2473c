"""Fixtures for the content library: entries, images, a cache on disk, a small bundle."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from content.cache import ChangeSet, ContentCache
from content.validation import parse_alert, parse_entry

PARIS = ZoneInfo("Europe/Paris")
#: A Thursday, in the town's time zone.
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=PARIS)


def make_image(color=(30, 80, 160), size=(64, 48), fmt="JPEG", exif_orientation=None) -> bytes:
    img = Image.new("RGB", size, color)
    out = io.BytesIO()
    kwargs = {}
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        kwargs["exif"] = exif
    img.save(out, fmt, **kwargs)
    return out.getvalue()


def media_item(data: bytes, **extra) -> dict:
    with Image.open(io.BytesIO(data)) as img:
        w, h, fmt = img.width, img.height, img.format
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "mime": f"image/{fmt.lower()}",
        "width": w,
        "height": h,
        "bytes": len(data),
        **extra,
    }


def entry(id_, kind="place", **fields) -> dict:
    data = {
        "id": f"test:{id_}",
        "kind": kind,
        "title": {"fr": id_.replace("-", " ").title()},
        "updated_at": "2026-11-01T10:00:00+01:00",
        "commune": "15187",
    }
    if kind == "event" and "occurrences" not in fields:
        fields["occurrences"] = [{"start": "2026-11-26T20:00:00+01:00", "end": "2026-11-26T23:00:00+01:00"}]
    data.update(fields)
    return data


def alert(id_, level="info", start="2026-11-01T00:00:00+01:00", until=None, **fields) -> dict:
    return {
        "id": f"test:{id_}",
        "level": level,
        "message": {"fr": f"Alerte {id_}"},
        "from": start,
        "until": until,
        **fields,
    }


def changes(entries=(), alerts=(), **kw) -> ChangeSet:
    return ChangeSet(entries=[parse_entry(e) for e in entries], alerts=[parse_alert(a) for a in alerts], **kw)


@pytest.fixture
def cache(tmp_path):
    c = ContentCache.open(tmp_path / "data")
    yield c
    c.close()
