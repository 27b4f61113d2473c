"""The staff's maintenance panel, behind a hidden gesture and a PIN from the configuration."""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
from pathlib import Path

from kivy.properties import BooleanProperty, ListProperty, StringProperty

from kiosk.screens.base import KioskScreen
from kiosk.status_rows import status_rows
from kiosk.widgets import StatusRow

log = logging.getLogger(__name__)

SYNC_REQUEST = "sync-now"  # the sync process watches <data_dir>/sync-now


def request_sync(data_dir: Path, now: dt.datetime) -> Path:
    """Ask the sync process for a sync now: a small request file it watches (the kiosk has no network)."""
    path = Path(data_dir) / SYNC_REQUEST
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"requested_at": now.isoformat(), "by": "kiosk"}) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


class MaintenanceScreen(KioskScreen):
    unlocked = BooleanProperty(False)
    pin = StringProperty("")
    message = StringProperty("")
    info = StringProperty("")  # the rows as plain "label: value" lines (logs, tests)
    rows = ListProperty([])

    def setup(self, **_params) -> None:
        self.unlocked = False
        self.pin = ""
        self.message = ""

    def press_digit(self, digit: str) -> None:
        if len(self.pin) < 8:
            self.pin += digit
        self.message = ""

    def erase(self) -> None:
        self.pin = self.pin[:-1]

    def submit(self) -> None:
        if hmac.compare_digest(self.pin.encode(), self.app.settings.pin.encode()):
            self.unlocked = True
            self.refresh()
        else:
            log.warning("wrong maintenance PIN")
            self.message = self.app.tr._("Wrong PIN")
        self.pin = ""

    def refresh(self) -> None:
        if not self.unlocked:
            return
        app = self.app
        bundle = None
        try:
            state = app.cache.state()
            bundle = app.cache.meta("bundle")
        except Exception as exc:  # the panel must open even when the cache is broken
            state = {"error": str(exc)}
        request = Path(app.settings.data_dir) / SYNC_REQUEST
        requested = dt.datetime.fromtimestamp(request.stat().st_mtime, dt.UTC) if request.exists() else None
        self.rows = status_rows(
            state,
            version=app.version,
            data_dir=str(app.settings.data_dir),
            tz=app.tz,
            lang=app.tr.lang,
            _=app.tr._,
            sync_requested_at=requested,
            bundle=bundle,
        )
        self.info = "\n".join(f"{row['label']}: {row['value']}" for row in self.rows)
        box = self.ids.rows
        box.clear_widgets()
        for row in self.rows:
            box.add_widget(StatusRow(label=row["label"], value=row["value"]))

    def sync_now(self) -> None:
        app = self.app
        try:
            request_sync(app.settings.data_dir, app.now())
            self.message = app.tr._("Sync requested")
        except OSError as exc:
            log.error("cannot request a sync: %s", exc)
            self.message = app.tr._("Cannot request a sync: {error}").format(error=exc)
        self.refresh()

    def exit_app(self) -> None:
        log.info("kiosk closed from the maintenance panel")
        self.app.stop()

    def reset(self) -> None:
        self.setup()
