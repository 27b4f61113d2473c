"""Reading an import source: its address checked, then its file, feed or agenda turned into an importer's result.

``check_source_url`` is the one rule for a staff-typed address (the form's validator and the run's check);
``load`` reads whatever the source names and raises :class:`SourceError` with a French sentence.
"""

from __future__ import annotations

import datetime as dt
import socket
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from backoffice.importers.base import ImportResult
from backoffice.opendata.models import ImportRun, RunStatus, Source

USER_AGENT = "Borne back office (import sources)"


class SourceError(Exception):
    """The source cannot be read; the message is the French sentence shown to staff."""


# --- the address --------------------------------------------------------------------------------


def check_source_url(url: str, *, resolve=socket.getaddrinfo) -> None:
    """Refuse (French ValidationError) an address Borne would not fetch: not http(s), no server, a
    server that cannot be found, or an internal one not listed in ``BORNE_FETCH_ALLOW``.

    The same rule as the outbound fetcher's (its :class:`~outbound.AddressPolicy`), checked when staff
    save the source and again when it runs.
    """
    from outbound import AddressPolicy, AddressRefused

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ValidationError(_("This is not a web address."), code="invalid") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValidationError(_("The address must start with http:// or https://."), code="scheme")
    if not parts.hostname:
        raise ValidationError(_("The address names no server."), code="host")
    unknown = []

    def resolving(*args, **kwargs):
        try:
            return resolve(*args, **kwargs)
        except (OSError, UnicodeError):
            unknown.append(True)
            raise

    try:
        AddressPolicy.from_setting(settings.BORNE_FETCH_ALLOW).check_url(url, resolve=resolving)
    except AddressRefused:
        if unknown:
            raise ValidationError(
                _("The server %(host)s cannot be found: check the address.") % {"host": parts.hostname},
                code="unknown",
            ) from None
        raise ValidationError(
            _(
                "%(host)s is an address of the town's own network or of this server: Borne does not fetch "
                "from there. If this server is meant, the person who installed Borne adds it to "
                "BORNE_FETCH_ALLOW."
            )
            % {"host": parts.hostname},
            code="internal",
        ) from None


def address_of(source: Source) -> str:
    """The address to fetch, with the key in place of ``{key}``."""
    return source.url.replace("{key}", source.key) if source.key else source.url


def redact(text: str, source: Source) -> str:
    """``text`` without the source's key (errors and logs never show it)."""
    return text.replace(source.key, "•••") if source.key and len(source.key) >= 4 else text


def load(source: Source, job: ImportRun) -> ImportResult:
    """Read the source (its file, its address or its agenda): the importer's result."""
    from backoffice.importers import apidae, datatourisme, ical, openagenda

    common = {"commune": source.commune_id or ""}
    kind = source.kind
    if source.file:
        with _local_copy(source) as path:
            return _from_file(source, path, common)
    if kind == Source.Kind.OPENAGENDA:
        if not source.agenda_uid or not source.key:
            raise SourceError(_("An OpenAgenda source needs its agenda number and its key."))
        last = (
            ImportRun.objects.filter(source_ref=source, status=RunStatus.OK, scope=source.feed_scope)
            .exclude(pk=job.pk)
            .order_by("-started_at")
            .first()
        )
        since = last.started_at - dt.timedelta(hours=1) if last else None
        with _fetcher() as fetcher:
            return openagenda.import_agenda(
                source.agenda_uid,
                key=source.key,
                fetcher=fetcher,
                fetch_options={"updated_since": since},
                retrieved_at=dt.datetime.now(dt.UTC),
                **common,
            )
    url = address_of(source)
    if not source.url:
        raise SourceError(_("This source has neither an address nor a file."))
    try:
        check_source_url(url)
    except ValidationError as exc:
        raise SourceError(" ".join(exc.messages)) from None
    with _fetcher() as fetcher:
        if kind == Source.Kind.ICAL:
            return ical.import_url(
                url,
                fetcher=fetcher,
                source_name=source.name,
                producer=source.producer,
                licence=source.licence,
                source_url="" if "{key}" in source.url else url,
                **common,
            )
        data = _download(fetcher, url)
    with tempfile.TemporaryDirectory(prefix="borne-source-") as folder:
        path = Path(folder) / ("feed.zip" if data[:2] == b"PK" else "feed.json")
        path.write_bytes(data)
        if kind == Source.Kind.DATATOURISME:
            return _credited(source, datatourisme.import_file(path, **common))
        return _credited(source, apidae.import_file(path, licence=source.licence, **common))


def _fetcher():
    from backoffice.importers.base import source_fetcher

    return source_fetcher(USER_AGENT, allow=settings.BORNE_FETCH_ALLOW)


def _download(fetcher, url: str) -> bytes:
    from outbound import FetchError

    try:
        return fetcher.get_bytes(url)
    except FetchError as exc:
        raise SourceError(_("The source could not be downloaded: %(reason)s") % {"reason": exc}) from None


class _local_copy:  # noqa: N801 - used as a context manager
    """The uploaded file as a local path (the storage may be a bucket), removed afterwards."""

    def __init__(self, source: Source):
        self.source = source
        self.folder = None

    def __enter__(self) -> Path:
        self.folder = tempfile.TemporaryDirectory(prefix="borne-source-")
        name = Path(self.source.file.name).name or "source"
        path = Path(self.folder.name) / name
        try:
            with self.source.file.open("rb") as src, open(path, "wb") as dst:
                for chunk in src.chunks():
                    dst.write(chunk)
        except OSError:
            raise SourceError(_("The uploaded file is no longer on the server: upload it again.")) from None
        return path

    def __exit__(self, *exc):
        self.folder.cleanup()


def _from_file(source: Source, path: Path, common: dict) -> ImportResult:
    from backoffice.importers import apidae, datatourisme, ical, openagenda

    kind = source.kind
    if kind == Source.Kind.ICAL:
        return ical.import_file(
            path, source_name=source.name, producer=source.producer, licence=source.licence, **common
        )
    if kind == Source.Kind.OPENAGENDA:
        return _credited(source, openagenda.import_file(path, **common))
    if kind == Source.Kind.APIDAE:
        return _credited(source, apidae.import_file(path, licence=source.licence, **common))
    if not zipfile.is_zipfile(path) and path.suffix.lower() != ".json":
        path = path.rename(path.with_suffix(".json"))
    return _credited(source, datatourisme.import_file(path, **common))


def _credited(source: Source, result: ImportResult) -> ImportResult:
    """The producer and licence staff gave, on every entry (what the kiosk shows under a page)."""
    for entry in result.entries:
        credit = entry.setdefault("source", {})
        if source.producer:
            credit["producer"] = source.producer
        if source.licence:
            credit["licence"] = source.licence
    return result
