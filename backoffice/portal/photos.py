"""Photos of a listing being written: stored as soon as they are sent, so that a form error never
loses them, and offered again (with a "keep" box each) until the listing is sent.

The photos sent with a form that came back with errors travel in a hidden field, signed for the one
shopkeeper who sent them: nobody can slip someone else's image into their listing by its hash."""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ValidationError

from backoffice.catalog.images import store_upload
from backoffice.catalog.models import MediaFile

_SALT = "portal.photos.carried"
#: A form left open longer than this forgets the photos it carried (they stay stored).
MAX_AGE = 2 * 24 * 3600


def sign(user, photos: list[MediaFile]) -> str:
    return signing.dumps({"u": user.pk, "p": [p.sha256 for p in photos]}, salt=_SALT, compress=True)


def unsign(user, token: str) -> list[MediaFile]:
    """The photos carried by ``token`` if it was signed for ``user``; nothing otherwise."""
    try:
        value = signing.loads(token or "", salt=_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return []
    if not isinstance(value, dict) or value.get("u") != user.pk or not isinstance(value.get("p"), list):
        return []
    by_sha = {m.sha256: m for m in MediaFile.objects.filter(sha256__in=[str(s) for s in value["p"]][:50])}
    return [by_sha[s] for s in value["p"] if s in by_sha]


def store_all(uploads) -> tuple[list[MediaFile], list[str]]:
    """Store every readable upload (checked and re-encoded by the photo pipeline); the messages of
    those that could not be read, each naming its file."""
    stored, errors = [], []
    for upload in uploads:
        try:
            stored.append(store_upload(upload))
        except ValidationError as exc:
            errors.extend(exc.messages)
    return stored, errors


def unique(photos: list[MediaFile]) -> list[MediaFile]:
    seen, out = set(), []
    for p in photos:
        if p.sha256 not in seen:
            seen.add(p.sha256)
            out.append(p)
    return out
