"""What each open-data import did, and which entries each source produced (to withdraw what a snapshot drops)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One file, URL or agenda imported (or refused)."""

    source = models.CharField(_("source"), max_length=40)
    scope = models.CharField(_("scope"), max_length=300, help_text=_("The feed a snapshot replaces (file name, URL)."))
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    ok = models.BooleanField(_("succeeded"), default=False)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    withdrawn = models.PositiveIntegerField(_("withdrawn"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    cursor = models.CharField(_("cursor"), max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.source} {self.scope} {self.started_at:%Y-%m-%d %H:%M}"


class ImportedRecord(models.Model):
    """The entry one source record became. ``fingerprint`` is the hash of what the source last said."""

    key = models.CharField(_("entry id"), max_length=220, unique=True)
    source = models.CharField(_("source"), max_length=40)
    scope = models.CharField(_("scope"), max_length=300)
    fingerprint = models.CharField(max_length=64, blank=True)
    images = models.JSONField(default=dict, blank=True, help_text="image url -> sha256 already stored")
    withdrawn = models.BooleanField(_("withdrawn by its source"), default=False)
    run = models.ForeignKey(ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="records")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["source", "scope"])]
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")

    def __str__(self):
        return self.key
