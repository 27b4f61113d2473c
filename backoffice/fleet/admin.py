"""Staff admin for kiosks: register, issue and revoke tokens, request a sync; the fleet status page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from backoffice.catalog.admin import AuditedAdmin
from backoffice.catalog.models import audit
from backoffice.dashboard import stats
from backoffice.fleet import status
from backoffice.fleet.models import Heartbeat, Kiosk, UsageCounter, UsageDashboard
from backoffice.geo.admin import KioskPlaceInline


@admin.register(Kiosk)
class KioskAdmin(AuditedAdmin):
    list_display = ["name", "commune", "location", "state", "contact", "version", "content_state", "error_count"]
    list_filter = ["commune", "revoked"]
    search_fields = ["name", "location"]
    #: What the kiosk last said, shown and never edited.
    readonly_fields = [
        "state",
        "contact",
        "version",
        "content_state",
        "last_sync_display",
        "errors_display",
        "disk_display",
        "uptime_display",
        "bundle_display",
        "remote_addr",
        "token_hint",
    ]
    fieldsets = [
        (None, {"fields": ["name", "commune", "location", "revoked", "sync_requested"]}),
        (_("What the kiosk last said"), {"fields": readonly_fields}),
    ]
    actions = ["issue_token", "revoke_token", "request_sync"]
    change_list_template = "fleet/kiosk_change_list.html"
    change_form_template = "fleet/kiosk_change_form.html"
    inlines = [KioskPlaceInline]  # the kiosk's position on the town map (backoffice.geo)

    @admin.display(description=_("state"))
    def state(self, obj):
        if obj.revoked:
            return format_html('<b style="color:#666">{}</b>', _("token revoked"))
        if obj.is_online:
            return format_html('<b style="color:#1a7f37">{}</b>', _("online"))
        return format_html('<b style="color:#c62828">{}</b>', _("offline"))

    @admin.display(description=_("last contact"))
    def contact(self, obj):
        return status.contact(obj)

    @admin.display(description=_("content"))
    def content_state(self, obj):
        return str(status.content([obj])[obj.pk])

    @admin.display(description=_("last successful sync"))
    def last_sync_display(self, obj):
        return status.when(obj.last_sync)

    @admin.display(description=_("errors"))
    def error_count(self, obj):
        return len(obj.errors or [])

    @admin.display(description=_("errors"))
    def errors_display(self, obj):
        if not obj.errors:
            return _("none")
        return format_html_join("", '<div style="color:#c62828">{}</div>', ((e,) for e in obj.errors))

    @admin.display(description=_("disk"))
    def disk_display(self, obj):
        if status.disk_is_low(obj):
            return format_html('<b style="color:#c62828">{}</b>', status.disk(obj))
        return status.disk(obj)

    @admin.display(description=_("running for"))
    def uptime_display(self, obj):
        return status.duration(obj.uptime) if obj.uptime is not None else "—"

    @admin.display(description=_("last USB stick"))
    def bundle_display(self, obj):
        shown = status.bundle(obj)
        if shown is None:
            return _("none imported")
        text, warn = shown
        return format_html('<b style="color:#b35900">{}</b>', text) if warn else text

    # --- tokens: shown once, in the page that issues them (never in messages, the session or a cookie)

    def _token_page(self, request, issued: list[tuple[Kiosk, str]]) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": _("Kiosk token: copy it now"),
            "issued": issued,
            "opts": self.model._meta,
            "env_token": "BORNE_KIOSK_TOKEN",  # what the kiosk reads (sync.config: not imported here)
        }
        response = TemplateResponse(request, "fleet/token.html", context)
        response["Cache-Control"] = "no-store"  # no copy of the token in any cache
        response["Referrer-Policy"] = "no-referrer"
        return response

    @admin.action(description=_("Issue a new token (shown once)"), permissions=["change"])
    def issue_token(self, request, queryset):
        issued = []
        for kiosk in queryset:
            issued.append((kiosk, kiosk.issue_token()))
            audit(request.user, "issue_token", kiosk)
        return self._token_page(request, issued)

    @admin.action(description=_("Revoke the token"), permissions=["change"])
    def revoke_token(self, request, queryset):
        for kiosk in queryset:
            kiosk.revoke()
            audit(request.user, "revoke_token", kiosk)
        self.message_user(request, _("Token revoked: the kiosk can no longer receive content."), messages.SUCCESS)

    @admin.action(description=_("Ask for a sync at the next heartbeat"), permissions=["change"])
    def request_sync(self, request, queryset):
        queryset.update(sync_requested=True)
        for kiosk in queryset:
            audit(request.user, "request_sync", kiosk)
        self.message_user(request, _("The kiosk will sync at its next status report."), messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:  # a new kiosk gets its first token at once, shown this one time by response_add
            request.fleet_new_token = obj.issue_token()

    def response_add(self, request, obj, post_url_continue=None):
        token = getattr(request, "fleet_new_token", None)
        if token is None:
            return super().response_add(request, obj, post_url_continue)
        return self._token_page(request, [(obj, token)])

    def get_urls(self):
        return [
            path("status/", self.admin_site.admin_view(self.status_view), name="fleet_status"),
            path("<int:pk>/token/", self.admin_site.admin_view(self.token_view), name="fleet_kiosk_token"),
            *super().get_urls(),
        ]

    def token_view(self, request, pk: int):
        """The change form's "new token" button (POST): the new token in the page, once."""
        kiosk = Kiosk.objects.filter(pk=pk).first()
        if kiosk is None or not self.has_change_permission(request, kiosk):
            raise PermissionDenied
        if request.method != "POST":
            return redirect("admin:fleet_kiosk_change", pk)
        token = kiosk.issue_token()
        audit(request.user, "issue_token", kiosk)
        return self._token_page(request, [(kiosk, token)])

    def status_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        kiosks = list(Kiosk.objects.select_related("commune").order_by("commune__name", "name"))
        content = status.content(kiosks)
        rows = [
            {
                "kiosk": k,
                "contact": status.contact(k),
                "content": content[k.pk],
                "last_sync": status.when(k.last_sync),
                "disk": status.disk(k),
                "disk_low": status.disk_is_low(k),
                "bundle": status.bundle(k),
            }
            for k in kiosks
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Kiosk fleet status"),
            "rows": rows,
            "kiosks": kiosks,
            "offline": sum(1 for k in kiosks if not k.is_online and not k.revoked),
            "offline_after": settings.BORNE_OFFLINE_AFTER_MINUTES,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "fleet/status.html", context)


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["kiosk", "received_at", "version", "last_sync", "disk_display", "error_count"]
    list_filter = ["kiosk"]
    fields = ["kiosk", "received_at", "version", "last_sync", "errors_display", "disk_display", "uptime_display"]
    readonly_fields = fields

    @admin.display(description=_("errors"))
    def error_count(self, obj):
        return len(obj.errors or [])

    @admin.display(description=_("errors"))
    def errors_display(self, obj):
        if not obj.errors:
            return _("none")
        return format_html_join("", "<div>{}</div>", ((e,) for e in obj.errors))

    @admin.display(description=_("disk"))
    def disk_display(self, obj):
        return status.disk_words(obj.disk_free)

    @admin.display(description=_("running for"))
    def uptime_display(self, obj):
        return status.duration(obj.uptime) if obj.uptime is not None else "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class _NamedCodeFilter(admin.SimpleListFilter):
    """A filter on a code column (screen, language) that shows the codes' French names."""

    field = ""

    def lookups(self, request, model_admin):
        codes = model_admin.get_queryset(request).order_by().values_list(self.field, flat=True).distinct()
        return sorted(((code, self.name_of(code)) for code in codes), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(**{self.field: self.value()}) if self.value() is not None else queryset

    def name_of(self, code: str) -> str:
        raise NotImplementedError


class ScreenFilter(_NamedCodeFilter):
    title = _("screen")
    parameter_name = field = "screen"

    def name_of(self, code):
        return stats.screen_label(code)


class LanguageFilter(_NamedCodeFilter):
    title = _("language")
    parameter_name = field = "lang"

    def name_of(self, code):
        return stats.language_label(code)


@admin.register(UsageCounter)
class UsageCounterAdmin(admin.ModelAdmin):
    """Raw counters as the kiosks sent them, with French names (the dashboard sums them up)."""

    list_display = ["kiosk", "hour", "screen_name", "entry_id", "category_name", "language_name", "n"]
    list_filter = ["kiosk", ScreenFilter, LanguageFilter]
    fields = ["kiosk", "hour", "screen_name", "entry_id", "category_name", "language_name", "n"]
    readonly_fields = fields

    @admin.display(description=_("screen"), ordering="screen")
    def screen_name(self, obj):
        return stats.screen_label(obj.screen)

    @admin.display(description=_("category"), ordering="category")
    def category_name(self, obj):
        return stats.category_label(obj.category) if obj.category else "—"

    @admin.display(description=_("language"), ordering="lang")
    def language_name(self, obj):
        return stats.language_label(obj.lang)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UsageDashboard)
class UsageDashboardAdmin(admin.ModelAdmin):
    """A line in the admin's menu that opens the usage dashboard, for every staff member (as the page)."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        return redirect("dashboard:index")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("dashboard:index")
