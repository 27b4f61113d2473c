"""Photos of a listing being written: stored as soon as they are sent, so that a form error never
loses them, and offered again (with a "keep" box each) until the listing is sent.

The photos sent with a form that came back with errors travel in a hidden field, signed for the one
shopkeeper who sent them: nobody can slip someone else's image into their listing by its hash."""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext as _

from backoffice.catalog.images import read_ceiling, store_upload
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


class CeilingUploadHandler(FileUploadHandler):
    """Stops keeping an uploaded file as soon as it passes the photo read ceiling (60 MB): Django would
    otherwise write any size to a temporary file before the form sees it. The names of the files left
    out are kept in ``request.photos_too_big`` for the form's message."""

    def __init__(self, request=None):
        super().__init__(request)
        self.ceiling = read_ceiling()
        self.received = 0
        request.photos_too_big = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.ceiling:
            self.request.photos_too_big.append(self.file_name or "photo")
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) keeps the file


def too_big_messages(request) -> list[str]:
    limit = read_ceiling() // 1_000_000
    return [
        _("%(where)s: the file is over %(max)d MB, it was not read. Send a smaller copy of the photo.")
        % {"where": name, "max": limit}
        for name in getattr(request, "photos_too_big", [])
    ]


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
