"""``import_apidae PATH…``: Apidae objects (JSON) or incremental export zips."""

from pathlib import Path

from backoffice.importers import apidae
from backoffice.opendata.command import ImportCommand


class Command(ImportCommand):
    help = "Import Apidae objects (.json) or export zips (objets_modifies, objets_supprimes are withdrawn)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Apidae .json objects or .zip exports")
        parser.add_argument("--licence", default="", help="licence of the project's data, shown with each entry")
        parser.add_argument("--snapshot", action="store_true", help="the input is the project's full set")
        super().add_arguments(parser)

    def handle(self, *args, **options):
        commune = self.check_commune(options)

        def loader(path):
            return lambda: apidae.import_file(
                path, snapshot=options["snapshot"], commune=commune, licence=options["licence"]
            )

        self.run_inputs([(Path(p).name, loader(p)) for p in options["paths"]], options)
