from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsbConfig(AppConfig):
    name = "backoffice.usb"
    label = "usb"
    verbose_name = _("USB sticks")
