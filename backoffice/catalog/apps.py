from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "backoffice.catalog"
    label = "catalog"
    verbose_name = _("Kiosk content")

    def ready(self):
        from django.db.models.signals import post_migrate

        from backoffice.catalog import groups, signals  # noqa: F401  (connects the change signals)

        # After the last migrate signal (apps without models get none), so every permission exists.
        last = [app for app in self.apps.get_app_configs() if app.models_module is not None][-1]
        post_migrate.connect(groups.ensure_groups, sender=last)
