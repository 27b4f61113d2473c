"""A tiny town for the kiosk's tests: one or two entries of each kind, photos, an urgent alert.

``build_town(data_dir, now)`` writes it into a content cache through the real apply path; dates are
relative to ``now`` so "today" and "this weekend" always have something.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

from PIL import Image, ImageDraw

from content.cache import ChangeSet, ContentCache
from content.validation import parse_alert, parse_entry


def photo(color: tuple[int, int, int], label: str, size=(1200, 800)) -> bytes:
    img = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(img)
    w, h = size
    draw.polygon([(0, h), (w * 0.35, h * 0.45), (w * 0.6, h * 0.7), (w * 0.8, h * 0.35), (w, h)], fill=(40, 50, 60))
    draw.ellipse((w * 0.7, h * 0.1, w * 0.82, h * 0.28), fill=(250, 220, 150))
    draw.text((20, 20), label, fill=(255, 255, 255))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def media_of(data: bytes, alt: str) -> tuple[str, dict]:
    sha = hashlib.sha256(data).hexdigest()
    return sha, {
        "sha256": sha,
        "mime": "image/jpeg",
        "width": 1200,
        "height": 800,
        "bytes": len(data),
        "alt": {"fr": alt},
        "credit": "Ville de Borne-sur-Test",
    }


def town_entries(now: dt.datetime) -> tuple[list[dict], list[dict], dict[str, bytes]]:
    iso = lambda d: d.isoformat()  # noqa: E731
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
    media: dict[str, bytes] = {}

    def pic(color, label):
        data = photo(color, label)
        sha, meta = media_of(data, label)
        media[sha] = data
        return meta

    base = {
        "updated_at": iso(now),
        "commune": "15187",
        "source": {"producer": "Mairie de Saint-Flour", "licence": "Licence Ouverte 2.0"},
    }
    entries = [
        {
            **base,
            "id": "test:cathedrale",
            "kind": "heritage",
            "categories": ["cathedral"],
            "featured": True,
            "title": {"fr": "Cathédrale Saint-Pierre", "en": "Saint Peter's Cathedral", "de": "Kathedrale Sankt Peter"},
            "summary": {
                "fr": "Cathédrale gothique en basalte, dominant la vallée.",
                "en": "A Gothic cathedral of basalt above the valley.",
            },
            "body": {
                "fr": "Bâtie en pierre de lave, elle veille sur la ville haute depuis le XVe siècle.\n\n"
                "Son Christ noir est l'un des plus anciens d'Auvergne."
            },
            "place": {
                "name": "Place d'Armes",
                "street": "Place d'Armes",
                "postcode": "15100",
                "city": "Saint-Flour",
                "lat": 45.0335,
                "lon": 3.0929,
            },
            "opening_hours": "Mo-Su 09:00-19:00",
            "url": "https://www.saint-flour.fr/cathedrale",
            "media": [pic((120, 90, 70), "cathedrale"), pic((90, 70, 100), "nef")],
        },
        {
            **base,
            "id": "test:musee",
            "kind": "place",
            "categories": ["museum"],
            "title": {"fr": "Musée de la Haute-Auvergne", "en": "Upper Auvergne Museum"},
            "summary": {"fr": "Art et traditions populaires.", "en": "Folk art and traditions."},
            "opening_hours": "Tu-Su 10:00-12:00,14:00-18:00",
            "media": [pic((60, 110, 140), "musee")],
            "place": {
                "street": "1 place d'Armes",
                "postcode": "15100",
                "city": "Saint-Flour",
                "lat": 45.034,
                "lon": 3.093,
            },
        },
        {
            **base,
            "id": "test:boulangerie",
            "kind": "shop",
            "categories": ["bakery"],
            "title": {"fr": "Boulangerie du Rempart"},
            "summary": {"fr": "Pain au levain, fouace."},
            "opening_hours": "Mo-Sa 06:30-19:30",
            "contact": {"phone": "04 71 00 00 00"},
        },
        {
            **base,
            "id": "test:fromagerie",
            "kind": "shop",
            "categories": ["cheese-shop"],
            "title": {"fr": "Fromagerie des Planèzes"},
            "summary": {"fr": "Cantal, salers, bleu d'Auvergne."},
            "opening_hours": "Tu-Sa 09:00-12:30",
        },
        {
            **base,
            "id": "test:bistro",
            "kind": "food",
            "categories": ["restaurant"],
            "title": {"fr": "Bistrot des Orgues"},
            "summary": {"fr": "Truffade et aligot."},
            "opening_hours": "Tu-Su 12:00-14:00,19:00-22:00",
            "details": {"price": 2, "amenities": ["terrace"]},
        },
        {
            **base,
            "id": "test:creperie",
            "kind": "food",
            "categories": ["creperie"],
            "title": {"fr": "Crêperie du Vent"},
            "opening_hours": "We-Su 12:00-14:00",
            "details": {"price": 1},
        },
        {
            **base,
            "id": "test:camping",
            "kind": "stay",
            "categories": ["campsite"],
            "title": {"fr": "Camping des Grillons"},
            "summary": {"fr": "Au bord de l'Ander."},
            "details": {
                "stars": 3,
                "capacity": 120,
                "season": [{"start": "04-01", "end": "09-30"}],
                "booking_url": "https://example.org/reserver",
            },
        },
        {
            **base,
            "id": "test:pharmacie",
            "kind": "service",
            "categories": ["pharmacy"],
            "title": {"fr": "Pharmacie de la Halle", "en": "Halle pharmacy"},
            "opening_hours": "Mo-Sa 09:00-19:00",
            "contact": {"phone": "04 71 60 00 00"},
            "place": {
                "street": "3 rue de la Halle",
                "postcode": "15100",
                "city": "Saint-Flour",
                "lat": 45.0338,
                "lon": 3.0921,
            },
        },
        {
            **base,
            "id": "test:marche",
            "kind": "event",
            "categories": ["market"],
            "featured": True,
            "title": {"fr": "Marché de la ville haute", "en": "Upper town market"},
            "summary": {"fr": "Producteurs du Cantal sur la place."},
            "occurrences": [
                {"start": iso(today + dt.timedelta(hours=23)), "end": iso(today + dt.timedelta(hours=23, minutes=59))}
            ],
            "media": [pic((150, 120, 60), "marche")],
        },
        {
            **base,
            "id": "test:concert",
            "kind": "event",
            "categories": ["concert"],
            "title": {"fr": "Concert d'orgue", "de": "Orgelkonzert"},
            "summary": {"fr": "Bach et Buxtehude."},
            "occurrences": [
                {
                    "start": iso(saturday + dt.timedelta(hours=20, minutes=30)),
                    "end": iso(saturday + dt.timedelta(hours=22)),
                }
            ],
        },
    ]
    alerts = [
        {
            "id": "test:travaux",
            "level": "info",
            "message": {"fr": "Travaux rue de la Halle jusqu'à vendredi."},
            "from": iso(now - dt.timedelta(days=1)),
        },
        {
            "id": "test:orage",
            "level": "urgent",
            "message": {
                "fr": "Vigilance orange orages : évitez les remparts.",
                "en": "Orange storm warning: keep away from the ramparts.",
            },
            "from": iso(now - dt.timedelta(hours=1)),
            "until": iso(now + dt.timedelta(days=1)),
        },
    ]
    return entries, alerts, media


def build_town(data_dir: Path, now: dt.datetime) -> None:
    entries, alerts, media = town_entries(now)
    with ContentCache.open(data_dir) as cache:
        cache.apply(
            ChangeSet(
                entries=[parse_entry(e) for e in entries],
                alerts=[parse_alert(a) for a in alerts],
                media=media,
                replace_all=True,
                origin="bundle",
                cursor="test",
            )
        )
