from django.core.management.base import BaseCommand, CommandError

from backoffice.catalog.bundles import export_bundle
from backoffice.catalog.models import Commune
from content.contract import READABLE_SCHEMAS, SCHEMA_VERSION
from content.validation import ContentError


class Command(BaseCommand):
    help = "Write a signed bundle of the published content for kiosks fed by USB stick."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="the .zip file to write")
        parser.add_argument("--commune", default=None, help="INSEE code: only this commune's and shared content")
        parser.add_argument(
            "--schema",
            type=int,
            default=None,
            choices=READABLE_SCHEMAS,
            help=f"contract version of the kiosks it is for (default {SCHEMA_VERSION}; 1 for kiosks not yet updated)",
        )

    def handle(self, *args, out, commune, schema=None, **options):
        if commune and not Commune.objects.filter(insee=commune).exists():
            raise CommandError(f"commune {commune!r} is not known to this back office")
        try:
            manifest = export_bundle(out, commune=commune, schema=schema)
        except ContentError as exc:
            raise CommandError(f"bundle not written: {exc}") from None
        counts = manifest["counts"]
        self.stdout.write(
            f"{out}: {counts['entries']} entries, {counts['alerts']} alerts, {counts['media']} images, "
            f"cursor {manifest['cursor']}, schema {manifest['schema']}, signed"
        )
