"""systemd's notify protocol (content.sdnotify) and the sync process's watchdog (a stuck job stops the pings)."""

import threading

import pytest

from content.sdnotify import Notifier
from sync.config import SyncConfig
from sync.service import JOB_HEARTBEAT, JOB_SYNC, SyncService
from tests.supervision.notify import NotifySocket


@pytest.fixture
def sock(tmp_path):
    s = NotifySocket(tmp_path / "notify")
    yield s
    s.close()


def test_messages_reach_the_socket(sock):
    notifier = Notifier.from_env({"NOTIFY_SOCKET": sock.path, "WATCHDOG_USEC": "20000000"})
    assert notifier.watchdog_seconds == 20 and notifier.ping_interval() == 10
    assert notifier.ready(status="up") and notifier.ping()
    assert sock.receive(0.3) == ["READY=1", "STATUS=up", "WATCHDOG=1"]


def test_outside_systemd_nothing_is_sent():
    notifier = Notifier.from_env({})
    assert not notifier.enabled and not notifier.ping() and notifier.ping_interval(7) == 7


def test_a_missing_socket_is_not_an_error(tmp_path):
    notifier = Notifier(str(tmp_path / "gone"))
    assert notifier.ping() is False  # logged once, never raised: the screen goes on


class FakeJob:
    failures: dict = {}

    def stop(self):
        pass


def test_a_hung_sync_job_stops_the_pings_and_a_finished_one_brings_them_back(sock, tmp_path):
    service = SyncService(SyncConfig(data_dir=tmp_path), FakeJob(), stuck_after={JOB_SYNC: 0.2})
    notifier = Notifier(sock.path)
    release = threading.Event()
    hung = threading.Thread(target=service.tracked(JOB_SYNC, release.wait))
    hung.start()
    try:
        assert service.alive(notifier) is True  # running, not for long yet
        assert sock.receive(0.3) == ["WATCHDOG=1"]
        assert service.stuck() == [JOB_SYNC]
        assert service.alive(notifier) is False
        assert sock.receive(0.3) == ["STATUS=stuck: sync; systemd's watchdog will restart the sync process"]
        assert service.job.failures["watchdog"] == "stuck: sync"  # reported in the heartbeat's errors
    finally:
        release.set()
        hung.join()
    assert service.stuck() == [] and service.alive(notifier) is True
    assert "watchdog" not in service.job.failures


def test_each_job_has_its_own_limit(tmp_path):
    service = SyncService(SyncConfig(data_dir=tmp_path), FakeJob())  # a sync may run for an hour, not a heartbeat
    service.running = {JOB_SYNC: 0.0, JOB_HEARTBEAT: 0.0}
    assert service.stuck(now=50 * 60) == [JOB_HEARTBEAT]


@pytest.mark.slow
def test_a_sync_process_hung_on_the_network_is_restarted_and_syncs(tmp_path, sock):
    """The first content request never answers in time: the process stops pinging, is killed and
    restarted by the watchdog, and the new process gets the content."""
    import os
    import sys
    from pathlib import Path

    from content.cache import ContentCache
    from tests.supervision.notify import Supervisor
    from tests.sync.fakebo import FakeBackOffice, entry

    bo = FakeBackOffice()
    url = bo.start()
    bo.put_entry(entry(1))
    bo.fail("changes", "slow", seconds=40)  # the first request hangs
    data = tmp_path / "data"
    data.mkdir()
    env = {**os.environ, "BORNE_BACKOFFICE_URL": url, "BORNE_KIOSK_TOKEN": bo.token}
    script = Path(__file__).with_name("hangable_sync.py")
    repo = Path(__file__).resolve().parents[2]
    sup = Supervisor([sys.executable, str(script), "--data", str(data)], sock=sock, watchdog_s=4, env=env, cwd=repo)

    def synced() -> bool:
        try:
            with ContentCache.open(data, readonly=True) as cache:
                return cache.has_entries()
        except Exception:  # noqa: BLE001 - not created yet
            return False

    sup.start()
    try:
        sup.run(60, until=synced)
        assert synced() and sup.watchdog_kills == 1 and sup.starts == 2
    finally:
        sup.stop()
        bo.stop()
