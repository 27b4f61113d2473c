"""Approving and rejecting shopkeepers' listings: the only way a submission reaches the kiosks.

A decision applies to the version the moderator saw (its fingerprint), checked under a row lock; the
shopkeeper hears of it by e-mail, and moderators hear of each new or changed listing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.catalog.models import Commune, Entry, EntryImage, MediaFile, audit
from backoffice.catalog.wire import check_entry
from backoffice.portal import mail
from backoffice.portal.models import State, Submission

TEXT_KEYS = ("summary", "body")


class ChangedSinceShown(ValidationError):
    """The shopkeeper changed the listing after the moderator opened it: nothing was decided."""

    def __init__(self):
        super().__init__(
            _(
                "The shopkeeper changed this listing after you opened it. Nothing was published or "
                "rejected: read the new version below, then decide again."
            ),
            code="changed",
        )


def _lock(submission: Submission, seen: str | None) -> Submission:
    """The submission's row, locked until the end of the transaction, if it still is what was shown:
    ``seen`` is the fingerprint the moderator's page carried (by default, that of the object passed in)."""
    if seen is None:
        seen = submission.fingerprint()
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if not seen or locked.fingerprint() != seen:
        raise ChangedSinceShown()
    return locked


def _apply(data: dict, commune: Commune, entry: Entry) -> None:
    d = data
    entry.kind = _kind_of(d.get("category", ""))
    entry.categories = [d["category"]] if d.get("category") else []
    entry.commune = commune
    entry.title = {"fr": d.get("name", "")}
    for key in TEXT_KEYS:
        setattr(entry, key, {lang: text for lang, text in (d.get(key) or {}).items() if text})
    entry.place_name = d.get("name", "")
    entry.street, entry.postcode, entry.city = d.get("street", ""), d.get("postcode", ""), d.get("city", "")
    entry.phone, entry.website, entry.email = d.get("phone", ""), d.get("website", ""), d.get("email", "")
    entry.opening_hours = d.get("opening_hours", "")
    details = {k: d.get(k) for k in ("price", "amenities", "capacity", "booking_url") if d.get(k)}
    # Only places to eat or stay say these (a listing that changed category keeps none).
    entry.details = details if entry.kind in ("food", "stay") else {}
    entry.source_name = _("Listing written by the shop")


def _kind_of(category: str) -> str:
    """The kind a listing of ``category`` is: a shop, a place to eat or to stay; a service otherwise."""
    from content.categories import CATEGORIES

    group = CATEGORIES[category].group if category in CATEGORIES else ""
    return group if group in ("shop", "food", "stay") else "service"


def listing_problems(data: dict, commune: Commune, photos: list[MediaFile]) -> dict[str, list[str]]:
    """What the kiosks would refuse in this listing, as the approval would find it, checked when the
    shopkeeper sends it: ``{entry field[.lang]: [French messages]}``, empty when all is well."""
    entry = Entry(status="published", key="shop:new")
    _apply(data, commune, entry)
    try:
        check_entry(entry, occurrences=[], images=[EntryImage(media=p, position=i) for i, p in enumerate(photos)])
    except ValidationError as exc:
        return exc.message_dict
    return {}


def approve(submission: Submission, moderator, *, seen: str | None = None, base_url: str = "") -> Entry:
    """Publish the proposed listing exactly as the moderator saw it (``seen``: its fingerprint), creating
    or updating its entry; ChangedSinceShown if it changed since, ValidationError if it breaks the contract.
    The shopkeeper is told by e-mail once it is done."""
    with transaction.atomic():
        submission = _lock(submission, seen)
        entry = submission.entry or Entry(status="published")
        _apply(submission.data, submission.commune, entry)
        photos = submission.ordered_photos()
        images = [EntryImage(media=p, position=i) for i, p in enumerate(photos)]
        check_entry(entry, occurrences=[], images=images)
        entry.status = "published"
        entry.save()
        if entry.key is None:
            entry.key = f"shop:{submission.pk}"
            entry.save(update_fields=["key"])
        entry.images.all().delete()
        for image in images:
            image.entry = entry
            image.save()
        submission.entry = entry
        submission.state = State.PUBLISHED
        submission.reason = ""
        submission.reviewed_at = timezone.now()
        submission.reviewed_by = moderator
        submission.save()
        entry.touch()
        audit(moderator, "approve", submission, f"entry {entry.wire_id}")
    mail.listing_decided(submission, base_url=base_url)
    return entry


def reject(submission: Submission, moderator, reason: str, *, seen: str | None = None, base_url: str = "") -> None:
    """Refuse the version the moderator saw (``seen``), with the reason the shopkeeper reads (and gets by e-mail)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the listing is rejected: the shopkeeper reads it."))
    with transaction.atomic():
        submission = _lock(submission, seen)
        submission.state = State.REJECTED
        submission.reason = reason
        submission.reviewed_at = timezone.now()
        submission.reviewed_by = moderator
        submission.save()
        audit(moderator, "reject", submission, reason)
    mail.listing_decided(submission, base_url=base_url)


def resubmit(submission: Submission, owner, data: dict, photos, *, base_url: str = "") -> Submission:
    """A shopkeeper's new or edited listing: pending again; a published entry stays as it is.
    Moderators are told by e-mail."""
    is_new = submission.pk is None
    with transaction.atomic():
        if not is_new:  # wait for a moderator deciding on the previous version
            Submission.objects.select_for_update().filter(pk=submission.pk).first()
        submission.data = data
        submission.state = State.PENDING
        submission.submitted_at = timezone.now()
        submission.save()
        if photos is not None:
            submission.photos.set(photos)
            submission.forget_photos()
        audit(owner, "submit", submission)
    mail.submission_arrived(submission, is_new=is_new, base_url=base_url)
    return submission
