import datetime as dt
import hashlib
import io

import pytest
from PIL import Image

from content.cache import CacheError, ContentCache

from .conftest import NOW, PARIS, alert, changes, entry, make_image, media_item


def ids(cards):
    return [c.id for c in cards]


def test_apply_upserts_and_saves_the_cursor(cache):
    report = cache.apply(changes([entry("musee"), entry("halle", kind="heritage")], cursor="c1"))
    assert report.upserted == 2
    assert cache.cursor == "c1"
    cache.apply(changes([entry("musee", title={"fr": "Musée de la Haute-Auvergne"})], cursor="c2"))
    assert cache.get("test:musee").title["fr"] == "Musée de la Haute-Auvergne"
    assert cache.state()["entries"] == 2
    assert cache.cursor == "c2"


def test_tombstones_and_snapshots_withdraw_entries(cache):
    cache.apply(changes([entry("a"), entry("b"), entry("c")]))
    cache.apply(changes(deleted=["test:a", "test:unknown"]))
    assert cache.get("test:a") is None
    cache.apply(changes([entry("c")], replace_all=True, origin="bundle"))
    assert ids(cache.list_entries()) == ["test:c"]
    assert cache.search("b") == []


def test_readonly_cache_refuses_to_write(tmp_path):
    ContentCache.open(tmp_path).close()
    ro = ContentCache.open(tmp_path, readonly=True)
    with pytest.raises(CacheError, match="read-only"):
        ro.apply(changes([entry("x")]))
    ro.close()


def test_readonly_open_of_missing_cache_says_so(tmp_path):
    with pytest.raises(CacheError, match="no content cache yet"):
        ContentCache.open(tmp_path, readonly=True)


def test_reader_notices_what_the_writer_commits(tmp_path):
    writer = ContentCache.open(tmp_path)
    reader = ContentCache.open(tmp_path, readonly=True)
    before = reader.data_version()
    writer.apply(changes([entry("x")]))
    assert reader.data_version() != before
    assert ids(reader.list_entries()) == ["test:x"]
    writer.close()
    reader.close()


def test_images_get_renditions_and_unused_ones_are_collected(cache):
    img = make_image(size=(3000, 2000))
    sha = hashlib.sha256(img).hexdigest()
    cache.apply(changes([entry("musee", media=[media_item(img)])], media={sha: img}))
    thumb = cache.media_file(sha, "thumb")
    screen = cache.media_file(sha, "screen")
    assert Image.open(thumb).size == (320, 213)
    assert Image.open(screen).size == (1600, 1067)
    assert cache.list_entries()[0].thumb == sha
    cache.apply(changes([entry("musee")]))
    assert cache.media_file(sha, "screen") is None
    assert cache.state()["media"] == {"count": 0, "bytes": 0}


def test_exif_orientation_is_applied_and_metadata_stripped(cache):
    img = make_image(size=(200, 100), exif_orientation=6)  # rotated 90 degrees
    sha = hashlib.sha256(img).hexdigest()
    cache.apply(changes([entry("m", media=[media_item(img)])], media={sha: img}))
    with Image.open(cache.media_file(sha, "screen")) as out:
        assert out.size == (100, 200)
        assert not out.getexif()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not an image", "not an image"),
        (make_image()[:200], "broken image|not an image"),
    ],
)
def test_bad_images_are_reported_and_not_stored(cache, data, message):
    item = {
        "sha256": hashlib.sha256(data).hexdigest(),
        "mime": "image/jpeg",
        "width": 1,
        "height": 1,
        "bytes": len(data),
    }
    report = cache.apply(changes([entry("m", media=[item])], media={item["sha256"]: data}))
    assert any(__import__("re").search(message, p) for p in report.problems), report.problems
    assert cache.media_file(item["sha256"]) is None
    assert cache.get("test:m") is not None  # the rest keeps working
    assert cache.missing_media() == {item["sha256"]}


def test_decompression_bomb_image_is_refused(cache):
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")
    data = out.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    item = {"sha256": sha, "mime": "image/png", "width": 12000, "height": 12000, "bytes": len(data)}
    report = cache.apply(changes([entry("m", media=[item])], media={sha: data}))
    assert "more than the" in report.problems[0]
    assert cache.media_file(sha) is None


def test_wrong_hash_is_refused(cache):
    img = make_image()
    item = media_item(img)
    report = cache.apply(changes([entry("m", media=[item])], media={item["sha256"]: img + b"x"}))
    assert "do not match the hash" in report.problems[0]


# -- queries ---------------------------------------------------------------------------------------


def test_lists_by_kind_and_category_sorted_by_title(cache):
    cache.apply(
        changes(
            [
                entry("eglise", kind="heritage", title={"fr": "Église Sainte-Christine"}, categories=["church"]),
                entry("cathedrale", kind="heritage", title={"fr": "Cathédrale Saint-Pierre"}, categories=["cathedral"]),
                entry("boulangerie", kind="shop", categories=["bakery"]),
            ]
        )
    )
    assert ids(cache.list_entries(kind="heritage")) == ["test:cathedrale", "test:eglise"]
    assert ids(cache.list_entries(category="bakery")) == ["test:boulangerie"]
    assert cache.categories_in_use("heritage") == ["cathedral", "church"] or sorted(
        cache.categories_in_use("heritage")
    ) == ["cathedral", "church"]


