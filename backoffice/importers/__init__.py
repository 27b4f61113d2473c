"""Open-data importers: DATAtourisme, OpenAgenda and iCalendar records mapped to contract entries.

Pure Python (no Django): the back office's management commands call ``datatourisme.import_file``,
``openagenda.map_response`` / ``openagenda.fetch_events`` and ``ical.map_calendar`` / ``ical.fetch_calendar``,
each returning a :class:`~backoffice.importers.base.ImportResult`.
"""
