from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def name_permissions(sender=None, using="default", **kwargs):
    """The moderation right is named in the town's language in the admin's lists of rights (Django
    stores a permission's name as text, in English when ``migrate`` runs)."""
    from django.conf import settings
    from django.contrib.auth.models import Permission
    from django.utils import translation

    from backoffice.portal.models import Submission

    with translation.override(settings.LANGUAGE_CODE):
        for codename, name in Submission._meta.permissions:
            Permission.objects.using(using).filter(content_type__app_label="portal", codename=codename).update(
                name=str(name)[:255]
            )


class PortalConfig(AppConfig):
    name = "backoffice.portal"
    label = "portal"
    verbose_name = _("Shopkeepers")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(name_permissions, sender=self)
