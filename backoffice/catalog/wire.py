"""The one translation between database rows and the content contract's wire dicts."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from backoffice.catalog.refusals import contract_errors
from backoffice.public.links import entry_public_url
from content.validation import EntryError, parse_alert, parse_entry

log = logging.getLogger(__name__)


def _iso(value: dt.datetime | None) -> str | None:
    """ISO 8601 in the town's time zone, with its offset."""
    return timezone.localtime(value).isoformat() if value else None


def _texts(value) -> dict[str, str]:
    return {lang: text for lang, text in (value or {}).items() if isinstance(text, str) and text.strip()}


def entry_to_contract(entry, *, occurrences=None, images=None) -> dict:
    """The wire form of an entry; ``parse_entry`` accepts it (see :func:`check_entry`)."""
    if occurrences is None:
        occurrences = list(entry.occurrences.all()) if entry.pk else []
    if images is None:
        # .all() (not a new queryset) so that the feed's prefetch of images with their media is used.
        images = list(entry.images.all()) if entry.pk else []
    has_place = any([entry.place_name, entry.street, entry.postcode, entry.city, entry.lat is not None])
    return {
        "id": entry.wire_id,
        "kind": entry.kind,
        "categories": list(entry.categories or []),
        "commune": entry.commune_id or "",
        "title": _texts(entry.title),
        "summary": _texts(entry.summary),
        "body": _texts(entry.body),
        "place": {
            "name": entry.place_name,
            "street": entry.street,
            "postcode": entry.postcode,
            "city": entry.city,
            "lat": entry.lat,
            "lon": entry.lon,
        }
        if has_place
        else None,
        "contact": {"phone": entry.phone, "email": entry.email, "website": entry.website},
        "opening_hours": entry.opening_hours.strip(),
        "occurrences": [{"start": _iso(o.start), "end": _iso(o.end)} for o in occurrences],
        "media": [
            {
                "sha256": img.media.sha256,
                "mime": img.media.mime,
                "width": img.media.width,
                "height": img.media.height,
                "bytes": img.media.size,
                "alt": _texts(img.alt),
                "credit": img.credit,
            }
            for img in images
        ],
        "featured": entry.featured,
        "visible_from": _iso(entry.visible_from),
        "visible_until": _iso(entry.visible_until),
        "url": entry.url,
        "public_url": entry_public_url(entry.pk),
        "source": {
            "name": entry.source_name,
            "producer": entry.source_producer,
            "licence": entry.source_licence,
            "url": entry.source_url,
        },
        "updated_at": _iso(entry.updated_at or timezone.now()),
        "details": dict(entry.details or {}),
    }


def check_entry(entry, *, occurrences=None, images=None) -> None:
    """Raise Django's ValidationError when a kiosk would refuse the entry: French messages keyed by
    model field (``"title.en"`` for one language of a language map)."""
    data = entry_to_contract(entry, occurrences=occurrences, images=images)
    try:
        parse_entry(data)
    except EntryError as exc:
        raise ValidationError(contract_errors(data, exc.problems)) from None


def check_alert(alert) -> None:
    """The same for an alert: what the kiosks' ``parse_alert`` would refuse, said in French."""
    data = alert_to_contract(alert)
    try:
        parse_alert(data)
    except EntryError as exc:
        raise ValidationError(contract_errors(data, exc.problems)) from None


def alert_to_contract(alert) -> dict:
    communes = sorted(c.insee for c in alert.communes.all()) if alert.pk else []
    return {
        "id": alert.wire_id,
        "level": alert.level,
        "message": _texts(alert.message),
        "from": _iso(alert.starts),
        "until": _iso(alert.until),
        "communes": communes,
    }


def _parse_dt(value: str | None):
    return dt.datetime.fromisoformat(value) if value else None


@transaction.atomic
def save_contract_entry(data: dict, *, media: dict[str, bytes] | None = None, status: str = "published"):
    """Create or update the entry whose id is ``data['id']`` from a wire dict (demo, importers).

    The dict is validated first; images are stored by hash from ``media``.
    """
    from backoffice.catalog.images import store_image_bytes
    from backoffice.catalog.models import Commune, Entry, EntryImage, Occurrence

    e = parse_entry(data)
    entry = Entry.objects.filter(key=e.id).first() or Entry(key=e.id)
    if e.commune:
        Commune.objects.get_or_create(
            insee=e.commune, defaults={"name": (e.place.city if e.place else "") or e.commune}
        )
    place = e.place
    entry.kind = e.kind
    entry.categories = list(e.categories)
    entry.commune_id = e.commune or None
    entry.title, entry.summary, entry.body = dict(e.title), dict(e.summary), dict(e.body)
    entry.place_name = place.name if place else ""
    entry.street = place.street if place else ""
    entry.postcode = place.postcode if place else ""
    entry.city = place.city if place else ""
    entry.lat = place.lat if place else None
    entry.lon = place.lon if place else None
    entry.phone, entry.email, entry.website = e.contact.phone, e.contact.email, e.contact.website
    entry.opening_hours = e.opening_hours
    entry.featured = e.featured
    entry.visible_from, entry.visible_until = e.visible_from, e.visible_until
    entry.url = e.url
    entry.details = {} if e.details.is_empty() else e.details.model_dump(mode="json", exclude_defaults=True)
    entry.source_name, entry.source_producer = e.source.name, e.source.producer
    entry.source_licence, entry.source_url = e.source.licence, e.source.url
    entry.status = status
    entry.save()
    entry.occurrences.all().delete()
    Occurrence.objects.bulk_create(Occurrence(entry=entry, start=o.start, end=o.end) for o in e.occurrences)
    entry.images.all().delete()
    for position, m in enumerate(e.media):
        data_bytes = (media or {}).get(m.sha256)
        if data_bytes is None:
            log.warning("entry %s: image %s not given, skipped", e.id, m.sha256)
            continue
        stored = store_image_bytes(data_bytes, where=f"{e.id} image {position + 1}", reencode=False)
        EntryImage.objects.create(entry=entry, media=stored, alt=dict(m.alt), credit=m.credit, position=position)
    entry.touch()
    return entry


@transaction.atomic
def save_contract_alert(data: dict):
    from backoffice.catalog.models import Alert, Commune

    a = parse_alert(data)
    alert = Alert.objects.filter(key=a.id).first() or Alert(key=a.id)
    alert.level, alert.message, alert.starts, alert.until = a.level, dict(a.message), a.starts, a.until
    alert.active = True
    alert.save()
    alert.communes.clear()
    for insee in a.communes:
        commune, _ = Commune.objects.get_or_create(insee=insee, defaults={"name": insee})
        alert.communes.add(commune)
    alert.touch()
    return alert