def test_publication_window_and_commune(cache):
    cache.apply(
        changes(
            [
                entry("later", visible_from="2026-12-01T00:00:00+01:00"),
                entry("gone", visible_until="2026-11-20T00:00:00+01:00"),
                entry("here"),
                entry("elsewhere", commune="15014"),
                entry("shared", commune=""),
            ]
        )
    )
    assert ids(cache.list_entries(now=NOW)) == ["test:elsewhere", "test:here", "test:shared"]
    assert ids(cache.list_entries(now=NOW, commune="15187")) == ["test:here", "test:shared"]


def test_featured(cache):
    cache.apply(changes([entry("a", featured=True), entry("b")]))
    assert ids(cache.featured(now=NOW)) == ["test:a"]


def occ(start, end):
    return {"start": start, "end": end}


@pytest.fixture
def agenda(cache):
    cache.apply(
        changes(
            [
                entry(
                    "past", kind="event", occurrences=[occ("2026-11-25T20:00:00+01:00", "2026-11-25T22:00:00+01:00")]
                ),
                entry(
                    "tonight", kind="event", occurrences=[occ("2026-11-26T20:30:00+01:00", "2026-11-27T01:30:00+01:00")]
                ),
                entry(
                    "saturday",
                    kind="event",
                    occurrences=[occ("2026-11-28T09:00:00+01:00", "2026-11-28T12:30:00+01:00")],
                ),
                entry(
                    "market",
                    kind="event",
                    categories=["market"],
                    occurrences=[
                        occ(f"2026-{m:02d}-{d:02d}T08:00:00+01:00", f"2026-{m:02d}-{d:02d}T12:00:00+01:00")
                        for m, d in [(11, 21), (11, 28), (12, 5), (12, 12)]
                    ],
                ),
                entry(
                    "december",
                    kind="event",
                    occurrences=[occ("2026-12-20T15:00:00+01:00", "2026-12-20T18:00:00+01:00")],
                ),
                entry(
                    "running", kind="event", occurrences=[occ("2026-11-01T10:00:00+01:00", "2026-11-30T18:00:00+01:00")]
                ),
            ]
        )
    )
    return cache


def test_past_events_are_never_shown(agenda):
    assert "test:past" not in ids(agenda.list_entries(kind="event", now=NOW))
    assert "test:past" not in ids(agenda.events(start=NOW - dt.timedelta(days=30), end=NOW, now=NOW))
    assert agenda.search("past", now=NOW) == []


def test_events_today_include_one_crossing_midnight_and_one_running(agenda):
    assert ids(agenda.events_in("today", now=NOW)) == ["test:running", "test:tonight"]
    # At 00:30 the night's concert is still on: it shows today, though it began yesterday.
    after_midnight = dt.datetime(2026, 11, 27, 0, 30, tzinfo=PARIS)
    assert "test:tonight" in ids(agenda.events_in("today", now=after_midnight))


def test_events_this_weekend_and_month(agenda):
    assert set(ids(agenda.events_in("weekend", now=NOW))) == {"test:saturday", "test:market", "test:running"}
    market = next(c for c in agenda.events_in("weekend", now=NOW) if c.id == "test:market")
    assert market.next_start == dt.datetime(2026, 11, 28, 8, 0, tzinfo=PARIS)
    assert "test:december" not in ids(agenda.events_in("month", now=NOW))
    dec = dt.datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)
    assert ids(agenda.events_in("month", now=dec)) == ["test:market", "test:december"]


def test_event_list_gives_the_next_occurrence(agenda):
    cards = {c.id: c for c in agenda.list_entries(kind="event", now=NOW)}
    assert cards["test:market"].next_start == dt.datetime(2026, 11, 28, 8, 0, tzinfo=PARIS)
    assert cards["test:market"].next_start.tzinfo is not None


@pytest.fixture
def shops(cache):
    cache.apply(
        changes(
            [
                entry(
                    "boulangerie", kind="shop", opening_hours="Tu-Sa 07:00-12:30,14:00-19:00; Su 07:00-12:00; PH off"
                ),
                entry("bar", kind="shop", opening_hours="Th-Sa 18:00-02:00"),
                entry("toilettes", kind="service", opening_hours="24/7"),
                entry("nohours", kind="shop"),
            ]
        )
    )
    return cache


def at(day, hour, minute=0):
    return dt.datetime(2026, day[0], day[1], hour, minute, tzinfo=PARIS)


def test_open_now_with_closing_time(shops):
    cards = shops.open_now(kind="shop", now=at((11, 26), 10))
    assert ids(cards) == ["test:boulangerie"]
    assert cards[0].open_state.changes_at == at((11, 26), 12, 30)
    assert ids(shops.open_now(kind="shop", now=at((11, 26), 13))) == []
    assert ids(shops.open_now(kind="shop", now=at((11, 28), 1))) == ["test:bar"]  # Friday night, after midnight
    assert ids(shops.open_now(kind="service", now=at((11, 26), 3))) == ["test:toilettes"]


