"""The maintenance panel's rows: the cache's state as labelled lines a town employee can read."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from kiosk.status_rows import size_text, status_rows
from tests import cldr

PARIS = ZoneInfo("Europe/Paris")
STATE = {
    "entries": 83,
    "counts": {"place": 11, "heritage": 14, "event": 19, "shop": 25, "service": 14},
    "alerts": 3,
    "active_alerts": 2,
    "media": {"count": 37, "bytes": 5_482_945},
    "schema_version": 1,
    "content_version": 4,
    "cursor": "",
    "last_import": {"at": "2026-11-26T02:01:40+00:00", "ok": True, "errors": []},
    "last_sync": {"at": "2026-11-26T02:30:00+00:00", "ok": False, "errors": ["back office unreachable"]},
    "last_sync_ok_at": None,
    "time_zone": "Europe/Paris",
}


def shout(s: str) -> str:  # a "catalogue" that makes translated strings recognisable (placeholders kept)
    return re.sub(r"\{(\w+)\}", lambda m: "{" + m.group(1).lower() + "}", s.upper())


def rows_of(state, lang="fr", **kwargs):
    rows = status_rows(state, version="1.2", data_dir="/var/lib/borne", tz=PARIS, lang=lang, _=shout, **kwargs)
    return {row["label"]: row["value"] for row in rows}


def test_without_a_version_given_the_installed_one_is_shown(monkeypatch):
    import importlib.metadata

    def version(name):
        assert name == "borne"
        return "0.9.1"

    monkeypatch.setattr(importlib.metadata, "version", version)
    rows = status_rows(STATE, version="", data_dir="/var/lib/borne", tz=PARIS, lang="fr", _=shout)
    assert rows[0] == {"label": "VERSION", "value": "Borne 0.9.1"}

    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", missing)  # run from a checkout never installed
    rows = status_rows(STATE, version="", data_dir="/var/lib/borne", tz=PARIS, lang="fr", _=shout)
    assert rows[0]["value"] == "Borne dev"


def test_every_part_of_the_state_has_a_translated_label():
    rows = rows_of(STATE)
    assert rows["VERSION"] == "Borne 1.2"
    assert rows["ENTRIES"].splitlines() == [
        "83",
        "DISCOVER: 11",
        "HERITAGE: 14",
        "WHAT'S ON: 19",
        "SHOPS: 25",
        "PRACTICAL INFO: 14",
    ]
    assert rows["IMAGES"] == f"37 · {cldr.unit(5.482945, 'digital-megabyte', 'fr', '#,##0.0')}"
    assert rows["SYNC CURSOR"] == "–"
    assert rows["TIME ZONE"] == "Europe/Paris"
    assert not any("{" in value for value in rows.values())


def test_last_sync_shows_local_time_verdict_and_errors():
    rows = rows_of(STATE)
    # the moments in the town's time (UTC+1 in November), as the locale writes a medium date and time
    sync_at, import_at = (dt.datetime(2026, 11, 26, 3, m, s, tzinfo=PARIS) for m, s in ((30, 0), (1, 40)))
    assert rows["LAST SYNC"].splitlines() == [
        f"{cldr.medium_datetime(sync_at, 'fr')} · FAILED",
        "– back office unreachable",
    ]
    assert rows["LAST IMPORT"] == f"{cldr.medium_datetime(import_at, 'fr')} · OK"
    assert rows["LAST SUCCESSFUL SYNC"] == "NEVER"


def test_a_broken_cache_shows_its_error():
    assert rows_of({"error": "database disk image is malformed"})["CONTENT CACHE"] == "database disk image is malformed"


def test_a_pending_sync_request_is_shown():
    at = dt.datetime(2026, 11, 26, 2, 40, tzinfo=dt.UTC)
    shown = cldr.medium_datetime(at.astimezone(PARIS), "de")  # in the town's time: 03:40
    assert shown in rows_of(STATE, lang="de", sync_requested_at=at)["SYNC NOW"]


def test_sizes_in_the_chosen_language():
    """Megabytes with one decimal, kilobytes without, as each language writes them."""
    assert size_text(5_482_945, "en") == cldr.unit(5.482945, "digital-megabyte", "en", "#,##0.0")
    assert size_text(48_000, "de") == cldr.unit(48, "digital-kilobyte", "de", "#,##0")


# -- the last USB bundle: whether its signature was checked ------------------------------------------

BUNDLE_AT = "2026-11-26T08:15:00+00:00"


@pytest.mark.parametrize(
    ("signed", "verified", "checks"),
    [
        (True, True, "SIGNED, SIGNATURE CHECKED"),
        (True, False, "SIGNED, NOT CHECKED: NO BUNDLE KEY ON THIS KIOSK"),
        (False, False, "NOT SIGNED, NOT CHECKED: NO BUNDLE KEY ON THIS KIOSK"),
    ],
)
def test_last_usb_bundle_says_whether_it_was_checked(signed, verified, checks):
    bundle = {"name": "borne-15187.zip", "imported_at": BUNDLE_AT, "signed": signed, "verified": verified}
    shown = cldr.medium_datetime(dt.datetime.fromisoformat(BUNDLE_AT).astimezone(PARIS), "fr")
    assert rows_of(STATE, bundle=bundle)["LAST USB BUNDLE"].splitlines() == ["borne-15187.zip", shown, checks]


def test_no_usb_bundle_ever_imported_says_never():
    assert rows_of(STATE)["LAST USB BUNDLE"] == "NEVER"
