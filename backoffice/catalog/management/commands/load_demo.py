import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from backoffice.catalog.demo import load_demo_town


class Command(BaseCommand):
    help = "Load the demo town (content.demo) as published entries and alerts."

    def add_arguments(self, parser):
        parser.add_argument("--today", default=None, help="YYYY-MM-DD the demo's dates are built around")

    def handle(self, *args, today, **options):
        day = dt.date.fromisoformat(today) if today else None
        try:
            n_entries, n_alerts = load_demo_town(day)
        except ImportError as exc:
            raise CommandError(f"the demo town is not available: {exc}") from None
        self.stdout.write(f"demo town loaded: {n_entries} entries, {n_alerts} alerts")
        from backoffice.geo.service import MapImportError, load_demo_map

        try:
            town_map = load_demo_map()
        except MapImportError as exc:
            self.stderr.write(f"demo town without its map: {exc}")
        else:
            if town_map is not None:
                self.stdout.write(f"demo town map: {town_map.size} bytes")
