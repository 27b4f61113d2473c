"""Import sources in the admin: staff add a source, run it now or on a schedule, follow a run, read its history.

A run is started by the "Run now" action or the button on the source's page: the request only
records a waiting run and sends the Celery task (``jobs.enqueue``); the run's page refreshes itself
until the worker is done. Runs are written by the jobs only (read-only here).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from backoffice.opendata import jobs, problems, reading, schedules
from backoffice.opendata.models import ImportRun, RunStatus, Source

STATUS_COLOURS = {
    RunStatus.QUEUED: "#6c757d",
    RunStatus.RUNNING: "#1d6fb8",
    RunStatus.OK: "#1e7b34",
    RunStatus.FAILED: "#b3261e",
    RunStatus.SKIPPED: "#8a6d00",
}
#: The most bytes of an uploaded source file.
MAX_FILE_BYTES = 100 * 1024 * 1024
#: Runs shown on a source's page.
HISTORY = 10


def _badge(run: ImportRun | None):
    if run is None:
        return "—"
    return format_html('<b style="color:{}">{}</b>', STATUS_COLOURS.get(run.status, "#333"), run.get_status_display())


def run_url(run: ImportRun) -> str:
    return reverse("admin:opendata_importrun_progress", args=[run.pk])


class SourceForm(forms.ModelForm):
    key = forms.CharField(
        label=capfirst(gettext_lazy("key")),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy(
            "The API key (OpenAgenda) or the key in the address. Never shown again: leave empty to keep it."
        ),
    )

    class Meta:
        model = Source
        fields = [
            "name",
            "kind",
            "url",
            "file",
            "agenda_uid",
            "key",
            "commune",
            "scope",
            "producer",
            "licence",
            "new_status",
            "schedule",
            "crontab",
            "active",
        ]

    def clean_key(self):
        key = self.cleaned_data.get("key", "")
        return key or (self.instance.key if self.instance.pk else "")

    def clean_url(self):
        url = self.cleaned_data.get("url", "").strip()
        if url:
            reading.check_source_url(url.replace("{key}", "key"))
        return url

    def clean_file(self):
        file = self.cleaned_data.get("file")
        if file and getattr(file, "size", 0) > MAX_FILE_BYTES:
            raise ValidationError(_("This file is larger than 100 MB: ask the tourist office for a smaller export."))
        return file

    def clean_crontab(self):
        text = " ".join(self.cleaned_data.get("crontab", "").split())
        if text:
            schedules.parse_crontab(text)
        return text

    def clean(self):
        data = super().clean()
        kind, url, file = data.get("kind"), data.get("url"), data.get("file")
        if data.get("schedule") == Source.Schedule.CRONTAB and not data.get("crontab") and "crontab" not in self.errors:
            self.add_error("crontab", _("Write the schedule, or choose one of the plain ones above."))
        if kind == Source.Kind.OPENAGENDA:
            if not file and not data.get("agenda_uid"):
                self.add_error("agenda_uid", _("Give the agenda's number (or a saved file of its events)."))
            if not file and data.get("agenda_uid") and not data.get("key"):
                self.add_error("key", _("OpenAgenda asks for the key of your account to read an agenda."))
        elif kind and not url and not file and "url" not in self.errors:
            self.add_error("url", _("Give the feed's address, or a file."))
        if url and file:
            self.add_error("file", _("Give an address or a file, not both."))
        return data


@admin.action(description=gettext_lazy("Run now"), permissions=["change"])
def run_now(modeladmin, request, queryset):
    runs = [_start(request, source) for source in queryset]
    if len(runs) == 1:
        return redirect(run_url(runs[0]))
    return redirect("admin:opendata_importrun_changelist")


def _start(request, source: Source) -> ImportRun:
    run, new = jobs.enqueue(source, trigger=request.user.get_username())
    if new:
        messages.success(
            request,
            _("Import of “%(name)s” asked for: a worker runs it. This page follows it.") % {"name": source.name},
        )
    else:
        messages.info(
            request,
            _("An import of “%(name)s” is already waiting or under way: here it is. A second one would not run.")
            % {"name": source.name},
        )
    return run


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    list_display = ["name", "kind", "schedule_text", "active", "last_run", "last_counts", "failing_text"]
    list_filter = ["kind", "active", "schedule", "failing"]
    search_fields = ["name", "url", "agenda_uid", "producer"]
    actions = [run_now]
    readonly_fields = ["history"]
    change_form_template = "opendata/source_change_form.html"
    delete_confirmation_template = "opendata/source_delete_confirmation.html"
    delete_selected_confirmation_template = "opendata/source_delete_selected_confirmation.html"
    fieldsets = [
        (None, {"fields": ["name", "kind", "active"]}),
        (
            gettext_lazy("Where it is read"),
            {"fields": ["url", "file", "agenda_uid", "key"]},
        ),
        (
            gettext_lazy("What it becomes"),
            {"fields": ["commune", "new_status", "producer", "licence", "scope"]},
        ),
        (gettext_lazy("When it runs"), {"fields": ["schedule", "crontab"]}),
        (None, {"fields": ["history"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        sets = super().get_fieldsets(request, obj)
        return sets if obj is not None else sets[:-1]

    @admin.display(description=gettext_lazy("schedule"), ordering="schedule")
    def schedule_text(self, obj):
        if obj.schedule == Source.Schedule.CRONTAB:
            return f"{obj.get_schedule_display()} : {obj.crontab}"
        return obj.get_schedule_display()

    def _last(self, obj) -> ImportRun | None:
        return obj.runs.order_by("-started_at").first()

    @admin.display(description=gettext_lazy("last run"))
    def last_run(self, obj):
        run = self._last(obj)
        if run is None:
            return _("never run")
        return format_html('<a href="{}">{}</a>', run_url(run), _badge(run))

    @admin.display(description=gettext_lazy("last counts"))
    def last_counts(self, obj):
        run = self._last(obj)
        if run is None or run.status != RunStatus.OK:
            return "—"
        return _("%(created)d created, %(updated)d updated, %(refused)d refused") % {
            "created": run.created,
            "updated": run.updated,
            "refused": run.refused,
        }

    @admin.display(description=gettext_lazy("failing"), boolean=False, ordering="failing")
    def failing_text(self, obj):
        if obj.failing:
            return format_html('<b style="color:#b3261e">{}</b>', _("failing: staff were told"))
        return "—"

    @admin.display(description=gettext_lazy("latest runs"))
    def history(self, obj):
        runs = list(obj.runs.order_by("-started_at")[:HISTORY]) if obj and obj.pk else []
        if not runs:
            return _("Not run yet.")
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    run_url(r),
                    timezone.localtime(r.started_at).strftime("%d/%m/%Y %H:%M"),
                    _badge(r),
                    r.trigger or "—",
                    _("%(read)d read, %(created)d created, %(updated)d updated, %(refused)d refused")
                    % {"read": r.read, "created": r.created, "updated": r.updated, "refused": r.refused},
                )
                for r in runs
            ),
        )
        return format_html(
            '<table class="source-history"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
            '<tbody>{}</tbody></table><p><a href="{}?source_ref__id__exact={}">{}</a></p>',
            _("started"),
            _("status"),
            _("started by"),
            _("counts"),
            rows,
            reverse("admin:opendata_importrun_changelist"),
            obj.pk,
            _("Every run of this source"),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        schedules.sync_schedule(obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/run/", view(self.run_view), name="opendata_source_run"),
            path("<int:pk>/withdraw/", view(self.withdraw_view), name="opendata_source_withdraw"),
            *super().get_urls(),
        ]

    def withdraw_view(self, request, pk: int):
        """Confirm, then withdraw every entry the source imported (its entries stay otherwise)."""
        source = get_object_or_404(Source, pk=pk)
        if not self.has_change_permission(request, source) or not request.user.has_perm("catalog.change_entry"):
            messages.error(request, _("You are not allowed to withdraw these entries: ask an administrator."))
            return redirect("admin:index")
        if request.method == "POST":
            done = jobs.withdraw_entries(source)
            messages.success(
                request,
                _("%(count)d entries of “%(name)s” withdrawn: the kiosks take them off at their next update.")
                % {"count": len(done), "name": source.name},
            )
            return redirect("admin:opendata_source_change", source.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Withdraw the entries of “%(name)s”") % {"name": source.name},
            "source": source,
            "count": len(jobs.imported_keys(source)),
        }
        return TemplateResponse(request, "opendata/source_withdraw.html", context)

    def run_view(self, request, pk: int):
        source = get_object_or_404(Source, pk=pk)
        if request.method != "POST" or not self.has_change_permission(request, source):
            messages.error(request, _("You are not allowed to run this source: ask an administrator."))
            return redirect("admin:index")
        return redirect(run_url(_start(request, source)))


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "source_label", "status_badge", "read", "created", "updated", "refused", "trigger"]
    list_display_links = ["started_at"]
    list_filter = ["status", "source", "source_ref"]
    search_fields = ["scope", "error"]
    list_select_related = ["source_ref"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("source"), ordering="source_ref__name")
    def source_label(self, obj):
        return obj.source_ref.name if obj.source_ref else f"{obj.source} {obj.scope}"

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, obj):
        return _badge(obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/progress/", view(self.progress_view), name="opendata_importrun_progress"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not str(object_id).isdigit():
            raise Http404
        return redirect("admin:opendata_importrun_progress", int(object_id))

    def _counts(self, run: ImportRun) -> list[tuple[str, str, int]]:
        return [
            ("read", pgettext("records", "read"), run.read),
            ("created", pgettext("records", "created"), run.created),
            ("updated", pgettext("records", "updated"), run.updated),
            ("unchanged", pgettext("records", "unchanged"), run.unchanged),
            ("withdrawn", pgettext("records", "withdrawn"), run.withdrawn),
            ("refused", pgettext("records", "refused"), run.refused),
        ]

    def progress_view(self, request, pk: int):
        if not self.has_view_permission(request):
            messages.error(request, _("You are not allowed to see the imports: ask an administrator."))
            return redirect("admin:index")
        jobs.reap_stale()
        run = get_object_or_404(ImportRun.objects.select_related("source_ref"), pk=pk)
        waiting = run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import: %(name)s") % {"name": run.source_ref.name if run.source_ref else run.scope},
            "run": run,
            "colour": STATUS_COLOURS.get(run.status, "#333"),
            "refresh": waiting,
            "counts": self._counts(run),
            "refused_rows": problems.rows(run.details, "error"),
            "warning_rows": problems.rows(run.details, "warning")[:200],
            "can_run": run.source_ref is not None and request.user.has_perm("opendata.change_source") and not waiting,
        }
        return TemplateResponse(request, "opendata/run.html", context)
