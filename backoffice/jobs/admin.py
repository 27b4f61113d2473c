"""Schedules in the admin, in French, for staff: what runs, when, and when it last ran.

django-celery-beat's own admin speaks English and offers what staff never need (solar and one-off
schedules, queues, routing keys, headers). Here: periodic jobs with an interval ("toutes les 15
minutes") or a crontab ("à 03:00"), each said in French words, and errors that name the field.
"""

from __future__ import annotations

import json

from cron_descriptor import ExpressionDescriptor, Options
from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_celery_beat.admin import PeriodicTaskForm
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from backoffice.jobs.models import SilentKiosk

for model in (ClockedSchedule, SolarSchedule, PeriodicTask, CrontabSchedule, IntervalSchedule):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


def interval_words(interval: IntervalSchedule) -> str:
    """``toutes les 5 minutes``, ``tous les jours``."""
    one, many = {
        IntervalSchedule.DAYS: (_("every day"), _("every %(n)d days")),
        IntervalSchedule.HOURS: (_("every hour"), _("every %(n)d hours")),
        IntervalSchedule.MINUTES: (_("every minute"), _("every %(n)d minutes")),
        IntervalSchedule.SECONDS: (_("every second"), _("every %(n)d seconds")),
        IntervalSchedule.MICROSECONDS: (_("every microsecond"), _("every %(n)d microseconds")),
    }[interval.period]
    return one if interval.every == 1 else many % {"n": interval.every}


def crontab_words(crontab: CrontabSchedule) -> str:
    """``À 03:00``, ``Toutes les 15 minutes``: the crontab as cron_descriptor says it in French."""
    expression = " ".join(
        [crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year, crontab.day_of_week]
    )
    options = Options()
    options.locale_code = "fr_FR"
    options.use_24hour_time_format = True
    try:
        return ExpressionDescriptor(expression, options).get_description()
    except Exception:  # noqa: BLE001 - a malformed row still gets a name in the list
        return expression


def schedule_words(task: PeriodicTask) -> str:
    if task.interval_id:
        return interval_words(task.interval)
    if task.crontab_id:
        return crontab_words(task.crontab)
    return _("no schedule")


class ScheduleChoice(forms.ModelChoiceField):
    def __init__(self, *args, words, **kwargs):
        self.words = words
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return self.words(obj)


class JobForm(PeriodicTaskForm):
    """One schedule, interval or crontab, checked here in French before the model's English check."""

    interval = ScheduleChoice(
        IntervalSchedule.objects.all(), words=interval_words, required=False, label=gettext_lazy("repeat")
    )
    crontab = ScheduleChoice(
        CrontabSchedule.objects.all(), words=crontab_words, required=False, label=gettext_lazy("at set times")
    )

    class Meta:
        model = PeriodicTask
        fields = ["name", "regtask", "task", "enabled", "description", "interval", "crontab", "args", "kwargs"]

    def clean(self):
        chosen = [name for name in ("interval", "crontab") if self.cleaned_data.get(name)]
        if not chosen:
            message = _("Choose when the job runs: a repeat (every 15 minutes…) or set times (at 03:00…).")
            self.add_error("interval", message)
            self.add_error("crontab", message)
        elif len(chosen) > 1:
            message = _("Choose either a repeat or set times, not both.")
            for name in chosen:
                self.add_error(name, message)
        return super().clean()

    def validate_unique(self):
        # The model's own check says the same in English: only reached with exactly one schedule chosen.
        if not self.has_error("interval") and not self.has_error("crontab"):
            super().validate_unique()


@admin.register(PeriodicTask)
class JobAdmin(admin.ModelAdmin):
    form = JobForm
    list_display = ["name", "enabled", "when", "last_run_at", "total_run_count"]
    list_filter = ["enabled"]
    search_fields = ["name", "description"]
    readonly_fields = ["last_run_at", "total_run_count"]
    actions = ["enable", "disable", "run_now"]
    fieldsets = [
        (None, {"fields": ["name", "regtask", "task", "enabled", "description"]}),
        (gettext_lazy("When"), {"fields": ["interval", "crontab", "last_run_at", "total_run_count"]}),
        (gettext_lazy("Technical settings"), {"fields": ["args", "kwargs"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("interval", "crontab")

    @admin.display(description=gettext_lazy("when"))
    def when(self, obj):
        return schedule_words(obj)

    @admin.action(description=gettext_lazy("Turn on the selected jobs"))
    def enable(self, request, queryset):
        self._switch(request, queryset, True)

    @admin.action(description=gettext_lazy("Turn off the selected jobs"))
    def disable(self, request, queryset):
        self._switch(request, queryset, False)

    def _switch(self, request, queryset, enabled: bool):
        for task in queryset:  # saved one by one: the beat sees each change
            task.enabled = enabled
            task.save()
        if enabled:
            text = _("%(n)d job(s) turned on.") % {"n": queryset.count()}
        else:
            text = _("%(n)d job(s) turned off: they will not run until turned on again.") % {"n": queryset.count()}
        messages.success(request, text)

    @admin.action(description=gettext_lazy("Run the selected jobs now"))
    def run_now(self, request, queryset):
        from backoffice.jobs.celery import app

        sent = 0
        for task in queryset:
            try:
                app.send_task(task.task, args=json.loads(task.args or "[]"), kwargs=json.loads(task.kwargs or "{}"))
            except Exception:  # noqa: BLE001 - the broker does not answer
                messages.error(request, _("The job queue does not answer: tell the person who looks after the server."))
                return
            sent += 1
        messages.success(request, _("%(n)d job(s) handed to the workers: they run in the next minutes.") % {"n": sent})


@admin.register(IntervalSchedule)
class RepeatAdmin(admin.ModelAdmin):
    list_display = ["words"]
    fields = ["every", "period"]

    @admin.display(description=gettext_lazy("repeat"))
    def words(self, obj):
        return interval_words(obj)


@admin.register(CrontabSchedule)
class SetTimesAdmin(admin.ModelAdmin):
    list_display = ["words"]
    fields = ["minute", "hour", "day_of_month", "month_of_year", "day_of_week", "timezone"]

    @admin.display(description=gettext_lazy("set times"))
    def words(self, obj):
        return crontab_words(obj)


@admin.register(SilentKiosk)
class SilentKioskAdmin(admin.ModelAdmin):
    list_display = ["kiosk", "last_contact", "noticed_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
