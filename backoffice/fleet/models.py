"""Kiosks, their tokens (stored hashed), heartbeats and usage counters."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.catalog.models import Commune
from content import kiosk_settings as ks

TOKEN_PREFIX = "bk_"
#: A kiosk walking the feed page after page (or every few seconds) writes its contact once a minute.
FEED_CONTACT_EVERY = dt.timedelta(minutes=1)


def hash_token(token: str) -> str:
    # Tokens are 256 random bits: a fast hash is enough, a slow one would only cost every request.
    return hashlib.sha256(token.encode()).hexdigest()


class Kiosk(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, verbose_name=_("commune"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    token_hint = models.CharField(_("token starts with"), max_length=12, blank=True, editable=False)
    revoked = models.BooleanField(_("token revoked"), default=False)
    sync_requested = models.BooleanField(_("sync requested"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_heartbeat = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    version = models.CharField(_("software version"), max_length=40, blank=True)
    cursor = models.CharField(_("content cursor"), max_length=40, blank=True)
    last_sync = models.DateTimeField(_("last sync"), null=True, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    disk_free = models.BigIntegerField(_("free disk (bytes)"), null=True, blank=True)
    disk_total = models.BigIntegerField(_("disk size (bytes)"), null=True, blank=True)
    uptime = models.BigIntegerField(_("uptime (s)"), null=True, blank=True)
    remote_addr = models.GenericIPAddressField(_("address"), null=True, blank=True)
    last_feed_at = models.DateTimeField(_("last content request"), null=True, blank=True)
    #: The last offline bundle (USB stick) the kiosk imported: ``{name, imported_at, signed, verified}``.
    bundle = models.JSONField(_("last USB bundle"), default=dict, blank=True)

    # -- settings shipped to the kiosk in the feed (content.kiosk_settings) ----------------------
    group = models.CharField(
        _("group"), max_length=60, blank=True, help_text=_("Releases can be published to one group of kiosks.")
    )
    screen_schedule = models.BooleanField(
        _("switch the screen off outside its hours"),
        default=False,
        help_text=_("Unticked: the screen stays on day and night."),
    )
    screen_mon = models.CharField(_("Monday"), max_length=100, blank=True, default="07:00-22:00")
    screen_tue = models.CharField(_("Tuesday"), max_length=100, blank=True, default="07:00-22:00")
    screen_wed = models.CharField(_("Wednesday"), max_length=100, blank=True, default="07:00-22:00")
    screen_thu = models.CharField(_("Thursday"), max_length=100, blank=True, default="07:00-22:00")
    screen_fri = models.CharField(_("Friday"), max_length=100, blank=True, default="07:00-22:00")
    screen_sat = models.CharField(_("Saturday"), max_length=100, blank=True, default="07:00-22:00")
    screen_sun = models.CharField(_("Sunday"), max_length=100, blank=True, default="07:00-22:00")
    screen_exceptions = models.TextField(
        _("exceptional days"),
        blank=True,
        help_text=_("One day a line: 2026-12-25 closed, or 2026-12-24 08:00-18:00."),
    )
    wake_minutes = models.PositiveSmallIntegerField(
        _("a touch at night lights the screen for (minutes)"),
        default=5,
        help_text=_("0: the screen stays off until its hours."),
    )
    idle_seconds = models.PositiveIntegerField(
        _("back to the welcome loop after (seconds without a touch)"),
        null=True,
        blank=True,
        help_text=_("Empty: the kiosk's own setting (90 s)."),
    )
    languages = models.CharField(_("languages offered"), max_length=40, blank=True)
    maintenance_pin = models.CharField(
        _("maintenance PIN"), max_length=8, blank=True, help_text=_("4 to 8 digits. Empty: the kiosk's own PIN.")
    )

    # -- what the kiosk reported, beyond the heartbeat's basics -----------------------------------
    screenshot_requested = models.BooleanField(_("screenshot requested"), default=False)
    screenshot = models.BinaryField(_("screenshot"), null=True, blank=True, editable=False)
    screenshot_at = models.DateTimeField(_("screenshot taken at"), null=True, blank=True, editable=False)
    #: ``{backend, state, action, at, error}``: the screen's power as the kiosk last reported it.
    screen_state = models.JSONField(_("screen"), default=dict, blank=True)
    #: ``{version, result, at, message}``: the last software update the kiosk tried.
    update_state = models.JSONField(_("last update"), default=dict, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kiosk")
        verbose_name_plural = _("kiosks")

    def __str__(self):
        return self.name

    SCREEN_DAYS = ("screen_mon", "screen_tue", "screen_wed", "screen_thu", "screen_fri", "screen_sat", "screen_sun")

    def clean(self):
        """Every setting checked with the rules the kiosk reads them with; French messages per field."""
        errors = {}
        for day_field in self.SCREEN_DAYS:
            try:
                ks.parse_ranges(getattr(self, day_field), str(self._meta.get_field(day_field).verbose_name))
            except ks.SettingsError as exc:
                errors[day_field] = str(exc)
        try:
            ks.parse_exceptions(self.screen_exceptions)
        except ks.SettingsError as exc:
            errors["screen_exceptions"] = str(exc)
        if self.wake_minutes is not None and self.wake_minutes > ks.MAX_WAKE_MINUTES:
            errors["wake_minutes"] = f"{ks.MAX_WAKE_MINUTES} minutes au plus"
        if self.idle_seconds is not None and not 10 <= self.idle_seconds <= 3600:
            errors["idle_seconds"] = "de 10 à 3600 secondes"
        if self.maintenance_pin and not ks.PIN_RE.match(self.maintenance_pin):
            errors["maintenance_pin"] = "le code de maintenance a 4 à 8 chiffres (0-9)"
        if self.languages:
            try:
                ks.parse_languages(self.languages)
            except ks.SettingsError as exc:
                errors["languages"] = str(exc)
        if errors:
            raise ValidationError(errors)

    def settings_update(self) -> ks.KioskSettingsUpdate:
        """The settings as the feed ships them (``content.kiosk_settings``)."""
        screen = None
        if self.screen_schedule:
            screen = ks.ScreenSchedule(
                weekly={
                    day: ks.parse_ranges(getattr(self, f), day)
                    for day, f in zip(ks.WEEKDAYS, self.SCREEN_DAYS, strict=True)
                },
                exceptions=ks.parse_exceptions(self.screen_exceptions),
                wake_minutes=min(self.wake_minutes or 0, ks.MAX_WAKE_MINUTES),
            )
        return ks.KioskSettingsUpdate(
            screen=screen,
            idle_seconds=self.idle_seconds,
            languages=ks.parse_languages(self.languages) if self.languages else None,
            pin=self.maintenance_pin or None,
        )

    def issue_token(self) -> str:
        """A new token (returned once, stored hashed); the previous one stops working."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.token_hint = token[:8]
        self.revoked = False
        self.save(update_fields=["token_hash", "token_hint", "revoked"])
        return token

    def revoke(self) -> None:
        self.revoked = True
        self.save(update_fields=["revoked"])

    @property
    def last_contact(self) -> dt.datetime | None:
        """When the kiosk was last heard of: its heartbeat or its request for content, the later."""
        return max((t for t in (self.last_heartbeat, self.last_feed_at) if t is not None), default=None)

    @property
    def last_contact_via(self) -> str:
        """``"heartbeat"``, ``"feed"`` or ``""``: which of the two ``last_contact`` comes from."""
        if self.last_contact is None:
            return ""
        return "heartbeat" if self.last_contact == self.last_heartbeat else "feed"

    @property
    def is_online(self) -> bool:
        if self.last_contact is None:
            return False
        limit = dt.timedelta(minutes=settings.BORNE_OFFLINE_AFTER_MINUTES)
        return timezone.now() - self.last_contact < limit

    def note_feed_contact(self, now: dt.datetime | None = None) -> None:
        """Record that the kiosk asked for content: at most one write per kiosk per minute."""
        now = now or timezone.now()
        if self.last_feed_at is not None and now - self.last_feed_at < FEED_CONTACT_EVERY:
            return
        stale = models.Q(last_feed_at__isnull=True) | models.Q(last_feed_at__lte=now - FEED_CONTACT_EVERY)
        Kiosk.objects.filter(stale, pk=self.pk).update(last_feed_at=now)
        self.last_feed_at = now

    @classmethod
    def by_token(cls, token: str) -> Kiosk | None:
        if not token or not token.startswith(TOKEN_PREFIX):
            return None
        kiosk = cls.objects.select_related("commune").filter(token_hash=hash_token(token)).first()
        if kiosk is None or kiosk.revoked or not secrets.compare_digest(kiosk.token_hash, hash_token(token)):
            return None
        return kiosk


