import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backoffice.importers.base import ImporterError, ImportResult, SourceFormatError, occurrences

UTC = dt.UTC
_moments = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1)).map(
    lambda d: d.replace(tzinfo=UTC)
)
_pairs = st.lists(
    st.tuples(_moments, st.none() | st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=3)))
)


def _as_pairs(raw):
    return [(s, s + d if d is not None else None) for s, d in raw]


@given(_pairs, st.randoms())
def test_occurrences_are_sorted_unique_and_independent_of_input_order(raw, rnd):
    pairs = _as_pairs(raw)
    shuffled = pairs + pairs[: len(pairs) // 2]
    rnd.shuffle(shuffled)
    result, _ = occurrences(pairs)
    assert occurrences(shuffled)[0] == result
    starts = [o["start"] for o in result]
    assert len({(o["start"], o["end"]) for o in result}) == len(result) == len(set(pairs))
    assert [dt.datetime.fromisoformat(s) for s in starts] == sorted(dt.datetime.fromisoformat(s) for s in starts)


@given(_pairs, _moments)
def test_not_before_keeps_exactly_what_has_not_ended(raw, cut):
    pairs = _as_pairs(raw)
    kept, _ = occurrences(pairs, not_before=cut)
    assert len(kept) == len({p for p in pairs if (p[1] or p[0]) >= cut})


def test_too_many_occurrences_are_cut_with_a_note():
    start = dt.datetime(2026, 1, 1, tzinfo=UTC)
    kept, note = occurrences([(start + dt.timedelta(hours=n), None) for n in range(5001)])
    assert len(kept) == 5000 and "5001" in note


def _entry(id_, **extra):
    return {"id": id_, "kind": "place", "title": {"fr": "Titre"}, "updated_at": "2026-01-01T00:00:00+01:00"} | extra


def test_add_validates_and_turns_entry_errors_into_problems():
    result = ImportResult("test")
    assert result.add("t:1", _entry("t:1"), [], []) is not None
    assert result.add("t:2", _entry("t:2", commune="Paris", categories=["nope"]), [], []) is None
    assert result.ids == ["t:1"]
    assert sorted(p.field for p in result.errors) == ["categories", "commune"]
    assert all(p.record_id == "t:2" for p in result.errors)
    assert result.seen_ids == {"t:1", "t:2"}


def test_withdrawals_of_a_snapshot_and_of_an_incremental_source():
    snap = ImportResult("test", snapshot=True, seen_ids={"t:1", "t:2"}, withdrawn=["t:9"])
    assert snap.withdrawn_since({"t:1", "t:3"}) == ["t:3", "t:9"]
    incremental = ImportResult("test", seen_ids={"t:1"}, withdrawn=["t:9"])
    assert incremental.withdrawn_since({"t:1", "t:3"}) == ["t:9"]
    with pytest.raises(ImporterError):
        ImportResult("test", snapshot=True, incomplete=True).withdrawn_since({"t:1"})


def test_source_format_error_names_file_and_record():
    assert str(SourceFormatError("bad", file="a.json", record="x:1")) == "file a.json, record x:1: bad"
