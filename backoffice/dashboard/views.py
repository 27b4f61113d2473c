"""The council's usage dashboard (staff only, in French): a month, quarter, year or range at a glance, CSV,
printable report."""

from __future__ import annotations

from babel.dates import format_date
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from backoffice import csvsafe
from backoffice.dashboard import period as period_mod
from backoffice.dashboard import stats, svg
from backoffice.dashboard.numbers import fr_int, fr_percent
from backoffice.fleet.models import Kiosk
from backoffice.opendata.town import town_name
from backoffice.public.stats import scans

BAR_LABELS = {"jour": "Pages vues par jour", "semaine": "Pages vues par semaine", "mois": "Pages vues par mois"}


def _selection(request) -> tuple[period_mod.Period, Kiosk | None, list[str]]:
    """The period and kiosk the form asks for, and what is wrong with it (in French)."""
    chosen, errors = period_mod.from_query(request.GET, timezone.localdate())
    kiosk_id = request.GET.get("borne", "").strip()
    kiosk = None
    if kiosk_id:
        if kiosk_id.isascii() and kiosk_id.isdigit() and len(kiosk_id) <= 18:
            kiosk = Kiosk.objects.select_related("commune").filter(pk=int(kiosk_id)).first()
        if kiosk is None:
            errors.append(
                f"Borne : « {kiosk_id[:30]} » n'est pas une borne enregistrée ; toutes les bornes sont comptées."
            )
    return chosen, kiosk, errors


def _bar_label(unit: str, day) -> str:
    if unit == "jour":
        return str(day.day)
    if unit == "semaine":
        return format_date(day, "d MMM", locale="fr")
    return format_date(day, "MMM", locale="fr")


