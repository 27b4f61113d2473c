"""Bar charts as inline SVG, drawn on the server: no JavaScript, no CDN, prints as it shows.

Every label is escaped; the chart carries a ``<title>`` and ``role="img"`` for screen readers.
"""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe

from backoffice.dashboard.numbers import fr_int

BLUE = "#1f5fa8"
LIGHT = "#a9c3e3"
GRID = "#dfe3e8"
TEXT = "#2b3137"
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'


def _nice_max(value: int) -> int:
    """A round top for the axis: 1, 2, 2.5 or 5 times a power of ten, at least ``value``."""
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 <= value:
        magnitude *= 10
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return 10 * magnitude


def columns(
    points: list[tuple[str, int]],
    *,
    title: str,
    width: int = 760,
    height: int = 240,
    highlight: set[int] | None = None,
    label_every: int = 1,
    show_values: bool = True,
) -> SafeString:
    """Vertical bars: ``points`` are ``(label, value)``; ``highlight`` (indexes) are drawn lighter
    (weekends). Values are written above the bars when they fit."""
    left, right, top, bottom = 46, 8, 22, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_max(max((v for _l, v in points), default=0))
    n = max(len(points), 1)
    slot = plot_w / n
    bar = max(slot * 0.72, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'class="chart" {FONT}><title>{escape(title)}</title>'
    ]
    for i in range(5):
        value = peak * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{TEXT}">'
            f"{fr_int(round(value))}</text>"
        )
    fits = show_values and slot >= 22
    for i, (label, value) in enumerate(points):
        h = plot_h * value / peak
        x = left + i * slot + (slot - bar) / 2
        y = top + plot_h - h
        color = LIGHT if highlight and i in highlight else BLUE
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{color}" rx="2">'
            f"<title>{escape(label)} : {fr_int(value)}</title></rect>"
        )
        if fits and value:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="11" '
                f'fill="{TEXT}">{fr_int(value)}</text>'
            )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 17}" text-anchor="middle" font-size="12" '
                f'fill="{TEXT}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def rows(
    items: list[tuple[str, int]], *, title: str, width: int = 760, bar_h: int = 26, label_w: int = 300
) -> SafeString:
    """Horizontal bars, biggest first as given: a label on the left, the number at the bar's end."""
    if not items:
        return mark_safe(f'<p class="empty">{escape(title)} : aucune donnée pour cette période.</p>')
    gap = 8
    height = len(items) * (bar_h + gap) + gap
    peak = max(v for _l, v in items) or 1
    plot_w = width - label_w - 70
    budget = max(int((label_w - 14) / (15 * 0.55)), 8)  # characters that fit left of the bars
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'class="chart" {FONT}><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_h + gap)
        w = max(plot_w * value / peak, 2 if value else 0)
        shown = label if len(label) <= budget else label[: budget - 1].rstrip() + "…"
        parts.append(
            f'<text x="{label_w - 10}" y="{y + bar_h * 0.68:.1f}" text-anchor="end" font-size="15" '
            f'fill="{TEXT}">{escape(shown)}<title>{escape(label)}</title></text>'
        )
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{BLUE}" rx="3"/>')
        parts.append(
            f'<text x="{label_w + w + 8:.1f}" y="{y + bar_h * 0.68:.1f}" font-size="15" font-weight="600" '
            f'fill="{TEXT}">{fr_int(value)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
