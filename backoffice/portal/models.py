"""Shopkeepers' side: invitations handed out by staff, and their listings awaiting moderation."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backoffice.catalog.models import Commune, Entry, MediaFile

#: No 0/O, 1/I/L: codes are read from paper and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(code: str) -> str:
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return f"{raw[:5]}-{raw[5:]}" if len(raw) == 10 else raw


def _expiry():
    return timezone.now() + dt.timedelta(days=90)


class Invitation(models.Model):
    code = models.CharField(_("code"), max_length=11, unique=True, default=new_code, editable=False)
    shop_name = models.CharField(_("shop"), max_length=200, help_text=_("Who the code is for."))
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, verbose_name=_("commune"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("valid until"), default=_expiry)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("used by"),
    )
    used_at = models.DateTimeField(_("used on"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        # Never the code: this text goes to the audit log and the admin's history, which people
        # without the right to read invitations may see.
        return f"{self.shop_name} (#{self.pk})" if self.pk else self.shop_name

    @property
    def usable(self) -> bool:
        return self.used_at is None and timezone.now() < self.expires_at


class State(models.TextChoices):
    PENDING = "pending", _("awaiting review")
    PUBLISHED = "published", _("published")
    REJECTED = "rejected", _("rejected")


class Submission(models.Model):
    """One shop's listing as its owner wrote it. ``entry`` is the live version once approved; a later
    edit goes back to ``pending`` while that entry stays as it was until a moderator approves."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, verbose_name=_("shopkeeper"), related_name="submissions"
    )
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, verbose_name=_("commune"))
    data = models.JSONField(_("proposed listing"), default=dict)
    photos = models.ManyToManyField(MediaFile, blank=True, verbose_name=_("photos"))
    entry = models.OneToOneField(
        Entry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("published entry"),
        related_name="submission",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    reason = models.TextField(_("reason for rejection"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("shop listing")
        verbose_name_plural = _("shop listings")
        permissions = [("moderate", _("Can approve or reject shopkeepers' listings"))]

    def __str__(self):
        return self.data.get("name") or f"#{self.pk}"

    @property
    def live(self) -> bool:
        return self.entry_id is not None and self.entry.status == "published"

    def ordered_photos(self) -> list[MediaFile]:
        """The proposed photos, read once per object: the page a moderator sees and the fingerprint it
        carries come from the same read."""
        if not self.pk:
            return []
        if getattr(self, "_photos_read", None) is None:
            self._photos_read = list(self.photos.order_by("created_at", "pk"))
        return self._photos_read

    def forget_photos(self) -> None:
        self._photos_read = None

    def fingerprint(self) -> str:
        """What a moderator sees of this listing (its data and its photos, in order), as a short hash:
        approving or rejecting checks it so that only the version shown is published or refused."""
        photos = [p.sha256 for p in self.ordered_photos()]
        blob = json.dumps({"data": self.data, "photos": photos}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()

    def state_text(self) -> str:
        if self.state == State.PENDING and self.live:
            return str(_("published; your changes are awaiting review"))
        if self.state == State.REJECTED and self.live:
            return str(_("published; your changes were rejected"))
        return str(self.get_state_display())
