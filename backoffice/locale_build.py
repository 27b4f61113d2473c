"""Compile the back office's gettext catalogues (.po -> .mo) with Babel, so no gettext tools are needed."""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def compile_catalogs(locale_dir: Path = LOCALE_DIR, *, force: bool = False) -> list[Path]:
    """Write each ``django.mo`` older than its ``django.po``; returns the files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/django.po")):
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with open(po, "rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        try:
            with open(mo, "wb") as fh:
                write_mo(fh, catalog)
        except OSError as exc:  # an installed, read-only copy: its .mo were built at install time
            log.warning("cannot write %s (%s): the back office stays in English", mo, exc.strerror)
            continue
        written.append(mo)
    return written
