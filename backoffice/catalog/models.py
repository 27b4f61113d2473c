"""What staff publish: communes, entries, their occurrences and images, alerts.

Every row change that a kiosk must learn about takes the next number of one change sequence
(:func:`next_seq`) inside the transaction that makes it; the feed's cursor is that number.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from content.contract import INSEE_RE, KINDS


class ChangeCounter(models.Model):
    """One row: the last change sequence number given out."""

    value = models.BigIntegerField(default=0)


def next_seq() -> int:
    """The next change number. Locks the counter row until the caller's transaction ends, so
    change numbers become visible in the order they were given (no reader skips a late commit)."""
    with transaction.atomic():
        counter, _created = ChangeCounter.objects.select_for_update().get_or_create(pk=1)
        counter.value += 1
        counter.save(update_fields=["value"])
        return counter.value


def current_seq() -> int:
    row = ChangeCounter.objects.filter(pk=1).values_list("value", flat=True).first()
    return row or 0


def validate_insee(value: str) -> None:
    if not INSEE_RE.match(value or ""):
        raise ValidationError(
            _("%(value)s is not an INSEE commune code (five characters, e.g. 15187)"), params={"value": value}
        )


class Commune(models.Model):
    insee = models.CharField(_("INSEE code"), max_length=5, primary_key=True, validators=[validate_insee])
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return f"{self.name} ({self.insee})"


class MediaFile(models.Model):
    """An image stored by the sha256 of its (re-encoded) bytes: immutable."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    mime = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField(_("bytes"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("image file")
        verbose_name_plural = _("image files")

    def __str__(self):
        return f"{self.sha256[:12]}… {self.width}×{self.height}"

    @property
    def storage_name(self) -> str:
        return f"images/{self.sha256[:2]}/{self.sha256}"


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


KIND_LABELS = {
    "place": _("place to see or do"),
    "heritage": _("heritage"),
    "event": _("event"),
    "shop": _("shop"),
    "service": _("practical service"),
    "food": _("eat and drink"),
    "stay": _("accommodation"),
}


class Entry(models.Model):
    key = models.CharField(
        _("identifier"),
        max_length=220,
        unique=True,
        blank=True,
        null=True,
        help_text=_("Stable id of imported entries (datatourisme:…); empty here: bo:<number>."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=[(k, KIND_LABELS[k]) for k in KINDS])
    categories = models.JSONField(_("categories"), default=list, blank=True)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("commune"),
        help_text=_("Empty: shown on the kiosks of every commune."),
    )
    title = models.JSONField(_("title"), default=dict)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    body = models.JSONField(_("text"), default=dict, blank=True)
    place_name = models.CharField(_("place name"), max_length=200, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("web site"), blank=True)
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=500,
        blank=True,
        help_text=_("OSM opening_hours syntax, e.g. Mo-Fr 09:00-12:00,14:00-19:00; Sa 09:00-12:00"),
    )
    featured = models.BooleanField(_("featured"), default=False, help_text=_("Shown in the attract loop."))
    visible_from = models.DateTimeField(_("visible from"), null=True, blank=True)
    visible_until = models.DateTimeField(_("visible until"), null=True, blank=True)
    url = models.URLField(_("page on the town's web site"), blank=True)
    details = models.JSONField(
        _("eat and stay details"),
        default=dict,
        blank=True,
        help_text=_("Price, stars, terrace, capacity, season, booking link (the contract's details)."),
    )
    source_name = models.CharField(_("source"), max_length=200, blank=True)
    source_producer = models.CharField(_("producer"), max_length=200, blank=True)
    source_licence = models.CharField(_("licence"), max_length=200, blank=True)
    source_url = models.CharField(_("source address"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    seq = models.BigIntegerField(default=0, db_index=True, editable=False)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")

    def __str__(self):
        return self.title.get("fr") or self.wire_id

    @property
    def wire_id(self) -> str:
        return self.key or f"bo:{self.pk}"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            self.seq = next_seq()
            self.updated_at = timezone.now()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "seq", "updated_at"}
            super().save(*args, **kwargs)

    def touch(self) -> None:
        """Record that something the kiosk sees changed (an occurrence, an image)."""
        with transaction.atomic():
            self.seq = next_seq()
            self.updated_at = timezone.now()
            Entry.objects.filter(pk=self.pk).update(seq=self.seq, updated_at=self.updated_at)

    def to_contract(self) -> dict:
        from backoffice.catalog.wire import entry_to_contract

        return entry_to_contract(self)

    def clean(self):
        from backoffice.catalog.wire import check_entry

        # Dates are checked by the admin's inline (an event needs one); here the rest of the contract.
        check_entry(self, occurrences=[Occurrence(start=timezone.now())] if self.kind == "event" else None)


class Occurrence(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="occurrences")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"), null=True, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = _("date")
        verbose_name_plural = _("dates")

    def clean(self):
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("The end is before the start.")})


