"""Importing an OpenStreetMap extract as a commune's town map, and what the feed says of it.

One rule for the command, the admin's upload (through a worker) and the demo town: read the file
with :mod:`content.osm`, build the blob, and replace the commune's map only when all of that
succeeded; any fault leaves the previous map in use and says in French what was wrong.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from backoffice.geo.models import KioskPlace, TownMap

log = logging.getLogger(__name__)
#: A bounding box larger than this (degrees) is not a town: a typo, or a whole region.
MAX_SPAN_DEG = 0.5


class MapImportError(Exception):
    """An import that cannot be done; the message is French, for staff."""


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``"sud,ouest,nord,est"`` in degrees, checked (MapImportError in French)."""
    try:
        values = tuple(float(v) for v in text.replace(" ", "").split(","))
    except ValueError:
        values = ()
    if len(values) != 4:
        raise MapImportError(
            f"zone « {text} » : quatre nombres attendus, sud,ouest,nord,est (ex. 45.027,3.088,45.043,3.108)"
        )
    return check_bbox(values)


def check_bbox(values) -> tuple[float, float, float, float]:
    s, w, n, e = (float(v) for v in values)
    if not (-90 <= s < n <= 90 and -180 <= w < e <= 180):
        raise MapImportError(
            f"zone {s}, {w}, {n}, {e} : le sud doit être sous le nord et l'ouest à gauche de l'est (degrés décimaux)"
        )
    if n - s > MAX_SPAN_DEG or e - w > MAX_SPAN_DEG:
        raise MapImportError(
            f"zone de {n - s:.2f}° × {e - w:.2f}° : trop grande pour une commune "
            f"({MAX_SPAN_DEG}° au plus de chaque côté)"
        )
    return s, w, n, e


def import_map(path: str | Path, commune, bbox, *, source: str | None = None, progress=None) -> TownMap:
    """Read ``path`` (``.osm.pbf`` or ``.osm``), build the map of ``bbox`` and make it ``commune``'s map."""
    from content import geo, osm

    bbox = check_bbox(bbox)
    path = Path(path)
    name = source or path.name
    if progress:
        progress("Lecture du fichier OpenStreetMap")
    try:
        data = osm.import_file(path, bbox, source=name)
    except osm.OsmError as exc:
        raise MapImportError(
            f"{name} : fichier refusé, la carte précédente reste en service ({_french(exc)})"
        ) from None
    if progress:
        progress("Préparation de la carte")
    blob = geo.encode(data)
    counts = {k: len(v) for k, v in data["layers"].items()}
    counts["junctions"] = len(data["nodes"]) // 2
    counts["paths"] = len(data["edges"])
    s, w, n, e = bbox
    with transaction.atomic():
        town_map, _ = TownMap.objects.update_or_create(
            commune=commune,
            defaults=dict(
                sha256=geo.sha256(blob),
                blob=blob,
                size=len(blob),
                south=s,
                west=w,
                north=n,
                east=e,
                source=name[:200],
                counts=counts,
                generated_at=timezone.now(),
            ),
        )
    log.info("town map of %s imported from %s: %d bytes, %s", commune.pk, name, len(blob), counts)
    return town_map


def _french(exc: Exception) -> str:
    text = str(exc)
    for english, french in (
        ("no such file", "fichier introuvable"),
        (
            "not a readable OpenStreetMap file, or truncated",
            "ce n'est pas un fichier OpenStreetMap lisible, ou il est tronqué",
        ),
        ("it does not cover the area asked for", "il ne couvre pas la zone demandée"),
        ("no street or footpath inside the area asked for", "aucune rue ni aucun chemin dans la zone demandée"),
        ("no node with a position: an empty or broken extract", "aucun point positionné : extrait vide ou abîmé"),
        ("covers lat", "couvre lat"),
    ):
        text = text.replace(english, french)
    return text


def announcement(kiosk) -> dict | None:
    """The feed's ``map`` key for ``kiosk``: its commune's map, and where the kiosk stands (or None)."""
    town_map = TownMap.objects.filter(commune_id=kiosk.commune_id).defer("blob").first()
    if town_map is None:
        return None
    place = KioskPlace.objects.filter(kiosk=kiosk).first()
    return {
        "sha256": town_map.sha256,
        "bytes": town_map.size,
        "bbox": town_map.bbox,
        "generated_at": town_map.generated_at.isoformat(timespec="seconds"),
        "kiosk": {"lat": place.lat, "lon": place.lon, "facing": place.facing} if place else None,
    }


def blob_for(sha256: str) -> bytes | None:
    row = TownMap.objects.filter(sha256=sha256).values_list("blob", flat=True).first()
    return bytes(row) if row is not None else None


def load_demo_map() -> TownMap | None:
    """The demo town's hand-made map for its commune (``serve --demo``)."""
    from backoffice.catalog.models import Commune
    from content.demo.map.make_town import BBOX, HERE

    commune = Commune.objects.filter(pk="15187").first()
    if commune is None:
        return None
    return import_map(HERE / "town.osm", commune, BBOX, source="ville de démonstration (faite à la main)")
