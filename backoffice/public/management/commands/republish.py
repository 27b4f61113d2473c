"""``main.py backoffice republish [--if-changed]``: see ``backoffice.public.republish``."""

from django.core.management.base import BaseCommand

from backoffice.public.republish import republish_if_address_changed


class Command(BaseCommand):
    help = (
        "Send every published entry to the kiosks again (a new change number each, in one transaction), "
        "so they get what a setting changes, such as BORNE_PUBLIC_URL (the QR codes' public pages)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="only when BORNE_PUBLIC_URL differs from the address last sent (serve and the installer use this)",
        )

    def handle(self, *args, if_changed=False, **options):
        count = republish_if_address_changed(force=not if_changed)
        if count is None:
            self.stdout.write("Public address unchanged: nothing to send again.")
            return
        entries = "entry" if count == 1 else "entries"
        self.stdout.write(f"{count} published {entries} will reach the kiosks at their next sync.")
