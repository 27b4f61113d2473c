"""The town map each commune's kiosks draw, its imports, and where each kiosk stands."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class TownMap(models.Model):
    """The map in use for one commune: the blob the feed announces (``content.geo``), by sha256."""

    commune = models.OneToOneField(
        "catalog.Commune",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="town_map",
        verbose_name=_("commune"),
    )
    sha256 = models.CharField(max_length=64, db_index=True)
    blob = models.BinaryField()
    size = models.PositiveIntegerField(_("bytes"))
    south = models.FloatField()
    west = models.FloatField()
    north = models.FloatField()
    east = models.FloatField()
    source = models.CharField(_("source file"), max_length=200, blank=True)
    counts = models.JSONField(_("contents"), default=dict, blank=True)
    generated_at = models.DateTimeField(_("imported at"))

    class Meta:
        verbose_name = _("town map")
        verbose_name_plural = _("town maps")

    def __str__(self):
        return str(self.commune)

    @property
    def bbox(self) -> list[float]:
        return [self.south, self.west, self.north, self.east]


class Status(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("in progress")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class MapImport(models.Model):
    """One OpenStreetMap extract imported for a commune (a job run by a worker)."""

    commune = models.ForeignKey("catalog.Commune", on_delete=models.CASCADE, verbose_name=_("commune"))
    file_name = models.CharField(_("file"), max_length=200)
    #: Where the uploaded file waits for the worker (removed once read).
    stored_path = models.CharField(max_length=500, blank=True, editable=False)
    south = models.FloatField(_("south (latitude)"))
    west = models.FloatField(_("west (longitude)"))
    north = models.FloatField(_("north (latitude)"))
    east = models.FloatField(_("east (longitude)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    counts = models.JSONField(_("contents"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("asked by")
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last news"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("map import")
        verbose_name_plural = _("map imports")

    def __str__(self):
        return f"{self.file_name} · {self.commune_id}"

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.south, self.west, self.north, self.east)


class KioskPlace(models.Model):
    """Where a kiosk stands and which way its screen faces (0 = the visitor looks north, 90 = east)."""

    kiosk = models.OneToOneField(
        "fleet.Kiosk", on_delete=models.CASCADE, primary_key=True, related_name="place", verbose_name=_("kiosk")
    )
    lat = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(_("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    facing = models.PositiveSmallIntegerField(
        _("facing (degrees from north)"), default=0, validators=[MaxValueValidator(359)]
    )

    class Meta:
        verbose_name = _("kiosk position")
        verbose_name_plural = _("kiosk positions")

    def __str__(self):
        return f"{self.lat:.5f}, {self.lon:.5f}"
