"""Content sync and alert poll against the fake back office: what lands in the cache, and what does not."""

import datetime as dt

import pytest
from fakebo import alert, entry, event, image, media_ref

from content.cache import ContentCache
from sync.errors import FeedError, SyncCancelled, SyncError


def titles(cache: ContentCache) -> dict[str, str]:
    return {r[0]: r[1] for r in cache.db.execute("SELECT id, json_extract(title, '$.fr') FROM entries")}


def publish(bo, n: int, **kw) -> bytes:
    data = image(n)
    bo.add_media(data)
    bo.put_entry(entry(n, media=[media_ref(data)], **kw))
    return data


def test_initial_sync(bo, job, reader):
    for n in range(1, 4):
        publish(bo, n)
    bo.put_alert(alert(1))
    result = job.sync_once()
    cache = reader()
    assert titles(cache) == {"bo:1": "Lieu 1", "bo:2": "Lieu 2", "bo:3": "Lieu 3"}
    assert [a.id for a in cache.active_alerts()] == ["bo-alert:1"]
    assert cache.cursor == "4" == result.cursor
    assert result.media_downloaded == 3
    for n in range(1, 4):
        sha = cache.get(f"bo:{n}").media[0].sha256
        assert cache.media_file(sha, "thumb") is not None
    assert cache.state()["last_sync"]["ok"] is True


def test_incremental_sync_with_tombstones(bo, job, reader):
    for n in range(1, 4):
        publish(bo, n)
    bo.put_alert(alert(1))
    bo.put_alert(alert(2, "Marché annulé"))
    job.sync_once()
    bo.put_entry(entry(2, title="Lieu deux"))
    bo.delete_entry("bo:3")
    bo.delete_alert("bo-alert:1")
    publish(bo, 4)
    result = job.sync_once()
    assert bo.requests_to("changes")[-1]["query"]["since"] == ["5"]
    assert (result.upserted, result.deleted) == (2, 1)
    cache = reader()
    assert titles(cache) == {"bo:1": "Lieu 1", "bo:2": "Lieu deux", "bo:4": "Lieu 4"}
    assert [a.id for a in cache.active_alerts()] == ["bo-alert:2"]
    assert cache.media.stored() == {cache.get(i).media[0].sha256 for i in ("bo:1", "bo:4")}  # unused collected


def test_a_walk_of_many_pages_lands_in_one_apply(bo, make_job, reader):
    for n in range(1, 8):
        bo.put_entry(entry(n))
    job = make_job(page_limit=2)
    result = job.sync_once()
    assert result.pages == 4
    assert len(titles(reader())) == 7
    assert reader().meta("content_version") == 1


def test_nothing_new_is_a_304(bo, job):
    bo.put_entry(entry(1))
    job.sync_once()
    job.sync_once()  # an empty page: its ETag is kept
    result = job.sync_once()
    assert result.not_modified
    assert bo.log[-1]["headers"].get("If-None-Match")


def test_an_urgent_alert_arrives_with_the_fast_poll_and_entries_with_the_next_sync(bo, job, reader):
    bo.put_entry(entry(1))
    job.sync_once()
    assert job.poll_alerts() == 0
    assert job.poll_alerts() == 0  # 304 now
    assert bo.requests_to("changes")[-1]["headers"].get("If-None-Match")
    bo.put_entry(entry(1, title="Changé"))
    bo.put_alert(alert(7, "Inondation : quai fermé"))
    assert job.poll_alerts() == 1
    cache = reader()
    assert [a.message["fr"] for a in cache.active_alerts()] == ["Inondation : quai fermé"]
    assert titles(cache) == {"bo:1": "Lieu 1"}  # the entry waits for the content sync...
    result = job.sync_once()
    assert not result.not_modified  # ...which the poll's ETag must not short-circuit
    assert titles(cache) == {"bo:1": "Changé"}


def test_a_withdrawn_alert_goes_with_the_fast_poll(bo, job, reader):
    bo.put_alert(alert(1))
    job.sync_once()
    bo.delete_alert("bo-alert:1")
    assert job.poll_alerts() == 1
    assert reader().active_alerts() == []


@pytest.mark.parametrize(
    ("fault", "kw", "message"),
    [
        ("status", {"status": 500, "times": 10}, "500"),
        ("status", {"status": 503, "times": 10}, "503"),
        ("malformed", {}, "not valid JSON"),
        ("schema", {}, "schema version 99"),
    ],
)
def test_a_failed_sync_keeps_the_old_content_reports_and_recovers(bo, job, reader, fault, kw, message):
    bo.put_entry(entry(1))
    job.sync_once()
    bo.put_entry(entry(2))
    bo.fail("changes", fault, **kw)
    with pytest.raises(SyncError, match=message):
        job.sync_once()
    cache = reader()
    assert titles(cache) == {"bo:1": "Lieu 1"}
    last = cache.state()["last_sync"]
    assert last["ok"] is False and message in last["errors"][0]
    assert message in " ".join(job.status()["errors"])
    bo.faults.clear()
    job.sync_once()
    assert titles(cache) == {"bo:1": "Lieu 1", "bo:2": "Lieu 2"}
    assert cache.state()["last_sync"]["ok"] is True


