"""Figures for the council from the kiosks' usage counters (``fleet.UsageCounter``).

A *view* is one screen shown to a visitor: every counter except the attract loop's (``attract``, the
screen a kiosk shows when nobody touches it). Days and weeks are counted in the town's time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from babel import Locale
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncDate

from backoffice.catalog.models import KIND_LABELS, Entry
from backoffice.dashboard.period import Comparison, Period, comparison
from backoffice.fleet.models import Kiosk, UsageCounter
from content import categories

IDLE_SCREENS = ("attract",)
TOP = 10
WEEKS = 12

KIND_NAMES_FR = {
    "place": "À voir, à faire",
    "heritage": "Patrimoine",
    "event": "Agenda",
    "shop": "Commerces",
    "service": "Infos pratiques",
    "food": "Se restaurer",
    "stay": "Se loger",
}
SCREEN_NAMES_FR = {
    "home": "Accueil",
    "list": "Listes",
    "detail": "Fiches",
    "search": "Recherche",
    "settings": "Réglages",
    "map": "Plan",
    "maintenance": "Maintenance",
}


def town_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = town_tz()
    return dt.datetime.combine(start, dt.time(), tz), dt.datetime.combine(end, dt.time(), tz)


def views(kiosk: Kiosk | None = None) -> QuerySet:
    qs = UsageCounter.objects.exclude(screen__in=IDLE_SCREENS)
    return qs.filter(kiosk=kiosk) if kiosk is not None else qs


def between(qs: QuerySet, start: dt.date, end: dt.date) -> QuerySet:
    """Counters of the local days ``start`` (included) to ``end`` (excluded)."""
    lo, hi = _bounds(start, end)
    return qs.filter(hour__gte=lo, hour__lt=hi)


def by_day(qs: QuerySet) -> dict[dt.date, int]:
    rows = qs.annotate(day=TruncDate("hour", tzinfo=town_tz())).values("day").annotate(n=Sum("n"))
    return {row["day"]: row["n"] for row in rows}


def category_label(slug: str) -> str:
    if slug in categories.CATEGORIES:
        return categories.CATEGORIES[slug].name("fr")
    return KIND_NAMES_FR.get(slug) or str(KIND_LABELS.get(slug, slug)).capitalize()


def screen_label(code: str) -> str:
    return SCREEN_NAMES_FR.get(code) or ("Écran de veille" if code in IDLE_SCREENS else code)


def language_label(code: str) -> str:
    if not code:
        return "Non précisée"
    name = Locale("fr").languages.get(code)
    return name.capitalize() if name else code


def entry_titles(ids: list[str]) -> dict[str, str]:
    """Entry ids as the kiosk counts them (``bo:12``, ``datatourisme:…``) to their French titles."""
    titles = {}
    keys = [i for i in ids if not i.startswith("bo:")]
    pks = [int(i[3:]) for i in ids if i.startswith("bo:") and i[3:].isdigit()]
    for entry in Entry.objects.filter(key__in=keys).only("key", "title"):
        titles[entry.key] = entry.title.get("fr") or entry.key
    for entry in Entry.objects.filter(pk__in=pks, key__isnull=True).only("pk", "title"):
        titles[f"bo:{entry.pk}"] = entry.title.get("fr") or f"bo:{entry.pk}"
    return titles


@dataclass
class Summary:
    period: Period
    kiosk: Kiosk | None
    total: int = 0
    details: int = 0
    searches: int = 0
    comparison: Comparison | None = None
    today: dt.date | None = None
    compared_total: int = 0  # the period's views over the compared days
    previous_total: int = 0  # the previous period's views over as many days
    days: list[tuple[dt.date, int]] = field(default_factory=list)
    weeks: list[tuple[dt.date, int]] = field(default_factory=list)
    top_entries: list[tuple[str, str, int]] = field(default_factory=list)
    top_categories: list[tuple[str, str, int]] = field(default_factory=list)
    languages: list[tuple[str, str, int]] = field(default_factory=list)
    screens: list[tuple[str, str, int]] = field(default_factory=list)
    kiosks: list[tuple[str, int]] = field(default_factory=list)

    @property
    def per_day(self) -> float:
        """Views per day over the days that have begun (a period not over yet is not divided by its future)."""
        begun = [d for d, _n in self.days if self.today is None or d <= self.today]
        return self.total / len(begun) if begun else 0.0

    @property
    def busiest(self) -> tuple[dt.date, int] | None:
        best = max(self.days, key=lambda d: d[1], default=None)
        return best if best and best[1] else None

    @property
    def foreign_share(self) -> float:
        """Share of views in another language than French (0 to 1)."""
        total = sum(n for _c, _l, n in self.languages)
        other = sum(n for code, _l, n in self.languages if code not in ("fr", ""))
        return other / total if total else 0.0

    @property
    def trend(self) -> float | None:
        """Change against the same days of the previous period (0.25 = +25 %); None without them."""
        if self.comparison is None or not self.previous_total:
            return None
        return (self.compared_total - self.previous_total) / self.previous_total


def _sum(qs: QuerySet) -> int:
    return qs.aggregate(n=Sum("n"))["n"] or 0


def summarise(period: Period, kiosk: Kiosk | None = None, today: dt.date | None = None) -> Summary:
    """The figures of ``period``; ``today`` (the town's) decides whether the period is over."""
    base = views(kiosk)
    qs = between(base, period.first, period.end)
    today = today or dt.datetime.now(town_tz()).date()
    s = Summary(period=period, kiosk=kiosk, today=today)
    daily = by_day(qs)
    s.days = [(day, daily.get(day, 0)) for day in period.days]
    s.total = sum(n for _d, n in s.days)
    s.comparison = comparison(period, today)
    if s.comparison is not None:
        s.compared_total = sum(n for day, n in s.days if s.comparison.current[0] <= day < s.comparison.current[1])
        s.previous_total = _sum(between(base, *s.comparison.previous))
    by_screen = dict(qs.values("screen").annotate(n=Sum("n")).values_list("screen", "n"))
    s.details = by_screen.get("detail", 0)
    s.searches = by_screen.get("search", 0)
    s.screens = sorted(
        ((k, SCREEN_NAMES_FR.get(k, k), n) for k, n in by_screen.items()), key=lambda row: (-row[2], row[0])
    )
    # Weeks: the WEEKS weeks (Monday to Sunday) that end with the period's last week.
    last_monday = period.last - dt.timedelta(days=period.last.weekday())
    first_monday = last_monday - dt.timedelta(weeks=WEEKS - 1)
    weekly: dict[dt.date, int] = {}
    for day, n in by_day(between(base, first_monday, last_monday + dt.timedelta(days=7))).items():
        monday = day - dt.timedelta(days=day.weekday())
        weekly[monday] = weekly.get(monday, 0) + n
    mondays = [first_monday + dt.timedelta(weeks=w) for w in range(WEEKS)]
    s.weeks = [(monday, weekly.get(monday, 0)) for monday in mondays]
    entries = list(qs.exclude(entry_id="").values("entry_id").annotate(n=Sum("n")).order_by("-n", "entry_id")[:TOP])
    titles = entry_titles([row["entry_id"] for row in entries])
    s.top_entries = [(r["entry_id"], titles.get(r["entry_id"], r["entry_id"]), r["n"]) for r in entries]
    cats = qs.exclude(category="").values("category").annotate(n=Sum("n")).order_by("-n", "category")[:TOP]
    s.top_categories = [(r["category"], category_label(r["category"]), r["n"]) for r in cats]
    langs = qs.values("lang").annotate(n=Sum("n")).order_by("-n", "lang")
    s.languages = [(r["lang"], language_label(r["lang"]), r["n"]) for r in langs]
    if kiosk is None:
        counted = dict(qs.values("kiosk").annotate(n=Sum("n")).values_list("kiosk", "n"))
        s.kiosks = sorted(((k.name, counted.get(k.pk, 0)) for k in Kiosk.objects.all()), key=lambda r: (-r[1], r[0]))
    return s


def daily_rows(period: Period, kiosk: Kiosk | None = None) -> list[dict]:
    """The CSV: views per local day, kiosk, screen, entry, category and language."""
    qs = between(views(kiosk), period.first, period.end)
    rows = list(
        qs.annotate(day=TruncDate("hour", tzinfo=town_tz()))
        .values("day", "kiosk__name", "screen", "entry_id", "category", "lang")
        .annotate(n=Sum("n"))
        .order_by("day", "kiosk__name", "screen", "entry_id", "category", "lang")
    )
    titles = entry_titles(sorted({r["entry_id"] for r in rows if r["entry_id"]}))
    for row in rows:
        row["title"] = titles.get(row["entry_id"], "")
    return rows


def buckets(period: Period, days: list[tuple[dt.date, int]]) -> tuple[str, list[tuple[dt.date, int]]]:
    """The period's views in bars a chart can show: per day up to two months, per week up to about
    six months, per month beyond. Returns the unit (``jour``, ``semaine``, ``mois``) and the bars."""
    if period.length <= 62:
        return "jour", days
    out: dict[dt.date, int] = {}
    for day, n in days:
        key = day - dt.timedelta(days=day.weekday()) if period.length <= 200 else day.replace(day=1)
        out[key] = out.get(key, 0) + n
    return ("semaine" if period.length <= 200 else "mois"), sorted(out.items())
