"""What the fleet check remembers between its runs: which silent kiosks staff were already told about."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SilentKiosk(models.Model):
    """A kiosk found silent, and when staff were e-mailed about it (once; removed when it is heard again)."""

    kiosk = models.OneToOneField("fleet.Kiosk", on_delete=models.CASCADE, verbose_name=_("kiosk"))
    last_contact = models.DateTimeField(_("last heard of"), null=True, blank=True)
    noticed_at = models.DateTimeField(_("staff told at"), auto_now_add=True)

    class Meta:
        verbose_name = _("silent kiosk")
        verbose_name_plural = _("silent kiosks")

    def __str__(self):
        return str(self.kiosk)