class EntryImage(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="images")
    media = models.ForeignKey(MediaFile, on_delete=models.PROTECT, verbose_name=_("image"))
    alt = models.JSONField(_("description for the blind"), default=dict, blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("image")
        verbose_name_plural = _("images")


class Level(models.TextChoices):
    INFO = "info", _("information")
    WARNING = "warning", _("warning")
    URGENT = "urgent", _("urgent")


def max_alerts() -> int:
    """How many alerts may be live at once (``settings.BORNE_MAX_ALERTS``): a screen in the street
    shows a handful, and a flood of thousands would only fill every kiosk's disk and feed."""
    return int(getattr(settings, "BORNE_MAX_ALERTS", 200))


class AlertLimitError(ValidationError):
    """Saving this alert would make more live alerts than :func:`max_alerts` allows."""

    def __init__(self, live: int, limit: int):
        super().__init__(
            _(
                "There are already %(live)d current or scheduled alerts, the most the kiosks take is %(limit)d: "
                "withdraw (untick “active”) or shorten alerts that are no longer needed, then save again."
            ),
            code="too_many_alerts",
            params={"live": live, "limit": limit},
        )


class AlertQuerySet(models.QuerySet):
    def live(self, now=None):
        """Alerts that are or will be on the kiosks: active and not yet expired."""
        now = now or timezone.now()
        return self.filter(active=True).filter(models.Q(until__isnull=True) | models.Q(until__gt=now))

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        now = timezone.now()
        with transaction.atomic():
            for alert in objs:  # each its own change number (the feed's cursor), as Alert.save gives;
                alert.seq = next_seq()  # the first also takes Alert.save's lock: no two writers share the last places
                alert.updated_at = now
            adding = sum(1 for a in objs if a.is_live(now))
            live = self.model.objects.live(now).count()
            if adding and live + adding > max_alerts():
                raise AlertLimitError(live, max_alerts())
            return super().bulk_create(objs, *args, **kwargs)


class Alert(models.Model):
    key = models.CharField(_("identifier"), max_length=220, unique=True, blank=True, null=True, editable=False)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.INFO)
    message = models.JSONField(_("message"), default=dict)
    starts = models.DateTimeField(_("from"), default=timezone.now)
    until = models.DateTimeField(_("until"), null=True, blank=True)
    communes = models.ManyToManyField(
        Commune, blank=True, verbose_name=_("communes"), help_text=_("None selected: every commune.")
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Untick to withdraw it from the kiosks."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(default=timezone.now)
    seq = models.BigIntegerField(default=0, db_index=True, editable=False)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-starts"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self):
        return self.message.get("fr", "")[:60] or self.wire_id

    @property
    def wire_id(self) -> str:
        return self.key or f"bo:alert-{self.pk}"

    def is_live(self, now=None) -> bool:
        """Active and not yet expired (shown now or scheduled)."""
        now = now or timezone.now()
        return self.active and (self.until is None or self.until > now)

    def _check_limit(self) -> None:
        """Refuse to make one more alert live when :func:`max_alerts` are live already (an alert
        that was live before this change keeps its place)."""
        now = timezone.now()
        if not self.is_live(now):
            return
        others = Alert.objects.live(now)
        if self.pk:
            if others.filter(pk=self.pk).exists():
                return
            others = others.exclude(pk=self.pk)
        live = others.count()
        if live >= max_alerts():
            raise AlertLimitError(live, max_alerts())

    def save(self, *args, **kwargs):
        with transaction.atomic():
            self.seq = next_seq()  # also serialises writers, so the count below cannot go stale
            self._check_limit()
            self.updated_at = timezone.now()
            super().save(*args, **kwargs)

    def touch(self) -> None:
        with transaction.atomic():
            self.seq = next_seq()
            Alert.objects.filter(pk=self.pk).update(seq=self.seq, updated_at=timezone.now())

    def to_contract(self) -> dict:
        from backoffice.catalog.wire import alert_to_contract

        return alert_to_contract(self)

    def clean(self):
        from backoffice.catalog.wire import check_alert

        errors = {}
        if self.until and self.starts and self.until < self.starts:
            errors["until"] = [_("The end is before the start.")]
        if not (self.message or {}).get("fr", "").strip():
            errors["message.fr"] = [_("A French message is required.")]
        if not errors:
            try:
                check_alert(self)
            except ValidationError as exc:
                errors = exc.message_dict
        if not errors:
            self._check_limit()
        if errors:
            raise ValidationError(errors)


class Tombstone(models.Model):
    """A deleted entry or alert, so kiosks learn to drop it."""

    ENTRY, ALERT = "entry", "alert"
    what = models.CharField(max_length=8, choices=[(ENTRY, ENTRY), (ALERT, ALERT)])
    wire_id = models.CharField(max_length=220)
    commune = models.CharField(max_length=5, blank=True)
    seq = models.BigIntegerField(db_index=True)
    deleted_at = models.DateTimeField(default=timezone.now)

    @classmethod
    def record(cls, what: str, wire_id: str, commune: str = "") -> Tombstone:
        with transaction.atomic():
            return cls.objects.create(what=what, wire_id=wire_id, commune=commune, seq=next_seq())


class AuditEvent(models.Model):
    """Who did what, when: every change made by staff, shopkeepers or kiosks' tokens."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("who")
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=40)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=220, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_repr}"


def audit(user, action: str, obj=None, detail: str = "") -> AuditEvent:
    """Record one change in the audit log."""
    real_user = user if getattr(user, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        user=real_user,
        username=getattr(real_user, "username", "") or "",
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(getattr(obj, "pk", "") or "") if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        detail=detail,
    )
