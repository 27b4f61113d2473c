"""The back office's periodic jobs, created once as django-celery-beat rows that staff edit in the admin.

A row that exists is never changed here: staff may have moved it to another hour or turned it off.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Default:
    name: str  # the row's name, in French: staff read it in the admin
    task: str
    description: str
    every_minutes: int | None = None  # an interval…
    cron: tuple[str, str, str] | None = None  # …or (minute, hour, day of month)


DEFAULTS = [
    Default(
        name="Surveillance des bornes",
        task="jobs.check_fleet",
        description="Toutes les 5 minutes : signale par e-mail aux administrateurs, une seule fois, "
        "une borne qui ne donne plus de nouvelles, puis une fois quand elle en donne de nouveau.",
        every_minutes=5,
    ),
    Default(
        name="Rapport mensuel du conseil",
        task="jobs.monthly_report",
        description="Le 1er de chaque mois à 07:00 : le rapport d'utilisation des bornes du mois écoulé, "
        "envoyé par e-mail aux administrateurs (et gardé dans le dossier des rapports).",
        cron=("0", "7", "1"),
    ),
]


def ensure_schedules() -> int:
    """Create the rows of :data:`DEFAULTS` that are missing; returns how many were created."""
    from django.conf import settings
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    created = 0
    for default in DEFAULTS:
        if PeriodicTask.objects.filter(name=default.name).exists():
            continue
        schedule = {}
        if default.every_minutes:
            schedule["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=default.every_minutes, period=IntervalSchedule.MINUTES
            )
        else:
            minute, hour, day = default.cron
            schedule["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=minute,
                hour=hour,
                day_of_month=day,
                month_of_year="*",
                day_of_week="*",
                timezone=settings.TIME_ZONE,
            )
        PeriodicTask.objects.create(name=default.name, task=default.task, description=default.description, **schedule)
        created += 1
    return created


def ensure_schedules_after_migrate(sender, using="default", **kwargs) -> None:
    from django.db import connections

    tables = connections[using].introspection.table_names()
    if "django_celery_beat_periodictask" in tables:
        ensure_schedules()
