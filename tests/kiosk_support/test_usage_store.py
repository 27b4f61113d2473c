"""Usage counters: aggregated per hour/screen/entry/category/language; batches resent unchanged until acked."""

import datetime as dt
import multiprocessing
from collections import Counter

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from content.usage import UsageError, UsageStore, hour_bucket

AT = dt.datetime(2026, 7, 14, 10, 25, tzinfo=dt.timezone(dt.timedelta(hours=2)))


@pytest.fixture
def store(tmp_path):
    with UsageStore(tmp_path / "usage.db") as s:
        yield s


def test_hour_bucket_is_the_utc_hour():
    assert hour_bucket(AT) == "2026-07-14T08:00:00Z"


def test_naive_time_is_refused():
    with pytest.raises(UsageError, match="aware"):
        hour_bucket(dt.datetime(2026, 7, 14, 10))


def test_counts_aggregate_per_hour_and_key(store):
    store.count(screen="detail", entry_id="demo:cathedrale", category="heritage", lang="fr", at=AT)
    store.count(screen="detail", entry_id="demo:cathedrale", category="heritage", lang="fr", at=AT.replace(minute=59))
    store.count(screen="detail", entry_id="demo:cathedrale", category="heritage", lang="en", at=AT)
    store.count(screen="home", lang="fr", at=AT + dt.timedelta(hours=1), n=3)
    rows = {(r.hour, r.screen, r.entry_id, r.lang): r.count for r in store.pending().rows}
    assert rows == {
        ("2026-07-14T08:00:00Z", "detail", "demo:cathedrale", "fr"): 2,
        ("2026-07-14T08:00:00Z", "detail", "demo:cathedrale", "en"): 1,
        ("2026-07-14T09:00:00Z", "home", None, "fr"): 3,
    }


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"screen": "", "lang": "fr"}, "screen"),
        ({"screen": "home", "lang": "français"}, "lang"),
        ({"screen": "detail", "entry_id": "Jean Dupont", "lang": "fr"}, "entry_id"),
        ({"screen": "list", "category": "<b>", "lang": "fr"}, "category"),
        ({"screen": "home", "lang": "fr", "n": 0}, "n"),
    ],
)
def test_bad_counter_is_refused_naming_the_field(store, kwargs, field):
    with pytest.raises(UsageError, match=f"bad {field}"):
        store.count(**kwargs)


def test_nothing_pending_on_an_empty_store(store):
    assert store.pending() is None


def test_a_failed_post_resends_the_same_batch_and_new_counts_wait(store):
    store.count(screen="home", lang="fr", at=AT)
    first = store.pending()
    store.count(screen="home", lang="fr", at=AT)  # same key, after the freeze
    assert store.pending() == first
    assert store.acknowledge(first.id) is True
    second = store.pending()
    assert second.id != first.id and [r.count for r in second.rows] == [1]


def test_a_batch_survives_a_restart(tmp_path):
    with UsageStore(tmp_path / "usage.db") as s:
        s.count(screen="search", lang="de", at=AT, n=2)
        batch = s.pending()
    with UsageStore(tmp_path / "usage.db") as s:
        assert s.pending() == batch


def test_acknowledging_twice_or_an_unknown_batch(store):
    store.count(screen="home", lang="fr", at=AT)
    batch = store.pending()
    assert store.acknowledge(batch.id) is True
    assert store.acknowledge(batch.id) is False
    with pytest.raises(UsageError, match="'nope'"):
        store.acknowledge("nope")


def test_limit_splits_the_counters_over_batches(store):
    for screen in ("attract", "home", "list"):
        store.count(screen=screen, lang="fr", at=AT)
    first = store.pending(limit=2)
    assert len(first.rows) == 2
    store.acknowledge(first.id)
    assert [r.screen for r in store.pending(limit=2).rows] == ["list"]


def test_totals_for_the_maintenance_panel(store):
    store.count(screen="home", lang="fr", at=AT, n=2)
    store.acknowledge(store.pending().id)
    store.count(screen="detail", entry_id="demo:x", lang="en", at=AT)
    totals = store.totals()
    assert (totals.counted, totals.sent, totals.unsent) == (3, 2, 1)
    assert totals.by_screen == {"home": 2, "detail": 1} and totals.by_lang == {"fr": 2, "en": 1}
    assert totals.last_sent_at is not None and totals.pending_batch is None
    assert store.totals(since=AT + dt.timedelta(hours=1)).counted == 0


def test_prune_drops_only_acknowledged_old_counters(store):
    store.count(screen="home", lang="fr", at=AT)
    store.acknowledge(store.pending().id)
    store.count(screen="home", lang="fr", at=AT)
    assert store.prune(before=AT + dt.timedelta(days=1)) == 1
    assert store.totals().counted == 1


def test_batch_wire_form(store):
    store.count(screen="detail", entry_id="demo:x", category="museum", lang="it", at=AT)
    wire = store.pending().as_dict()
    assert wire["rows"] == [
        {
            "hour": "2026-07-14T08:00:00Z",
            "screen": "detail",
            "entry_id": "demo:x",
            "category": "museum",
            "lang": "it",
            "n": 1,
        }
    ]
    assert wire["batch_id"] and wire["created_at"].endswith("Z")