def test_read_timeout_keeps_old_content(bo, make_job, reader):
    from sync.client import FeedClient

    slow_client = FeedClient(bo.url, bo.token, version="1", timeout=(1, 0.3), backoff_factor=0.01)
    job = make_job(client=slow_client)
    bo.put_entry(entry(1))
    job.sync_once()
    bo.put_entry(entry(2))
    bo.fail("changes", "slow", seconds=1, times=2)
    with pytest.raises(SyncError, match="read timeout"):
        job.sync_once()
    assert titles(reader()) == {"bo:1": "Lieu 1"}


def test_retry_after_postpones_the_next_sync(bo, job):
    bo.fail("changes", "status", status=429, headers={"Retry-After": "3600"}, times=5)
    with pytest.raises(SyncError):
        job.sync_once()
    asked = len(bo.requests_to("changes"))
    with pytest.raises(SyncError, match="asked to wait"):
        job.sync_once()
    assert len(bo.requests_to("changes")) == asked  # did not call again
    bo.faults.clear()
    job.sync_once(force=True)  # the maintenance panel may insist


def test_an_invalid_entry_is_skipped_and_named_the_rest_applies(bo, job, reader):
    bo.put_entry(entry(1))
    bad = entry(2)
    bad["place"]["lat"] = 123.0
    bo.put_entry(bad)
    bo.put_entry(entry(3))
    result = job.sync_once()
    assert titles(reader()) == {"bo:1": "Lieu 1", "bo:3": "Lieu 3"}
    assert len(result.problems) == 1
    assert "bo:2" in result.problems[0] and "place.lat" in result.problems[0]
    state = reader().state()["last_sync"]
    assert state["ok"] is False and "bo:2" in state["errors"][0]


@pytest.mark.parametrize("text", ["<b>Soldes</b>", "[color=ff0000]Soldes[/color]", "Soldes<script>x</script>"])
def test_an_entry_with_markup_is_refused(bo, job, reader, text):
    bo.put_entry(entry(1, summary={"fr": text}))
    bo.put_entry(entry(2))
    result = job.sync_once()
    assert "bo:1" not in titles(reader())
    assert "bo:1" in result.problems[0] and "summary" in result.problems[0]


def test_an_invalid_change_keeps_the_previous_version(bo, job, reader):
    bo.put_entry(entry(1))
    job.sync_once()
    bo.put_entry(entry(1, title="<i>Lieu</i>"))
    job.sync_once()
    assert titles(reader()) == {"bo:1": "Lieu 1"}


@pytest.mark.parametrize("fault", ["wrong-bytes", "truncated", "status"])
def test_a_bad_image_is_not_stored_and_is_fetched_again_later(bo, job, reader, fault):
    data = publish(bo, 1)
    sha = media_ref(data)["sha256"]
    bo.fail("media/", fault, times=10, status=503)
    result = job.sync_once()
    cache = reader()
    assert titles(cache) == {"bo:1": "Lieu 1"}  # the entry is there, without its image for now
    assert cache.media_file(sha, "original") is None
    assert any(sha[:12] in p for p in result.problems)
    assert not list(job.incoming.glob("*"))
    version = cache.meta("content_version")
    job.sync_once()  # still failing: reported, and the screen is not disturbed for nothing
    assert cache.meta("content_version") == version
    assert cache.state()["last_sync"]["ok"] is False
    bo.faults.clear()
    result = job.sync_once()  # nothing new in the feed, but the missing image is fetched again
    assert result.media_downloaded == 1
    assert cache.media_file(sha, "original").read_bytes() == data
    assert cache.state()["last_sync"]["ok"] is True


def test_a_file_that_is_not_an_image_is_refused_by_the_cache(bo, job, reader):
    junk = b"this is not an image at all" * 10
    sha = bo.add_media(junk)
    ref = {**media_ref(image(1)), "sha256": sha, "bytes": len(junk)}
    bo.put_entry(entry(1, media=[ref]))
    result = job.sync_once()
    assert reader().media_file(sha, "original") is None
    assert any(sha in p for p in result.problems)


def test_a_full_disk_keeps_the_old_content_and_says_so(bo, job, reader):
    bo.put_entry(entry(1))
    job.sync_once()
    for n in range(2, 200):
        bo.put_entry(entry(n, body={"fr": "x" * 3000}))
    pages = job.cache.db.execute("PRAGMA page_count").fetchone()[0]
    job.cache.db.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLite sees a full disk
    with pytest.raises(SyncError, match="disk full"):
        job.sync_once()
    assert titles(reader()) == {"bo:1": "Lieu 1"}
    assert reader().cursor == "1"
    job.cache.db.execute("PRAGMA max_page_count = 1073741823")
    job.sync_once()
    assert len(titles(reader())) == 199


