"""The maintenance panel's rows: the cache's state as labelled lines in the chosen language (pure, no Kivy)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_datetime
from babel.numbers import format_decimal
from babel.units import format_unit

from kiosk.rows import Gettext, kind_titles


def when(stamp: str | None, *, tz: dt.tzinfo, lang: str) -> str:
    """An ISO 8601 time stamp from the cache's meta, in the town's time zone and the chosen language."""
    if not stamp:
        return ""
    try:
        value = dt.datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return str(stamp)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return format_datetime(value.astimezone(tz), "medium", locale=lang)


def size_text(n_bytes: int, lang: str) -> str:
    if n_bytes >= 1_000_000:
        return format_unit(n_bytes / 1e6, "digital-megabyte", locale=lang, format="#,##0.0", length="short")
    return format_unit(n_bytes / 1e3, "digital-kilobyte", locale=lang, format="#,##0", length="short")


def outcome_text(outcome: Any, *, tz: dt.tzinfo, lang: str, _: Gettext) -> list[str]:
    """A sync or import outcome ``{"at", "ok", "errors"}``: "26 nov. 2026, 03:01:40 · OK", then its errors."""
    if not isinstance(outcome, dict):
        return [_("never")]
    verdict = _("OK") if outcome.get("ok") else _("failed")
    lines = [f"{when(outcome.get('at'), tz=tz, lang=lang)} · {verdict}"]
    errors = [str(e) for e in outcome.get("errors") or []]
    lines += [f"– {e}" for e in errors[:5]]
    if len(errors) > 5:
        lines.append(_("and {count} more errors").format(count=len(errors) - 5))
    return lines


def bundle_text(record: Any, *, tz: dt.tzinfo, lang: str, _: Gettext) -> list[str]:
    """The last USB bundle (``{"name", "imported_at", "signed", "verified"}``): its file, when, and
    whether its signature was checked: staff must see at once that a bundle came in unchecked."""
    if not isinstance(record, dict) or not record.get("imported_at"):
        return [_("never")]
    if record.get("verified") is True:
        checks = _("signed, signature checked")
    elif record.get("signed") is True:
        checks = _("signed, NOT checked: no bundle key on this kiosk")
    else:
        checks = _("not signed, NOT checked: no bundle key on this kiosk")
    return [str(record.get("name") or ""), when(record.get("imported_at"), tz=tz, lang=lang), checks]


def installed_version() -> str:
    """The installed package's version ("dev" when Borne runs from a checkout that was not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("borne")
    except PackageNotFoundError:
        return "dev"


def status_rows(
    state: dict,
    *,
    version: str,
    data_dir: str,
    tz: dt.tzinfo,
    lang: str,
    _: Gettext,
    sync_requested_at: dt.datetime | None = None,
    bundle: dict | None = None,
) -> list[dict]:
    """``[{"label": ..., "value": ...}]`` for the cache's ``state()`` (an ``{"error": ...}`` state shows the error).

    ``bundle`` is the cache's record of the last USB bundle imported (its ``bundle`` meta value).
    """
    rows = [
        {"label": _("Version"), "value": f"Borne {version or installed_version()}"},
        {"label": _("Data folder"), "value": data_dir},
    ]
    if "error" in state:
        return rows + [{"label": _("Content cache"), "value": str(state["error"])}]
    num = lambda n: format_decimal(n or 0, locale=lang)  # noqa: E731
    titles = kind_titles(_)
    counts = state.get("counts") or {}
    per_kind = "\n".join(f"{titles.get(kind, kind)}: {num(n)}" for kind, n in counts.items())
    media = state.get("media") or {}
    alerts = _("{count} ({active} active)").format(
        count=num(state.get("alerts")), active=num(state.get("active_alerts"))
    )
    rows += [
        {
            "label": _("Content version"),
            "value": f"{state.get('content_version', 0)} (schema {state.get('schema_version')})",
        },
        {"label": _("Entries"), "value": "\n".join(x for x in (num(state.get("entries")), per_kind) if x)},
        {"label": _("Alerts"), "value": alerts},
        {"label": _("Images"), "value": f"{num(media.get('count'))} · {size_text(media.get('bytes') or 0, lang)}"},
        {"label": _("Sync cursor"), "value": state.get("cursor") or "–"},
        {"label": _("Last import"), "value": "\n".join(outcome_text(state.get("last_import"), tz=tz, lang=lang, _=_))},
        {"label": _("Last USB bundle"), "value": "\n".join(bundle_text(bundle, tz=tz, lang=lang, _=_))},
        {"label": _("Last sync"), "value": "\n".join(outcome_text(state.get("last_sync"), tz=tz, lang=lang, _=_))},
        {
            "label": _("Last successful sync"),
            "value": when(state.get("last_sync_ok_at"), tz=tz, lang=lang) or _("never"),
        },
        {"label": _("Time zone"), "value": str(state.get("time_zone") or "")},
    ]
    if sync_requested_at is not None:
        value = _("requested {time}, waiting for the sync process").format(
            time=format_datetime(sync_requested_at.astimezone(tz), "medium", locale=lang)
        )
        rows.append({"label": _("Sync now"), "value": value})
    return rows
