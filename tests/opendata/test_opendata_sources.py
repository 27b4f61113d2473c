"""Importing over HTTP (an iCalendar URL, the OpenAgenda API) from a real server on 127.0.0.1, and the helpers."""

from __future__ import annotations

import io
import json
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from backoffice.catalog.models import Entry
from backoffice.dashboard.svg import _nice_max
from backoffice.opendata.export import _escape, _fold
from backoffice.opendata.models import ImportRun
from backoffice.opendata.progress import ProgressBar

ICS = "ical/collectifprimavez-ricochets-2025.EXCERPT.ics"
LIST = "openagenda/v2-events-list.erwane-openagenda-api.json"


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, "--no-images", stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_ical_from_a_url(samples, image_server):
    image_server.files["/agenda.ics"] = (samples / ICS).read_bytes()
    url = image_server.url("/agenda.ics")
    out = _run("import_ical", url, "--commune", "35238", "--producer", "Collectif Primavez")
    entry = Entry.objects.get()
    assert entry.source_url == url and entry.source_producer == "Collectif Primavez"
    assert "1 created" in out
    assert ImportRun.objects.get().scope == url


@pytest.mark.django_db
def test_ical_url_that_fails_is_refused_naming_it(image_server):
    url = image_server.url("/nothing.ics")
    with pytest.raises(CommandError, match=r"nothing\.ics: HTTP 404"):
        _run("import_ical", url)


@pytest.mark.django_db
def test_openagenda_api_then_only_what_changed_since(samples, image_server):
    page = json.loads((samples / LIST).read_text())
    page["after"] = None  # one page
    image_server.files["/v2/agendas/42/events"] = json.dumps(page).encode()
    args = ("import_openagenda", "--agenda", "42", "--key", "k3y", "--api-url", image_server.url("/v2"))
    _run(*args, "--commune", "75056")
    assert Entry.objects.get().key == "openagenda:9906334"
    first = parse_qs(urlsplit(image_server.hits[0]).query)
    assert first["key"] == ["k3y"] and "updatedAt[gte]" not in first
    _run(*args)
    second = parse_qs(urlsplit(image_server.hits[1]).query)
    assert second["updatedAt[gte]"]  # the second import asks only for what changed


def test_agenda_needs_a_key():
    with pytest.raises(CommandError, match="--agenda needs --key"):
        call_command("import_openagenda", "--agenda", "42", stdout=StringIO(), stderr=StringIO())


def test_progress_bar_on_a_log_writes_the_start_and_a_line_per_tenth():
    stream = io.StringIO()
    bar = ProgressBar(stream, "flux.zip")
    for n in range(1, 101):
        bar(n, 100, "read x")
    bar.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11
    assert lines[0] == f"flux.zip read  [{'.' * 30}] 1/100"
    assert lines[-1] == f"flux.zip read  [{'#' * 30}] 100/100"


def test_progress_bar_on_a_terminal_redraws_in_place():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    bar = ProgressBar(stream, "a.json")
    bar(1, 2, "write x")
    bar(2, 2, "write x")
    bar.close()
    assert stream.getvalue().count("\r") == 2 and stream.getvalue().endswith("\n")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_icalendar_lines_fold_to_75_octets_and_unfold_back(text):
    line = "DESCRIPTION:" + _escape(text)
    folded = _fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line


@given(st.text(max_size=50))
def test_icalendar_escaped_text_has_no_raw_separators(text):
    escaped = _escape(text)
    assert "\n" not in escaped
    assert escaped.replace("\\\\", "").replace("\\,", "").replace("\\;", "").count(",") == 0


@given(st.integers(min_value=0, max_value=10**9))
def test_chart_axis_top_is_round_and_above_the_peak(value):
    top = _nice_max(value)
    assert top >= max(value, 1)
    assert top <= max(value, 1) * 2.5
