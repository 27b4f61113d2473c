"""Open-data importers: records of DATAtourisme, OpenAgenda, iCalendar and Apidae mapped to contract entries.

Pure Python (no Django, nothing at import time). Each importer returns a
:class:`~backoffice.importers.base.ImportResult`:

- ``entries``: entry dicts in wire form (``content.model.dump``), each validated by
  ``content.validation.parse_entry``, sorted by id; ``media`` is empty;
- ``images[entry_id]``: :class:`~backoffice.importers.base.ImageRef` (url, credit, licence, alt) to download;
- ``problems``: :class:`~backoffice.importers.base.RecordProblem` (record_id, field, message, severity):
  ``"error"`` = no entry for that record, ``"warning"`` = entry kept without that field;
- ``withdrawn`` (ids the source withdrew), ``seen_ids``, ``snapshot``, ``cursor``;
  ``withdrawn_since(previous_ids)`` gives the ids to delete.

Entry points (``tz`` defaults to Europe/Paris, ``commune`` is the INSEE code used when a record has none):

- ``datatourisme.import_file(path, snapshot=None, tz=, commune=, not_before=None)`` (.json or .zip);
  ``datatourisme.map_records(records, snapshot=False, ...)``;
- ``openagenda.import_file(path, ...)``, ``openagenda.map_response(data, tz=, commune=, not_before=,
  retrieved_at=, agenda_title=)``, ``openagenda.import_agenda(agenda_uid, key=, fetcher=, fetch_options=, ...)``,
  ``openagenda.fetch_pages(agenda_uid, key=, fetcher=, base_url=, after=, updated_since=, ...)``;
- ``ical.import_file(path, ...)``, ``ical.import_url(url, fetcher=, ...)``, ``ical.map_calendar(text, commune=,
  months=6, now=None, tz=, lang="fr", source_name=, producer=, licence=, source_url=, not_before=None)``,
  ``ical.fetch_calendar(url, fetcher=, max_bytes=)``;
- ``apidae.import_file(path, snapshot=False, commune=, licence=, ...)``,
  ``apidae.map_objects(objects, communes=, ...)``.

Errors: ``base.ImporterError`` (whole input unusable) and its subclasses ``SourceFormatError`` (names the file,
zip member and record) and ``FetchError`` (names the URL).
"""
