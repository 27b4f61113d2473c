"""What the back office asks of this kiosk beyond content: its settings, and a look at its screen.

The kiosk process never touches the network, so the two processes meet in small files in the data
folder, each with one writer:

- ``kiosk-settings.json`` (written here): the feed's ``settings``, checked by
  ``content.kiosk_settings``; the kiosk applies them when the file changes.
- ``screenshot-request`` (written here when the heartbeat's answer says ``screenshot``): the kiosk
  captures its window to ``screenshot.png`` (written by the kiosk) and removes the request; the next
  heartbeat carries it as a small JPEG, and the file goes once the back office has it.
- ``screen-state.json`` (written by the kiosk): what its screen power backend did, for the heartbeat.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import logging
import os
from pathlib import Path

from content.kiosk_settings import KioskSettingsUpdate, SettingsError

log = logging.getLogger(__name__)

SETTINGS_FILE = "kiosk-settings.json"
SCREENSHOT_REQUEST = "screenshot-request"
SCREENSHOT_FILE = "screenshot.png"
SCREEN_STATE_FILE = "screen-state.json"
#: The screenshot as sent: at most this wide (a phone-sized look is enough to see what is shown).
SCREENSHOT_WIDTH = 540
SCREENSHOT_QUALITY = 70


def write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def save_settings(data_dir: Path, raw) -> bool:
    """Store the feed's ``settings`` for the kiosk when they changed; True when the file changed.

    Settings that do not read are refused whole (the kiosk keeps the ones it has) with SettingsError."""
    update = KioskSettingsUpdate.from_wire(raw)  # raises SettingsError
    encoded = json.dumps({**update.to_wire(), "release": raw.get("release")}, sort_keys=True, ensure_ascii=False)
    path = Path(data_dir) / SETTINGS_FILE
    try:
        if path.read_text(encoding="utf-8") == encoded:
            return False
    except OSError:
        pass
    write_atomic(path, encoded.encode())
    log.info("new kiosk settings from the back office")
    return True


def load_settings(data_dir: Path) -> dict:
    try:
        return json.loads((Path(data_dir) / SETTINGS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def request_screenshot(data_dir: Path, now: dt.datetime) -> None:
    write_atomic(Path(data_dir) / SCREENSHOT_REQUEST, now.isoformat().encode())


def screenshot_payload(data_dir: Path) -> dict | None:
    """The kiosk's last capture as the heartbeat's ``screenshot`` (a JPEG in base64), or None."""
    path = Path(data_dir) / SCREENSHOT_FILE
    if not path.exists():
        return None
    from PIL import Image

    try:
        taken = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
        with Image.open(path) as img:
            img = img.convert("RGB")
            if img.width > SCREENSHOT_WIDTH:
                img = img.resize((SCREENSHOT_WIDTH, round(img.height * SCREENSHOT_WIDTH / img.width)))
            out = io.BytesIO()
            img.save(out, "JPEG", quality=SCREENSHOT_QUALITY, optimize=True)
    except (OSError, ValueError) as exc:
        log.warning("the kiosk's screenshot cannot be read (%s): dropped", exc)
        path.unlink(missing_ok=True)
        return None
    return {"taken_at": taken.isoformat(timespec="seconds"), "jpeg": base64.b64encode(out.getvalue()).decode()}


def screenshot_sent(data_dir: Path) -> None:
    (Path(data_dir) / SCREENSHOT_FILE).unlink(missing_ok=True)


def screen_state(data_dir: Path) -> dict | None:
    try:
        data = json.loads((Path(data_dir) / SCREEN_STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    keys = ("backend", "state", "action", "at", "error")
    return {k: data[k] for k in keys if isinstance(data.get(k), str)}


__all__ = ["SettingsError", "save_settings", "load_settings", "request_screenshot", "screenshot_payload"]
