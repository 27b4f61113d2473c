"""Staff admin for kiosks: register, issue and revoke tokens, request a sync; the fleet status page."""

from __future__ import annotations

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from backoffice.catalog.admin import AuditedAdmin
from backoffice.catalog.models import audit
from backoffice.fleet.models import Heartbeat, Kiosk, UsageCounter


@admin.register(Kiosk)
class KioskAdmin(AuditedAdmin):
    list_display = [
        "name",
        "commune",
        "location",
        "state",
        "last_heartbeat",
        "version",
        "cursor",
        "last_sync",
        "error_count",
        "revoked",
    ]
    list_filter = ["commune", "revoked"]
    search_fields = ["name", "location"]
    fields = [
        "name",
        "commune",
        "location",
        "token_hint",
        "revoked",
        "sync_requested",
        "last_heartbeat",
        "version",
        "cursor",
        "last_sync",
        "errors",
        "disk_free",
        "uptime",
        "remote_addr",
    ]
    readonly_fields = [
        "token_hint",
        "last_heartbeat",
        "version",
        "cursor",
        "last_sync",
        "errors",
        "disk_free",
        "uptime",
        "remote_addr",
    ]
    actions = ["issue_token", "revoke_token", "request_sync"]
    change_list_template = "fleet/kiosk_change_list.html"

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.revoked:
            return format_html('<b style="color:#666">{}</b>', _("revoked"))
        if obj.is_online:
            return format_html('<b style="color:#1a7f37">{}</b>', _("online"))
        return format_html('<b style="color:#c62828">{}</b>', _("offline"))

    @admin.display(description=_("errors"))
    def error_count(self, obj):
        return len(obj.errors or [])

    @admin.action(description=_("Issue a new token (shown once)"))
    def issue_token(self, request, queryset):
        for kiosk in queryset:
            token = kiosk.issue_token()
            audit(request.user, "issue_token", kiosk)
            self.message_user(
                request,
                _("Token of %(kiosk)s (copy it now, it is not stored): %(token)s") % {"kiosk": kiosk, "token": token},
                messages.WARNING,
            )

    @admin.action(description=_("Revoke the token"))
    def revoke_token(self, request, queryset):
        for kiosk in queryset:
            kiosk.revoke()
            audit(request.user, "revoke_token", kiosk)

    @admin.action(description=_("Ask for a sync at the next heartbeat"))
    def request_sync(self, request, queryset):
        queryset.update(sync_requested=True)
        for kiosk in queryset:
            audit(request.user, "request_sync", kiosk)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:  # a new kiosk gets its first token at once, shown this one time
            token = obj.issue_token()
            self.message_user(
                request,
                _("Token of %(kiosk)s (copy it now, it is not stored): %(token)s") % {"kiosk": obj, "token": token},
                messages.WARNING,
            )

    def get_urls(self):
        return [path("status/", self.admin_site.admin_view(self.status_view), name="fleet_status"), *super().get_urls()]

    def status_view(self, request):
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        kiosks = list(Kiosk.objects.select_related("commune").order_by("commune__name", "name"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Kiosk fleet status"),
            "kiosks": kiosks,
            "offline": sum(1 for k in kiosks if not k.is_online and not k.revoked),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "fleet/status.html", context)


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["kiosk", "received_at", "version", "cursor", "last_sync"]
    list_filter = ["kiosk"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UsageCounter)
class UsageCounterAdmin(admin.ModelAdmin):
    list_display = ["kiosk", "hour", "screen", "entry_id", "category", "lang", "n"]
    list_filter = ["kiosk", "screen", "lang"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
