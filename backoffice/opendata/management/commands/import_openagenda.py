"""``import_openagenda PATH…`` (saved API v2 responses) or ``import_openagenda --agenda UID --key KEY``."""

import datetime as dt
from pathlib import Path

from django.core.management.base import CommandError

from backoffice.importers import openagenda
from backoffice.opendata.command import ImportCommand
from backoffice.opendata.models import ImportRun


class Command(ImportCommand):
    help = (
        "Import OpenAgenda v2 events from saved API responses (JSON files) or from the API "
        "(--agenda UID --key KEY; only events updated since the last import, unless --full). "
        "Removed and cancelled events are withdrawn."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="saved OpenAgenda API responses (.json)")
        parser.add_argument("--agenda", default="", help="agenda uid, to read from the API")
        parser.add_argument("--key", default="", help="OpenAgenda API key (public key)")
        parser.add_argument("--full", action="store_true", help="with --agenda: read every event again")
        parser.add_argument(
            "--api-url", default=openagenda.API_URL, help="OpenAgenda API address (default: %(default)s)"
        )
        super().add_arguments(parser)

    def handle(self, *args, **options):
        commune = self.check_commune(options)
        if options["agenda"]:
            if options["paths"]:
                raise CommandError("give either files or --agenda, not both")
            if not options["key"]:
                raise CommandError("--agenda needs --key (the agenda's OpenAgenda API key)")
            scope = f"agenda {options['agenda']}"
            last = (
                None
                if options["full"]
                else ImportRun.objects.filter(source="openagenda", scope=options["scope"] or scope, ok=True).first()
            )
            # Events updated (or removed) since the last good import, with an hour's margin for clocks.
            since = last.started_at - dt.timedelta(hours=1) if last else None
            now = dt.datetime.now(dt.UTC)

            def load():
                return openagenda.import_agenda(
                    options["agenda"],
                    key=options["key"],
                    fetcher=fetcher,
                    fetch_options={"base_url": options["api_url"], "updated_since": since},
                    commune=commune,
                    retrieved_at=now,
                )

            with self.source_fetcher("Borne back office (OpenAgenda importer)") as fetcher:
                self.run_inputs([(scope, load)], options)
            return
        if not options["paths"]:
            raise CommandError("give OpenAgenda response files, or --agenda UID --key KEY")

        def loader(path):
            def load():
                try:  # a saved response: its file's date stands for events that carry none
                    saved = dt.datetime.fromtimestamp(Path(path).stat().st_mtime, dt.UTC).replace(microsecond=0)
                except OSError:
                    saved = None
                return openagenda.import_file(path, commune=commune, retrieved_at=saved)

            return load

        self.run_inputs([(Path(p).name, loader(p)) for p in options["paths"]], options)
