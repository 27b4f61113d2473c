from django.core.management.base import BaseCommand, CommandError

from backoffice.catalog.bundles import export_bundle
from backoffice.catalog.models import Commune
from content.validation import ContentError


class Command(BaseCommand):
    help = "Write a signed bundle of the published content for kiosks fed by USB stick."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="the .zip file to write")
        parser.add_argument("--commune", default=None, help="INSEE code: only this commune's and shared content")

    def handle(self, *args, out, commune, **options):
        if commune and not Commune.objects.filter(insee=commune).exists():
            raise CommandError(f"commune {commune!r} is not known to this back office")
        try:
            manifest = export_bundle(out, commune=commune)
        except ContentError as exc:
            raise CommandError(f"bundle not written: {exc}") from None
        counts = manifest["counts"]
        self.stdout.write(
            f"{out}: {counts['entries']} entries, {counts['alerts']} alerts, {counts['media']} images, "
            f"cursor {manifest['cursor']}, signed"
        )
