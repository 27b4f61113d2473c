"""The import sources staff set up, what each import did, and which entries each source produced (to
withdraw what a snapshot drops)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    """A feed staff import from (an address, an OpenAgenda agenda or an uploaded file), its schedule and state.

    ``locked_at``/``lock_run``: the run under way (one at a time; older than ``jobs.STALE_AFTER``: cut short).
    ``failing``: the staff were told it fails (told once; told again when it works again).
    """

    class Kind(models.TextChoices):
        DATATOURISME = "datatourisme", _("DATAtourisme feed")
        OPENAGENDA = "openagenda", _("OpenAgenda agenda")
        APIDAE = "apidae", _("Apidae export")
        ICAL = "ical", _("iCalendar calendar")

    class Schedule(models.TextChoices):
        MANUAL = "manual", _("manually only")
        NIGHTLY = "nightly", _("every night at 03:00")
        HOURLY = "hourly", _("every hour")
        QUARTER = "quarter", _("every 15 minutes")
        CRONTAB = "crontab", _("other schedule (crontab, for experts)")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    url = models.CharField(
        _("address"),
        max_length=500,
        blank=True,
        help_text=_("The feed's http(s) address. Write {key} where the key goes in it, if it does."),
    )
    file = models.FileField(
        _("file"),
        upload_to="opendata/sources/%Y%m%d%H%M%S",
        blank=True,
        max_length=300,
        help_text=_("Or a file of this kind (.json, .zip, .ics) instead of an address."),
    )
    agenda_uid = models.CharField(_("OpenAgenda agenda number"), max_length=40, blank=True)
    key = models.CharField(_("key"), max_length=200, blank=True)
    commune = models.ForeignKey(
        "catalog.Commune",
        verbose_name=_("commune"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("For the records that do not say which commune they are in."),
    )
    scope = models.CharField(
        _("scope"),
        max_length=300,
        blank=True,
        help_text=_(
            "Leave empty. To carry on from an import made on the command line, give the file name or "
            "address it used: what this feed no longer holds is then withdrawn."
        ),
    )
    producer = models.CharField(_("producer"), max_length=200, blank=True, help_text=_("Shown on the kiosk."))
    licence = models.CharField(_("licence"), max_length=200, blank=True, help_text=_("Shown on the kiosk."))
    new_status = models.CharField(
        _("new entries"),
        max_length=16,
        choices=[("draft", _("drafts to check and publish")), ("published", _("published at once"))],
        default="draft",
    )
    schedule = models.CharField(_("schedule"), max_length=20, choices=Schedule.choices, default=Schedule.MANUAL)
    crontab = models.CharField(
        _("crontab"),
        max_length=100,
        blank=True,
        help_text=_("Minute, hour, day of month, month, day of week, e.g. 30 5 * * 1-5 (local time)."),
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Unticked: never run on schedule."))
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask", on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    locked_at = models.DateTimeField(null=True, blank=True, editable=False)
    lock_run = models.ForeignKey(
        "ImportRun", on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    failing = models.BooleanField(_("failing"), default=False, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("import source")
        verbose_name_plural = _("import sources")

    def __str__(self):
        return self.name

    @property
    def feed_scope(self) -> str:
        """What a snapshot of this source replaces (see ``ImportRun.scope``)."""
        return self.scope or f"source:{self.pk}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("waiting")
    RUNNING = "running", _("running")
    OK = "ok", _("done")
    FAILED = "failed", _("failed")
    SKIPPED = "skipped", _("not run")


class ImportRun(models.Model):
    """One file, URL or agenda imported (or refused)."""

    source_ref = models.ForeignKey(
        Source, verbose_name=_("import source"), on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    phase = models.CharField(_("step"), max_length=200, blank=True)
    trigger = models.CharField(_("started by"), max_length=150, blank=True)
    read = models.PositiveIntegerField(_("read"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    details = models.JSONField(
        default=list, blank=True, help_text="problems as {record, field, message, severity}, errors first"
    )
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