class Release(models.Model):
    """A version of the kiosk software, signed with the bundle key, published to every kiosk or one group."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    archive = models.FileField(_("archive (.zip)"), upload_to="releases/")
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    size = models.BigIntegerField(default=0, editable=False)
    signature = models.CharField(max_length=64, blank=True, editable=False)
    group = models.CharField(_("group"), max_length=60, blank=True, help_text=_("Empty: every kiosk."))
    published = models.BooleanField(_("published"), default=False)
    health_minutes = models.PositiveSmallIntegerField(_("rolled back if not healthy within (minutes)"), default=15)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("software release")
        verbose_name_plural = _("software releases")

    def __str__(self):
        return self.version

    def wire(self) -> dict:
        """What a kiosk needs to fetch, check and install it (the feed's ``settings.release``)."""
        return {
            "version": self.version,
            "sha256": self.sha256,
            "size": self.size,
            "signature": self.signature,
            "health_seconds": self.health_minutes * 60,
        }

    @classmethod
    def for_kiosk(cls, kiosk: Kiosk) -> Release | None:
        """The newest published release meant for ``kiosk`` (its group's, or every kiosk's)."""
        wanted = models.Q(group="") | models.Q(group=kiosk.group) if kiosk.group else models.Q(group="")
        return cls.objects.filter(wanted, published=True).exclude(sha256="").order_by("-created_at").first()


class Heartbeat(models.Model):
    kiosk = models.ForeignKey(Kiosk, on_delete=models.CASCADE, related_name="heartbeats", verbose_name=_("kiosk"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    version = models.CharField(_("software version"), max_length=40, blank=True)
    cursor = models.CharField(_("number of the last change received"), max_length=40, blank=True)
    last_sync = models.DateTimeField(_("last successful sync"), null=True, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    disk_free = models.BigIntegerField(_("free disk (bytes)"), null=True, blank=True)
    uptime = models.BigIntegerField(_("uptime (s)"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")


class UsageBatch(models.Model):
    """A batch of usage counters already stored: a batch sent twice is counted once."""

    kiosk = models.ForeignKey(Kiosk, on_delete=models.CASCADE)
    batch_id = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now)
    rows = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kiosk", "batch_id"], name="usage_batch_once")]


class UsageCounter(models.Model):
    """Aggregated use of a kiosk: how many times a screen/entry/category was shown in one hour."""

    kiosk = models.ForeignKey(Kiosk, on_delete=models.CASCADE, related_name="usage", verbose_name=_("kiosk"))
    hour = models.DateTimeField(_("hour"), db_index=True)
    screen = models.CharField(_("screen"), max_length=40)
    entry_id = models.CharField(_("entry"), max_length=220, blank=True)
    category = models.CharField(_("category"), max_length=60, blank=True)
    lang = models.CharField(_("language"), max_length=8, blank=True)
    n = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("usage counter")
        verbose_name_plural = _("usage counters")
        constraints = [
            models.UniqueConstraint(
                fields=["kiosk", "hour", "screen", "entry_id", "category", "lang"], name="usage_counter_key"
            )
        ]


class UsageDashboard(UsageCounter):
    """The usage dashboard's entry in the admin's menu (the page itself is ``/dashboard/``)."""

    class Meta:
        proxy = True
        verbose_name = _("usage dashboard")
        verbose_name_plural = _("usage dashboard")
