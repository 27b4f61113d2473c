"""The council's usage dashboard (staff only, in French): a month at a glance, CSV, printable report."""

from __future__ import annotations

from babel.dates import format_date
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from backoffice import csvsafe
from backoffice.dashboard import stats, svg
from backoffice.dashboard.numbers import fr_int, fr_percent
from backoffice.fleet.models import Kiosk
from backoffice.opendata.town import town_name


def _selection(request) -> tuple[stats.Month, Kiosk | None]:
    month = stats.Month.parse(request.GET.get("mois"), timezone.localdate())
    kiosk_id = request.GET.get("borne", "")
    kiosk = Kiosk.objects.select_related("commune").filter(pk=kiosk_id).first() if kiosk_id.isdigit() else None
    return month, kiosk


def _context(request, *, big: bool = False) -> dict:
    """Everything both pages show; ``big``: the printed report."""
    month, kiosk = _selection(request)
    s = stats.summarise(month, kiosk)
    width = 700 if big else 760  # the report's charts fill 182 mm: a narrower drawing keeps its text readable
    half = {"width": 400, "label_w": 150} if big else {"width": 480, "label_w": 190}  # two charts side by side
    weekend = {i for i, (day, _n) in enumerate(s.days) if day.weekday() >= 5}
    day_points = [(str(day.day), n) for day, n in s.days]
    week_points = [(format_date(monday, "d MMM", locale="fr"), n) for monday, n in s.weeks]
    busiest = s.busiest
    query = f"mois={month}" + (f"&borne={kiosk.pk}" if kiosk else "")
    return {
        "s": s,
        "town": town_name(kiosk.commune_id if kiosk else None),
        "month_name": format_date(month.first, "MMMM y", locale="fr").capitalize(),
        "month": str(month),
        "previous": str(month.previous),
        "next": str(month.next),
        "kiosk": kiosk,
        "kiosks": Kiosk.objects.all(),
        "query": query,
        "figures": {
            "total": fr_int(s.total),
            "per_day": fr_int(s.per_day),
            "details": fr_int(s.details),
            "foreign": fr_percent(s.foreign_share),
            "trend": fr_percent(s.trend, signed=True) if s.trend is not None else "",
            "busiest": (format_date(busiest[0], "EEEE d MMMM", locale="fr"), fr_int(busiest[1])) if busiest else None,
        },
        "chart_days": svg.columns(
            day_points, title=f"Vues par jour, {month}", width=width, highlight=weekend, show_values=False
        ),
        "chart_weeks": svg.columns(week_points, title="Vues par semaine (12 semaines)", width=width),
        "chart_entries": svg.rows(
            [(t, n) for _i, t, n in s.top_entries], title="Fiches les plus vues", width=width, label_w=width // 2
        ),
        "chart_categories": svg.rows(
            [(label, n) for _c, label, n in s.top_categories], title="Rubriques les plus vues", **half
        ),
        "chart_languages": svg.rows([(label, n) for _c, label, n in s.languages], title="Langues choisies", **half),
        "chart_kiosks": svg.rows(s.kiosks, title="Vues par borne", **half) if s.kiosks else "",
        "top_entries": [(title, fr_int(n)) for _i, title, n in s.top_entries],
        "top_categories": [(label, fr_int(n)) for _c, label, n in s.top_categories],
        "languages": [(label, fr_int(n), fr_percent(n / s.total) if s.total else "") for _c, label, n in s.languages],
        "generated": format_date(timezone.localdate(), "d MMMM y", locale="fr"),
    }


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
    month, kiosk = _selection(request)
    text = csvsafe.text(CSV_HEADER, csv_rows(stats.daily_rows(month, kiosk)), delimiter=";")
    name = f"borne-frequentation-{month}" + (f"-borne{kiosk.pk}" if kiosk else "") + ".csv"
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
