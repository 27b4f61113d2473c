"""The kiosk's watchdog, end to end: the real kiosk process under a stand-in for systemd.

A frozen UI loop stops the pings and is restarted; starts that keep crashing end on the fallback
message, never on a black screen. Each test runs the kiosk as its own process (a few seconds each).
"""

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

import pytest

from kiosk.fallback import messages
from kiosk.watchdog import READY_FILE, STARTS_FILE, StartLog
from tests.kiosk.town import build_town
from tests.supervision.notify import NotifySocket, Supervisor

REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 7, 9, 15, 0, tzinfo=dt.UTC)

needs_display = pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs a display (xvfb-run)")


@pytest.fixture
def sock(tmp_path):
    s = NotifySocket(tmp_path / "notify")
    yield s
    s.close()


def kiosk_argv(data_dir: Path, freeze: Path) -> list[str]:
    script = str(REPO / "tests" / "supervision" / "freezable_kiosk.py")
    args = ["run", "--data-dir", str(data_dir), "--windowed", "--size", "540x960", "--no-sync"]
    return [sys.executable, script, str(freeze), *args]


def test_the_start_log_sees_a_crash_loop_and_forgets_it_once_ready(tmp_path):
    clock = [1000.0]
    log = StartLog(tmp_path, wall=lambda: clock[0])
    for _ in range(2):
        log.started()
    assert not log.crash_loop()
    log.started()
    assert log.crash_loop()
    clock[0] += 11 * 60  # old failures do not count
    assert not log.crash_loop()
    log.started()
    log.ready()
    assert not (tmp_path / STARTS_FILE).exists()


def test_the_fallback_message_is_in_every_language_the_towns_first():
    lines = messages("fr")
    assert lines[0].startswith("Les informations sont momentanément indisponibles")
    assert len(lines) == 6 and any("Rathaus" in line for line in lines)


@pytest.mark.slow
@needs_display
def test_a_frozen_ui_loop_is_restarted(tmp_path, sock):
    data = tmp_path / "data"
    build_town(data, NOW)
    freeze = tmp_path / "freeze"
    sup = Supervisor(kiosk_argv(data, freeze), sock=sock, watchdog_s=3, env=dict(os.environ), cwd=REPO)
    sup.start()
    try:
        assert sock.wait_for("READY=1", timeout=60)
        first = json.loads((data / READY_FILE).read_text())["pid"]
        assert sock.wait_for("WATCHDOG=1", timeout=5)  # half of WatchdogSec
        freeze.touch()
        sup.run(60, until=lambda: sup.starts == 2 and "READY=1" in sock.messages[-4:])
        assert sup.watchdog_kills == 1 and sup.starts == 2
        assert sock.wait_for("WATCHDOG=1", timeout=10) or "READY=1" in sock.messages
        second = json.loads((data / READY_FILE).read_text())["pid"]
        assert second != first and second == sup.proc.pid  # the new kiosk drew its first frame
    finally:
        sup.stop()


@pytest.mark.slow
@needs_display
def test_a_crash_loop_ends_on_the_fallback_screen_not_a_black_one(tmp_path, sock):
    data = tmp_path / "data"
    data.mkdir()
    (data / "content.db").write_bytes(b"this is not a database" * 100)  # every start dies before its first frame
    sup = Supervisor(kiosk_argv(data, tmp_path / "never"), sock=sock, watchdog_s=8, env=dict(os.environ), cwd=REPO)
    sup.start()
    try:
        sup.run(90, until=lambda: any(m.startswith("STATUS=fallback") for m in sock.messages))
        assert any(m.startswith("STATUS=fallback") for m in sock.messages)
        assert sup.starts == 4  # three crashes, then the fallback
        time.sleep(1)
        assert sup.proc.poll() is None  # it stays up, pinging
        assert sock.wait_for("WATCHDOG=1", timeout=12)
    finally:
        sup.stop()
