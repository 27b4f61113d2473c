"""Staff admin for kiosks: register, issue and revoke tokens, request a sync; the fleet status page."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from backoffice.catalog.admin import AuditedAdmin
from backoffice.catalog.models import audit
from backoffice.dashboard import stats
from backoffice.fleet import status
from backoffice.fleet.models import Heartbeat, Kiosk, Release, UsageCounter, UsageDashboard
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
        "screen_display",
        "update_display",
        "screenshot_display",
        "remote_addr",
        "token_hint",
    ]
    fieldsets = [
        (None, {"fields": ["name", "commune", "location", "group", "revoked", "sync_requested"]}),
        (
            _("Screen hours"),
            {
                "fields": ["screen_schedule", *Kiosk.SCREEN_DAYS, "screen_exceptions", "wake_minutes"],
                "description": _(
                    "Hours when the screen is lit, for example 07:00-12:00, 14:00-22:00. "
                    "Empty or 'fermé': off all day. Sent to the kiosk at its next sync."
                ),
            },
        ),
        (_("Kiosk settings"), {"fields": ["idle_seconds", "languages", "maintenance_pin"]}),
        (_("What the kiosk last said"), {"fields": readonly_fields}),
    ]
    actions = ["issue_token", "revoke_token", "request_sync"]

    def get_fieldsets(self, request, obj=None):
        """A new kiosk: its name and place only (its token comes next); its settings on its own page."""
        if obj is None:
            return [(None, {"fields": ["name", "commune", "location", "group"]})]
        return super().get_fieldsets(request, obj)

    def get_inlines(self, request, obj=None):
        """Its position on the town map too comes once the kiosk exists, on its own page."""
        return [] if obj is None else super().get_inlines(request, obj)

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

    @admin.display(description=_("screen"))
    def screen_display(self, obj):
        return status.screen(obj)

    @admin.display(description=_("last update"))
    def update_display(self, obj):
        text, warn = status.update(obj)
        return format_html('<b style="color:#c62828">{}</b>', text) if warn else text

    @admin.display(description=_("screenshot"))
    def screenshot_display(self, obj):
        if not obj.screenshot:
            return _("none yet")
        return format_html(
            '<img class="kiosk-screenshot" src="{}" alt="{}" style="max-width:270px;border:1px solid #999">'
            "<br><small>{}</small>",
            reverse("admin:fleet_kiosk_screenshot", args=[obj.pk]),
            _("The kiosk's screen"),
            _("taken %(when)s") % {"when": status.when(obj.screenshot_at)},
        )

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
            path("<int:pk>/see/", self.admin_site.admin_view(self.see_view), name="fleet_kiosk_see"),
            path(
                "<int:pk>/screenshot.jpg",
                self.admin_site.admin_view(self.screenshot_view),
                name="fleet_kiosk_screenshot",
            ),
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

    def see_view(self, request, pk: int):
        """The change form's "see the screen" button (POST): the kiosk sends a screenshot at its next report."""
        kiosk = Kiosk.objects.filter(pk=pk).first()
        if kiosk is None or not self.has_change_permission(request, kiosk):
            raise PermissionDenied
        if request.method == "POST":
            Kiosk.objects.filter(pk=pk).update(screenshot_requested=True)
            audit(request.user, "request_screenshot", kiosk)
            self.message_user(
                request,
                _("The kiosk will send a picture of its screen at its next status report (within a few minutes)."),
                messages.SUCCESS,
            )
        return redirect("admin:fleet_kiosk_change", pk)

    def screenshot_view(self, request, pk: int):
        kiosk = Kiosk.objects.filter(pk=pk).first()
        if kiosk is None or not self.has_view_permission(request, kiosk) or not kiosk.screenshot:
            raise PermissionDenied
        response = HttpResponse(bytes(kiosk.screenshot), content_type="image/jpeg")
        response["Cache-Control"] = "private, no-cache"
        return response

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
                "update": status.update(k),
                "screen": status.screen(k),
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


@admin.register(Release)
class ReleaseAdmin(AuditedAdmin):
    """Software releases: uploaded, signed with the bundle key on save, published to all kiosks or a group."""

    list_display = ["version", "group", "published", "created_at", "kiosks_on_it"]
    list_filter = ["published", "group"]
    fields = ["version", "archive", "group", "health_minutes", "published", "sha256", "signature"]
    readonly_fields = ["sha256", "signature"]
    actions = ["publish", "withdraw"]

    @admin.display(description=_("kiosks on it"))
    def kiosks_on_it(self, obj):
        return Kiosk.objects.filter(version=obj.version).count()

    def save_model(self, request, obj, form, change):
        from backoffice.catalog.bundles import bundle_key
        from content.bundle import BundleKeyError
        from content.release import file_sha256, sign

        super().save_model(request, obj, form, change)
        try:
            key = bundle_key()
        except BundleKeyError:
            self.message_user(
                request,
                _(
                    "No bundle key on this server: a release cannot be signed. Set BORNE_BUNDLE_KEY "
                    "(the key the kiosks check USB bundles with)."
                ),
                messages.ERROR,
            )
            return
        obj.sha256 = file_sha256(obj.archive.path)
        obj.size = obj.archive.size
        obj.signature = sign(key, obj.version, obj.sha256)
        obj.save(update_fields=["sha256", "size", "signature"])

    @admin.action(description=_("Publish to the kiosks"), permissions=["change"])
    def publish(self, request, queryset):
        n = queryset.exclude(sha256="").update(published=True)
        for release in queryset:
            audit(request.user, "publish_release", release)
        self.message_user(
            request,
            _(
                "%(n)d release(s) published: each kiosk concerned installs it at its next sync and goes back "
                "to its previous version by itself if the new one does not report healthy in time."
            )
            % {"n": n},
            messages.SUCCESS,
        )

    @admin.action(description=_("Withdraw (kiosks keep what they installed)"), permissions=["change"])
    def withdraw(self, request, queryset):
        queryset.update(published=False)


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
