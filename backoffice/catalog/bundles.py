"""Signed bundles of what is published, for kiosks that only get content on a USB stick."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage

from backoffice.catalog.models import current_seq


def bundle_key() -> bytes:
    """The signing key shared with the kiosks: ``BORNE_BUNDLE_KEY`` (hex, or any text), otherwise
    ``<data>/backoffice/bundle.key``, generated (64 hex characters, mode 0600) the first time."""
    configured = settings.BORNE_BUNDLE_KEY.strip()
    if configured:
        try:
            return bytes.fromhex(configured)
        except ValueError:
            return configured.encode()
    path = Path(settings.BACKOFFICE_DIR) / "bundle.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    return bytes.fromhex(path.read_text().strip())


def export_bundle(out: str | Path, *, commune: str | None = None, signing_key: bytes | None = None) -> dict:
    """Write every published entry and active alert (of one commune and the shared ones, or all)."""
    from backoffice.fleet.feed import visible_snapshot
    from content.bundle import write_bundle

    cursor = str(current_seq())
    entries, alerts = visible_snapshot(commune)
    wire_entries = [e.to_contract() for e in entries]
    media = {}
    for e in entries:
        for img in e.images.all():
            media[img.media.sha256] = Path(default_storage.path(img.media.storage_name))
    communes = [commune] if commune else sorted({e["commune"] for e in wire_entries if e["commune"]})
    return write_bundle(
        out,
        entries=wire_entries,
        alerts=[a.to_contract() for a in alerts],
        media=media,
        cursor=cursor,
        communes=communes,
        signing_key=signing_key if signing_key is not None else bundle_key(),
    )
