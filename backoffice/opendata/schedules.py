"""A source's schedule as a django-celery-beat row: the French choice staff make becomes a crontab.

``sync_schedule(source)`` creates, updates or removes the source's ``PeriodicTask`` (the one beat
reads); ``parse_crontab(text)`` checks an expert's five fields (the form's validator and this module's).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from backoffice.opendata.models import Source

#: The fields (minute, hour, day of month, month, day of week) of each plain choice.
PLAIN = {
    Source.Schedule.NIGHTLY: ("0", "3", "*", "*", "*"),
    Source.Schedule.HOURLY: ("0", "*", "*", "*", "*"),
    Source.Schedule.QUARTER: ("*/15", "*", "*", "*", "*"),
}


def parse_crontab(text: str) -> tuple[str, str, str, str, str]:
    """Five crontab fields, checked by Celery's own parser; a French ValidationError otherwise."""
    from celery.schedules import crontab

    fields = text.split()
    if len(fields) != 5:
        raise ValidationError(
            _("Write five fields separated by spaces: minute, hour, day of month, month, day of week."),
            code="crontab",
        )
    minute, hour, day, month, weekday = fields
    try:
        crontab(minute=minute, hour=hour, day_of_month=day, month_of_year=month, day_of_week=weekday)
    except Exception:  # noqa: BLE001 - Celery's parser raises several kinds (ValueError, ParseException)
        raise ValidationError(
            _("“%(value)s” is not a schedule Borne understands (e.g. 30 5 * * 1-5).") % {"value": text},
            code="crontab",
        ) from None
    return minute, hour, day, month, weekday


def fields_of(source: Source) -> tuple[str, str, str, str, str] | None:
    if source.schedule == Source.Schedule.CRONTAB:
        return parse_crontab(source.crontab)
    return PLAIN.get(source.schedule)


def task_name(source: Source) -> str:
    return f"Source d'import {source.pk} : {source.name}"[:200]


def sync_schedule(source: Source) -> None:
    """Make the source's beat row say what the source says (none when run by hand only)."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    from backoffice.opendata.tasks import RUN_SOURCE

    fields = fields_of(source)
    task = source.periodic_task
    if fields is None:
        if task is not None:
            source.periodic_task = None
            Source.objects.filter(pk=source.pk).update(periodic_task=None)
            task.delete()
        return
    minute, hour, day, month, weekday = fields
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_month=day,
        month_of_year=month,
        day_of_week=weekday,
        timezone=settings.TIME_ZONE,
    )
    values = {
        "name": task_name(source),
        "task": RUN_SOURCE,
        "crontab": crontab,
        "interval": None,
        "kwargs": json.dumps({"source_id": source.pk}),
        "enabled": source.active,
        "description": _("Imports the source “%(name)s” (set on the source's own page).") % {"name": source.name},
    }
    if task is None:
        PeriodicTask.objects.filter(name=values["name"]).delete()
        task = PeriodicTask.objects.create(**values)
        source.periodic_task = task
        Source.objects.filter(pk=source.pk).update(periodic_task=task)
        return
    for key, value in values.items():
        setattr(task, key, value)
    task.save()


def drop_schedule(source: Source) -> None:
    """Remove the beat row of a source being deleted."""
    if source.periodic_task_id:
        from django_celery_beat.models import PeriodicTask

        PeriodicTask.objects.filter(pk=source.periodic_task_id).delete()
