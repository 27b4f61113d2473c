"""Offline bundles from the watched folder (a USB stick): signed ones imported, others refused."""

import os
import time

import pytest
from fakebo import alert, entry, image, media_ref

from content.bundle import write_bundle

KEY = b"shared-by-the-back-office-and-its-kiosks"


@pytest.fixture
def stick(tmp_path):
    path = tmp_path / "usb"
    path.mkdir()
    return path


@pytest.fixture
def watcher(make_job, stick):
    return make_job(client=None, bundle_dir=stick, bundle_key=KEY)


def make_bundle(path, *, key=KEY, n=3, cursor="42", title="Lieu"):
    data = image(9)
    entries = [entry(i, title=f"{title} {i}", media=[media_ref(data)] if i == 1 else []) for i in range(1, n + 1)]
    write_bundle(
        path,
        entries=entries,
        alerts=[alert(1)],
        media={media_ref(data)["sha256"]: data},
        cursor=cursor,
        signing_key=key,
    )
    old = time.time() - 60  # copied a minute ago: finished
    os.utime(path, (old, old))
    return path


def ids(cache):
    return {r[0] for r in cache.db.execute("SELECT id FROM entries")}


def test_a_signed_bundle_is_imported_once(watcher, stick, reader):
    make_bundle(stick / "borne-2026-11-20.zip")
    outcomes = watcher.watch_bundles()
    assert len(outcomes) == 1 and "imported" in outcomes[0]
    cache = reader()
    assert ids(cache) == {"bo:1", "bo:2", "bo:3"}
    assert cache.cursor == "42"
    assert cache.media_file(cache.get("bo:1").media[0].sha256, "screen") is not None
    assert [a.id for a in cache.active_alerts()] == ["bo-alert:1"]
    assert watcher.watch_bundles() == []  # the stick stays in: not imported again


def test_a_newer_bundle_replaces_the_content(watcher, stick, reader):
    make_bundle(stick / "a.zip", n=3)
    watcher.watch_bundles()
    newer = make_bundle(stick / "b.zip", n=2, cursor="50", title="Nouveau")
    os.utime(newer, (time.time() - 30, time.time() - 30))
    watcher.watch_bundles()
    cache = reader()
    assert ids(cache) == {"bo:1", "bo:2"}
    assert cache.get("bo:1").title["fr"] == "Nouveau 1"


@pytest.mark.parametrize(("key", "message"), [(None, "not signed"), (b"another key", "signature does not match")])
def test_unsigned_or_badly_signed_bundles_are_refused_and_reported(make_job, watcher, stick, reader, key, message):
    make_bundle(stick / "x.zip", n=1)
    watcher.watch_bundles()  # some content first
    make_bundle(stick / "y.zip", key=key, n=3, title="Pirate")
    outcomes = watcher.watch_bundles()
    assert len(outcomes) == 1 and "refused" in outcomes[0] and message in outcomes[0]
    cache = reader()
    assert ids(cache) == {"bo:1"}  # nothing of it applied
    last = cache.state()["last_import"]
    assert last["ok"] is False and message in last["errors"][0]
    assert any(message in e for e in watcher.status()["errors"])
    assert watcher.watch_bundles() == []  # refused once, not every ten seconds


def test_a_corrupt_bundle_is_refused(watcher, stick):
    path = make_bundle(stick / "x.zip")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    os.utime(path, (time.time() - 60, time.time() - 60))
    outcomes = watcher.watch_bundles()
    assert "refused" in outcomes[0]


def test_a_bundle_still_being_copied_waits(make_job, stick):
    job = make_job(client=None, bundle_dir=stick, bundle_key=KEY, bundle_settle_s=30)
    path = make_bundle(stick / "x.zip")
    os.utime(path)  # modified just now
    assert job.watch_bundles() == []


def test_an_old_refusal_is_not_reported_for_ever(make_job, stick):
    import datetime as dt

    job = make_job(client=None, bundle_dir=stick, bundle_key=KEY)
    make_bundle(stick / "y.zip", key=None)
    job.watch_bundles()
    assert any("not signed" in e for e in job.status()["errors"])
    job.clock = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
    assert job.status()["errors"] == []
