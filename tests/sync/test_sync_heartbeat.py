"""Heartbeat: status, usage counters never lost nor counted twice, commands."""

import datetime as dt

import pytest
from fakebo import entry

from content.usage import UsageStore
from sync.errors import SyncError

AT = dt.datetime(2026, 11, 20, 10, 15, tzinfo=dt.UTC)


@pytest.fixture
def usage(tmp_path):
    store = UsageStore(tmp_path / "usage.db")
    yield store
    store.close()


def count(store, n: int, screen: str = "home") -> None:
    for i in range(n):
        store.count(screen=screen, lang="fr", at=AT + dt.timedelta(hours=i % 3))


def test_status_says_what_the_fleet_page_shows(bo, make_job):
    job = make_job()
    bo.put_entry(entry(1))
    job.sync_once()
    job.heartbeat()
    beat = bo.heartbeats[-1]
    assert beat["version"] == "0" and beat["cursor"] == "1"
    assert beat["last_sync"] and beat["errors"] == []
    assert beat["disk_free"] > 0 and beat["uptime"] >= 0
    dt.datetime.fromisoformat(beat["last_sync"])  # the back office wants ISO 8601 with an offset


def test_errors_are_reported(bo, make_job):
    job = make_job()
    bo.fail("changes", "status", status=500, times=10)
    with pytest.raises(SyncError):
        job.sync_once()
    job.heartbeat()
    assert "500" in bo.heartbeats[-1]["errors"][0]


def test_counters_are_sent_and_acknowledged(bo, make_job, usage):
    job = make_job(usage=usage)
    count(usage, 5)
    job.heartbeat()
    assert len(bo.heartbeats) == 1
    assert bo.usage_totals == usage.totals().counted
    assert usage.pending() is None
    job.heartbeat()
    assert "usage" not in bo.heartbeats[-1]


def test_a_backlog_of_batches_goes_in_one_run(bo, make_job, usage):
    job = make_job(usage=usage)
    count(usage, 2)
    usage.pending()  # frozen by an earlier, failed, heartbeat
    count(usage, 2, screen="search")
    job.heartbeat()
    assert len(bo.heartbeats) == 2 and len(bo.batches) == 2
    assert bo.usage_totals == usage.totals().counted == 4


@pytest.mark.parametrize("fault", ["status", "store-then-fail", "drop"])
def test_a_failed_post_neither_loses_nor_double_counts(bo, make_job, usage, fault):
    job = make_job(usage=usage)
    count(usage, 4)
    bo.fail("heartbeat", fault, status=500, times=2)
    for _ in range(2):
        with pytest.raises(SyncError):
            job.heartbeat()
    count(usage, 3, screen="search")  # counted meanwhile: goes in the next batch
    job.heartbeat()
    job.heartbeat()
    assert usage.pending() is None
    sent = [b["usage"]["batch_id"] for b in bo.heartbeats if "usage" in b]
    assert len(set(sent)) == 2  # the first batch went several times under one id
    assert bo.usage_totals == usage.totals().counted


def test_counters_survive_a_restart(bo, make_job, tmp_path):
    store = UsageStore(tmp_path / "u.db")
    count(store, 3)
    bo.fail("heartbeat", "store-then-fail")
    with pytest.raises(SyncError):
        make_job(usage=store).heartbeat()
    store.close()
    again = UsageStore(tmp_path / "u.db")  # the process restarted
    try:
        make_job(usage=again).heartbeat()
        assert bo.usage_totals == again.totals().counted
        assert again.pending() is None
    finally:
        again.close()


def test_the_back_office_can_ask_for_a_sync(bo, make_job):
    job = make_job()
    bo.commands = ["sync_now", "format_disk"]
    assert job.heartbeat() == ["sync_now"]
