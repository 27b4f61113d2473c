from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "backoffice.catalog"
    label = "catalog"
    verbose_name = _("Kiosk content")

    def ready(self):
        from django.db.models.signals import post_migrate

        from backoffice.catalog import groups, signals  # noqa: F401  (connects the change signals)

        # After the last app's migrate, so every permission exists.
        post_migrate.connect(groups.ensure_groups, sender=self.apps.get_app_config("portal"))
