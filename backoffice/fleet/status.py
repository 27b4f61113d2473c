"""A kiosk's state in words, for the fleet pages: sizes, durations, dates, what content it has.

The fleet pages are read by town staff: no raw byte counts, seconds or change numbers. Sizes go
through Django's ``filesizeformat`` and dates through Django's ``date`` formats in the active
language (the back office is in French); durations through Babel in the same language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel.dates import format_timedelta
from django.db.models import Max
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _

from backoffice.catalog.models import Alert, Entry, current_seq
from backoffice.fleet.models import Kiosk


def when(value: dt.datetime | None) -> str:
    """A date and time in the town's zone, as the active language writes it (``4 décembre 2026 22:30``)."""
    if value is None:
        return _("never")
    return date_filter(timezone.localtime(value), "DATETIME_FORMAT")


def duration(seconds: int | float) -> str:
    """``3 jours``, ``2 heures``: the largest unit, as Babel writes it in the active language."""
    return format_timedelta(dt.timedelta(seconds=seconds), locale=to_locale(get_language() or "fr"))


def disk(kiosk: Kiosk) -> str:
    """``774,7 Mo libres sur 14,9 Go`` (or ``—`` when the kiosk never said)."""
    return disk_words(kiosk.disk_free, kiosk.disk_total)


def disk_words(free: int | None, total: int | None = None) -> str:
    if free is None:
        return "—"
    if total:
        return _("%(free)s free of %(total)s") % {"free": filesizeformat(free), "total": filesizeformat(total)}
    return _("%(free)s free") % {"free": filesizeformat(free)}


def disk_is_low(kiosk: Kiosk) -> bool:
    """Under 5 % or 500 MB free: the kiosk may soon fail to store new photos."""
    if kiosk.disk_free is None:
        return False
    low = kiosk.disk_free < 500 * 1000**2
    return low or bool(kiosk.disk_total and kiosk.disk_free < kiosk.disk_total * 0.05)


def contact(kiosk: Kiosk) -> str:
    """``il y a 3 minutes (signal de vie)``: when the kiosk was last heard of, and how."""
    if kiosk.last_contact is None:
        return _("never")
    via = {"heartbeat": _("status report"), "feed": _("content request")}[kiosk.last_contact_via]
    ago = duration((timezone.now() - kiosk.last_contact).total_seconds())
    return _("%(ago)s ago (%(via)s)") % {"ago": ago, "via": via}


@dataclass(frozen=True)
class Content:
    """What content a kiosk has, from the cursor it reported (the number of the last change it got)."""

    known: bool
    up_to_date: bool = False
    newest: dt.datetime | None = None  # when the newest change it has was made

    def __str__(self) -> str:
        if not self.known:
            return _("not reported yet")
        if self.up_to_date:
            return _("up to date")
        if self.newest is None:
            return _("nothing received yet")
        return _("received up to the changes of %(date)s") % {"date": when(self.newest)}


def content(kiosks: list[Kiosk]) -> dict[int, Content]:
    """Each kiosk's :class:`Content`, by kiosk id (one pair of queries per distinct cursor)."""
    latest = current_seq()
    by_cursor: dict[str, Content] = {}
    out = {}
    for kiosk in kiosks:
        cursor = kiosk.cursor or ""
        if cursor not in by_cursor:
            by_cursor[cursor] = _content_at(cursor, latest)
        out[kiosk.pk] = by_cursor[cursor]
    return out


def _content_at(cursor: str, latest: int) -> Content:
    if not (cursor.isascii() and cursor.isdigit()):
        return Content(known=False)
    seq = int(cursor)
    if seq >= latest:
        return Content(known=True, up_to_date=True)
    newest = [
        model.objects.filter(seq__lte=seq, seq__gt=0).aggregate(at=Max("updated_at"))["at"] for model in (Entry, Alert)
    ]
    return Content(known=True, newest=max((t for t in newest if t is not None), default=None))


def bundle(kiosk: Kiosk) -> tuple[str, bool] | None:
    """The last USB bundle in words, and whether it is a warning (not signed, or not checked)."""
    data = kiosk.bundle or {}
    if not data:
        return None
    imported = data.get("imported_at")
    at = _("on %(date)s") % {"date": when(dt.datetime.fromisoformat(imported))} if imported else _("at an unknown date")
    name = data.get("name") or _("(no name)")
    if data.get("signed") and data.get("verified"):
        check, warn = _("signature verified"), False
    elif data.get("signed"):
        check, warn = _("signed, but the signature was NOT checked (no key on the kiosk)"), True
    else:
        check, warn = _("NOT SIGNED: nothing was checked"), True
    return _("%(name)s, imported %(at)s, %(check)s") % {"name": name, "at": at, "check": check}, warn


UPDATE_RESULTS = {
    "downloaded": _("downloaded, not installed yet"),
    "installed": _("installed, waiting to report healthy"),
    "healthy": _("installed and healthy"),
    "rolled_back": _("ROLLED BACK: the new version did not report healthy in time"),
    "refused": _("REFUSED: the signature or the hash did not match"),
    "failed": _("FAILED"),
}


def update(kiosk: Kiosk) -> tuple[str, bool]:
    """The last software update in words, and whether it is a warning."""
    data = kiosk.update_state or {}
    if not data.get("result"):
        return _("none"), False
    result = data["result"]
    words = UPDATE_RESULTS.get(result, result)
    at = when(dt.datetime.fromisoformat(data["at"])) if data.get("at") else "—"
    values = {"version": data.get("version") or "?", "result": words, "at": at}
    text = _("version %(version)s: %(result)s (%(at)s)") % values
    if data.get("message"):
        text += f" — {data['message']}"
    return text, result in ("rolled_back", "refused", "failed")


def screen(kiosk: Kiosk) -> str:
    """``allumé (wlr-randr), éteint à 22:00 selon ses horaires``: the screen's power as last reported."""
    data = kiosk.screen_state or {}
    if not data.get("state"):
        return _("not reported yet")
    state = {"on": _("on"), "off": _("off"), "unknown": _("unknown")}.get(data["state"], data["state"])
    text = _("%(state)s (%(backend)s)") % {"state": state, "backend": data.get("backend") or "?"}
    if data.get("error"):
        text += " — " + data["error"]
    return text