def _context(request, *, big: bool = False) -> dict:
    """Everything both pages show; ``big``: the printed report."""
    chosen, kiosk, errors = _selection(request)
    s = stats.summarise(chosen, kiosk, timezone.localdate())
    width = 700 if big else 760  # the report's charts fill 182 mm: a narrower drawing keeps its text readable
    half = {"width": 400, "label_w": 150} if big else {"width": 480, "label_w": 190}  # two charts side by side
    unit, bars = stats.buckets(chosen, s.days)
    weekend = {i for i, (day, _n) in enumerate(bars) if unit == "jour" and day.weekday() >= 5}
    bar_points = [(_bar_label(unit, day), n) for day, n in bars]
    week_points = [(format_date(monday, "d MMM", locale="fr"), n) for monday, n in s.weeks]
    busiest = s.busiest
    query = chosen.query() + (f"&borne={kiosk.pk}" if kiosk else "")
    borne = f"&borne={kiosk.pk}" if kiosk else ""
    today = timezone.localdate()
    scan_total, scan_top = scans(chosen.first, chosen.end)
    return {
        "s": s,
        "town": town_name(kiosk.commune_id if kiosk else None),
        "errors": errors,
        "params": request.GET,
        "kinds": period_mod.KINDS,
        "kind": chosen.kind,
        "period": chosen,
        "period_name": chosen.label,
        "month_name": chosen.label,
        "month": f"{chosen.first:%Y-%m}",
        "asked_kind": request.GET.get("periode") if request.GET.get("periode") in period_mod.KINDS else chosen.kind,
        "months": _months(today),
        "asked_month": request.GET.get("mois") or f"{chosen.first:%Y-%m}",
        "quarters": _quarters(today),
        "years": list(range(today.year, 2019, -1)),
        "ongoing": chosen.first <= today < chosen.end,
        "previous_query": chosen.previous.query() + borne,
        "next_query": chosen.next.query() + borne,
        "kiosk": kiosk,
        "kiosks": Kiosk.objects.all(),
        "query": query,
        "bar_title": BAR_LABELS[unit],
        "figures": {
            "total": fr_int(s.total),
            "per_day": fr_int(s.per_day),
            "details": fr_int(s.details),
            "foreign": fr_percent(s.foreign_share),
            "trend": fr_percent(s.trend, signed=True) if s.trend is not None else "",
            "trend_words": s.comparison.words if s.comparison else "",
            "busiest": (format_date(busiest[0], "EEEE d MMMM", locale="fr"), fr_int(busiest[1])) if busiest else None,
        },
        "chart_days": svg.columns(
            bar_points,
            title=f"{BAR_LABELS[unit]}, {chosen.name}",
            width=width,
            highlight=weekend,
            show_values=unit != "jour",
        ),
        # the twelve weeks around a month or a short range (a quarter or a year is drawn by week or month already)
        "chart_weeks": svg.columns(week_points, title="Vues par semaine (12 semaines)", width=width)
        if unit == "jour"
        else "",
        "chart_entries": svg.rows(
            [(t, n) for _i, t, n in s.top_entries], title="Fiches les plus vues", width=width, label_w=width // 2
        ),
        "chart_categories": svg.rows(
            [(label, n) for _c, label, n in s.top_categories], title="Rubriques les plus vues", **half
        ),
        "chart_languages": svg.rows([(label, n) for _c, label, n in s.languages], title="Langues choisies", **half),
        "chart_kiosks": svg.rows(s.kiosks, title="Vues par borne", **half) if s.kiosks else "",
        "top_entries": [(title, fr_int(n)) for _i, title, n in s.top_entries],
        "scans": fr_int(scan_total),
        "chart_scans": svg.rows(scan_top, title="Fiches ouvertes sur un téléphone", width=width, label_w=width // 2)
        if scan_top
        else "",
        "top_categories": [(label, fr_int(n)) for _c, label, n in s.top_categories],
        "languages": [(label, fr_int(n), fr_percent(n / s.total) if s.total else "") for _c, label, n in s.languages],
        "generated": format_date(today, "d MMMM y", locale="fr"),
    }


def _months(today) -> list[tuple[str, str]]:
    """The months the form offers: from this one back to January 2020, as ``(value, label)``."""
    out = []
    m = period_mod.Period.containing(period_mod.MONTH, today)
    while m.first.year >= 2020:
        out.append((m.short, m.label))
        m = m.previous
    return out


def _quarters(today) -> list[tuple[str, str]]:
    """The quarters the form offers: from this one back to 2020, as ``(value, label)``."""
    out = []
    q = period_mod.Period.containing(period_mod.QUARTER, today)
    while q.first.year >= 2020:
        out.append((q.short, q.label))
        q = q.previous
    return out


@staff_member_required
@require_GET
def index(request):
    return render(request, "dashboard/index.html", _context(request))


@staff_member_required
@require_GET
def report(request):
    return render(request, "dashboard/report.html", _context(request, big=True))


#: French column names: the file is opened by town staff in a French spreadsheet, not read by a program.
CSV_HEADER = ["Jour", "Borne", "Écran", "Fiche", "Identifiant de la fiche", "Rubrique", "Langue", "Vues"]


def csv_rows(rows: list[dict]) -> list[list]:
    """The dashboard's rows in words: French names of screens, categories and languages, French dates."""
    return [
        [
            format_date(row["day"], "short", locale="fr_FR"),
            row["kiosk__name"],
            stats.screen_label(row["screen"]),
            row["title"],
            row["entry_id"],
            stats.category_label(row["category"]) if row["category"] else "",
            stats.language_label(row["lang"]),
            row["n"],
        ]
        for row in rows
    ]


@staff_member_required
@require_GET
def export_csv(request):
    """Semicolons and a UTF-8 BOM: Excel set to French splits on ";" (the comma is the decimal mark)
    and reads the accents right only with the BOM; LibreOffice opens it the same way."""
    chosen, kiosk, _errors = _selection(request)
    text = csvsafe.text(CSV_HEADER, csv_rows(stats.daily_rows(chosen, kiosk)), delimiter=";")
    name = f"borne-frequentation-{chosen.short}" + (f"-borne{kiosk.pk}" if kiosk else "") + ".csv"
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
