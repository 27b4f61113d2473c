"""QR scans: how many times each entry's public page was opened, per day and language (no visitor data)."""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.db.models import F


class PageHit(models.Model):
    entry = models.ForeignKey("catalog.Entry", on_delete=models.CASCADE, related_name="+", verbose_name="fiche")
    day = models.DateField("jour")
    lang = models.CharField("langue", max_length=3)
    count = models.PositiveIntegerField("ouvertures", default=0)

    class Meta:
        verbose_name = "ouverture de page publique"
        verbose_name_plural = "ouvertures de pages publiques"
        constraints = [models.UniqueConstraint(fields=["entry", "day", "lang"], name="public_hit_per_day_lang")]


def count_hit(entry_id: int, day, lang: str) -> None:
    """One more opening of ``entry_id``'s page on ``day`` in ``lang`` (one UPDATE; an INSERT the first time)."""
    if PageHit.objects.filter(entry_id=entry_id, day=day, lang=lang).update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            PageHit.objects.create(entry_id=entry_id, day=day, lang=lang, count=1)
    except IntegrityError:  # another request created the row in between
        PageHit.objects.filter(entry_id=entry_id, day=day, lang=lang).update(count=F("count") + 1)
