from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "backoffice.notices"
    label = "notices"
    verbose_name = _("Official notices")
    default_auto_field = "django.db.models.BigAutoField"
