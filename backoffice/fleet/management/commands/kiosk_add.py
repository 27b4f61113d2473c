from django.core.management.base import BaseCommand, CommandError

from backoffice.catalog.models import Commune, audit
from backoffice.fleet.models import Kiosk


class Command(BaseCommand):
    help = "Register a kiosk and print its token once (the same as the admin's 'issue a new token')."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--commune", required=True, help="INSEE code, e.g. 15187")
        parser.add_argument("--location", default="")

    def handle(self, *args, name, commune, location, **options):
        place = Commune.objects.filter(insee=commune).first()
        if place is None:
            raise CommandError(f"commune {commune!r} is not known: add it in the admin first (Communes)")
        if Kiosk.objects.filter(name=name).exists():
            raise CommandError(f"a kiosk named {name!r} already exists")
        kiosk = Kiosk.objects.create(name=name, commune=place, location=location)
        token = kiosk.issue_token()
        audit(None, "kiosk_add", kiosk, "from the command line")
        self.stdout.write(token)
