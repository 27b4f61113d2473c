"""The import sources' pages in French, with a source, a failed run and a run with refused records."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from backoffice.importers.base import RecordProblem
from backoffice.opendata.apply import problem_rows
from backoffice.opendata.models import ImportRun, RunStatus, Source
from tests.backoffice.test_french import look, report


@pytest.fixture(autouse=True, scope="module")
def _french_catalogue():
    from django.utils.translation import trans_real

    from backoffice.locale_build import compile_catalogs

    if compile_catalogs():  # a catalogue read before it was rebuilt would stay in English
        from asgiref.local import Local

        trans_real._translations.clear()
        trans_real._default = None
        trans_real._active = Local()


def test_the_sources_pages_and_their_errors_are_in_french(client, db):
    client.force_login(User.objects.create_superuser("mairie", "mairie@example.org", "Cantal-15100-admin"))
    source = Source.objects.create(name="Agenda", kind="ical", url="http://127.0.0.1/a.ics", schedule="nightly")
    problems = [
        RecordProblem(
            "ical:bad@mairie", "DTSTART", "UID bad@mairie: line 3: DTSTART 'x' is not a date or date-time", "error"
        ),  # fmt: skip
        RecordProblem("ical:odd@mairie", "GEO", "line 9: unusable coordinates 'a;b': left out"),
    ]
    done = ImportRun.objects.create(source_ref=source, source="ical", status=RunStatus.OK, read=2, created=1,
                                    refused=1, details=problem_rows(problems), trigger="mairie")  # fmt: skip
    failed = ImportRun.objects.create(source_ref=source, source="ical", status=RunStatus.FAILED, error="x")
    waiting = ImportRun.objects.create(source_ref=source, source="ical", status=RunStatus.QUEUED)
    found: list = []
    pages = [
        ("sources", "/admin/opendata/source/"),
        ("source add", "/admin/opendata/source/add/"),
        ("source change", f"/admin/opendata/source/{source.pk}/change/"),
        ("source history", f"/admin/opendata/source/{source.pk}/history/"),
        ("source delete", f"/admin/opendata/source/{source.pk}/delete/"),
        ("source withdraw", f"/admin/opendata/source/{source.pk}/withdraw/"),
        ("runs", "/admin/opendata/importrun/"),
        ("run done", f"/admin/opendata/importrun/{done.pk}/progress/"),
        ("run failed", f"/admin/opendata/importrun/{failed.pk}/progress/"),
        ("run waiting", f"/admin/opendata/importrun/{waiting.pk}/progress/"),
    ]
    for what, url in pages:
        look(client, what, url, found, post="/progress/" not in url)
    assert not found, "untranslated text:\n" + report(found)
