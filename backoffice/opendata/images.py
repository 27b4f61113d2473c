"""Images of imported records: downloaded through Borne's outbound fetcher, then checked and stored
by the catalog's image pipeline (Pillow: real image, pixel limit, metadata stripped, re-encoded).

The URLs come from the imported feed, so the fetcher refuses internal addresses (loopback, private,
link-local …, checked after every redirect and on the connection itself) unless ``BORNE_FETCH_ALLOW``
lists them, and each image has a total deadline and a byte cap.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError

from backoffice.importers.base import source_fetcher

log = logging.getLogger(__name__)

USER_AGENT = "Borne back office (open-data importer)"
#: A whole image download must end within this many seconds.
IMAGE_DEADLINE = 60.0


class ImageFetchError(Exception):
    """One image could not be downloaded or is not an acceptable photo; the message names the URL."""


class ImageFetcher:
    """``fetch(url, where) -> MediaFile``; one outbound fetcher reused for every image of an import."""

    def __init__(self, *, max_bytes: int | None = None, deadline: float = IMAGE_DEADLINE, allow: str | None = None):
        self.max_bytes = max_bytes or settings.BORNE_MAX_UPLOAD_BYTES
        self.deadline = deadline
        self.allow = settings.BORNE_FETCH_ALLOW if allow is None else allow
        self._fetcher = None

    @property
    def fetcher(self):
        if self._fetcher is None:
            self._fetcher = source_fetcher(
                USER_AGENT, allow=self.allow, deadline=self.deadline, max_bytes=self.max_bytes
            )
        return self._fetcher

    def download(self, url: str) -> bytes:
        from outbound import FetchError

        try:
            return self.fetcher.get_bytes(url)
        except FetchError as exc:
            raise ImageFetchError(str(exc)) from None

    def fetch(self, url: str, *, where: str):
        """Download, check and store; the stored ``MediaFile``. Raises ImageFetchError."""
        from backoffice.catalog.images import store_image_bytes

        data = self.download(url)
        try:
            return store_image_bytes(data, where=where, reencode=True)
        except ValidationError as exc:
            raise ImageFetchError(f"{url}: {' '.join(exc.messages)}") from None

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()
