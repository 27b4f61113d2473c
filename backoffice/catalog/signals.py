"""Keep the change sequence right when an entry's parts change or rows are deleted."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from backoffice.catalog.models import Alert, Entry, EntryImage, Occurrence, Tombstone, site_of


@receiver([post_save, post_delete], sender=Occurrence)
@receiver([post_save, post_delete], sender=EntryImage)
def _part_changed(sender, instance, **kwargs):
    entry = Entry.objects.filter(pk=instance.entry_id).first()
    if entry is not None:
        entry.touch()


@receiver(post_delete, sender=Entry)
def _entry_deleted(sender, instance, **kwargs):
    Tombstone.record(
        Tombstone.ENTRY, instance.wire_id, instance.commune_id or "", entry_pk=instance.pk, site=site_of(instance.url)
    )


@receiver(post_delete, sender=Alert)
def _alert_deleted(sender, instance, **kwargs):
    Tombstone.record(Tombstone.ALERT, instance.wire_id)


@receiver(m2m_changed, sender=Alert.communes.through)
def _alert_communes(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, Alert):
        instance.touch()
