"""CSV files that a spreadsheet opens without running anything: every CSV the back office writes.

A spreadsheet (Excel, LibreOffice, Google Sheets) reads a cell that starts with ``=``, ``+``, ``-``
or ``@`` as a formula, and a tab or carriage return at the start can hide one from the eye: a title
typed by a shopkeeper or sent by an imported feed could then call ``HYPERLINK`` or ``WEBSERVICE`` on
the computer of the town employee who opens the file. Following OWASP's advice, such a text cell is
written with a single quote in front, which spreadsheets show as plain text.

Leading spaces and line breaks do not make a cell safe: LibreOffice's import (with "trim spaces")
and Google Sheets drop them before they look at the first character, so ``"  =1+1"`` is escaped too.
A cell that is only a number or a phone number (``-12.5``, ``+33 4 71 60 00 00``) is left as it is:
it cannot call anything, and open-data users expect the value itself.

Numbers (``int``, ``float``) are written as they are; only text is looked at.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: Only digits, spaces and decimal marks after an optional sign: a value, never a formula.
PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9 .,]*")
BOM = "\ufeff"


def cell(value) -> object:
    """``value`` as it is safe to write in a CSV cell (a quote in front of a text a spreadsheet would run)."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str):
        return value
    head = value.lstrip(" \t\r\n\u00a0")
    runs = value.startswith(TRIGGERS) or head.startswith(TRIGGERS[:4])
    return "'" + value if runs and not PLAIN_NUMBER.fullmatch(value) else value


def row(values: Iterable) -> list:
    return [cell(v) for v in values]


def text(header: list[str], rows: Iterable[Iterable], *, delimiter: str = ",") -> str:
    """A whole CSV document: a UTF-8 BOM (spreadsheets then read accents right), the header, the rows."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(row(header))
    for values in rows:
        writer.writerow(row(values))
    return out.getvalue()
