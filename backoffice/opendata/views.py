"""Public open-data pages: ``/opendata/`` and its exports (no login)."""

from __future__ import annotations

import json
from collections import Counter

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from backoffice.opendata import export
from backoffice.opendata.town import town_name

CACHE = "public, max-age=300"


def _commune(request) -> str:
    value = request.GET.get("commune", "").strip()
    return value if len(value) == 5 and value.isascii() and value.isalnum() else ""  # an INSEE code (2A004)


def _media_url(request) -> str:
    return request.build_absolute_uri("/api/kiosk/v1/media/") + "{sha256}"


def _host(url: str) -> str:
    return url.split("/")[2] if "://" in url else ""


@require_GET
def index(request):
    commune = _commune(request)
    entries, left_out = export.published(commune)
    sources = Counter(
        (e.source_name, e.source_producer, e.source_licence, _host(e.source_url)) for e in entries if e.source_name
    )
    kinds = Counter(e.kind for e in entries)
    context = {
        "town": town_name(commune),
        "commune": commune,
        "count": len(entries),
        "events": kinds.get("event", 0),
        "left_out": left_out,
        "licence": export.LICENCE,
        "licence_url": export.LICENCE_URL,
        "sources": [
            {"name": n, "producer": p, "licence": lic, "host": h, "count": c}
            for (n, p, lic, h), c in sorted(sources.items(), key=lambda kv: -kv[1])
        ],
        "query": f"?commune={commune}" if commune else "",
    }
    response = render(request, "opendata/index.html", context)
    response["Cache-Control"] = CACHE
    return response


@require_GET
def entries_json(request):
    commune = _commune(request)
    entries, _ = export.published(commune)
    doc = export.json_document(entries, publisher=town_name(commune), media_url=_media_url(request))
    response = HttpResponse(
        json.dumps(doc, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
    )
    response["Cache-Control"] = CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def entries_csv(request):
    commune = _commune(request)
    entries, _ = export.published(commune)
    text = export.csv_text(entries, publisher=town_name(commune), media_url=_media_url(request))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="borne-contenus.csv"'
    response["Cache-Control"] = CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def events_ics(request):
    commune = _commune(request)
    entries, _ = export.published(commune)
    text = export.ics_text(entries, publisher=town_name(commune), host=request.get_host().split(":")[0])
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="borne-evenements.ics"'
    response["Cache-Control"] = CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response
