"""The public register ``/avis/<INSEE>/`` (no login): the notices in force and the archive, each with its
hash and its PDF; the same list as JSON and CSV beside it; the PDFs themselves, as they were signed."""

from __future__ import annotations

import json

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from backoffice.catalog.models import Commune
from backoffice.notices import register as reg
from backoffice.notices.models import Notice, Status
from backoffice.storage import open_stream

#: Revalidated at every visit: a withdrawal shows at once (the page is cheap to make).
CACHE = "public, no-cache"


def _commune(insee: str) -> Commune:
    return get_object_or_404(Commune, pk=insee)


def _pdf_url(request):
    return lambda notice: request.build_absolute_uri(reverse("notices:pdf", args=[notice.commune_id, notice.pk]))


@require_GET
def register_page(request, insee: str):
    commune = _commune(insee)
    in_force, archive = reg.register(commune.pk)
    response = render(
        request,
        "notices/register.html",
        {"commune": commune, "in_force": in_force, "archive": archive},
    )
    response["Cache-Control"] = CACHE
    return response


@require_GET
def register_json(request, insee: str):
    commune = _commune(insee)
    body = {
        "commune": {"insee": commune.pk, "name": commune.name},
        "register": request.build_absolute_uri(reverse("notices:register", args=[commune.pk])),
        "notices": reg.all_records(commune.pk, _pdf_url(request)),
    }
    response = HttpResponse(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json")
    response["Cache-Control"] = CACHE
    return response


@require_GET
def register_csv(request, insee: str):
    commune = _commune(insee)
    response = HttpResponse(
        reg.register_csv(reg.all_records(commune.pk, _pdf_url(request))), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="avis-{commune.pk}.csv"'
    response["Cache-Control"] = CACHE
    return response


@require_GET
def pdf(request, insee: str, pk: int):
    notice = get_object_or_404(Notice, pk=pk, commune_id=insee, status__in=[Status.PUBLISHED, Status.WITHDRAWN])
    stream = open_stream(notice.pdf_storage_name)
    if stream is None:
        raise Http404("no such file")
    name = f"avis-{notice.pk}-{notice.pdf_sha256[:8]}.pdf"
    response = FileResponse(stream, content_type="application/pdf", filename=name)
    response["Content-Length"] = str(notice.pdf_size)
    response["ETag"] = f'"{notice.pdf_sha256}"'
    response["Cache-Control"] = "public, max-age=86400"
    return response
