"""Draw the demo town's illustrations (flat-design scenes made by the Borne team, no photos).

Run once after changing a scene, then commit the JPEGs it writes::

    .venv/bin/python -m content.demo.draw            # writes content/demo/images/*.jpg
    .venv/bin/python -m content.demo.draw --only garabit cathedrale

Every picture is drawn at twice its final size and scaled down, which smooths the edges. The
drawing is deterministic (seeded), so running it again gives the same files.
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

W, H = 1600, 1000
S = 2  # supersampling factor
IMAGES_DIR = Path(__file__).parent / "images"

Color = tuple[int, int, int]

SKIES: dict[str, tuple[Color, Color]] = {
    "day": ((120, 176, 222), (214, 232, 240)),
    "evening": ((62, 78, 140), (246, 176, 120)),
    "dawn": ((150, 170, 210), (250, 214, 180)),
    "night": ((14, 22, 52), (58, 66, 118)),
    "grey": ((150, 162, 176), (214, 218, 222)),
}
BASALT = (58, 62, 72)
BASALT_LIGHT = (92, 98, 110)
SLATE = (44, 48, 60)
STONE = (176, 160, 140)
GRASS = [(96, 140, 88), (76, 120, 74), (58, 98, 64), (44, 78, 54)]
WATER = (82, 138, 170)


def mix(a: Color, b: Color, t: float) -> Color:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


class Canvas:
    """A supersampled RGB image with helpers in final-size coordinates."""

    def __init__(self, seed: int):
        self.img = Image.new("RGB", (W * S, H * S))
        self.d = ImageDraw.Draw(self.img)
        self.rng = random.Random(seed)

    def _p(self, pts):
        return [(x * S, y * S) for x, y in pts]

    def poly(self, pts, fill):
        self.d.polygon(self._p(pts), fill=fill)

    def rect(self, x0, y0, x1, y1, fill):
        self.d.rectangle((x0 * S, y0 * S, x1 * S, y1 * S), fill=fill)

    def ellipse(self, x0, y0, x1, y1, fill):
        self.d.ellipse((x0 * S, y0 * S, x1 * S, y1 * S), fill=fill)

    def line(self, pts, fill, width):
        self.d.line(self._p(pts), fill=fill, width=round(width * S), joint="curve")

    def pieslice(self, box, start, end, fill):
        self.d.pieslice([v * S for v in box], start, end, fill=fill)

    def gradient(self, top: Color, bottom: Color, y0=0, y1=H):
        for y in range(y0 * S, y1 * S):
            t = (y - y0 * S) / max(1, (y1 - y0) * S - 1)
            self.d.line((0, y, W * S, y), fill=mix(top, bottom, t))

    def arch(self, x0, y0, x1, y1, fill):
        """A round-headed arch (door or window): rectangle topped by a half circle."""
        r = (x1 - x0) / 2
        self.ellipse(x0, y0, x1, y0 + 2 * r, fill)
        self.rect(x0, y0 + r, x1, y1, fill)

    def pointed(self, x0, y0, x1, y1, fill):
        """A Gothic pointed arch: two arcs of radius equal to the width meet at the apex (x-mid, y0)."""
        w = x1 - x0
        spring = min(y0 + w * math.sqrt(3) / 2, y1)
        pts = [(x0, y1), (x0, spring)]
        steps = 12
        for i in range(1, steps + 1):
            a = math.radians(60 * i / steps)
            pts.append((x1 - w * math.cos(a), spring - w * math.sin(a)))
        for i in range(steps - 1, -1, -1):
            a = math.radians(60 * i / steps)
            pts.append((x0 + w * math.cos(a), spring - w * math.sin(a)))
        pts.append((x1, y1))
        self.poly(pts, fill)

    def save(self, path: Path):
        out = self.img.resize((W, H), Image.LANCZOS)
        out.save(path, "JPEG", quality=85, optimize=True, progressive=True)


# --- scenery -----------------------------------------------------------------------------------


def sky(c: Canvas, mood="day", horizon=H):
    top, bottom = SKIES[mood]
    c.gradient(top, bottom, 0, horizon)
    if mood == "night":
        for _ in range(120):
            x, y = c.rng.uniform(0, W), c.rng.uniform(0, horizon * 0.7)
            r = c.rng.choice((1, 1, 1.5, 2))
            c.ellipse(x - r, y - r, x + r, y + r, (240, 240, 220))
        c.ellipse(1250, 110, 1340, 200, (246, 240, 214))
        c.ellipse(1280, 96, 1370, 186, top)
    elif mood in ("evening", "dawn"):
        sun = (255, 222, 160) if mood == "evening" else (255, 236, 200)
        c.ellipse(1120, horizon - 330, 1320, horizon - 130, sun)
    elif mood == "day":
        c.ellipse(1260, 90, 1380, 210, (255, 246, 214))
    for _ in range(c.rng.randint(2, 4)):
        cloud(c, c.rng.uniform(80, W - 200), c.rng.uniform(80, horizon * 0.45), mood)


def cloud(c: Canvas, x, y, mood):
    col = {"night": (70, 78, 128), "evening": (250, 206, 186), "grey": (232, 234, 238)}.get(mood, (250, 252, 255))
    for dx, dy, r in ((0, 0, 46), (50, -22, 58), (110, 0, 44), (60, 12, 50)):
        c.ellipse(x + dx - r, y + dy - r, x + dx + r, y + dy + r, col)
    c.rect(x - 46, y, x + 154, y + 30, col)


def ridge(c: Canvas, base, amp, color, *, peaks=5, seed_shift=0.0, volcano=False):
    """A hill line across the picture, filled down to the bottom."""
    pts = [(0, H)]
    ph = c.rng.uniform(0, 6) + seed_shift
    for i in range(0, W + 21, 20):
        t = i / W
        y = base - amp * (0.5 + 0.5 * math.sin(t * peaks * math.pi + ph)) * (0.7 + 0.3 * math.sin(t * 13 + ph))
        pts.append((i, y))
    pts.append((W, H))
    c.poly(pts, color)
    if volcano:
        # the worn cones of the Monts du Cantal: broad, flat-topped summits
        for cx in (c.rng.uniform(200, 600), c.rng.uniform(800, 1300)):
            h = c.rng.uniform(90, 150)
            c.poly([(cx - 260, base + 10), (cx - 40, base - h), (cx + 40, base - h - 6), (cx + 280, base + 10)], color)


def layered_land(c: Canvas, horizon, mood="day", volcano=True):
    far = mix(SKIES[mood][1], (90, 110, 140), 0.45)
    ridge(c, horizon - 40, 60, far, peaks=3, volcano=volcano)
    ridge(c, horizon + 20, 50, mix(far, GRASS[1], 0.5), peaks=4)
    ridge(c, horizon + 90, 40, GRASS[1] if mood != "night" else (30, 44, 50), peaks=5)


def trees(c: Canvas, n, y0, y1, color=(46, 86, 58)):
    for _ in range(n):
        x, y = c.rng.uniform(0, W), c.rng.uniform(y0, y1)
        r = c.rng.uniform(14, 30)
        c.rect(x - 3, y, x + 3, y + r * 1.2, (80, 60, 44))
        c.ellipse(x - r, y - r * 1.6, x + r, y + r * 0.4, color)


def water(c: Canvas, y0, y1=H, color=WATER):
    c.gradient(mix(color, (255, 255, 255), 0.25), color, y0, y1)
    for _ in range(40):
        x, y = c.rng.uniform(0, W), c.rng.uniform(y0 + 10, y1 - 5)
        w = c.rng.uniform(30, 120)
        c.line([(x, y), (x + w, y)], mix(color, (255, 255, 255), 0.45), 2)


def promontory(c: Canvas, top, color=BASALT):
    """The basalt spur the upper town stands on: a cliff of columns (the Orgues), a green slope below."""
    cliff = min(240, H - top - 40)
    c.rect(0, top, W, top + cliff, mix(color, (0, 0, 0), 0.2))
    x = -6
    while x < W:
        w = c.rng.uniform(22, 36)
        bottom = top + cliff - c.rng.uniform(0, 70)
        lit = mix(color, BASALT_LIGHT, c.rng.uniform(0.0, 0.7))
        c.rect(x, top, x + w * 0.65, bottom, lit)
        c.rect(x + w * 0.65, top, x + w, bottom, mix(color, (0, 0, 0), 0.3))
        x += w + 2
    slope = mix(GRASS[2], color, 0.3)
    ridge(c, top + cliff - 10, 30, slope, peaks=3)
    trees(c, 16, top + cliff + 10, min(H - 10, top + cliff + 120), mix(GRASS[3], color, 0.2))


def houses(c: Canvas, y, n=14, x0=0, x1=W, palette=((208, 196, 176), (190, 176, 158), (224, 214, 196))):
    x = x0
    while x < x1:
        w = c.rng.uniform(60, 110)
        h = c.rng.uniform(70, 130)
        col = c.rng.choice(palette)
        c.rect(x, y - h, x + w, y, col)
        c.poly([(x - 6, y - h), (x + w / 2, y - h - 40), (x + w + 6, y - h)], SLATE)
        for wx in range(int(x + 12), int(x + w - 20), 30):
            c.rect(wx, y - h + 24, wx + 14, y - h + 46, (60, 70, 84))
        x += w + 2


# --- buildings ---------------------------------------------------------------------------------


def cathedral(c: Canvas, cx, base, scale=1.0, color=BASALT):
    s = scale
    # nave and choir
    c.rect(cx - 40 * s, base - 230 * s, cx + 420 * s, base, mix(color, BASALT_LIGHT, 0.25))
    c.poly([(cx - 50 * s, base - 230 * s), (cx + 185 * s, base - 330 * s), (cx + 430 * s, base - 230 * s)], SLATE)
    for i in range(5):
        x = cx + (30 + i * 75) * s
        c.pointed(x, base - 200 * s, x + 34 * s, base - 90 * s, (234, 196, 120))
        c.rect(x + 44 * s, base - 230 * s, x + 56 * s, base - 20 * s, color)  # buttress
    # two square west towers
    for tx in (cx - 260 * s, cx - 90 * s):
        c.rect(tx, base - 420 * s, tx + 120 * s, base, color)
        c.rect(tx - 8 * s, base - 430 * s, tx + 128 * s, base - 410 * s, BASALT_LIGHT)
        for k in range(5):  # crenellation
            c.rect(tx - 8 * s + k * 30 * s, base - 446 * s, tx + 10 * s + k * 30 * s, base - 430 * s, BASALT_LIGHT)
        c.pointed(tx + 40 * s, base - 380 * s, tx + 80 * s, base - 300 * s, (30, 32, 40))
    # facade between the towers with a great portal
    c.rect(cx - 140 * s, base - 320 * s, cx - 90 * s, base, color)
    c.rect(cx - 150 * s, base - 300 * s, cx - 80 * s, base, mix(color, BASALT_LIGHT, 0.4))
    c.pointed(cx - 138 * s, base - 160 * s, cx - 92 * s, base, (36, 30, 28))


def viaduct(c: Canvas, y_deck, y_base, color=(196, 52, 44)):
    """Garabit: a lattice deck on tapering lattice piers and one great crescent arch."""
    dark = mix(color, (0, 0, 0), 0.35)
    cx, half = 800, 390

    def lattice_pier(px, top, bottom, top_w=16, bottom_w=54):
        left = [(px - top_w, top), (px - bottom_w, bottom)]
        right = [(px + top_w, top), (px + bottom_w, bottom)]
        c.line(left, color, 9)
        c.line(right, color, 9)
        n = max(2, int((bottom - top) / 55))
        for i in range(n):
            t0, t1 = i / n, (i + 1) / n
            y0, y1 = top + (bottom - top) * t0, top + (bottom - top) * t1
            w0, w1 = top_w + (bottom_w - top_w) * t0, top_w + (bottom_w - top_w) * t1
            c.line([(px - w0, y0), (px + w1, y1)], dark, 3)
            c.line([(px + w0, y0), (px - w1, y1)], dark, 3)
            c.line([(px - w1, y1), (px + w1, y1)], color, 4)

    def curve(top, k):
        return [(cx + half * k * t, top + (y_base - top) * t * t) for t in (i / 30 - 1 for i in range(61))]

    # piers on the approaches, and two standing on the arch
    for px in (110, 250, 1350, 1490):
        lattice_pier(px, y_deck, y_base + 40)
    for px in (cx - 300, cx + 300):
        t = (px - cx) / half
        lattice_pier(px, y_deck, y_deck + 8 + (y_base - y_deck - 8) * t * t, 10, 22)
    # the crescent arch: two parabolas meeting at the feet, braced between
    outer, inner = curve(y_deck + 6, 1.0), curve(y_deck + 76, 1.0)
    c.line(outer, color, 12)
    c.line(inner, color, 10)
    for i in range(0, 60, 2):
        c.line([outer[i], inner[i + 1]], dark, 4)
        c.line([inner[i + 1], outer[i + 2]], dark, 4)
    # the deck girder
    c.rect(0, y_deck - 22, W, y_deck + 6, color)
    for x in range(0, W, 26):
        c.line([(x, y_deck - 20), (x + 13, y_deck + 4)], dark, 3)
        c.line([(x + 13, y_deck + 4), (x + 26, y_deck - 20)], dark, 3)
    c.rect(0, y_deck - 26, W, y_deck - 20, dark)


def stone_bridge(c: Canvas, y_top, arches=3, color=STONE):
    x0, x1 = 180, 1420
    c.poly([(x0, y_top + 30), ((x0 + x1) / 2, y_top), (x1, y_top + 30), (x1, y_top + 330), (x0, y_top + 330)], color)
    span = (x1 - x0) / arches
    for i in range(arches):
        ax = x0 + i * span + span * 0.12
        c.arch(ax, y_top + 90, ax + span * 0.76, y_top + 360, mix(WATER, (30, 50, 60), 0.5))
    c.line([(x0, y_top + 26), ((x0 + x1) / 2, y_top - 4), (x1, y_top + 26)], mix(color, (0, 0, 0), 0.2), 10)


def facade(c: Canvas, x0, y0, x1, y1, color=(150, 140, 128), windows=(3, 3), arched_door=True):
    c.rect(x0, y0, x1, y1, color)
    c.poly([(x0 - 20, y0), ((x0 + x1) / 2, y0 - 120), (x1 + 20, y0)], SLATE)
    cols, rows = windows
    cw = (x1 - x0) / cols
    rh = (y1 - y0 - 160) / rows
    for r in range(rows):
        for k in range(cols):
            wx, wy = x0 + k * cw + cw * 0.3, y0 + 30 + r * rh
            c.rect(wx - 8, wy - 8, wx + cw * 0.4 + 8, wy + rh * 0.6 + 8, mix(color, (255, 255, 255), 0.3))
            c.rect(wx, wy, wx + cw * 0.4, wy + rh * 0.6, (60, 74, 92))
            c.rect(wx + cw * 0.2 - 3, wy, wx + cw * 0.2 + 3, wy + rh * 0.6, mix(color, (255, 255, 255), 0.3))
            c.rect(wx, wy + rh * 0.25, wx + cw * 0.4, wy + rh * 0.25 + 5, mix(color, (255, 255, 255), 0.3))
    for k in range(cols + 1):  # pilasters
        px = x0 + k * cw
        c.rect(px - 6, y0, px + 6, y1, mix(color, (255, 255, 255), 0.15))
    mid = (x0 + x1) / 2
    if arched_door:
        c.arch(mid - 50, y1 - 150, mid + 50, y1, (70, 50, 40))


def spire_church(c: Canvas, cx, base, color=(120, 118, 118)):
    c.rect(cx - 220, base - 220, cx + 200, base, color)
    c.poly([(cx - 230, base - 220), (cx - 10, base - 320), (cx + 210, base - 220)], SLATE)
    c.rect(cx - 70, base - 420, cx + 50, base, mix(color, (0, 0, 0), 0.1))
    c.poly([(cx - 80, base - 420), (cx - 10, base - 680), (cx + 60, base - 420)], SLATE)
    c.pointed(cx - 36, base - 380, cx + 16, base - 300, (40, 40, 48))
    c.pointed(cx - 40, base - 140, cx + 20, base, (60, 44, 36))
    for x in (cx - 190, cx - 130, cx + 90, cx + 150):
        c.pointed(x, base - 190, x + 34, base - 90, (226, 196, 130))


def gate(c: Canvas, cx, base, color=BASALT):
    c.rect(cx - 200, base - 460, cx + 200, base, color)
    for k in range(8):
        c.rect(cx - 210 + k * 54, base - 490, cx - 176 + k * 54, base - 460, color)
    c.arch(cx - 90, base - 290, cx + 90, base, (40, 36, 34))
    c.arch(cx - 70, base - 250, cx + 70, base, mix(SKIES["day"][1], GRASS[0], 0.4))
    c.rect(cx - 30, base - 400, cx + 30, base - 340, (30, 30, 36))
    houses(c, base, x0=0, x1=cx - 210)
    houses(c, base, x0=cx + 210, x1=W)


def ruined_castle(c: Canvas, cx, base):
    c.poly(
        [
            (cx - 360, H),
            (cx - 200, base + 40),
            (cx - 60, base),
            (cx + 120, base + 10),
            (cx + 300, base + 60),
            (cx + 420, H),
        ],
        (110, 98, 86),
    )
    col = (150, 134, 116)
    c.rect(cx - 160, base - 220, cx - 40, base + 10, col)
    c.poly([(cx - 40, base - 120), (cx + 120, base - 160), (cx + 120, base + 10), (cx - 40, base + 10)], col)
    c.rect(cx + 100, base - 300, cx + 190, base + 10, mix(col, (0, 0, 0), 0.1))
    for x in (cx - 130, cx - 80, cx + 130):
        c.arch(x, base - 170, x + 24, base - 110, (50, 46, 44))
    c.poly([(cx + 190, base - 300), (cx + 170, base - 260), (cx + 190, base - 240)], mix(SKIES["day"][1], col, 0.2))


def columns(c: Canvas, y_top, y_bottom, color=BASALT):
    """Columnar basalt: tall prisms with lit and shaded faces."""
    x = -10
    while x < W:
        w = c.rng.uniform(34, 58)
        top = y_top + c.rng.uniform(-30, 50)
        lit = mix(color, (160, 166, 178), c.rng.uniform(0.1, 0.45))
        c.poly([(x, top + 12), (x + w * 0.5, top), (x + w, top + 12), (x + w, y_bottom), (x, y_bottom)], lit)
        c.poly(
            [(x + w * 0.62, top + 8), (x + w, top + 12), (x + w, y_bottom), (x + w * 0.62, y_bottom)],
            mix(color, (0, 0, 0), 0.25),
        )
        for yy in range(int(top + 60), int(y_bottom), int(c.rng.uniform(90, 160))):
            c.line([(x, yy), (x + w, yy + 6)], mix(color, (0, 0, 0), 0.4), 2)
        x += w + 3


def interior(c: Canvas, wall=(70, 66, 70), light=(244, 214, 150)):
    c.gradient(mix(wall, (0, 0, 0), 0.3), wall)
    for x in (120, 560, 1000, 1440):
        c.rect(x - 40, 80, x + 40, H, mix(wall, (0, 0, 0), 0.25))
    for x0 in (160, 600, 1040):
        c.pointed(x0 + 40, 80, x0 + 360, 700, mix(wall, light, 0.15))
        c.pointed(x0 + 150, 180, x0 + 250, 420, light)
    c.rect(0, 860, W, H, mix(wall, (120, 100, 80), 0.5))


def crucifix(c: Canvas, cx, top, color=(28, 22, 20)):
    c.rect(cx - 12, top, cx + 12, top + 520, (96, 66, 40))
    c.rect(cx - 190, top + 90, cx + 190, top + 114, (96, 66, 40))
    c.ellipse(cx - 26, top + 40, cx + 26, top + 96, color)
    c.poly(
        [
            (cx - 170, top + 100),
            (cx + 170, top + 100),
            (cx + 40, top + 130),
            (cx + 30, top + 300),
            (cx + 20, top + 470),
            (cx - 20, top + 470),
            (cx - 30, top + 300),
            (cx - 40, top + 130),
        ],
        color,
    )


def frames(c: Canvas, y, wall):
    cols = [(170, 80, 60), (70, 110, 140), (210, 170, 90), (90, 130, 90), (120, 80, 120)]
    x = 120
    while x < W - 200:
        w, h = c.rng.uniform(160, 260), c.rng.uniform(160, 260)
        c.rect(x - 14, y - 14, x + w + 14, y + h + 14, (176, 140, 70))
        c.rect(x, y, x + w, y + h, c.rng.choice(cols))
        ridge_y = y + h * 0.6
        c.poly(
            [(x, y + h), (x, ridge_y), (x + w * 0.4, ridge_y - h * 0.25), (x + w, ridge_y), (x + w, y + h)],
            mix(c.rng.choice(cols), (0, 0, 0), 0.3),
        )
        x += w + 90
    c.rect(0, y + 420, W, H, mix(wall, (110, 80, 60), 0.6))


# --- shop and event motifs ---------------------------------------------------------------------


def awning(c: Canvas, x0, y0, x1, colors=((196, 60, 60), (246, 240, 226))):
    n = int((x1 - x0) / 60)
    for i in range(n):
        col = colors[i % 2]
        xa, xb = x0 + i * (x1 - x0) / n, x0 + (i + 1) * (x1 - x0) / n
        c.poly([(xa, y0), (xb, y0), (xb + 10, y0 + 90), (xa + 10, y0 + 90)], col)
        c.pieslice((xa + 10, y0 + 60, xb + 10, y0 + 120), 0, 180, col)


def stall(c: Canvas, x0, base, produce):
    c.rect(x0, base - 300, x0 + 12, base, (120, 90, 60))
    c.rect(x0 + 488, base - 300, x0 + 500, base, (120, 90, 60))
    awning(
        c,
        x0 - 20,
        base - 330,
        x0 + 520,
        c.rng.choice(
            (((196, 60, 60), (246, 240, 226)), ((46, 110, 150), (246, 240, 226)), ((230, 160, 40), (250, 244, 226)))
        ),
    )
    c.rect(x0 - 10, base - 120, x0 + 510, base - 40, (150, 110, 70))
    for _ in range(60):
        px, py = c.rng.uniform(x0 + 10, x0 + 490), c.rng.uniform(base - 150, base - 120)
        r = c.rng.uniform(10, 20)
        c.ellipse(px - r, py - r, px + r, py + r, c.rng.choice(produce))


def market(c: Canvas, mood="day"):
    sky(c, mood, 700)
    layered_land(c, 520, mood)
    houses(c, 700, palette=((214, 200, 180), (200, 186, 170), (226, 214, 200)))
    c.rect(0, 700, W, H, (168, 160, 150))
    fruit = [(220, 60, 50), (240, 170, 40), (110, 160, 60), (250, 220, 90), (160, 60, 110)]
    for x0 in (60, 580, 1100):
        stall(c, x0, 960, fruit)


def bakery(c: Canvas):
    c.gradient((248, 228, 196), (226, 186, 140))
    c.rect(0, 640, W, H, (140, 96, 60))
    c.rect(0, 630, W, 650, (110, 74, 46))
    crust = [(196, 132, 60), (178, 112, 48), (214, 156, 80)]
    # baguettes
    for i, y in enumerate((520, 560, 600)):
        x = 180 + i * 40
        c.ellipse(x, y, x + 820, y + 70, crust[i % 3])
        for k in range(5):
            sx = x + 100 + k * 140
            c.line([(sx, y + 22), (sx + 70, y + 44)], mix(crust[i % 3], (255, 240, 200), 0.5), 8)
    # round loaf and pastries
    c.ellipse(1060, 420, 1440, 680, crust[1])
    c.line([(1120, 520), (1380, 520)], (230, 200, 150), 10)
    c.line([(1140, 580), (1360, 580)], (230, 200, 150), 10)
    for x in (260, 520, 780):
        c.pieslice((x, 700, x + 200, 860), 180, 360, (222, 164, 70))
        c.pieslice((x + 30, 720, x + 170, 840), 180, 360, (236, 190, 100))
    c.ellipse(1100, 720, 1360, 900, (230, 228, 220))
    c.ellipse(1130, 740, 1330, 870, (140, 40, 60))


def cheese(c: Canvas):
    c.gradient((232, 236, 222), (196, 208, 186))
    c.rect(0, 620, W, H, (120, 86, 56))
    # a tall Cantal-style wheel with a wedge cut out
    c.ellipse(300, 300, 900, 420, (236, 214, 150))
    c.rect(300, 360, 900, 640, (214, 180, 110))
    c.ellipse(300, 580, 900, 700, (200, 166, 98))
    c.poly([(600, 360), (900, 360), (900, 640), (600, 640)], (250, 234, 176))
    c.ellipse(300, 300, 900, 420, (246, 228, 166))
    c.poly([(600, 360), (900, 360), (780, 330)], (250, 234, 176))
    # a smaller blue cheese and a knife
    c.ellipse(1020, 480, 1380, 560, (236, 232, 214))
    c.rect(1020, 520, 1380, 660, (226, 222, 204))
    c.ellipse(1020, 620, 1380, 700, (214, 210, 192))
    for _ in range(40):
        x, y = c.rng.uniform(1040, 1360), c.rng.uniform(540, 650)
        c.ellipse(x - 6, y - 4, x + 6, y + 4, (90, 110, 140))
    c.rect(1000, 760, 1400, 780, (190, 196, 204))
    c.rect(1400, 755, 1520, 785, (60, 40, 30))


def table_scene(c: Canvas, mood="day", drink=(90, 56, 36)):
    sky(c, mood, 600)
    layered_land(c, 420, mood)
    houses(c, 600, palette=((210, 196, 176), (196, 180, 160)))
    c.rect(0, 600, W, H, (150, 140, 132))
    awning(c, 0, 320, W, ((40, 100, 80), (240, 236, 220)))
    for tx in (300, 800, 1300):
        c.ellipse(tx - 170, 740, tx + 170, 800, (236, 232, 226))
        c.rect(tx - 10, 770, tx + 10, 960, (60, 60, 64))
        c.rect(tx - 40, 690, tx + 40, 760, (250, 250, 248))
        c.ellipse(tx - 40, 680, tx + 40, 700, drink)
        c.rect(tx + 40, 705, tx + 60, 740, (250, 250, 248))


def storefront(c: Canvas, color, awning_colors, mood="day", goods=None):
    sky(c, mood, 500)
    c.rect(0, 200, W, H, mix(color, (255, 255, 255), 0.1))
    houses(c, 200, palette=(mix(color, (255, 255, 255), 0.3),))
    c.rect(160, 360, 1440, 900, color)
    awning(c, 140, 330, 1460, awning_colors)
    c.rect(240, 480, 760, 860, (190, 214, 226))
    c.rect(880, 480, 1100, 900, (70, 50, 40))
    c.rect(1180, 480, 1380, 860, (190, 214, 226))
    if goods:
        for _ in range(26):
            x, y = c.rng.uniform(270, 730), c.rng.uniform(640, 840)
            r = c.rng.uniform(16, 30)
            c.ellipse(x - r, y - r, x + r, y + r, c.rng.choice(goods))
    c.rect(0, 900, W, H, (120, 116, 112))


def bed_scene(c: Canvas):
    c.gradient((240, 226, 206), (220, 200, 176))
    c.rect(1000, 160, 1400, 520, (130, 170, 200))
    c.rect(1000, 160, 1400, 520, (150, 190, 220))
    c.poly([(1000, 520), (1000, 400), (1120, 330), (1250, 410), (1400, 350), (1400, 520)], (70, 120, 80))
    c.rect(1000, 160, 1012, 520, (250, 250, 250))
    c.rect(1000, 330, 1400, 342, (250, 250, 250))
    c.rect(200, 420, 260, 900, (120, 80, 50))
    c.rect(200, 620, 1000, 820, (246, 244, 240))
    c.rect(280, 560, 520, 640, (250, 250, 250))
    c.rect(200, 660, 1000, 820, (90, 120, 160))
    c.rect(0, 880, W, H, (150, 110, 80))


def tent_scene(c: Canvas, mood="evening"):
    sky(c, mood, 640)
    layered_land(c, 460, mood)
    trees(c, 18, 560, 640)
    c.rect(0, 640, W, H, GRASS[0])
    c.poly([(520, 880), (800, 520), (1080, 880)], (230, 120, 50))
    c.poly([(760, 880), (800, 620), (840, 880)], (120, 60, 30))
    for x in (300, 330):
        c.line([(x, 900), (x + 40, 860)], (90, 60, 40), 10)
    c.ellipse(290, 820, 350, 880, (250, 180, 60))


def concert(c: Canvas):
    sky(c, "night", 700)
    cathedral(c, 760, 620, 0.9, (40, 44, 58))
    c.rect(0, 620, W, H, (30, 30, 40))
    c.rect(380, 620, 1220, 700, (60, 60, 70))
    for i, col in enumerate(((255, 120, 120), (120, 200, 255), (255, 230, 120))):
        x = 500 + i * 300
        c.poly([(x - 8, 60), (x + 8, 60), (x + 90, 620), (x - 90, 620)], mix(col, SKIES["night"][1], 0.7))
        c.ellipse(x - 18, 44, x + 18, 80, col)
    for x in range(420, 1200, 70):  # musicians on the stage
        c.ellipse(x, 560, x + 30, 590, (20, 20, 28))
        c.rect(x - 4, 588, x + 34, 622, (20, 20, 28))
    for x in range(20, W, 38):
        h = c.rng.uniform(60, 110)
        c.ellipse(x, H - h - 30, x + 34, H - h + 4, (12, 12, 18))
        c.rect(x - 4, H - h, x + 38, H, (12, 12, 18))


def bunting(c: Canvas, mood="day"):
    sky(c, mood, 760)
    layered_land(c, 560, mood)
    houses(c, 760)
    c.rect(0, 760, W, H, (176, 166, 150))
    cols = [(220, 60, 60), (40, 120, 200), (250, 200, 60), (60, 160, 100), (250, 250, 250)]
    for row, y in enumerate((220, 330)):
        pts = [(x, y + 40 * math.sin(x / W * math.pi)) for x in range(0, W + 1, 16)]
        c.line(pts, (80, 70, 60), 3)
        for i, x in enumerate(range(20 + row * 30, W, 70)):
            yy = y + 40 * math.sin(x / W * math.pi)
            c.poly([(x, yy), (x + 48, yy), (x + 24, yy + 60)], cols[(i + row) % len(cols)])


def lanterns(c: Canvas):
    sky(c, "night", 760)
    promontory(c, 620, (30, 34, 44))
    cathedral(c, 520, 620, 0.8, (26, 30, 40))
    for _ in range(34):
        x, y = c.rng.uniform(40, W - 40), c.rng.uniform(60, 380)
        col = c.rng.choice(((255, 200, 100), (255, 170, 90), (255, 226, 150)))
        r = c.rng.uniform(9, 20)
        c.ellipse(x - r * 2, y - r * 2, x + r * 2, y + r * 2.2, mix(SKIES["night"][1], col, 0.25))
        c.poly([(x - r * 0.8, y - r * 1.2), (x + r * 0.8, y - r * 1.2), (x + r * 0.6, y + r * 1.2),
                (x - r * 0.6, y + r * 1.2)], col)  # fmt: skip
        c.rect(x - r * 0.6, y + r * 1.0, x + r * 0.6, y + r * 1.3, mix(col, (255, 255, 255), 0.6))


# --- the scenes --------------------------------------------------------------------------------


def s_cathedrale(c, mood="day"):
    sky(c, mood, 640)
    layered_land(c, 560, mood)
    promontory(c, 640)
    houses(c, 640, palette=((122, 122, 126), (140, 136, 130), (110, 112, 118)))
    cathedral(c, 700, 650, 1.05)


def s_christ(c):
    interior(c)
    crucifix(c, 800, 220)


def s_maison_consulaire(c):
    sky(c, "day", 300)
    c.rect(0, 200, W, H, (120, 118, 116))
    facade(c, 300, 260, 1300, 920, (154, 146, 134), (4, 2))
    c.rect(0, 920, W, H, (110, 106, 100))


def s_palais(c):
    sky(c, "dawn", 300)
    c.rect(0, 200, W, H, (112, 110, 108))
    facade(c, 120, 300, 1480, 900, (170, 162, 150), (6, 2))
    c.rect(0, 900, W, H, (150, 146, 140))
    for x in range(40, W, 60):
        c.ellipse(x, 930, x + 40, 950, (120, 116, 110))


def s_halle(c):
    sky(c, "day", 400)
    c.rect(0, 300, W, H, (120, 116, 112))
    c.rect(250, 300, 1350, 920, (96, 98, 104))
    c.poly([(230, 300), (800, 120), (1370, 300)], SLATE)
    c.ellipse(640, 340, 960, 660, (70, 72, 80))
    for k in range(12):  # rose window petals
        a = k * math.pi / 6
        x, y = 800 + 110 * math.cos(a), 500 + 110 * math.sin(a)
        c.ellipse(x - 36, y - 36, x + 36, y + 36, ((230, 80, 60), (60, 120, 200), (240, 200, 80))[k % 3])
    c.ellipse(760, 460, 840, 540, (240, 230, 200))
    c.pointed(700, 720, 900, 920, (50, 40, 36))
    for x in (320, 1150):
        c.pointed(x, 420, x + 130, 700, (230, 200, 130))


def s_orgues(c, mood="evening"):
    sky(c, mood, 420)
    layered_land(c, 380, mood, volcano=False)
    houses(c, 300, palette=((120, 120, 124), (140, 136, 130)))
    columns(c, 300, H)


def s_pont_vieux(c):
    sky(c, "day", 560)
    layered_land(c, 420, "day")
    promontory(c, 380)
    cathedral(c, 1080, 390, 0.5)
    trees(c, 20, 560, 640)
    water(c, 700)
    stone_bridge(c, 520, 3)


def s_garabit(c, mood="day"):
    sky(c, mood, 620)
    ridge(c, 560, 120, mix(SKIES[mood][1], (60, 90, 110), 0.5), peaks=2)
    ridge(c, 660, 160, GRASS[2], peaks=2)
    water(c, 800)
    viaduct(c, 300, 800)
    ridge(c, 900, 30, GRASS[3], peaks=1)


def s_sainte_christine(c):
    sky(c, "dawn", 700)
    layered_land(c, 560, "dawn")
    houses(c, 860, x0=0, x1=480)
    houses(c, 860, x0=1120, x1=W)
    spire_church(c, 800, 860)
    c.rect(0, 860, W, H, (140, 134, 126))


def s_saint_vincent(c):
    sky(c, "grey", 600)
    c.rect(0, 300, W, H, (104, 104, 108))
    c.rect(260, 360, 1340, 900, (86, 88, 96))
    c.poly([(240, 360), (800, 200), (1360, 360)], SLATE)
    for x in (330, 580, 830, 1080):
        c.pointed(x, 420, x + 150, 800, (210, 180, 130))
        c.rect(x + 170, 360, x + 200, 900, (70, 72, 80))
    c.rect(0, 900, W, H, (126, 122, 118))


def s_gate(c):
    sky(c, "day", 900)
    layered_land(c, 700)
    gate(c, 800, 900)
    c.rect(0, 900, W, H, (120, 116, 110))


def s_remparts(c):
    sky(c, "evening", 640)
    layered_land(c, 560, "evening")
    promontory(c, 520)
    houses(c, 520, palette=((118, 118, 122), (134, 130, 126)))
    trees(c, 12, 820, 980, GRASS[2])
    c.line([(300, H), (620, 860), (980, 800), (1300, 760)], (150, 140, 124), 26)


def s_alleuze(c):
    sky(c, "dawn", 620)
    layered_land(c, 520, "dawn")
    water(c, 820)
    ruined_castle(c, 760, 540)


def s_museum(c, wall=(176, 60, 56)):
    c.gradient(mix(wall, (0, 0, 0), 0.2), wall)
    frames(c, 220, wall)


def s_viewpoint(c, mood="evening"):
    sky(c, mood, 620)
    layered_land(c, 500, mood)
    houses(c, 760, palette=((214, 200, 180), (196, 182, 166)))
    trees(c, 16, 700, 780)
    c.rect(0, 800, W, H, (70, 72, 80))
    for x in range(0, W, 80):
        c.rect(x, 760, x + 12, 900, (40, 40, 46))
    c.rect(0, 760, W, 776, (40, 40, 46))


def s_stairs(c):
    sky(c, "day", 500)
    layered_land(c, 420)
    c.rect(0, 480, W, H, GRASS[1])
    for i in range(14):
        y = 480 + i * 38
        x0, x1 = 560 - i * 26, 1040 + i * 26
        c.rect(x0, y, x1, y + 38, mix(STONE, BASALT, 0.6 - i * 0.03))
        c.rect(x0, y + 30, x1, y + 38, mix(BASALT, (0, 0, 0), 0.3))
    trees(c, 14, 500, 980, GRASS[3])


def s_lake(c, mood="day"):
    sky(c, mood, 560)
    layered_land(c, 500, mood)
    trees(c, 22, 520, 600, GRASS[3])
    water(c, 600)
    c.poly([(900, 760), (1120, 760), (1080, 800), (940, 800)], (240, 236, 226))
    c.poly([(1010, 560), (1010, 750), (1100, 750)], (250, 250, 250))
    c.line([(1010, 560), (1010, 760)], (80, 70, 60), 4)


def s_planeze(c, mood="day"):
    sky(c, mood, 620)
    layered_land(c, 520, mood)
    c.rect(0, 720, W, H, GRASS[0])
    for y in range(740, H, 40):
        c.line([(0, y), (W, y + 20)], mix(GRASS[0], (240, 220, 120), 0.25), 6)
    trees(c, 8, 660, 760)
    c.line([(200, H), (700, 760), (760, 720)], (200, 186, 150), 18)


def s_river_walk(c):
    sky(c, "day", 520)
    layered_land(c, 460)
    trees(c, 30, 500, 620)
    water(c, 640)
    ridge(c, 900, 30, GRASS[2], peaks=2)
    trees(c, 10, 920, 990, GRASS[3])


def s_station(c):
    sky(c, "day", 600)
    layered_land(c, 500)
    c.rect(200, 420, 1400, 760, (224, 210, 186))
    c.poly([(180, 420), (800, 320), (1420, 420)], SLATE)
    for x in range(280, 1380, 160):
        c.arch(x, 500, x + 80, 740, (80, 96, 120))
    c.rect(0, 760, W, H, (130, 126, 120))


def s_square(c, mood="day"):
    sky(c, mood, 700)
    houses(c, 700, palette=((120, 120, 124), (150, 144, 136), (170, 160, 146)))
    c.rect(0, 700, W, H, (150, 146, 140))
    for x in range(0, W, 60):
        c.line([(x, 700), (x - 300, H)], (130, 126, 120), 3)
    for x in (200, 600, 1000, 1400):
        c.arch(x, 560, x + 120, 700, (60, 60, 66))


SCENES: dict[str, Callable[[Canvas], None]] = {
    "cathedrale.jpg": s_cathedrale,
    "cathedrale-soir.jpg": lambda c: s_cathedrale(c, "evening"),
    "christ-noir.jpg": s_christ,
    "maison-consulaire.jpg": s_maison_consulaire,
    "palais-episcopal.jpg": s_palais,
    "halle-aux-bleds.jpg": s_halle,
    "orgues.jpg": s_orgues,
    "pont-vieux.jpg": s_pont_vieux,
    "garabit.jpg": s_garabit,
    "garabit-soir.jpg": lambda c: s_garabit(c, "evening"),
    "sainte-christine.jpg": s_sainte_christine,
    "saint-vincent.jpg": s_saint_vincent,
    "porte.jpg": s_gate,
    "remparts.jpg": s_remparts,
    "alleuze.jpg": s_alleuze,
    "musee-rouge.jpg": s_museum,
    "musee-bleu.jpg": lambda c: s_museum(c, (52, 84, 120)),
    "terrasse.jpg": s_viewpoint,
    "chemin-des-chevres.jpg": s_stairs,
    "lac.jpg": s_lake,
    "planeze.jpg": s_planeze,
    "planeze-soir.jpg": lambda c: s_planeze(c, "evening"),
    "ander.jpg": s_river_walk,
    "place-armes.jpg": s_square,
    "gare.jpg": s_station,
    "marche.jpg": market,
    "boulangerie.jpg": bakery,
    "fromagerie.jpg": cheese,
    "terrasse-cafe.jpg": table_scene,
    "restaurant-soir.jpg": lambda c: table_scene(c, "evening", (120, 30, 50)),
    "boutique-bleue.jpg": lambda c: storefront(c, (52, 92, 130), ((240, 236, 220), (52, 92, 130))),
    "epicerie.jpg": lambda c: storefront(
        c, (150, 70, 50), ((230, 160, 40), (250, 244, 226)), "day", [(220, 60, 50), (240, 170, 40), (110, 160, 60)]
    ),
    "chambre.jpg": bed_scene,
    "camping.jpg": tent_scene,
    "concert.jpg": concert,
    "fete.jpg": bunting,
    "nuit-lumieres.jpg": lanterns,
}


def draw(name: str, out_dir: Path = IMAGES_DIR) -> Path:
    seed = sum(ord(ch) * (i + 1) for i, ch in enumerate(name))
    canvas = Canvas(seed)
    SCENES[name](canvas)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / name
    canvas.save(path)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="scene file names (default: every scene)")
    parser.add_argument("--out", type=Path, default=IMAGES_DIR)
    args = parser.parse_args(argv)
    names = [n if n.endswith(".jpg") else n + ".jpg" for n in args.only] if args.only else list(SCENES)
    total = 0
    for name in names:
        path = draw(name, args.out)
        total += path.stat().st_size
        print(f"{path.name:28} {path.stat().st_size // 1024:5} KiB")
    print(f"{len(names)} images, {total // 1024} KiB")


if __name__ == "__main__":
    main()
