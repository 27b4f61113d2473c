from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "backoffice.opendata"
    label = "opendata"
    verbose_name = _("Open data")

    def ready(self):
        from django.db.models.signals import post_delete

        from backoffice.opendata.models import Source

        post_delete.connect(_drop_schedule, sender=Source, dispatch_uid="opendata-source-schedule")


def _drop_schedule(sender, instance, **kwargs):
    """A deleted source's schedule goes with it, however it was deleted."""
    from backoffice.opendata.schedules import drop_schedule

    drop_schedule(instance)
