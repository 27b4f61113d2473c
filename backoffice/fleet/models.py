"""Kiosks, their tokens (stored hashed), heartbeats and usage counters."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.catalog.models import Commune

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

    class Meta:
        ordering = ["name"]
        verbose_name = _("kiosk")
        verbose_name_plural = _("kiosks")

    def __str__(self):
        return self.name

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