def _count_in_another_process(path, times):
    with UsageStore(path) as s:
        for _ in range(times):
            s.count(screen="home", lang="fr", at=AT)


def test_two_processes_counting_and_sending_lose_nothing(tmp_path):
    path = tmp_path / "usage.db"
    UsageStore(path).close()
    ctx = multiprocessing.get_context("spawn")
    worker = ctx.Process(target=_count_in_another_process, args=(path, 200))
    worker.start()
    sent = 0
    with UsageStore(path) as s:
        while worker.is_alive():
            batch = s.pending()
            if batch is not None:
                s.acknowledge(batch.id)
                sent += batch.total
        worker.join()
        assert worker.exitcode == 0
        while (batch := s.pending()) is not None:
            s.acknowledge(batch.id)
            sent += batch.total
    assert sent == 200


# --- the law: every counter is sent exactly once, whatever the interleaving -----------------------

KEYS = st.tuples(
    st.sampled_from(["attract", "home", "detail"]),
    st.sampled_from([None, "demo:a", "demo:b"]),
    st.sampled_from(["fr", "en"]),
    st.integers(0, 2),  # hour offset
)


class UsageLaw(RuleBasedStateMachine):
    """Counts, freezes, failed and successful posts and restarts, against a back office that dedups
    by batch id: what it stored plus what is unsent always equals what was counted, per key."""

    def __init__(self):
        super().__init__()
        import tempfile

        self.dir = tempfile.TemporaryDirectory()
        self.path = f"{self.dir.name}/usage.db"
        self.kiosk = UsageStore(self.path)  # the UI process
        self.sync = UsageStore(self.path)  # the sync process
        self.counted = Counter()
        self.server = {}  # batch id -> rows, stored once
        self.in_flight = None
        self.acked = set()

    def teardown(self):
        self.kiosk.close()
        self.sync.close()
        self.dir.cleanup()

    @staticmethod
    def _key(row):
        return (row.screen, row.entry_id, row.lang, row.hour)

    @rule(key=KEYS, n=st.integers(1, 3))
    def count(self, key, n):
        screen, entry_id, lang, hours = key
        at = AT + dt.timedelta(hours=hours)
        self.kiosk.count(screen=screen, entry_id=entry_id, lang=lang, at=at, n=n)
        self.counted[(screen, entry_id, lang, hour_bucket(at))] += n

    @rule(limit=st.integers(1, 4))
    def freeze(self, limit):
        batch = self.sync.pending(limit=limit)
        if self.in_flight is not None:
            assert batch == self.in_flight, "an unacknowledged batch must be resent unchanged"
        self.in_flight = batch

    @precondition(lambda self: self.in_flight is not None)
    @rule(stored=st.booleans())
    def post(self, stored):
        """The heartbeat reaches the back office (it dedups by id); the answer may be lost."""
        batch = self.in_flight
        self.server.setdefault(batch.id, batch.rows)
        if stored:
            assert batch.id not in self.acked, "a batch acknowledged twice"
            assert self.sync.acknowledge(batch.id) is True
            self.acked.add(batch.id)
            self.in_flight = None

    @rule(which=st.sampled_from(["kiosk", "sync"]))
    def restart(self, which):
        getattr(self, which).close()
        setattr(self, which, UsageStore(self.path))

    @rule()
    def drain(self):
        """A long-enough connection: every counter gets sent."""
        while (batch := self.sync.pending(limit=2)) is not None:
            self.in_flight = batch
            self.post(stored=True)
        assert self._on_server() == +self.counted

    def _on_server(self):
        total = Counter()
        for rows in self.server.values():
            for row in rows:
                total[self._key(row)] += row.count
        return total

    def _unsent_in_store(self):
        """Counters in the database not in an acknowledged batch (read straight from the tables)."""
        import sqlite3

        db = sqlite3.connect(self.path)
        try:
            rows = db.execute(
                "SELECT screen, entry_id, lang, hour, SUM(n) FROM counters"
                " WHERE batch_id NOT IN (SELECT id FROM batches WHERE acked_at IS NOT NULL)"
                " GROUP BY screen, entry_id, lang, hour"
            ).fetchall()
        finally:
            db.close()
        return Counter({(screen, entry_id or None, lang, hour): n for screen, entry_id, lang, hour, n in rows})

    @invariant()
    def nothing_lost_nothing_doubled(self):
        posted_unacked = Counter()
        if self.in_flight is not None and self.in_flight.id in self.server:
            for row in self.in_flight.rows:
                posted_unacked[self._key(row)] += row.count
        # The back office counts each stored batch once; what it holds plus what the kiosk still has
        # to send is what was counted, the batch posted but not acknowledged being in both.
        assert self._on_server() + self._unsent_in_store() - posted_unacked == +self.counted
        totals = self.sync.totals()
        assert totals.counted == sum(self.counted.values())
        assert totals.sent == sum(row.count for batch_id in self.acked for row in self.server[batch_id])


UsageLaw.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
test_usage_law = UsageLaw.TestCase
