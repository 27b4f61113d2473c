"""DATAtourisme JSON-LD records -> contract entries.

Input shapes: one record object per file, a list of records, a flux object with ``@graph``, or a
zip of such files (the DATAtourisme "objects" export; ``index.json`` members are skipped).
A zip or an ``@graph`` flux is a full snapshot of the feed (records missing from it were withdrawn)
unless the caller says otherwise.

Mapping (see docs in the report): kind and categories from ``@type`` (``vocabulary``); texts per
language from ``rdfs:label`` / ``rdfs:comment`` / ``hasDescription``; place and commune from
``isLocatedAt``; contact from ``hasContact``; ``openingHoursSpecification`` merged into one OSM
string (``osm_hours``); ``takesPlaceAt`` periods as occurrences in the town's time zone; images
from ``hasMainRepresentation`` then ``hasRepresentation`` as :class:`ImageRef`; attribution
"DATAtourisme", producer from ``hasBeenCreatedBy``, licence Etalab 2.0, url ``@id``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import zipfile
from pathlib import Path
from typing import Any

from backoffice.importers import datatourisme_fields as fields
from backoffice.importers.base import (
    ImporterError,
    ImportResult,
    RecordProblem,
    SourceFormatError,
    occurrences,
    one_line,
    zone,
)
from backoffice.importers.datatourisme_details import details
from backoffice.importers.vocabulary import kind_and_categories
from content.archive import ArchiveError, ArchiveLimits, SafeZip
from content.text import MAX_TEXT

log = logging.getLogger(__name__)

SOURCE = "datatourisme"
NAME = "DATAtourisme"
LICENCE = "Licence Ouverte / Etalab 2.0"
#: An export zip: each record file at most 20 MiB, the whole at most 1 GiB once inflated.
ZIP_LIMITS = ArchiveLimits(max_members=100_000, max_member_bytes=20 * 1024**2)
_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_ID_TAIL_RE = re.compile(r"^[A-Za-z0-9._-]{1,200}$")


# --- reading ------------------------------------------------------------------------------------


def read_records(data: Any, *, file: str = "") -> tuple[list[Any], bool]:
    """The records held by parsed JSON: ``(records, is_flux)``. Raises SourceFormatError."""
    if isinstance(data, dict) and "@graph" in data:
        graph = data["@graph"]
        if not isinstance(graph, list):
            raise SourceFormatError("@graph is not a list of records", file=file)
        return graph, True
    if isinstance(data, dict):
        return [data], False
    if isinstance(data, list):
        return data, False
    raise SourceFormatError(f"expected a JSON-LD object or a list of them, got {type(data).__name__}", file=file)


def _load_json(raw: bytes, *, file: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SourceFormatError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=file) from None
    except json.JSONDecodeError as exc:
        raise SourceFormatError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}", file=file) from None


def import_file(
    path: str | Path,
    *,
    snapshot: bool | None = None,
    tz: str = "Europe/Paris",
    commune: str = "",
    not_before: dt.datetime | None = None,
) -> ImportResult:
    """Map a ``.json`` file or a ``.zip`` of them. ``snapshot=None``: True for a zip or ``@graph`` flux.

    Raises SourceFormatError (naming the file and zip member) when the input cannot be read at all.
    """
    path = Path(path)
    try:
        is_zip = zipfile.is_zipfile(path)
    except OSError as exc:
        raise SourceFormatError(f"cannot read: {exc.strerror}", file=str(path)) from None
    records: list[tuple[str, Any]] = []
    if is_zip:
        is_flux = True
        records = _read_zip(path)
    else:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise SourceFormatError(f"cannot read: {exc.strerror}", file=str(path)) from None
        items, is_flux = read_records(_load_json(raw, file=str(path)), file=str(path))
        records = [(str(path), item) for item in items]
    return map_records(
        records,
        snapshot=is_flux if snapshot is None else snapshot,
        tz=tz,
        commune=commune,
        not_before=not_before,
    )


def _read_zip(path: Path) -> list[tuple[str, Any]]:
    records: list[tuple[str, Any]] = []
    try:
        with SafeZip(path, ZIP_LIMITS) as archive:
            members = [i for i in archive.members() if i.filename.endswith(".json")]
            for info in sorted(members, key=lambda i: i.filename):
                if Path(info.filename).name == "index.json":
                    continue
                where = f"{path}!{info.filename}"
                items, _ = read_records(_load_json(archive.read(info), file=where), file=where)
                records.extend((where, item) for item in items)
    except ArchiveError as exc:
        raise SourceFormatError(str(exc)) from None
    if not records:
        raise SourceFormatError("no DATAtourisme record (*.json) in the zip", file=str(path))
    return records


def map_records(
    records: list[Any] | list[tuple[str, Any]],
    *,
    snapshot: bool = False,
    tz: str = "Europe/Paris",
    commune: str = "",
    not_before: dt.datetime | None = None,
) -> ImportResult:
    """Map parsed records (dicts, or ``(file, dict)`` pairs so problems can name the file).

    ``commune``: INSEE code used when a record has none. ``not_before``: drop occurrences that ended
    before it (default: keep every occurrence; the kiosk hides past ones itself).
    """
    zinfo = zone(tz)
    result = ImportResult(SOURCE, snapshot=snapshot)
    for index, item in enumerate(records):
        file, record = item if isinstance(item, tuple) else ("", item)
        _map_one(result, record, index=index, file=file, tz=zinfo, commune=commune, not_before=not_before)
    return result.finish()


def _clip(texts: dict[str, str], field: str, rid: str, problems: list[RecordProblem]) -> dict[str, str]:
    for lang, value in texts.items():
        if len(value) > MAX_TEXT:
            problems.append(RecordProblem(rid, f"{field}.{lang}", f"text cut at {MAX_TEXT} characters"))
            texts[lang] = value[: MAX_TEXT - 1].rstrip() + "…"
    return texts


def entry_id(record: dict) -> str:
    """``datatourisme:<uuid>`` from ``@id``; raises ValueError."""
    raw = record.get("@id")
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError("no @id")
    found = _UUID_RE.findall(raw)
    if found:
        return f"{SOURCE}:{found[-1].lower()}"
    tail = raw.rstrip("/").rsplit("/", 1)[-1]
    if _ID_TAIL_RE.match(tail):
        return f"{SOURCE}:{tail}"
    raise ValueError(f"@id {raw!r} holds no usable identifier")


# --- one record ---------------------------------------------------------------------------------


def _map_one(result, record, *, index, file, tz, commune, not_before) -> None:
    label = f"#{index}" if not file else f"{file}#{index}"
    if not isinstance(record, dict):
        result.problems.append(
            RecordProblem(label, "", f"expected a JSON-LD object, got {type(record).__name__}", "error")
        )
        result.incomplete = True
        return
    try:
        rid = entry_id(record)
    except ValueError as exc:
        result.problems.append(RecordProblem(label, "@id", str(exc), "error"))
        result.incomplete = True
        return
    problems: list[RecordProblem] = []
    try:
        data, images = _entry(record, rid, tz=tz, commune=commune, not_before=not_before, problems=problems)
    except _Skip as exc:
        result.problems.extend(problems)
        result.fail(rid, exc.field, exc.message)
        return
    result.add(rid, data, images, problems)


class _Skip(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _entry(record: dict, rid: str, *, tz, commune, not_before, problems: list[RecordProblem]):
    def warn(field: str, message: str) -> None:
        problems.append(RecordProblem(rid, field, message))

    types = [t for t in fields.as_list(record.get("@type")) if isinstance(t, str)]
    kind, categories, unknown = kind_and_categories(types)
    if unknown and not categories and kind == "place":
        warn("@type", f"no known class among {', '.join(unknown)}: mapped as a place")

    title = _clip(fields.lang_map(record.get("rdfs:label"), one_line), "title", rid, problems)
    if not title:
        raise _Skip("rdfs:label", "no title (rdfs:label) in any language")
    if "fr" not in title:
        other = sorted(title)[0] if "en" not in title else "en"
        title["fr"] = title[other]
        warn("rdfs:label", f"no French title: the {other} title is used for fr")
    descriptions = fields.dicts(record.get("hasDescription"))
    summary = fields.lang_map(record.get("rdfs:comment"))
    body: dict[str, str] = {}
    for desc in descriptions:
        for lang, value in fields.lang_map(desc.get("shortDescription")).items():
            summary.setdefault(lang, value)
        for lang, value in fields.lang_map(desc.get("dc:description")).items():
            body.setdefault(lang, value)
    body = {lang: value for lang, value in body.items() if value != summary.get(lang)}

    place, found_commune = fields.place(record, rid, warn)
    hours = fields.hours(record, warn)
    occ: list[dict] = []
    if kind == "event":
        occ, note = occurrences(fields.periods(record, tz, warn), not_before=not_before)
        if note:
            warn("takesPlaceAt", note)
    updated = fields.updated_at(record, tz)
    if updated is None:
        raise _Skip("lastUpdateDatatourisme", "no lastUpdateDatatourisme, lastUpdate or creationDate")
    data = {
        "id": rid,
        "kind": kind,
        "categories": categories,
        "commune": found_commune or commune,
        "title": title,
        "summary": _clip(summary, "summary", rid, problems),
        "body": _clip(body, "body", rid, problems),
        "place": place,
        "contact": fields.contact(record, warn),
        "opening_hours": hours,
        "occurrences": occ,
        "media": [],
        "url": "",
        "source": {
            "name": NAME,
            "producer": fields.producer(record),
            "licence": LICENCE,
            "url": record["@id"].strip() if record["@id"].startswith("http") else "",
        },
        "updated_at": updated.isoformat(),
        "details": details(record, kind, warn),
    }
    return data, fields.images(record)


__all__ = ["ImporterError", "SourceFormatError", "entry_id", "import_file", "map_records", "read_records"]
