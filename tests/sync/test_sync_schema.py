"""The kiosk says the contract schema it reads, and fetches again, once, content from before it said it."""

from fakebo import entry

from sync.job import CONTENT_SCHEMA


def test_the_kiosk_asks_for_its_schema_and_records_the_one_it_got(bo, job, reader):
    bo.put_entry(entry(1))
    job.sync_once()
    assert bo.requests_to("changes")[-1]["query"]["schema"] == ["2"]
    assert reader().meta(CONTENT_SCHEMA) == 1  # this fake back office answers in schema 1


def test_content_from_before_the_question_is_fetched_again_whole_once(bo, job, reader):
    bo.put_entry(entry(1))
    bo.put_entry(entry(2))
    job.sync_once()
    with job.cache.db.conn:  # as a kiosk updated from the version before schema 2 finds its cache
        job.cache.db.execute("DELETE FROM meta WHERE key = ?", [CONTENT_SCHEMA])
    bo.put_entry(entry(3))
    job.sync_once()
    assert bo.requests_to("changes")[-1]["query"].get("since", [""]) == [""]  # from the start
    assert {e.id for e in reader().list_entries()} == {"bo:1", "bo:2", "bo:3"}
    bo.put_entry(entry(4))
    job.sync_once()
    assert bo.requests_to("changes")[-1]["query"]["since"] == ["3"]  # and then from its cursor again
