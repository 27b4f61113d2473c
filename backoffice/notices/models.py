"""Official notices: the act as published, its pages, and the append-only publication log.

A notice is written once. Staff fill in its form with the signed PDF; a worker checks and renders the
PDF (``status`` goes ``checking`` → ``published`` or ``refused``); after that, nothing of it changes
but its withdrawal (``withdrawn_at``). A correction is a new notice that ``replaces`` the old one,
which is then withdrawn and stays in the register's archive. Every publication and withdrawal adds
a :class:`PublicationEvent`, a row that is never updated nor deleted: the town's proof.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from content.notice_store import NOTICE_KINDS

KIND_LABELS = {
    "deliberation": _("deliberation"),
    "arrete": _("by-law (arrêté)"),
    "proces_verbal": _("minutes of the council"),
    "liste_deliberations": _("list of deliberations"),
    "bans": _("marriage banns"),
    "enquete_publique": _("public inquiry notice"),
    "avis": _("other notice"),
}
assert set(KIND_LABELS) == set(NOTICE_KINDS)


class Status(models.TextChoices):
    CHECKING = "checking", pgettext_lazy("notice", "being checked")
    REFUSED = "refused", pgettext_lazy("notice", "refused")
    PUBLISHED = "published", pgettext_lazy("notice", "published")
    WITHDRAWN = "withdrawn", pgettext_lazy("notice", "withdrawn")


class Notice(models.Model):
    kind = models.CharField(_("kind"), max_length=24, choices=list(KIND_LABELS.items()))
    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("number"), max_length=60, blank=True)
    act_date = models.DateField(_("date of the act"), null=True, blank=True)
    commune = models.ForeignKey(
        "catalog.Commune",
        on_delete=models.PROTECT,
        verbose_name=_("commune"),
        help_text=_("The commune whose register and kiosks show the notice."),
    )
    starts = models.DateTimeField(_("published from"), default=timezone.now)
    until = models.DateTimeField(_("published until"), null=True, blank=True)
    replaces = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
        help_text=_("The notice this one corrects: it is withdrawn when this one is published."),
    )
    pdf_name = models.CharField(_("file name"), max_length=200, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True, db_index=True)
    pdf_size = models.BigIntegerField(_("size (bytes)"), default=0)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("current step"), max_length=200, blank=True)
    error = models.TextField(_("why it was refused"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=300, blank=True)
    #: The change number (catalog.models.next_seq) of its publication or withdrawal: the feed's cursor.
    seq = models.BigIntegerField(default=0, db_index=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts", "-pk"]
        verbose_name = _("official notice")
        verbose_name_plural = _("official notices")

    def __str__(self):
        number = f" n° {self.number}" if self.number else ""
        return f"{self.get_kind_display().capitalize()}{number} : {self.title}"

    @property
    def wire_id(self) -> str:
        return f"avis:{self.pk}"

    @property
    def pdf_storage_name(self) -> str:
        return pdf_storage_name(self.pdf_sha256)

    def in_force(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == Status.PUBLISHED and self.starts <= now and (self.until is None or now < self.until)

    def clean(self):
        if self.until and self.starts and self.until <= self.starts:
            raise ValidationError({"until": _("The end of publication must come after its start.")})


def pdf_storage_name(sha256: str) -> str:
    return f"notices/{sha256[:2]}/{sha256}.pdf"


class NoticePage(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="page_set")
    position = models.PositiveIntegerField()
    media = models.ForeignKey("catalog.MediaFile", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["notice", "position"]
        constraints = [models.UniqueConstraint(fields=["notice", "position"], name="notice_page_once")]


class AppendOnlyError(Exception):
    pass


class PublicationEvent(models.Model):
    """One line of the publication log: never changed, never deleted."""

    PUBLISHED, WITHDRAWN = "published", "withdrawn"
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    action = models.CharField(
        _("action"),
        max_length=10,
        choices=[(PUBLISHED, pgettext_lazy("notice", "published")), (WITHDRAWN, pgettext_lazy("notice", "withdrawn"))],
    )
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="events", verbose_name=_("notice"))
    commune = models.CharField(_("commune"), max_length=5)
    kind = models.CharField(_("kind"), max_length=24)
    number = models.CharField(_("number"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=300)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    username = models.CharField(_("who"), max_length=150, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("log line")
        verbose_name_plural = _("publication log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.title}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("the publication log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the publication log is append-only")


def log_event(notice: Notice, action: str, user=None, detail: str = "") -> PublicationEvent:
    return PublicationEvent.objects.create(
        action=action,
        notice=notice,
        commune=notice.commune_id,
        kind=notice.kind,
        number=notice.number,
        title=notice.title,
        sha256=notice.pdf_sha256,
        username=getattr(user, "username", "") or "",
        detail=detail,
    )