def test_shop_closed_on_a_public_holiday(shops):
    christmas = dt.datetime(2026, 12, 25, 10, 0, tzinfo=PARIS)  # a Friday
    assert ids(shops.open_now(kind="shop", now=christmas)) == []
    assert ids(shops.open_now(kind="shop", now=christmas + dt.timedelta(days=1))) == ["test:boulangerie"]


def test_alerts_active_now_urgent_first(cache):
    cache.apply(
        changes(
            alerts=[
                alert("old", until="2026-11-20T00:00:00+01:00"),
                alert("info"),
                alert("urgent", level="urgent", start="2026-11-25T00:00:00+01:00"),
                alert("future", start="2026-12-01T00:00:00+01:00"),
                alert("other-town", communes=["15014"]),
            ]
        )
    )
    assert [a.id for a in cache.active_alerts(now=NOW, commune="15187")] == ["test:urgent", "test:info"]
    cache.apply(changes(deleted_alerts=["test:urgent"]))
    assert [a.id for a in cache.active_alerts(now=NOW, commune="15187")] == ["test:info"]


def test_entries_near_a_point(cache):
    cache.apply(
        changes(
            [
                entry("cathedrale", place={"lat": 45.0336, "lon": 3.0930}),
                entry("halle", place={"lat": 45.0340, "lon": 3.0920}),
                entry("garabit", place={"lat": 44.976, "lon": 3.176}),
            ]
        )
    )
    cards = cache.near(45.0337, 3.0926, radius_m=500)
    assert ids(cards) == ["test:halle", "test:cathedrale"] or ids(cards) == ["test:cathedrale", "test:halle"]
    assert all(c.distance_m < 100 for c in cards)
    assert "test:garabit" in ids(cache.near(45.0337, 3.0926, radius_m=20_000))


# -- search ----------------------------------------------------------------------------------------


@pytest.fixture
def town(cache):
    cache.apply(
        changes(
            [
                entry(
                    "cathedrale",
                    kind="heritage",
                    title={
                        "fr": "Cathédrale Saint-Pierre",
                        "en": "Saint Peter's Cathedral",
                        "de": "Kathedrale Sankt Peter",
                    },
                    categories=["cathedral"],
                ),
                entry(
                    "musee",
                    title={"fr": "Musée de la Haute-Auvergne"},
                    body={"fr": "Installé dans l'ancien palais épiscopal, à côté de la cathédrale."},
                ),
                entry("boulangerie", kind="shop", title={"fr": "Au Pain d'Épeautre"}, categories=["bakery"]),
                entry(
                    "orgues", kind="heritage", title={"fr": "Les Orgues basaltiques"}, summary={"en": "Basalt columns"}
                ),
            ]
        )
    )
    return cache


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("cath", "test:cathedrale"),
        ("CATHÉDRALE", "test:cathedrale"),
        ("cathedrale", "test:cathedrale"),
        ("kathedrale", "test:cathedrale"),
        ("epeau", "test:boulangerie"),
        ("boulang", "test:boulangerie"),
        ("bakery", "test:boulangerie"),
        ("Bäckerei", "test:boulangerie"),
        ("basalt col", "test:orgues"),
        ("haute auv", "test:musee"),
    ],
)
def test_search_accents_prefixes_languages(town, query, expected_first):
    assert ids(town.search(query))[0] == expected_first


def test_search_puts_titles_first(town):
    assert ids(town.search("cathedrale")) == ["test:cathedrale", "test:musee"]


def test_search_puts_titles_starting_with_the_word_first_in_the_visitors_language(town):
    town.apply(changes([entry("visite", title={"fr": "Visite de la cathédrale", "de": "Kathedralenführung"})]))
    assert ids(town.search("cath"))[:2] == ["test:cathedrale", "test:visite"]
    assert ids(town.search("kath", lang="de"))[:2] == ["test:visite", "test:cathedrale"]


def test_search_of_nothing_or_punctuation(town):
    assert town.search("") == []
    assert town.search('"*()') == []
    assert town.search("zzzz") == []


def test_an_image_that_failed_before_can_come_alone_later(cache):
    img = make_image()
    item = media_item(img)
    cache.apply(changes([entry("m", media=[item])]))  # the download failed: no bytes
    assert cache.missing_media() == {item["sha256"]}
    report = cache.apply(changes(media={item["sha256"]: img, hashlib.sha256(b"x").hexdigest(): b"x"}))
    assert report.media_added == 1
    assert cache.missing_media() == set()
    assert cache.media_file(item["sha256"], "thumb") is not None


def test_a_cache_migrated_by_a_newer_borne_is_refused_by_a_reader(tmp_path):
    with ContentCache.open(tmp_path) as writer:
        writer.db.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('borne-content', 'm099_future', '')"
        )
    with pytest.raises(CacheError, match="newer Borne.*m099_future"):
        ContentCache.open(tmp_path, readonly=True)
