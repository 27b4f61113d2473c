"""The USB exports in the admin: start one per commune, follow it, download the file.

``export_for_usb_stick`` (an action) and ``usb_export_link`` (a column) are added to the communes'
admin; the exports' own pages are a list, a progress page that refreshes itself until the job ends,
a confirmation page that starts a job, and a download that only staff with the permission reach.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.usb import jobs
from backoffice.usb.models import SCHEMA_CHOICES, BundleExport, Status
from content.contract import SCHEMA_VERSION

START_PERMISSION = "usb.add_bundleexport"
#: Where the kiosk expects its copy of the key and looks for bundles (packaging and README's borne.toml).
KIOSK_KEY_FILE = "/etc/borne/bundle.key"
KIOSK_BUNDLE_DIR = "/media/usb"
STATUS_COLOURS = {
    Status.QUEUED: "#6c757d",
    Status.RUNNING: "#1d6fb8",
    Status.DONE: "#1e7b34",
    Status.FAILED: "#b3261e",
}


def not_allowed_to_start() -> str:
    return _("You are not allowed to export for a USB stick: ask an administrator.")


def _refused(request, message: str):
    """Staff without the permission get a French sentence on the admin's home page, not a bare 403."""
    messages.error(request, message)
    return redirect("admin:index")


def _schema_asked(request) -> int:
    """The kiosks' version chosen on the start page; the current one when none (or an unknown one) came."""
    asked = request.POST.get("schema", "")
    known = {value for value, _label in SCHEMA_CHOICES}
    return int(asked) if asked.isdigit() and int(asked) in known else SCHEMA_VERSION


def _progress_url(export: BundleExport) -> str:
    return reverse("admin:usb_bundleexport_progress", args=[export.pk])


@admin.action(description=gettext_lazy("Export for a USB stick"))
def export_for_usb_stick(modeladmin, request, queryset):
    """Commune admin action: one export job per selected commune, then its progress page."""
    if not request.user.has_perm(START_PERMISSION):
        messages.error(request, not_allowed_to_start())
        return None
    exports = [_start_or_join(request, commune) for commune in queryset]
    if len(exports) == 1:
        return redirect(_progress_url(exports[0]))
    return redirect("admin:usb_bundleexport_changelist")


@admin.display(description=gettext_lazy("USB stick"))
def usb_export_link(commune) -> str:
    """Commune admin column: the page that starts an export of this commune."""
    return format_html(
        '<a class="button usb-export" href="{}">{}</a>',
        reverse("admin:usb_bundleexport_start", args=[commune.pk]),
        _("Export for a USB stick"),
    )


def _start_or_join(request, commune, schema: int = SCHEMA_VERSION) -> BundleExport:
    """Start an export of ``commune`` for kiosks reading ``schema``, unless one is already under way (a
    double click): that one then."""
    jobs.reap_stale()
    under_way = BundleExport.objects.filter(commune=commune, schema=schema, status__in=[Status.QUEUED, Status.RUNNING])
    running = under_way.first()
    if running is not None:
        messages.info(request, _("An export of %(commune)s is already under way: here it is.") % {"commune": commune})
        return running
    export = jobs.start_export(commune, request.user, schema=schema)
    messages.success(
        request,
        _("Export of %(commune)s started. This page follows it; the file is offered here when it is ready.")
        % {"commune": commune},
    )
    return export


@admin.register(BundleExport)
class BundleExportAdmin(admin.ModelAdmin):
    list_display = [
        "commune_name",
        "schema",
        "status_badge",
        "progress_text",
        "created_by",
        "created_at",
        "download_link",
    ]
    list_filter = ["status", "schema", "commune"]
    list_display_links = ["commune_name"]
    list_select_related = ["created_by"]

    def has_add_permission(self, request):
        return False  # exports start from a commune (its button), not from an empty form

    def has_change_permission(self, request, obj=None):
        return False  # a job's record is written by the job only

    def delete_model(self, request, obj):
        jobs.delete_file(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for export in queryset:
            jobs.delete_file(export)
        super().delete_queryset(request, queryset)

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, obj):
        colour = STATUS_COLOURS.get(obj.status, "#333")
        return format_html('<b style="color:{}">{}</b>', colour, obj.get_status_display())

    @admin.display(description=gettext_lazy("progress"))
    def progress_text(self, obj):
        return f"{obj.progress} %"

    @admin.display(description=gettext_lazy("file"))
    def download_link(self, obj):
        if obj.status != Status.DONE:
            return "—"
        if not obj.file_name:
            return _("deleted (newer exports kept)")
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:usb_bundleexport_download", args=[obj.pk]), _("Download")
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/progress/", view(self.progress_view), name="usb_bundleexport_progress"),
            path("<int:pk>/download/", view(self.download_view), name="usb_bundleexport_download"),
            path("start/<str:insee>/", view(self.start_view), name="usb_bundleexport_start"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The record is not edited: its page is the progress page.
        if not str(object_id).isdigit():
            raise Http404
        return redirect("admin:usb_bundleexport_progress", int(object_id))

    def _context(self, request, title: str, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title, **extra}

    def progress_view(self, request, pk: int):
        if not self.has_view_permission(request):
            return _refused(request, _("You are not allowed to see the USB exports: ask an administrator."))
        jobs.reap_stale()
        export = get_object_or_404(BundleExport.objects.select_related("created_by", "commune"), pk=pk)
        context = self._context(
            request,
            _("Export for a USB stick: %(commune)s") % {"commune": export.commune_name},
            export=export,
            status_colour=STATUS_COLOURS.get(export.status, "#333"),
            refresh=not export.finished,
            key_from_setting=bool(settings.BORNE_BUNDLE_KEY.strip()),
            key_path=jobs.bundle_key_location(),
            kiosk_key_file=KIOSK_KEY_FILE,
            kiosk_bundle_dir=KIOSK_BUNDLE_DIR,
            can_start=request.user.has_perm(START_PERMISSION) and export.commune_id is not None,
        )
        return TemplateResponse(request, "usb/export.html", context)

    def download_view(self, request, pk: int):
        if not self.has_view_permission(request):
            return _refused(request, _("You are not allowed to download the USB exports: ask an administrator."))
        export = get_object_or_404(BundleExport, pk=pk)
        file = jobs.export_path(export) if export.status == Status.DONE else None
        if file is None or not file.is_file():
            messages.error(
                request,
                _("This file is no longer on the server (only the latest exports are kept): start a new export."),
            )
            return redirect(_progress_url(export))
        return FileResponse(file.open("rb"), as_attachment=True, filename=file.name, content_type="application/zip")

    def start_view(self, request, insee: str):
        from backoffice.catalog.models import Commune
        from backoffice.fleet.feed import visible_snapshot

        if not request.user.has_perm(START_PERMISSION):
            return _refused(request, not_allowed_to_start())
        commune = get_object_or_404(Commune, pk=insee)
        if request.method == "POST":
            return redirect(_progress_url(_start_or_join(request, commune, _schema_asked(request))))
        entries, alerts = visible_snapshot(commune.pk)
        context = self._context(
            request,
            _("Export for a USB stick: %(commune)s") % {"commune": commune},
            commune=commune,
            entries=len(entries),
            alerts=len(alerts),
            recent=BundleExport.objects.filter(commune=commune)[:5],
            schema_choices=SCHEMA_CHOICES,
            current_schema=SCHEMA_VERSION,
        )
        return TemplateResponse(request, "usb/start.html", context)
