"""The record of one USB export job: what the admin shows while it runs and once it is done."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from content.contract import SCHEMA_VERSION


class Status(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("in progress")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


#: Which kiosks a file is for: those up to date, or those still reading the contract's version 1
#: (no places to eat or stay, no official notices: ``content.compat`` brings the file down to it).
SCHEMA_CHOICES = [
    (SCHEMA_VERSION, _("for kiosks up to date (current version)")),
    (1, _("for kiosks not yet updated (schema 1)")),
]


class BundleExport(models.Model):
    """One bundle exported for a USB stick: who asked, how far it got, the file or the error."""

    commune = models.ForeignKey(
        "catalog.Commune", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("commune")
    )
    #: The commune's name when the export was asked (kept if the commune is deleted later).
    commune_name = models.CharField(_("commune"), max_length=140, blank=True)
    schema = models.PositiveSmallIntegerField(_("for which kiosks"), choices=SCHEMA_CHOICES, default=SCHEMA_VERSION)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    size = models.BigIntegerField(_("size (bytes)"), null=True, blank=True)
    counts = models.JSONField(_("contents"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("asked by")
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    #: Touched at every step: a job whose row stops moving was cut short (the server restarted).
    updated_at = models.DateTimeField(_("last news"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("USB export")
        verbose_name_plural = _("USB exports")

    def __str__(self):
        return f"{self.commune_name or self.commune_id or '–'} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def finished(self) -> bool:
        return self.status in (Status.DONE, Status.FAILED)
