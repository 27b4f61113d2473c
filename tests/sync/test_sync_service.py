"""The sync process: transitions logged once, run_once's exit status, the scheduled service, SIGTERM."""

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fakebo import entry

from content.cache import ContentCache
from sync.config import ConfigError, Intervals, SyncConfig
from sync.service import (
    EXIT_BUSY,
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_OK,
    Health,
    SyncService,
    build_job,
    run_once,
    writer_lock,
)

REPO = Path(__file__).resolve().parents[2]


def wait_until(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_failures_are_logged_once_then_the_recovery(caplog):
    health = Health()
    with caplog.at_level(logging.INFO, logger="sync.service"):
        for _ in range(5):
            health.failed("sync", "cannot reach the back office")
        health.ok("sync")
        health.ok("sync")
    lines = [r.getMessage() for r in caplog.records]
    assert lines == ["sync failed: cannot reach the back office", "sync recovered"]


def test_a_different_failure_is_logged(caplog):
    health = Health()
    with caplog.at_level(logging.WARNING, logger="sync.service"):
        health.failed("sync", "503")
        health.failed("sync", "malformed JSON")
    assert len(caplog.records) == 2


def config(bo, data_dir, **kw) -> SyncConfig:
    return SyncConfig(
        data_dir=data_dir,
        backoffice_url=bo.url,
        token=bo.token,
        version="1.2",
        backoff_factor=0.01,
        min_free_bytes=0,
        **kw,
    )


def test_run_once_succeeds(bo, data_dir, capsys):
    bo.put_entry(entry(1))
    assert run_once(config(bo, data_dir)) == EXIT_OK
    assert "1 entries updated" in capsys.readouterr().out
    with ContentCache.open(data_dir, readonly=True) as cache:
        assert cache.get("bo:1") is not None


def test_run_once_fails_with_the_reason(data_dir, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = SyncConfig(
        data_dir=data_dir, backoffice_url=f"http://127.0.0.1:{port}", token="t", retries=0, min_free_bytes=0
    )
    assert run_once(cfg) == EXIT_FAILED
    assert "cannot reach the back office" in capsys.readouterr().err


def test_run_once_without_a_back_office(data_dir, capsys):
    assert run_once(SyncConfig(data_dir=data_dir)) == EXIT_CONFIG
    assert "BORNE_BACKOFFICE_URL" in capsys.readouterr().err


def test_run_once_while_the_service_runs_asks_it_to_sync(bo, data_dir, capsys):
    with writer_lock(data_dir):
        assert run_once(config(bo, data_dir)) == EXIT_BUSY
    assert (data_dir / "sync-now").exists()


def test_config_from_settings_and_environment(tmp_path):
    cfg = SyncConfig.from_settings(
        {"data_dir": str(tmp_path), "intervals": {"sync": 60}},
        env={"BORNE_BACKOFFICE_URL": "https://bo.example.fr", "BORNE_KIOSK_TOKEN": "secret"},
    )
    assert cfg.backoffice_url == "https://bo.example.fr" and cfg.token == "secret"
    assert cfg.intervals.sync == 60 and cfg.data_dir == tmp_path
    assert "secret" not in repr(cfg)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"backoffice_url": "ftp://x"}, "not an http"),
        ({"backoffice_url": "https://x"}, "no kiosk token"),
        ({"colour": "red"}, "unknown sync setting"),
    ],
)
def test_bad_config_names_the_setting(tmp_path, settings, message):
    with pytest.raises(ConfigError, match=message):
        SyncConfig.from_settings({"data_dir": tmp_path, **settings}, env={})


def test_the_service_syncs_polls_and_obeys_sync_now(bo, data_dir):
    cfg = config(
        bo,
        data_dir,
        intervals=Intervals(
            sync=3600, sync_jitter=0, alerts=0.5, heartbeat=3600, watch=0.2, first_sync_max=0.1, first_heartbeat=0.1
        ),
    )
    job = build_job(cfg)
    service = SyncService(cfg, job)
    bo.put_entry(entry(1))
    service.start()
    try:
        assert wait_until(lambda: job.cache.cursor == "1"), "the first sync did not run"
        assert wait_until(lambda: len(bo.heartbeats) >= 1), "no heartbeat"
        bo.put_entry(entry(2))
        (data_dir / "sync-now").touch()  # the maintenance panel's button
        assert wait_until(lambda: job.cache.cursor == "2"), "sync now was not obeyed"
        assert wait_until(lambda: any("If-None-Match" in r["headers"] for r in bo.requests_to("changes")))
    finally:
        service.stop()
        job.close()
    assert not service.scheduler.running


def test_the_process_stops_cleanly_on_sigterm(bo, tmp_path):
    bo.put_entry(entry(1))
    data_dir = tmp_path / "data"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync", "--data", str(data_dir), "--url", bo.url, "--token", bo.token, "-v"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in proc.stderr:
            if "sync process started" in line:
                break
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "sync process stopped" in proc.stderr.read()


def test_config_from_the_kiosk_configuration(tmp_path):
    from content.config import load_config

    key = tmp_path / "bundle.key"
    key.write_bytes(b"k3y\n")
    app = load_config(
        tmp_path,
        env={
            "BORNE_BACKOFFICE_URL": "https://bo.example.fr",
            "BORNE_KIOSK_TOKEN": "tok",
            "BORNE_BUNDLE_DIR": "/media/usb",
            "BORNE_BUNDLE_KEY_FILE": str(key),
        },
    )
    cfg = SyncConfig.from_app_config(app, version="0.1.0")
    assert (cfg.backoffice_url, cfg.token, cfg.bundle_key) == ("https://bo.example.fr", "tok", b"k3y")
    assert cfg.bundle_dir == Path("/media/usb") and cfg.intervals.sync == 15 * 60 and cfg.intervals.alerts == 60


def test_a_crashing_job_is_logged_with_its_traceback_once(bo, data_dir, caplog):
    import datetime as dt

    from apscheduler.events import EVENT_JOB_ERROR, JobExecutionEvent

    from sync.service import JOB_ALERTS

    cfg = config(bo, data_dir)
    job = build_job(cfg)
    service = SyncService(cfg, job)
    try:
        event = JobExecutionEvent(
            EVENT_JOB_ERROR, JOB_ALERTS, "default", dt.datetime.now(dt.UTC), exception=RuntimeError("boom")
        )
        with caplog.at_level(logging.WARNING, logger="sync.service"):
            service._on_event(event)
            service._on_event(event)
        crashes = [r for r in caplog.records if r.exc_info]
        assert len(crashes) == 1
        assert job.failures == {"alert poll": "unexpected RuntimeError: boom"}
        service.health.ok("alert poll")
        assert job.failures == {}
    finally:
        job.close()


def test_a_sync_asked_for_by_a_person_does_not_wait_for_retry_after(bo, data_dir):
    cfg = config(bo, data_dir)
    job = build_job(cfg)
    service = SyncService(cfg, job)
    try:
        bo.put_entry(entry(1))
        job.not_before = time.monotonic() + 3600
        service.run_sync()
        assert job.cache.cursor == ""
        service.trigger_sync()  # not scheduled here: runs at once
        assert job.cache.cursor == "1"
    finally:
        job.close()