def test_too_little_free_space_does_not_start_a_sync(bo, make_job, reader):
    job = make_job(min_free_bytes=1 << 60)
    bo.put_entry(entry(1))
    with pytest.raises(SyncError, match="MB free"):
        job.sync_once()
    assert bo.requests_to("changes") == []
    assert "MB free" in reader().state()["last_sync"]["errors"][0]


def test_a_clock_wrong_by_a_day_breaks_nothing(bo, make_job, reader):
    now = dt.datetime.now(dt.UTC)
    job = make_job(clock=lambda: now + dt.timedelta(days=1))
    start = now + dt.timedelta(hours=3)
    bo.put_entry(event(1, start.isoformat(), (start + dt.timedelta(hours=2)).isoformat()))
    job.sync_once()
    cache = reader()
    assert [c.id for c in cache.list_entries(kind="event", now=now)] == ["bo:1"]
    assert cache.list_entries(kind="event", now=now + dt.timedelta(days=1)) == []  # past by then
    bo.put_entry(entry(2))
    job.sync_once()  # the cursor is the server's, not the clock: nothing is skipped
    assert "bo:2" in titles(cache)


def test_a_restored_back_office_starts_the_kiosk_over(bo, job, reader, monkeypatch):
    for n in (1, 2):
        bo.put_entry(entry(n))
    job.sync_once()
    real = bo.changes

    def restored(since, limit):  # what the real back office does when since > its sequence
        page = real(0, limit)
        page["reset"] = True
        return page

    bo.rows.pop(("entry", "bo:2"))
    monkeypatch.setattr(bo, "changes", restored)
    bo.seq += 1  # a new ETag
    job.sync_once()
    assert titles(reader()) == {"bo:1": "Lieu 1"}


def test_a_feed_that_never_moves_on_is_refused(bo, job, monkeypatch):
    monkeypatch.setattr(bo, "changes", lambda since, limit: {"schema": 1, "entries": [], "cursor": "1", "more": True})
    with pytest.raises(FeedError, match="does not move on"):
        job.sync_once()


def test_stopping_abandons_the_sync_before_applying(bo, job, reader):
    publish(bo, 1)
    real = job.client.media

    def media_then_stop(*args, **kw):  # SIGTERM arrives while images download
        path = real(*args, **kw)
        job.stop()
        return path

    job.client.media = media_then_stop
    with pytest.raises(SyncCancelled):
        job.sync_once()
    assert titles(reader()) == {}
    assert not list(job.incoming.glob("*"))


def test_sync_now_request_file(job, data_dir):
    assert job.take_sync_request() is False
    (data_dir / "sync-now").touch()
    assert job.take_sync_request() is True
    assert job.take_sync_request() is False


def test_housekeeping_runs(bo, job, reader):
    bo.put_entry(entry(1))
    job.sync_once()
    job.incoming.mkdir(exist_ok=True)
    (job.incoming / "leftover").write_bytes(b"x")
    job.housekeeping()
    assert not (job.incoming / "leftover").exists()
    assert titles(reader()) == {"bo:1": "Lieu 1"}


def test_a_decompression_bomb_is_refused(bo, job, reader):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (10000, 6000)).save(out, "PNG")  # 60 megapixels in a few kilobytes
    bomb = out.getvalue()
    sha = bo.add_media(bomb)
    ref = {"sha256": sha, "mime": "image/png", "width": 10000, "height": 6000, "bytes": len(bomb)}
    bo.put_entry(entry(1, media=[ref]))
    result = job.sync_once()
    assert reader().media_file(sha, "original") is None
    assert any(sha in p and "pixels" in p for p in result.problems)
    assert titles(reader()) == {"bo:1": "Lieu 1"}


def test_the_poll_finds_an_alert_behind_a_large_backlog(bo, make_job, reader):
    job = make_job(page_limit=2)
    bo.put_entry(entry(1))
    job.sync_once()
    for n in range(2, 9):  # a big import at the back office...
        bo.put_entry(entry(n))
    bo.put_alert(alert(1))  # ...then an urgent alert: last in the feed
    assert job.poll_alerts() == 1
    assert [a.id for a in reader().active_alerts()] == ["bo-alert:1"]
    assert titles(reader()) == {"bo:1": "Lieu 1"}


def test_the_poll_also_waits_when_the_server_asks(bo, job):
    bo.put_entry(entry(1))
    job.sync_once()
    bo.put_alert(alert(1))
    bo.fail("changes", "status", status=503, headers={"Retry-After": "600"}, times=5)
    with pytest.raises(SyncError):
        job.poll_alerts()
    asked = len(bo.requests_to("changes"))
    assert job.poll_alerts() == 0
    assert len(bo.requests_to("changes")) == asked
