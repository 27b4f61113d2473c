from django.core.management.base import BaseCommand, CommandError

from backoffice.catalog.models import Commune
from backoffice.geo.models import TownMap
from backoffice.geo.service import MapImportError, import_map, parse_bbox


class Command(BaseCommand):
    help = (
        "Import an OpenStreetMap extract (.osm.pbf or .osm) as a commune's town map, clipped to a box "
        "(--bbox south,west,north,east; by default the box of the commune's current map)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .osm.pbf or .osm file")
        parser.add_argument("--commune", required=True, help="INSEE code of the commune")
        parser.add_argument("--bbox", default=None, help="south,west,north,east in decimal degrees")

    def handle(self, *args, file, commune, bbox, **options):
        target = Commune.objects.filter(pk=commune).first()
        if target is None:
            raise CommandError(f"commune {commune} inconnue : créez-la d'abord dans l'administration")
        try:
            if bbox:
                box = parse_bbox(bbox)
            elif current := TownMap.objects.filter(commune=target).defer("blob").first():
                box = tuple(current.bbox)
            else:
                raise MapImportError("première carte de cette commune : donnez sa zone avec --bbox sud,ouest,nord,est")
            town_map = import_map(file, target, box)
        except MapImportError as exc:
            raise CommandError(str(exc)) from None
        counts = ", ".join(f"{k} {v}" for k, v in sorted(town_map.counts.items()))
        self.stdout.write(f"carte de {target} importée : {town_map.size} octets ({counts}), sha256 {town_map.sha256}")
