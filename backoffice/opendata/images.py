"""Images of imported records: downloaded with a timeout and a size cap, then checked and stored by
the catalog's image pipeline (Pillow: real image, pixel limit, metadata stripped, re-encoded)."""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError

log = logging.getLogger(__name__)

USER_AGENT = "Borne back office (open-data importer)"
TIMEOUT = (5, 30)  # connect, read (seconds)


class ImageFetchError(Exception):
    """One image could not be downloaded or is not an acceptable photo; the message names the URL."""


class ImageFetcher:
    """``ImageFetcher(session=None)``: ``fetch(url, where) -> MediaFile``. One ``requests.Session`` reused."""

    def __init__(self, *, session=None, max_bytes: int | None = None, timeout=TIMEOUT):
        self._session = session
        self.max_bytes = max_bytes or settings.BORNE_MAX_UPLOAD_BYTES
        self.timeout = timeout

    @property
    def session(self):
        if self._session is None:
            import requests

            self._session = requests.Session()
            self._session.headers["User-Agent"] = USER_AGENT
        return self._session

    def download(self, url: str) -> bytes:
        if not re.match(r"^https?://\S+$", url or ""):
            raise ImageFetchError(f"{url!r} is not an http(s) address")
        try:
            with self.session.get(url, timeout=self.timeout, stream=True) as response:
                if response.status_code != 200:
                    raise ImageFetchError(f"{url}: HTTP {response.status_code}")
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise ImageFetchError(f"{url}: {int(declared)} bytes, more than {self.max_bytes}")
                chunks, size = [], 0
                for chunk in response.iter_content(64 * 1024):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise ImageFetchError(f"{url}: more than {self.max_bytes} bytes")
                    chunks.append(chunk)
        except ImageFetchError:
            raise
        except Exception as exc:  # requests' errors (connection, timeout, too many redirects, …)
            raise ImageFetchError(f"{url}: {type(exc).__name__}: {exc}") from None
        return b"".join(chunks)

    def fetch(self, url: str, *, where: str):
        """Download, check and store; the stored ``MediaFile``. Raises ImageFetchError."""
        from backoffice.catalog.images import store_image_bytes

        data = self.download(url)
        try:
            return store_image_bytes(data, where=where, reencode=True)
        except ValidationError as exc:
            raise ImageFetchError(f"{url}: {' '.join(exc.messages)}") from None

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
