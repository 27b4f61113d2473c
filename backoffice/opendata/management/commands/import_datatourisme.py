"""``import_datatourisme PATH…``: DATAtourisme JSON-LD files, flux files (@graph) or zips of them."""

from pathlib import Path

from backoffice.importers import datatourisme
from backoffice.opendata.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import DATAtourisme records (JSON-LD .json files, flux files or .zip exports). A flux or a zip is a "
        "full snapshot: what it no longer holds is withdrawn."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="DATAtourisme .json or .zip files")
        parser.add_argument(
            "--snapshot", action="store_true", help="treat every file as a full snapshot (default: flux and zips)"
        )
        super().add_arguments(parser)

    def handle(self, *args, **options):
        commune = self.check_commune(options)
        snapshot = True if options["snapshot"] else None

        def loader(path):
            return lambda: datatourisme.import_file(path, snapshot=snapshot, commune=commune)

        self.run_inputs([(Path(p).name, loader(p)) for p in options["paths"]], options)
