"""``import_ical PATH_OR_URL``: an iCalendar feed (a snapshot: events it no longer holds are withdrawn)."""

from pathlib import Path

from backoffice.importers import ical
from backoffice.opendata.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import an iCalendar feed (.ics file or http(s) address). Recurrences are expanded for the coming "
        "months, cancelled events dropped; each import is a snapshot of the feed."
    )

    def add_arguments(self, parser):
        parser.add_argument("location", help=".ics file or http(s) address")
        parser.add_argument("--months", type=int, default=6, help="how far ahead recurrences are expanded")
        parser.add_argument("--name", default="", help="source name shown on the kiosk (default: the feed's name)")
        parser.add_argument("--producer", default="", help="who publishes the feed (shown as the producer)")
        parser.add_argument("--licence", default="", help="the feed's licence, if it has one")
        super().add_arguments(parser)

    def handle(self, *args, **options):
        commune = self.check_commune(options)
        where = options["location"]
        common = {
            "commune": commune,
            "months": options["months"],
            "source_name": options["name"],
            "producer": options["producer"],
            "licence": options["licence"],
        }
        if where.startswith(("http://", "https://")):
            with self.source_fetcher("Borne back office (iCalendar importer)") as fetcher:
                self.run_inputs([(where, lambda: ical.import_url(where, fetcher=fetcher, **common))], options)
        else:
            self.run_inputs([(Path(where).name, lambda: ical.import_file(where, **common))], options)
