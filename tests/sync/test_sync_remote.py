"""The back office's requests beyond content: kiosk settings from the feed, a screenshot on demand."""

import base64
import io
import json

import pytest
from fakebo import entry
from PIL import Image

from sync import remote
from sync.errors import SyncError

SETTINGS = {
    "screen": {"weekly": {"mon": ["07:00-22:00"]}, "exceptions": {"2026-12-25": []}, "wake_minutes": 3},
    "idle_seconds": 45,
    "languages": ["fr", "en"],
    "pin": "97531",
    "release": None,
    "later": "a key this kiosk does not know",
}


def test_settings_from_the_feed_reach_the_kiosks_file(bo, job, data_dir):
    bo.put_entry(entry(1))
    bo.settings = SETTINGS
    job.sync_once()
    stored = json.loads((data_dir / remote.SETTINGS_FILE).read_text())
    assert stored["pin"] == "97531" and stored["idle_seconds"] == 45 and stored["screen"]["wake_minutes"] == 3
    assert "later" not in stored
    bo.settings = {**SETTINGS, "pin": "1111"}  # only the settings change: the ETag moves, the sync sees it
    job.sync_once()
    assert json.loads((data_dir / remote.SETTINGS_FILE).read_text())["pin"] == "1111"


def test_bad_settings_are_refused_whole_and_reported(bo, job, data_dir):
    bo.put_entry(entry(1))
    bo.settings = SETTINGS
    job.sync_once()
    bo.settings = {**SETTINGS, "pin": "12"}
    job.sync_once()
    assert json.loads((data_dir / remote.SETTINGS_FILE).read_text())["pin"] == "97531"  # kept
    job.heartbeat()
    assert any("settings" in e and "4 à 8 chiffres" in e for e in bo.heartbeats[-1]["errors"])


def test_a_screenshot_goes_with_the_heartbeat_after_the_request(bo, job, data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    bo.commands = ["screenshot"]
    assert job.heartbeat() == ["screenshot"]
    assert (data_dir / remote.SCREENSHOT_REQUEST).exists()  # the kiosk watches for it
    Image.new("RGB", (1080, 1920), (30, 90, 160)).save(data_dir / remote.SCREENSHOT_FILE)  # what the kiosk writes
    (data_dir / remote.SCREEN_STATE_FILE).write_text(json.dumps({"backend": "fake", "state": "on", "at": "x"}))
    job.heartbeat()
    sent = bo.heartbeats[-1]
    jpeg = base64.b64decode(sent["screenshot"]["jpeg"])
    with Image.open(io.BytesIO(jpeg)) as img:
        assert img.format == "JPEG" and img.size == (540, 960)
    assert len(jpeg) < 40_000 and sent["screen"] == {"backend": "fake", "state": "on", "at": "x"}
    assert not (data_dir / remote.SCREENSHOT_FILE).exists()
    job.heartbeat()
    assert "screenshot" not in bo.heartbeats[-1]


def test_a_screenshot_stays_until_the_back_office_has_it(bo, job, data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (64, 64)).save(data_dir / remote.SCREENSHOT_FILE)
    bo.fail("heartbeat", "status", status=500, times=10)
    with pytest.raises(SyncError):
        job.heartbeat()
    assert (data_dir / remote.SCREENSHOT_FILE).exists()


def test_an_over_long_report_is_cut_not_refused(bo, job, data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    state = {"backend": "xset", "state": "unknown", "action": "off: schedule", "at": "x", "error": "e" * 5000}
    (data_dir / remote.SCREEN_STATE_FILE).write_text(json.dumps(state))
    job.heartbeat()
    assert len(bo.heartbeats[-1]["screen"]["error"]) == 500
