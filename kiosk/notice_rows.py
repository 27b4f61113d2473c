"""What the official notices' screens show, from the cache's notice cards: pure functions, no Kivy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from babel.dates import format_date

from content.notice_store import NOTICE_KINDS

Gettext = Callable[[str], str]


def kind_names(_: Gettext) -> dict[str, str]:
    """Each kind of notice, as the visitor reads it (singular)."""
    return {
        "deliberation": _("Council deliberation"),
        "arrete": _("Municipal by-law"),
        "proces_verbal": _("Council minutes"),
        "liste_deliberations": _("List of deliberations"),
        "bans": _("Marriage banns"),
        "enquete_publique": _("Public inquiry"),
        "avis": _("Notice"),
    }


def kind_plurals(_: Gettext) -> dict[str, str]:
    """The kinds as chips over the list (plural)."""
    return {
        "deliberation": _("Deliberations"),
        "arrete": _("By-laws"),
        "proces_verbal": _("Minutes"),
        "liste_deliberations": _("Lists of deliberations"),
        "bans": _("Banns"),
        "enquete_publique": _("Public inquiries"),
        "avis": _("Other notices"),
    }


def _day(value: dt.date | dt.datetime, lang: str, tz) -> str:
    if isinstance(value, dt.datetime):
        value = value.astimezone(tz).date()
    return format_date(value, "long", locale=lang)


def notice_line(card: Any, *, lang: str, tz, _: Gettext) -> str:
    """The line under a notice's title: its kind and number, the act's date."""
    parts = [kind_names(_).get(card.kind, card.kind)]
    if card.number:
        parts[0] += " " + _("no. {number}").format(number=card.number)
    if card.act_date:
        parts.append(_day(card.act_date, lang, tz))
    return " · ".join(parts)


def notice_row(card: Any, *, lang: str, tz, _: Gettext, thumb_path: Callable[[str], str] = lambda sha: "") -> dict:
    return {
        "viewclass": "NoticeRow",
        "notice_id": card.id,
        "title": card.title,
        "line": notice_line(card, lang=lang, tz=tz, _=_),
        "thumb": thumb_path(card.thumb) if card.thumb else "",
    }


def notice_rows(cards: Iterable[Any], **kwargs) -> list[dict]:
    return [notice_row(card, **kwargs) for card in cards]


def kind_chips(kinds: Iterable[str], *, selected: str, _: Gettext) -> list[dict]:
    """ "All" then the kinds in force, in the register's order."""
    names = kind_plurals(_)
    chips = [{"key": "", "text": _("All"), "active": selected == ""}]
    chips += [{"key": k, "text": names[k], "active": k == selected} for k in NOTICE_KINDS if k in set(kinds)]
    return chips


def notice_view(card: Any, *, lang: str, tz, _: Gettext) -> dict:
    """The viewer's texts: heading, dates, and where the QR code leads."""
    published = _("Posted on {date}").format(date=_day(card.published_at, lang, tz))
    if card.until:
        published += " · " + _("until {date}").format(date=_day(card.until, lang, tz))
    lines = [notice_line(card, lang=lang, tz=tz, _=_), published]
    if card.replaces:
        lines.append(_("Replaces an earlier notice (see the register)."))
    qr = card.pdf.get("url") or card.data.get("public_url") or ""
    return {"title": card.title, "lines": lines, "qr": qr}


def page_label(index: int, count: int, _: Gettext) -> str:
    return _("Page {n} of {count}").format(n=index + 1, count=count)
