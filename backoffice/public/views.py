"""The public page of an entry: ``/p/<number>/<lang>`` (no login, no cookie, no script), its ``.ics``,
and ``/p/<number>`` choosing the language from the browser's.

Cacheable (``Cache-Control: public``, five minutes: "open now" must not go stale for long). Each
opening counts as one QR scan of the entry for the dashboard (per day and language): the page
counts itself, or, behind nginx's cache (``BORNE_SCANS_FROM_NGINX=1``, packaging/server), nginx
mirrors every request, cached or not, as a ``HEAD`` with ``X-Borne-Scan: 1`` that only counts.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from backoffice.public import ics
from backoffice.public.links import absolute
from backoffice.public.models import count_hit
from backoffice.public.page import page_context
from backoffice.public.words import translator
from content.contract import UI_LANGUAGES

MAX_AGE = 300  # s: browsers and nginx may keep a page this long


class Gone(Exception):
    """The entry was published once and is withdrawn (or past its publication window)."""

    def __init__(self, entry=None):
        super().__init__()
        self.entry = entry


def _published(pk: int):
    """The published entry ``pk``; :class:`Gone` if it was withdrawn or deleted; Http404 if never public."""
    from backoffice.catalog.models import Entry, Tombstone

    entry = Entry.objects.prefetch_related("occurrences", "images__media").filter(pk=pk).first()
    now = timezone.now()
    if entry is None:
        if Tombstone.objects.filter(what=Tombstone.ENTRY, wire_id=f"bo:{pk}").exists():
            raise Gone
        raise Http404("no such entry")
    expired = entry.visible_until is not None and entry.visible_until < now
    if entry.status == "withdrawn" or (entry.status == "published" and expired):
        raise Gone(entry)
    if entry.status != "published" or (entry.visible_from and entry.visible_from > now):
        raise Http404("not published")
    return entry


def _lang(lang: str) -> str:
    if lang not in UI_LANGUAGES:
        raise Http404(f"{lang!r} is not one of the kiosk's languages")
    return lang


def _cacheable(response: HttpResponse, max_age: int = MAX_AGE) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={max_age}"
    return response


def _gone(request, lang: str, entry=None) -> HttpResponse:
    """410, with the way on: the town's home page (``BORNE_TOWN_URL``), else the town's site from the
    entry's own page there (its scheme and host), else the town's name alone."""
    from urllib.parse import urlsplit

    from backoffice.opendata.town import town_name

    _ = translator(lang)
    home = getattr(settings, "BORNE_TOWN_URL", "")
    if not home and entry is not None and entry.url:
        parts = urlsplit(entry.url)
        home = f"{parts.scheme}://{parts.netloc}/" if parts.scheme in ("http", "https") and parts.netloc else ""
    context = {
        "lang": lang,
        "message": _("This page is no longer published."),
        "home_label": _("The town's home page"),
        "home_url": home,
        "town": town_name(entry.commune_id if entry is not None else None),
    }
    return _cacheable(render(request, "public/gone.html", context, status=410))


def _not_found(request, lang: str) -> HttpResponse:
    _ = translator(lang)
    context = {
        "lang": lang,
        "message": _("This page does not exist."),
        "home_label": _("The town's home page"),
        "home_url": getattr(settings, "BORNE_TOWN_URL", ""),
    }
    return render(request, "public/gone.html", context, status=404)


@require_safe
def choose_language(request, pk: int):
    """``/p/42``: the page in the browser's language among the kiosk's, else French."""
    wanted = request.headers.get("Accept-Language", "")
    lang = "fr"
    for part in wanted.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in UI_LANGUAGES:
            lang = code
            break
    response = HttpResponseRedirect(reverse("public:entry", args=[pk, lang]))
    patch_vary_headers(response, ["Accept-Language"])
    return _cacheable(response)


@require_safe
def entry_page(request, pk: int, lang: str):
    if lang not in UI_LANGUAGES:
        return _not_found(request, "fr")
    mirrored = request.headers.get("X-Borne-Scan") == "1"
    try:
        entry = _published(pk)
    except Gone as gone:
        return HttpResponse(status=410) if mirrored else _gone(request, lang, gone.entry)
    except Http404:
        return HttpResponse(status=404) if mirrored else _not_found(request, lang)
    if mirrored:  # nginx's copy of a visit (answered from its cache or not): count it, render nothing
        count_hit(entry.pk, timezone.localdate(), lang)
        return HttpResponse(status=204)
    data = entry.to_contract()
    context = page_context(
        data,
        lang=lang,
        now=timezone.localtime(),
        tz=settings.TIME_ZONE,
        media_url=lambda sha: reverse("kiosk_media", args=[sha]),
    )
    page_url = absolute(request, reverse("public:entry", args=[pk, lang]))
    context.update(
        {
            "page_url": page_url,
            "og_image": absolute(request, context["photos"][0]["src"]) if context["photos"] else "",
            "calendar_url": reverse("public:calendar", args=[pk, lang]) if context["dates"] else "",
            "others": [(code, reverse("public:entry", args=[pk, code])) for code in UI_LANGUAGES if code != lang],
        }
    )
    if request.method == "GET" and not getattr(settings, "BORNE_SCANS_FROM_NGINX", False):
        count_hit(entry.pk, timezone.localdate(), lang)
    return _cacheable(render(request, "public/entry.html", context))


@require_safe
def entry_calendar(request, pk: int, lang: str):
    _lang(lang)
    try:
        entry = _published(pk)
    except Gone as gone:
        return _gone(request, lang, gone.entry)
    data = entry.to_contract()
    if data["kind"] != "event" or not data["occurrences"]:
        raise Http404("not an event")
    context = page_context(data, lang=lang, now=timezone.localtime(), tz=settings.TIME_ZONE, media_url=lambda s: s)
    now = timezone.now()
    coming = [o for o in data["occurrences"] if dt.datetime.fromisoformat(o.get("end") or o["start"]) >= now]
    body = ics.calendar(
        uid_base=f"{data['id']}@{request.get_host()}",
        title=context["title"],
        description=context["summary"],
        location=", ".join(context["address"]),
        url=absolute(request, reverse("public:entry", args=[pk, lang])),
        occurrences=coming or data["occurrences"],
        stamp=entry.updated_at,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="borne-{pk}.ics"'
    return _cacheable(response)
