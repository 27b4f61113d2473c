"""Official notices in the contract: validation, the cache (time filters, search, withdrawal, images kept
and collected), bundles with and without ``notices.jsonl``, and the sync client's reading of the feed."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from content.bundle import read_bundle, write_bundle
from content.cache import ChangeSet, ContentCache
from content.notice import parse_notice, plain_page_text
from content.validation import EntryError
from tests.lib.conftest import NOW, make_image, media_item

PAGES = [make_image(color=(250, 250, 250 - i), size=(62, 88), fmt="PNG") for i in range(3)]


def notice(notice_id="avis:1", *, kind="arrete", starts=-1, until=30, text=None, pages=PAGES, **extra) -> dict:
    return {
        "id": notice_id,
        "kind": kind,
        "commune": "15187",
        "title": "Circulation rue Sorel pendant les travaux",
        "number": "2026-112",
        "act_date": "2026-11-20",
        "published_at": (NOW + dt.timedelta(days=starts)).isoformat(),
        "until": (NOW + dt.timedelta(days=until)).isoformat() if until is not None else None,
        "pdf": {"sha256": "ab" * 32, "bytes": 20_000, "url": "https://mairie.example/avis/15187/1.pdf"},
        "pages": [media_item(p) for p in pages],
        "text": text if text is not None else ["Stationnement interdit rue Sorel", "Déviation par le boulevard", ""],
        "updated_at": NOW.isoformat(),
        **extra,
    }


def media_of(pages=PAGES) -> dict:
    return {hashlib.sha256(p).hexdigest(): p for p in pages}


@pytest.fixture
def cache(tmp_path):
    with ContentCache.open(tmp_path / "kiosk") as c:
        yield c


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "decret"}, "kind"),
        ({"title": ""}, "title"),
        ({"pages": []}, "pages"),
        ({"text": ["<script>x</script>", "", ""]}, "text"),
        ({"text": ["une seule page"]}, ""),
        ({"commune": "Saint-Flour"}, "commune"),
        ({"pdf": {"sha256": "nope", "bytes": 1}}, "pdf.sha256"),
        ({"replaces": "avis:1"}, ""),
    ],
)
def test_an_invalid_notice_is_refused_naming_the_field(change, field):
    with pytest.raises(EntryError) as caught:
        parse_notice(notice(**change))
    assert caught.value.record_id == "avis:1"
    assert any(f.startswith(field) for f in caught.value.fields), caught.value


def test_text_taken_from_a_pdf_is_made_plain_and_stays_readable():
    raw = "Article 1\x0c<b>Vu</b> le code [color=ff0000]rouge[/color] &amp; la loi\x07\r\n\r\n\r\nfin"
    text = plain_page_text(raw)
    assert parse_notice(notice(text=[text, "", ""])).text[0] == text
    assert "Vu" in text and "rouge" in text and "\x07" not in text and "\n\n\n" not in text
    # lines a PDF broke at its column's end are one sentence again; a new article stays on its line
    assert plain_page_text("pour un montant\nde 24 650 euros.\nArticle 2\nLe maire") == (
        "pour un montant de 24 650 euros.\nArticle 2\nLe maire"
    )


def test_notices_in_force_are_listed_newest_first_and_found_by_their_text(cache):
    cache.apply(
        ChangeSet(
            notices=[
                parse_notice(notice("avis:1", starts=-5)),
                parse_notice(notice("avis:2", kind="bans", starts=-1, title="Bans Delmas et Castanier")),
                parse_notice(notice("avis:3", starts=2)),  # scheduled: not yet
                parse_notice(notice("avis:4", starts=-90, until=-20)),  # publication ended
            ],
            media=media_of(),
        )
    )
    assert [c.id for c in cache.notices(now=NOW)] == ["avis:2", "avis:1"]
    assert [c.id for c in cache.notices(kind="bans", now=NOW)] == ["avis:2"]
    assert cache.notice_kinds(now=NOW) == ["arrete", "bans"]
    assert [c.id for c in cache.search_notices("deviation boul", now=NOW)] == ["avis:2", "avis:1"]
    assert cache.search_notices("castanier", now=NOW)[0].id == "avis:2"  # the title counts most
    assert cache.notice("avis:3", now=NOW) is None
    assert cache.notice("avis:3", now=NOW + dt.timedelta(days=3)).page_shas == [media_item(p)["sha256"] for p in PAGES]


def test_a_withdrawn_notice_leaves_with_its_page_images_but_shared_images_stay(cache):
    other = make_image(color=(255, 255, 240), size=(62, 88), fmt="PNG")
    cache.apply(
        ChangeSet(
            notices=[parse_notice(notice("avis:1")), parse_notice(notice("avis:2", pages=[PAGES[0], other], text=[]))],
            media={**media_of(), **media_of([other])},
        )
    )
    assert all(cache.media.has(s) for s in media_of())
    report = cache.apply(ChangeSet(deleted_notices=["avis:1"]))
    assert report.notices_deleted == 1 and [c.id for c in cache.notices(now=NOW)] == ["avis:2"]
    shas = list(media_of())
    assert cache.media.has(shas[0]) and not cache.media.has(shas[1]) and not cache.media.has(shas[2])
    assert cache.search_notices("stationnement", now=NOW) == []  # avis:2 has no text; avis:1 is gone


def test_a_bundle_carries_notices_and_a_full_import_withdraws_the_others(cache, tmp_path):
    path = tmp_path / "b.zip"
    manifest = write_bundle(path, entries=[], notices=[notice("avis:7")], media=media_of())
    assert manifest["counts"]["notices"] == 1 and "notices.jsonl" in manifest["members"]
    bundle = read_bundle(path)
    assert [n.id for n in bundle.parsed_notices()] == ["avis:7"]
    cache.apply(ChangeSet(notices=[parse_notice(notice("avis:1"))], media=media_of()))
    from content.importer import import_bundle

    import_bundle(cache, path)
    assert [c.id for c in cache.notices(now=NOW)] == ["avis:7"]
    write_bundle(path, entries=[], media={})  # a bundle without notices has no notices.jsonl
    assert read_bundle(path).notices == [] and "notices.jsonl" not in read_bundle(path).manifest["members"]


def test_a_bundle_for_schema_1_kiosks_leaves_the_notices_out(tmp_path):
    # a schema-1 kiosk refuses a member it does not know: its bundle has neither notices nor their pages
    manifest = write_bundle(tmp_path / "old.zip", entries=[], notices=[notice("avis:7")], media=media_of(), schema=1)
    assert manifest["schema"] == 1 and "notices" not in manifest["counts"]
    assert not any(name == "notices.jsonl" or name.startswith("media/") for name in manifest["members"])


def test_the_sync_client_reads_notices_and_ignores_what_it_does_not_know():
    from sync.client import _page
    from sync.errors import FeedError

    page = _page(
        {"schema": 1, "entries": [], "cursor": "9", "notices": [notice()], "deleted_notices": ["avis:0"], "maps": [1]},
        "http://x/changes",
        None,
    )
    assert page.notices[0]["id"] == "avis:1" and page.deleted_notices == ["avis:0"]
    assert _page({"schema": 1, "cursor": "1"}, "http://x/changes", None).notices == []  # an older back office
    with pytest.raises(FeedError, match="deleted_notices"):
        _page({"schema": 1, "cursor": "1", "deleted_notices": [3]}, "http://x/changes", None)
