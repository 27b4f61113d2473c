"""The demo town: Saint-Flour (Cantal), built from the human-editable TOML files in this folder.

``load_demo()`` reads ``*.toml`` and ``images/`` and returns wire entries, alerts and media ready
for ``content.bundle.write_bundle``. Event and alert dates are relative to the build day, so
the demo's agenda is never empty. See README.md here for how to edit the sources.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .sources import DEFAULT_COMMUNE, DemoError, load_folder

__all__ = ["DEMO_DIR", "DemoError", "DemoTown", "load_demo"]

DEMO_DIR = Path(__file__).parent


@dataclass
class DemoTown:
    entries: list[dict]
    alerts: list[dict]
    media: dict[str, bytes]  # sha256 hex -> image bytes
    generated_at: dt.datetime
    communes: list[str] = field(default_factory=lambda: [DEFAULT_COMMUNE])
    #: Official notices (content.notice wire dicts) and their page images (sha256 hex -> bytes).
    notices: list[dict] = field(default_factory=list)
    notice_media: dict[str, bytes] = field(default_factory=dict)
    #: The notices' PDFs by slug (for the back office's demo).
    notice_pdfs: dict[str, bytes] = field(default_factory=dict)


def load_demo(
    today: dt.date | None = None,
    *,
    tz: str = "Europe/Paris",
    source_dir: Path | str | None = None,
    now: dt.datetime | None = None,
) -> DemoTown:
    """Build the demo town for ``today`` (default: today in ``tz``).

    ``now`` is the build time written as every entry's ``updated_at`` (default: the current
    time). ``source_dir`` defaults to this folder; tests point it at a variant. Raises DemoError
    naming the file and entry when a source is wrong.
    """
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise DemoError(f"unknown time zone {tz!r} (e.g. Europe/Paris)") from None
    now = (now or dt.datetime.now(zone)).replace(microsecond=0)
    if now.tzinfo is None:
        raise DemoError("now must be an aware datetime (with a time zone)")
    today = today or now.astimezone(zone).date()
    folder = Path(source_dir) if source_dir is not None else DEMO_DIR
    entries, alerts, media = load_folder(folder, today=today, tz=zone, now=now)
    from .notices import DemoNoticeError, load_notices

    try:
        notices = load_notices(folder, today=today, tz=zone, now=now)
    except DemoNoticeError as exc:
        raise DemoError(str(exc)) from None
    return DemoTown(
        entries=entries,
        alerts=alerts,
        media=media,
        generated_at=now,
        notices=notices.notices,
        notice_pdfs=notices.pdfs,
        notice_media=notices.media,
    )
