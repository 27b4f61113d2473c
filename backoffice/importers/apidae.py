"""Apidae (API v002 objects, JSON export zips) -> contract entries. A first, partial mapping.

Input: one object, a list of objects, or an export zip (``objets_modifies/*.json`` lists,
``objets_supprimes.json`` ids -> withdrawn, ``communes.json`` Apidae commune id -> INSEE code).
An incremental export is not a snapshot; pass ``snapshot=True`` for a full ("réinitialisation") one.

Mapped: kind from ``type``, texts (``nom``, ``presentation.descriptifCourt/Detaille``), address and
GeoJSON point, commune through ``communes.json`` (else the caller's ``commune``), phone/e-mail/web
from ``informations.moyensCommunication``, ``ouverture.periodesOuvertures`` as occurrences (events)
or OSM hours (others), illustrations as ImageRef, ``gestion.dateModification``. Not mapped yet:
element-reference codes (detailed types, criteria), ``aspects`` (winter/summer variants).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from backoffice.importers import osm_hours
from backoffice.importers.base import (
    ImageRef,
    ImportResult,
    RecordProblem,
    SourceFormatError,
    day_bounds,
    occurrences,
    one_line,
    parse_date,
    parse_datetime,
    plain,
    zone,
)
from content.archive import ArchiveError, ArchiveLimits, SafeZip

SOURCE = "apidae"
NAME = "Apidae"
#: An export zip: each JSON file at most 50 MiB, the whole at most 1 GiB once inflated.
ZIP_LIMITS = ArchiveLimits(max_member_bytes=50 * 1024**2)

#: Apidae object type -> (kind, category or None)
TYPES: dict[str, tuple[str, str | None]] = {
    "FETE_ET_MANIFESTATION": ("event", None),
    "PATRIMOINE_CULTUREL": ("heritage", None),
    "PATRIMOINE_NATUREL": ("heritage", "natural-site"),
    "COMMERCE_ET_SERVICE": ("shop", None),
    "RESTAURATION": ("food", "restaurant"),
    "HOTELLERIE": ("stay", "hotel"),
    "HOTELLERIE_PLEIN_AIR": ("stay", "campsite"),
    "HEBERGEMENT_LOCATIF": ("stay", "gite"),
    "HEBERGEMENT_COLLECTIF": ("stay", "hostel"),
    "DEGUSTATION": ("shop", "local-products"),
    "ACTIVITE": ("place", None),
    "EQUIPEMENT": ("place", None),
    "DOMAINE_SKIABLE": ("place", None),
    "SEJOUR_PACKAGE": ("place", None),
    "STRUCTURE": ("service", None),
}
#: MoyenCommunicationType ids
PHONE, EMAIL, WEBSITE = 201, 204, 205
_DAYS = {
    "LUNDI": "Mo",
    "MARDI": "Tu",
    "MERCREDI": "We",
    "JEUDI": "Th",
    "VENDREDI": "Fr",
    "SAMEDI": "Sa",
    "DIMANCHE": "Su",
}
_MAX_EXPANDED_DAYS = 366


def _lang(key: str) -> str | None:
    m = re.match(r"^libelle([A-Z][a-z])", key)
    return m.group(1).lower() if m else None


def texts(value: Any, convert=plain) -> dict[str, str]:
    """``{"libelleFr": "…", "libelleEn": "…"}`` -> ``{"fr": "…", "en": "…"}``."""
    out: dict[str, str] = {}
    if isinstance(value, dict):
        for key in sorted(value):
            code = _lang(key)
            text = convert(value[key]) if isinstance(value[key], str) else ""
            if code and text and code not in out:
                out[code] = text
    return out


def import_file(path: str | Path, *, snapshot: bool = False, **options: Any) -> ImportResult:
    """Map a ``.json`` file (object or list) or an export ``.zip``. Options as :func:`map_objects`."""
    path = Path(path)
    withdrawn: list[Any] = []
    communes: dict[int, dict] = {}
    objects: list[Any] = []
    try:
        if zipfile.is_zipfile(path):
            with SafeZip(path, ZIP_LIMITS) as archive:
                for info in sorted(archive.members(), key=lambda i: i.filename):
                    name = info.filename
                    if not name.endswith(".json") or "__MACOSX" in name:
                        continue
                    data = _json(archive.read(info), f"{path}!{name}")
                    base = Path(name).name
                    if base == "objets_supprimes.json":
                        withdrawn = data if isinstance(data, list) else []
                    elif base == "communes.json":
                        communes = {c["id"]: c for c in data if isinstance(c, dict) and "id" in c and "code" in c}
                    elif name.startswith("objets_modifies/"):
                        objects.extend(data if isinstance(data, list) else [data])
        else:
            data = _json(path.read_bytes(), str(path))
            objects = data if isinstance(data, list) else [data]
    except ArchiveError as exc:
        raise SourceFormatError(str(exc)) from None
    except OSError as exc:
        raise SourceFormatError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None
    result = map_objects(objects, communes=communes, snapshot=snapshot, **options)
    for raw in withdrawn:
        rid = f"{SOURCE}:{raw}"
        result.withdrawn.append(rid)
        result.seen_ids.add(rid)
    result.withdrawn = sorted(set(result.withdrawn))
    return result


def _json(raw: bytes, where: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceFormatError(f"not JSON: {exc}", file=where) from None


def map_objects(
    objects: list[Any],
    *,
    communes: dict[int, dict] | None = None,
    commune: str = "",
    licence: str = "",
    snapshot: bool = False,
    tz: str = "Europe/Paris",
    not_before: dt.datetime | None = None,
) -> ImportResult:
    """Map Apidae objects. ``communes``: Apidae commune id -> ``{"code": INSEE, "nom": …}`` (the
    export's ``communes.json``); ``commune``: INSEE code when unknown; ``licence``: the licence
    your Apidae project publishes the data under (shown in the attribution)."""
    zinfo = zone(tz)
    result = ImportResult(SOURCE, snapshot=snapshot)
    for index, obj in enumerate(objects):
        if not isinstance(obj, dict) or not isinstance(obj.get("id"), int):
            result.problems.append(RecordProblem(f"#{index}", "id", "not an Apidae object with a numeric id", "error"))
            result.incomplete = True
            continue
        rid = f"{SOURCE}:{obj['id']}"
        if obj.get("state", "PUBLISHED") != "PUBLISHED":
            result.withdrawn.append(rid)
            result.seen_ids.add(rid)
            continue
        problems: list[RecordProblem] = []
        data, images = _entry(obj, rid, communes or {}, commune, licence, zinfo, not_before, problems)
        if data is None:
            result.problems.extend(problems)
            result.fail(rid, "nom", "no name (nom) in any language")
            continue
        result.add(rid, data, images, problems)
    return result.finish()


def _entry(obj, rid, communes, commune, licence, tz, not_before, problems):
    def warn(field: str, message: str) -> None:
        problems.append(RecordProblem(rid, field, message))

    title = texts(obj.get("nom"), one_line)
    if not title:
        return None, []
    if "fr" not in title:
        title["fr"] = title.get("en") or next(iter(title.values()))
        warn("nom", "no French name: another language is used for fr")
    kind, category = TYPES.get(obj.get("type"), ("place", None))
    if obj.get("type") not in TYPES:
        warn("type", f"unknown Apidae type {obj.get('type')!r}: mapped as a place")
    presentation = obj.get("presentation") or {}
    summary = texts(presentation.get("descriptifCourt"))
    body = {k: v for k, v in texts(presentation.get("descriptifDetaille")).items() if v != summary.get(k)}
    where = obj.get("localisation") or {}
    address = where.get("adresse") or {}
    commune_id = (address.get("commune") or {}).get("id")
    known = communes.get(commune_id) or {}
    insee = str(known.get("code") or "")
    if commune_id is not None and not insee and not commune:
        warn("localisation.adresse.commune", f"Apidae commune {commune_id} not in communes.json: no INSEE code")
    event_info = obj.get("informationsFeteEtManifestation") or {}
    place = {
        "name": one_line(event_info.get("nomLieu") or "") if isinstance(event_info, dict) else "",
        "street": ", ".join(one_line(address[k]) for k in ("adresse1", "adresse2", "adresse3") if address.get(k)),
        "postcode": one_line(address.get("codePostal") or ""),
        "city": one_line((address.get("commune") or {}).get("nom") or known.get("nom") or ""),
        "lat": None,
        "lon": None,
    }
    point = ((where.get("geolocalisation") or {}).get("geoJson") or {}).get("coordinates")
    if isinstance(point, list) and len(point) >= 2:
        try:
            lon, lat = float(point[0]), float(point[1])
            if -90 <= lat <= 90 and -180 <= lon <= 180:
                place["lat"], place["lon"] = lat, lon
        except (TypeError, ValueError):
            warn("localisation.geolocalisation", f"unusable coordinates {point!r}: left out")
    periods = [p for p in ((obj.get("ouverture") or {}).get("periodesOuvertures") or []) if isinstance(p, dict)]
    hours, occ = "", []
    if kind == "event":
        occ, note = occurrences(_event_times(periods, tz, warn), not_before=not_before)
        if note:
            warn("ouverture", note)
    elif periods:
        hours = _hours(periods, warn)
    management = obj.get("gestion") or {}
    try:
        updated = parse_datetime(_iso_offset(management.get("dateModification")), dt.UTC)
    except (ValueError, TypeError):
        updated = None
    if updated is None:
        warn("gestion.dateModification", "no modification date: creation date used")
        updated = parse_datetime(_iso_offset(management.get("dateCreation") or "1970-01-01T00:00:00Z"), dt.UTC)
    owner = management.get("membreProprietaire") or {}
    data = {
        "id": rid,
        "kind": kind,
        "categories": [category] if category else [],
        "commune": insee or commune,
        "title": title,
        "summary": summary,
        "body": body,
        "place": place,
        "contact": _contact((obj.get("informations") or {}).get("moyensCommunication"), warn),
        "opening_hours": hours,
        "occurrences": occ,
        "media": [],
        "url": "",
        "source": {"name": NAME, "producer": one_line(owner.get("nom") or ""), "licence": licence, "url": ""},
        "updated_at": updated.isoformat(),
    }
    return data, _images(obj.get("illustrations"))


def _iso_offset(value: Any) -> Any:
    """``2018-03-13T08:47:27.168+0000`` -> ``…+00:00`` (fromisoformat wants the colon before 3.11)."""
    if isinstance(value, str):
        return re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", value)
    return value


def _time(value: Any) -> dt.time | None:
    return dt.time.fromisoformat(value[:8]) if isinstance(value, str) and value else None


def _event_times(periods, tz, warn):
    pairs = []
    for n, period in enumerate(periods):
        try:
            first, last = parse_date(period.get("dateDebut")), parse_date(period.get("dateFin") or period["dateDebut"])
            opens, closes = _time(period.get("horaireOuverture")), _time(period.get("horaireFermeture"))
        except (ValueError, KeyError, TypeError) as exc:
            warn(f"periodesOuvertures[{n}]", f"{exc}: period left out")
            continue
        if last < first:
            warn(f"periodesOuvertures[{n}]", "ends before it starts: period left out")
            continue
        if opens is None:  # whole days
            pairs.append((day_bounds(first, tz)[0], day_bounds(last, tz)[1]))
            continue
        if (last - first).days > _MAX_EXPANDED_DAYS:
            warn(f"periodesOuvertures[{n}]", "daily times over more than a year: one long occurrence")
            pairs.append((dt.datetime.combine(first, opens, tz), day_bounds(last, tz)[1]))
            continue
        day = first
        while day <= last:
            start = dt.datetime.combine(day, opens, tz)
            end = dt.datetime.combine(day, closes, tz) if closes else None
            if end is not None and end < start:
                end += dt.timedelta(days=1)
            pairs.append((start, end))
            day += dt.timedelta(days=1)
    return pairs


def _hours(periods, warn) -> str:
    specs = []
    for n, period in enumerate(periods):
        kind = period.get("type")
        try:
            start, end = parse_date(period.get("dateDebut")), parse_date(period.get("dateFin"))
        except (ValueError, TypeError):
            start = end = None
        if kind == "OUVERTURE_TOUS_LES_JOURS":
            days = frozenset(_DAYS.values())
        elif kind == "OUVERTURE_SEMAINE":
            days = frozenset(
                _DAYS[j["jour"]] for j in period.get("ouverturesJournalieres") or [] if j.get("jour") in _DAYS
            )
        else:
            warn(f"periodesOuvertures[{n}]", f"period type {kind!r} not mapped: opening hours left out")
            return ""
        try:
            opens = osm_hours.hhmm(period["horaireOuverture"]) if period.get("horaireOuverture") else None
            closes = (
                osm_hours.hhmm(period["horaireFermeture"], closing=True) if period.get("horaireFermeture") else None
            )
            if (opens is None) != (closes is None):
                opens = closes = None  # an opening time alone says "open that day", not until when
            specs.append(osm_hours.Spec(days, opens, closes, start, end))
        except osm_hours.HoursError as exc:
            warn(f"periodesOuvertures[{n}]", f"{exc}: opening hours left out")
            return ""
    try:
        return osm_hours.merge_specs(specs)
    except osm_hours.HoursError as exc:
        warn("ouverture", f"{exc}: opening hours left out")
        return ""


def _contact(means: Any, warn) -> dict:
    contact = {"phone": "", "email": "", "website": ""}
    for item in means if isinstance(means, list) else []:
        kind = ((item or {}).get("type") or {}).get("id")
        numbers = item.get("coordonnees") if isinstance(item.get("coordonnees"), dict) else {}
        value = one_line(next((v for _, v in sorted(numbers.items()) if isinstance(v, str)), ""))
        if kind == PHONE and not contact["phone"]:
            contact["phone"] = value
        elif kind == EMAIL and not contact["email"] and re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
            contact["email"] = value
        elif kind == WEBSITE and not contact["website"] and re.match(r"^https?://\S+$", value):
            contact["website"] = value
    return contact


def _images(illustrations: Any) -> list[ImageRef]:
    images = []
    for item in illustrations if isinstance(illustrations, list) else []:
        if not isinstance(item, dict) or item.get("type") != "IMAGE":
            continue
        files = [f for f in item.get("traductionFichiers") or [] if isinstance(f, dict) and f.get("url")]
        files.sort(key=lambda f: (f.get("locale") != "fr", f.get("locale") or ""))
        if files and re.match(r"^https?://\S+$", files[0]["url"]):
            credit = next(iter(texts(item.get("copyright"), one_line).values()), "")
            images.append(ImageRef(files[0]["url"], credit, "", texts(item.get("nom"), one_line)))
    return images
