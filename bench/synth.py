"""A synthetic town for benchmarks: 10,000 entries and 2,000 images by default, the same every run.

    python bench/synth.py --out /tmp/town.zip [--entries 10000] [--images 2000] [--seed 1]

``synthetic_town(...)`` returns the wire entries, alerts and images for other benchmarks (the sync
benchmark serves them from a local back office).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image, ImageDraw  # noqa: E402

from content.categories import CATEGORIES  # noqa: E402

PARIS = ZoneInfo("Europe/Paris")
WORDS_FR = [
    "vieux",
    "moulin",
    "pont",
    "tour",
    "jardin",
    "place",
    "fontaine",
    "chemin",
    "roche",
    "source",
    "halle",
    "porte",
    "maison",
    "église",
    "chapelle",
    "belvédère",
    "lac",
    "forêt",
    "marché",
    "atelier",
    "fromagerie",
    "boulangerie",
    "café",
    "auberge",
    "volcan",
    "basalte",
    "cathédrale",
    "remparts",
    "terrasse",
    "viaduc",
    "prairie",
    "buron",
    "gentiane",
    "myrtille",
    "châtaigne",
]
WORDS_EN = [
    "old",
    "mill",
    "bridge",
    "tower",
    "garden",
    "square",
    "fountain",
    "path",
    "rock",
    "spring",
    "hall",
    "gate",
    "house",
    "church",
    "chapel",
    "viewpoint",
    "lake",
    "forest",
    "market",
    "workshop",
    "cheese",
    "bakery",
    "cafe",
    "inn",
    "volcano",
    "basalt",
    "cathedral",
    "walls",
    "terrace",
    "viaduct",
    "meadow",
    "hut",
    "gentian",
    "blueberry",
    "chestnut",
]
WORDS_DE = [
    "alte",
    "Mühle",
    "Brücke",
    "Turm",
    "Garten",
    "Platz",
    "Brunnen",
    "Weg",
    "Felsen",
    "Quelle",
    "Halle",
    "Tor",
    "Haus",
    "Kirche",
    "Kapelle",
    "Aussicht",
    "See",
    "Wald",
    "Markt",
    "Werkstatt",
    "Käse",
    "Bäckerei",
    "Café",
    "Gasthof",
    "Vulkan",
    "Basalt",
    "Kathedrale",
    "Mauern",
    "Terrasse",
    "Viadukt",
    "Wiese",
    "Hütte",
    "Enzian",
    "Heidelbeere",
    "Kastanie",
]
HOURS = [
    "Mo-Fr 09:00-12:00,14:00-19:00; Sa 09:00-12:00; PH off",
    "Tu-Sa 07:00-12:30,14:30-19:00; Su 07:00-12:00",
    "Mo-Sa 08:30-19:30",
    "Tu-Su 10:00-18:00; PH off",
    "24/7",
    "Th-Sa 18:00-02:00",
    "Mo,We,Fr 09:00-12:00",
    "Apr-Sep: Mo-Su 10:00-19:00; Oct-Mar: Tu-Su 14:00-17:00",
]
KIND_WEIGHTS = {"place": 20, "heritage": 10, "event": 25, "shop": 35, "service": 10}


@dataclass
class Town:
    entries: list[dict]
    alerts: list[dict]
    media: dict[str, bytes]


def _image(rng: random.Random, i: int) -> bytes:
    w, h = 640, 420
    img = Image.new("RGB", (w, h), (rng.randrange(40, 200), rng.randrange(40, 200), rng.randrange(40, 200)))
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.randrange(20, 160)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    draw.rectangle((0, h - 40, w, h), fill=(20, 30, 40))
    draw.text((10, h - 30), f"synthetic image {i}", fill=(255, 255, 255))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=80)
    return out.getvalue()


def _text(rng: random.Random, words: list[str], n: int) -> str:
    return " ".join(rng.choice(words) for _ in range(n)).capitalize()


def synthetic_town(entries: int = 10_000, images: int = 2_000, *, seed: int = 1, today: dt.date | None = None) -> Town:
    rng = random.Random(seed)
    today = today or dt.date.today()
    base = dt.datetime.combine(today, dt.time(0, 0), PARIS)
    media = {}
    media_items = []
    for i in range(images):
        data = _image(rng, i)
        sha = hashlib.sha256(data).hexdigest()
        media[sha] = data
        media_items.append(
            {
                "sha256": sha,
                "mime": "image/jpeg",
                "width": 640,
                "height": 420,
                "bytes": len(data),
                "alt": {"fr": f"Image {i}"},
                "credit": "Borne synthetic",
            }
        )
    by_group: dict[str, list[str]] = {}
    for slug, cat in CATEGORIES.items():
        by_group.setdefault(cat.group, []).append(slug)
    kinds = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()), k=entries)
    out = []
    for i, kind in enumerate(kinds):
        idx = [rng.randrange(len(WORDS_FR)) for _ in range(3)]
        title = {
            "fr": " ".join(WORDS_FR[j] for j in idx).capitalize() + f" {i}",
            "en": " ".join(WORDS_EN[j] for j in idx).capitalize() + f" {i}",
            "de": " ".join(WORDS_DE[j] for j in idx) + f" {i}",
        }
        e = {
            "id": f"synth:{i}",
            "kind": kind,
            "categories": [rng.choice(by_group.get(kind, by_group["place"]))],
            "commune": "15187",
            "title": title,
            "summary": {"fr": _text(rng, WORDS_FR, 12), "en": _text(rng, WORDS_EN, 12)},
            "body": {"fr": _text(rng, WORDS_FR, 60), "en": _text(rng, WORDS_EN, 60), "de": _text(rng, WORDS_DE, 50)},
            "place": {
                "name": title["fr"],
                "street": f"{rng.randrange(1, 80)} rue {rng.choice(WORDS_FR)}",
                "postcode": "15100",
                "city": "Saint-Flour",
                "lat": 45.0338 + rng.uniform(-0.05, 0.05),
                "lon": 3.0925 + rng.uniform(-0.07, 0.07),
            },
            "featured": rng.random() < 0.02,
            "updated_at": base.isoformat(),
            "source": {"name": "Synthetic town", "licence": "CC0"},
        }
        if kind in ("shop", "service", "place"):
            e["opening_hours"] = rng.choice(HOURS)
        if kind == "event":
            start = base + dt.timedelta(days=rng.randrange(-30, 90), hours=rng.randrange(8, 22))
            e["occurrences"] = [
                {
                    "start": (start + dt.timedelta(days=7 * k)).isoformat(),
                    "end": (start + dt.timedelta(days=7 * k, hours=rng.randrange(1, 5))).isoformat(),
                }
                for k in range(rng.randrange(1, 4))
            ]
        if media_items and i % 5 == 0:
            e["media"] = [media_items[(i // 5) % len(media_items)]]
        out.append(e)
    alerts = [
        {
            "id": "synth:alert",
            "level": "info",
            "message": {"fr": "Travaux rue de Belloy"},
            "from": base.isoformat(),
            "until": (base + dt.timedelta(days=30)).isoformat(),
            "communes": [],
        }
    ]
    used = {m["sha256"] for e in out for m in e.get("media", [])}
    return Town(out, alerts, {sha: data for sha, data in media.items() if sha in used})


def main(argv=None) -> int:
    from content.bundle import write_bundle

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--images", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    town = synthetic_town(args.entries, args.images, seed=args.seed)
    manifest = write_bundle(args.out, entries=town.entries, alerts=town.alerts, media=town.media, cursor="synth")
    print(f"{args.out}: {manifest['counts']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
