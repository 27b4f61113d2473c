"""A kiosk's own settings in the feed: the ``settings`` key of ``/api/kiosk/v1/changes``.

Additive to the contract (the schema version does not move): a kiosk that does not know the key
ignores it. The settings are per kiosk while a feed page is shared by every kiosk of a commune, so
they are added to the page after it was built (or found in the cache), and their digest goes into
the ETag: a change of hours or PIN makes the next ``If-None-Match`` miss, and the kiosk gets them.
"""

from __future__ import annotations

import hashlib
import json

from backoffice.fleet.models import Kiosk, Release


def settings_for(kiosk: Kiosk) -> dict:
    """``{screen, idle_seconds, languages, pin, release}`` for this kiosk (``None``: its own configuration)."""
    out = kiosk.settings_update().to_wire()
    release = Release.for_kiosk(kiosk)
    out["release"] = release.wire() if release is not None else None
    return out


def encode(settings: dict) -> bytes:
    return json.dumps(settings, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def tag(encoded: bytes) -> str:
    return hashlib.sha256(encoded).hexdigest()[:12]


def with_tag(etag: str, encoded: bytes) -> str:
    """The page's ETag (``"…"``) with the settings' digest in it."""
    return f'{etag[:-1]}-s{tag(encoded)}"'


def add_to_page(body: bytes, encoded: bytes) -> bytes:
    """The page's JSON object with ``"settings": …`` added as its last key (the page is ``{…}``)."""
    body = body.rstrip()
    if not body.endswith(b"}"):
        raise ValueError("a feed page is a JSON object")
    return body[:-1] + b',"settings":' + encoded + b"}"
