"""Writes ``town.osm``: the demo town's hand-drawn street network around Saint-Flour's upper and lower town.

Run it again after editing the streets below (``python -m content.demo.map.make_town``): it writes
``town.osm``, which ``serve --demo`` and the tests read through the same importer as a real extract,
and ``town.map.gz``, what that importer makes of it, for the kiosk's own demo (a kiosk has no osmium). The
streets are drawn by hand at plausible places, not traced from any map; the buildings are laid out
along the blocks by :func:`_houses`.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

HERE = Path(__file__).resolve().parent
#: What the importer makes of town.osm: the kiosk's demo reads it (no osmium on a kiosk).
BLOB = HERE / "town.map.gz"
#: The area the demo map covers (south, west, north, east) and the demo kiosk's place and facing.
BBOX = (45.0262, 3.0880, 45.0425, 3.1080)
KIOSK = {"lat": 45.03345, "lon": 3.09405, "facing": 80}

# name, highway, extra tags, [(lat, lon), …]. A street's end drawn within a few metres of another
# street is moved onto it and joins it (see _joined), so the junctions need not be typed twice.
STREETS = [
    # the upper town, on the rock
    (
        "Allées Georges-Pompidou",
        "tertiary",
        {},
        [
            (45.0320, 3.0905),
            (45.0327, 3.0906),
            (45.0333, 3.0904),
            (45.0338, 3.0904),
            (45.0343, 3.0906),
            (45.0350, 3.0906),
        ],
    ),
    (
        "Cours Spy-des-Ternes",
        "tertiary",
        {},
        [(45.0350, 3.0906), (45.03525, 3.0918), (45.0353, 3.0932), (45.0351, 3.0944), (45.0347, 3.0951)],
    ),
    (
        "Boulevard du Docteur-Louis-Mallet",
        "tertiary",
        {},
        [
            (45.0320, 3.0905),
            (45.03175, 3.0918),
            (45.0317, 3.0932),
            (45.0319, 3.0941),
            (45.0324, 3.0947),
            (45.0329, 3.0950),
        ],
    ),
    ("Rue de Belloy", "residential", {}, [(45.0338, 3.0904), (45.0338, 3.0915), (45.0338, 3.0925), (45.0338, 3.0940)]),
    (
        "Rue Marchande",
        "living_street",
        {},
        [(45.0333, 3.0904), (45.0333, 3.0915), (45.0333, 3.0925), (45.0334, 3.0940)],
    ),
    ("Rue des Lacs", "residential", {}, [(45.0327, 3.0906), (45.0327, 3.0915), (45.0327, 3.0925), (45.0329, 3.0945)]),
    (
        "Rue du Collège",
        "residential",
        {},
        [
            (45.03172, 3.0925),
            (45.0322, 3.0925),
            (45.0327, 3.0925),
            (45.0333, 3.0925),
            (45.0338, 3.0925),
            (45.0343, 3.0925),
            (45.03528, 3.0925),
        ],
    ),
    (
        "Rue de la Frauze",
        "living_street",
        {},
        [(45.0327, 3.0915), (45.0333, 3.0915), (45.0338, 3.0915), (45.0343, 3.0915), (45.03526, 3.0915)],
    ),
    (
        "Rue des Jacobins",
        "residential",
        {},
        [(45.0343, 3.0906), (45.0343, 3.0915), (45.0343, 3.0925), (45.0343, 3.0940), (45.0347, 3.0951)],
    ),
    ("Rue Sorel", "living_street", {}, [(45.03275, 3.0930), (45.0331, 3.0933), (45.0334, 3.0940)]),
    (
        "Rue de la Collégiale",
        "footway",
        {},
        [(45.0334, 3.0940), (45.0338, 3.0940), (45.0343, 3.0940), (45.0352, 3.0939)],
    ),
    (
        "Rue du Thuile",
        "living_street",
        {},
        [(45.0333, 3.0915), (45.0330, 3.0913), (45.0326, 3.0909), (45.0322, 3.09045)],
    ),
    ("Place de la Halle", "pedestrian", {}, [(45.0333, 3.0928), (45.0336, 3.0928), (45.0338, 3.0931)]),
    ("Rue du Breuil", "footway", {}, [(45.0317, 3.0937), (45.0323, 3.0938), (45.03284, 3.0938)]),
    ("Ruelle des Tanneries", "footway", {}, [(45.0322, 3.0925), (45.0322, 3.0912), (45.03215, 3.0906)]),
    ("Impasse du Rocher", "footway", {}, [(45.0347, 3.0932), (45.0343, 3.0932)]),
    ("Passage de la Halle", "footway", {}, [(45.0343, 3.0931), (45.0338, 3.0931)]),
    ("Place d'Armes", "pedestrian", {}, [(45.0334, 3.0940), (45.0335, 3.0946), (45.0337, 3.0952)]),
    ("Place d'Armes", "pedestrian", {}, [(45.0334, 3.0940), (45.0332, 3.0947), (45.0333, 3.0951)]),
    (
        "Rue de la Cathédrale",
        "pedestrian",
        {},
        [(45.0329, 3.0945), (45.0329, 3.0950), (45.0333, 3.0951), (45.0337, 3.0952)],
    ),
    ("Parvis de la Cathédrale", "pedestrian", {}, [(45.0337, 3.0952), (45.03395, 3.0952), (45.0339, 3.0957)]),
    (
        "Promenade des Roches",
        "footway",
        {},
        [(45.0329, 3.0950), (45.0333, 3.0957), (45.0339, 3.0957), (45.0345, 3.0954), (45.0347, 3.0951)],
    ),
    # down from the rock: the steps on both sides, the road round it
    (
        "Chemin des Chèvres",
        "steps",
        {"wheelchair": "no"},
        [(45.0339, 3.0957), (45.0343, 3.0963), (45.0350, 3.0972), (45.0355, 3.0985), (45.0360, 3.1000)],
    ),
    ("Sentier des Orgues", "path", {}, [(45.0345, 3.0954), (45.0349, 3.0959), (45.0351, 3.0964)]),
    (
        "Escaliers de la Vigne",
        "steps",
        {"wheelchair": "no"},
        [(45.0319, 3.0941), (45.0313, 3.0946), (45.0307, 3.0952), (45.0302, 3.0957)],
    ),
    (
        "Côte de Sainte-Christine",
        "secondary",
        {},
        [
            (45.0320, 3.0905),
            (45.0310, 3.0915),
            (45.0302, 3.0935),
            (45.0299, 3.0950),
            (45.0298, 3.0958),
            (45.0296, 3.0985),
            (45.0292, 3.1010),
        ],
    ),
    (
        "Rue Sainte-Christine",
        "residential",
        {},
        [(45.0299, 3.0950), (45.0302, 3.0957), (45.0303, 3.0966), (45.0298, 3.0972)],
    ),
    (
        "Rue du Pont-Vieux",
        "secondary",
        {},
        [(45.0292, 3.1010), (45.0310, 3.1006), (45.0335, 3.1003), (45.0360, 3.1000)],
    ),
    (
        "Chemin de l'Ander",
        "footway",
        {},
        [(45.0298, 3.0972), (45.0304, 3.0975), (45.0310, 3.0985), (45.0312, 3.0995), (45.0310, 3.1006)],
    ),
    ("Chemin de la Rivière", "track", {}, [(45.0292, 3.1010), (45.0283, 3.1004), (45.0275, 3.0998), (45.0267, 3.0995)]),
    # the lower town
    (
        "Rue du Faubourg",
        "residential",
        {},
        [
            (45.0360, 3.1000),
            (45.0368, 3.1012),
            (45.0375, 3.1025),
            (45.0382, 3.1038),
            (45.0390, 3.1050),
            (45.0397, 3.1061),
        ],
    ),
    (
        "Avenue de la République",
        "tertiary",
        {},
        [(45.0360, 3.1000), (45.0372, 3.1000), (45.0388, 3.1002), (45.0405, 3.1005), (45.0412, 3.1008)],
    ),
    ("Rue des Orgues", "residential", {}, [(45.0372, 3.1000), (45.0370, 3.1018), (45.0368, 3.1035)]),
    (
        "Avenue du Commandant-Delorme",
        "residential",
        {},
        [(45.0368, 3.1035), (45.0377, 3.1041), (45.0385, 3.1046), (45.0390, 3.1050)],
    ),
    (
        "Rue de la Liberté",
        "residential",
        {},
        [(45.0388, 3.1002), (45.0385, 3.1020), (45.0382, 3.1038), (45.0380, 3.1052)],
    ),
    (
        "Boulevard du Pont",
        "residential",
        {},
        [(45.0365, 3.1048), (45.0380, 3.1052), (45.0390, 3.1050), (45.0405, 3.1052), (45.0412, 3.1062)],
    ),
    ("Rue de Lyon", "residential", {}, [(45.0405, 3.1005), (45.0405, 3.1030), (45.0405, 3.1052)]),
    ("Rue des Tanneurs", "residential", {}, [(45.0375, 3.1025), (45.0368, 3.1035), (45.0365, 3.1048)]),
    ("Passage de la Poste", "footway", {}, [(45.0360, 3.1000), (45.0360, 3.1010), (45.0368, 3.1012)]),
]
SQUARES = [
    ("Place d'Armes", [(45.0331, 3.0938), (45.0332, 3.0950), (45.0339, 3.0951), (45.0339, 3.0939)]),
    ("Place de la Liberté", [(45.0383, 3.1000), (45.0383, 3.1008), (45.0391, 3.1008), (45.0391, 3.1001)]),
]
RIVER = [
    (45.0282, 3.0920),
    (45.0288, 3.0960),
    (45.0290, 3.1000),
    (45.0300, 3.1015),
    (45.0330, 3.1015),
    (45.0360, 3.1022),
    (45.0385, 3.1068),
    (45.0420, 3.1078),
]
PARKS = [
    ("Jardin de l'Ander", [(45.0304, 3.0975), (45.0307, 3.0998), (45.0316, 3.0998), (45.0314, 3.0975)]),
    ("Jardin des Roches", [(45.0340, 3.0958), (45.0349, 3.0966), (45.0346, 3.0955)]),
]
WATER = [[(45.0294, 3.1040), (45.0294, 3.1060), (45.0305, 3.1062), (45.0306, 3.1042)]]
# Blocks (south, west, north, east) filled with houses along their edges.
BLOCKS = [
    (45.03285, 3.09065, 45.03318, 3.09138),
    (45.03285, 3.09162, 45.03318, 3.09238),
    (45.03338, 3.09065, 45.03370, 3.09138),
    (45.03338, 3.09162, 45.03370, 3.09238),
    (45.03388, 3.09065, 45.03420, 3.09138),
    (45.03388, 3.09162, 45.03420, 3.09238),
    (45.03390, 3.09262, 45.03420, 3.09385),
    (45.03285, 3.09262, 45.03312, 3.09305),
    (45.03230, 3.09262, 45.03258, 3.09420),
    (45.03435, 3.09080, 45.03470, 3.09238),
    (45.03435, 3.09262, 45.03460, 3.09480),
    (45.03735, 3.10025, 45.03860, 3.10150),
    (45.03900, 3.10030, 45.04030, 3.10150),
    (45.03900, 3.10200, 45.04030, 3.10480),
    (45.03720, 3.10200, 45.03810, 3.10330),
    (45.03620, 3.10040, 45.03680, 3.10120),
]
CATHEDRAL = [(45.03340, 3.09525), (45.03340, 3.09575), (45.03385, 3.09575), (45.03385, 3.09525)]


def _houses(block):
    """Terraced houses along the four edges of a block, each ~10 m wide and 10 m deep."""
    s, w, n, e = block
    d_lat, d_lon = 0.00009, 0.000127  # about 10 m each way
    out = []
    lon = w
    while lon + d_lon <= e + 1e-9:
        out.append([(s, lon), (s, lon + d_lon), (s + d_lat, lon + d_lon), (s + d_lat, lon)])
        out.append([(n - d_lat, lon), (n - d_lat, lon + d_lon), (n, lon + d_lon), (n, lon)])
        lon += d_lon * 1.05
    lat = s + d_lat * 1.1
    while lat + d_lat <= n - d_lat * 1.1 + 1e-9:
        out.append([(lat, w), (lat, w + d_lon), (lat + d_lat, w + d_lon), (lat + d_lat, w)])
        out.append([(lat, e - d_lon), (lat, e), (lat + d_lat, e), (lat + d_lat, e - d_lon)])
        lat += d_lat * 1.05
    return out


class _Writer:
    def __init__(self):
        self.nodes: dict[tuple[float, float], int] = {}
        self.ways: list[tuple[list[int], dict[str, str]]] = []

    def node(self, lat, lon):
        key = (round(lat, 7), round(lon, 7))
        if key not in self.nodes:
            self.nodes[key] = len(self.nodes) + 1
        return self.nodes[key]

    def way(self, points, tags, *, closed=False):
        refs = [self.node(*p) for p in points]
        if closed:
            refs.append(refs[0])
        self.ways.append((refs, tags))

    def xml(self) -> str:
        lines = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<osm version="0.6" generator="borne demo town (hand-made)">',
        ]
        s, w, n, e = BBOX
        lines.append(f'  <bounds minlat="{s}" minlon="{w}" maxlat="{n}" maxlon="{e}"/>')
        for (lat, lon), nid in self.nodes.items():
            lines.append(f'  <node id="{nid}" version="1" lat="{lat}" lon="{lon}"/>')
        for wid, (refs, tags) in enumerate(self.ways, 1):
            lines.append(f'  <way id="{wid}" version="1">')
            lines += [f'    <nd ref="{r}"/>' for r in refs]
            lines += [f"    <tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items()]
            lines.append("  </way>")
        lines.append("</osm>")
        return "\n".join(lines) + "\n"


def _joined(streets, reach_m: float = 8.0):
    """The streets with each end that falls within ``reach_m`` of another street moved onto it, and
    that point added to the other street, so that the two share a node (a junction)."""
    kx, ky = 78_700.0, 111_195.0  # metres per degree of longitude and latitude at 45° N
    lines = [list(points) for _name, _hw, _extra, points in streets]
    for i, line in enumerate(lines):
        for end in (0, -1):
            lat, lon = line[end]
            best = None
            for j, other in enumerate(lines):
                if j == i:
                    continue
                for k in range(len(other) - 1):
                    (alat, alon), (blat, blon) = other[k], other[k + 1]
                    ax, ay, bx, by = alon * kx, alat * ky, blon * kx, blat * ky
                    px, py = lon * kx, lat * ky
                    dx, dy = bx - ax, by - ay
                    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / ((dx * dx + dy * dy) or 1e-9)))
                    d = ((ax + t * dx - px) ** 2 + (ay + t * dy - py) ** 2) ** 0.5
                    if d <= reach_m and (best is None or d < best[0]):
                        best = (d, j, k, t)
            if best is None:
                continue
            _d, j, k, t = best
            other = lines[j]
            if t < 0.05 or t > 0.95:  # next to one of its points: join there
                line[end] = other[k if t < 0.5 else k + 1]
                continue
            (alat, alon), (blat, blon) = other[k], other[k + 1]
            at = (round(alat + t * (blat - alat), 7), round(alon + t * (blon - alon), 7))
            line[end] = at
            other.insert(k + 1, at)
    return [(name, hw, extra, line) for (name, hw, extra, _points), line in zip(streets, lines, strict=True)]


def town_osm() -> str:
    out = _Writer()
    for name, highway, extra, points in _joined(STREETS):
        tags = {"highway": highway, **extra}
        if name:
            tags["name"] = name
        out.way(points, tags)
    for name, points in SQUARES:
        out.way(points, {"place": "square", "name": name}, closed=True)
    out.way(RIVER, {"waterway": "river", "name": "L'Ander"})
    for name, points in PARKS:
        out.way(points, {"leisure": "park", "name": name}, closed=True)
    for points in WATER:
        out.way(points, {"natural": "water"}, closed=True)
    out.way(CATHEDRAL, {"building": "cathedral", "name": "Cathédrale Saint-Pierre"}, closed=True)
    for block in BLOCKS:
        for house in _houses(block):
            out.way(house, {"building": "yes"}, closed=True)
    return out.xml()


def town_blob() -> bytes:
    """The map blob the importer (content.osm, which needs osmium) makes of ``town.osm``."""
    from content import geo, osm

    data = osm.import_file(HERE / "town.osm", BBOX, source="demo town (hand-made)")
    data["generated_at"] = "2026-01-01T00:00:00+00:00"  # the same blob every time: no new hash per build
    return geo.encode(data)


if __name__ == "__main__":
    (HERE / "town.osm").write_text(town_osm(), encoding="utf-8")
    BLOB.write_bytes(town_blob())
