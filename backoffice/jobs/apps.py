from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "backoffice.jobs"
    label = "jobs"
    verbose_name = _("Fleet check")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from backoffice.jobs.schedules import ensure_schedules_after_migrate

        post_migrate.connect(ensure_schedules_after_migrate, sender=self, dispatch_uid="borne-jobs-schedules")
