"""Staff admin for content: entries (with dates, photos, kiosk preview), alerts, communes, audit log."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from backoffice.catalog.details_form import FIELDS as DETAILS_FIELDS
from backoffice.catalog.details_form import preview_lines
from backoffice.catalog.forms import AlertForm, EntryForm, EntryImageForm
from backoffice.catalog.hours import describe_hours
from backoffice.catalog.models import Alert, AuditEvent, Commune, Entry, EntryImage, MediaFile, Occurrence, audit
from backoffice.catalog.refusals import LANG_NAMES
from backoffice.catalog.states import (
    AlertStateFilter,
    EntryStateFilter,
    alert_saved_note,
    alert_state,
    badge,
    entry_saved_note,
    entry_state,
    with_last_date,
)
from backoffice.catalog.wire import check_entry
from backoffice.usb.admin import export_for_usb_stick, usb_export_link

admin.site.site_header = _("Borne: town kiosks")
admin.site.site_title = _("Borne back office")
admin.site.index_title = _("Kiosk content and fleet")


class AuditedAdmin(admin.ModelAdmin):
    """Every add, change and delete made in the admin also goes to the audit log."""

    #: Page titles that read as French sentences (Django's "Ajout de %s" makes "Ajout de alerte").
    titles: dict = {}

    def _titled(self, key, extra_context):
        if key not in self.titles:
            return extra_context
        names = {"title": self.titles[key], "add_title": self.titles.get("add"), "add_label": self.titles.get("button")}
        return {**names, **(extra_context or {})}

    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(request, form_url, self._titled("add", extra_context))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        key = "change" if self.has_change_permission(request, obj) else "view"
        return super().change_view(request, object_id, form_url, self._titled(key, extra_context))

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, self._titled("list", extra_context))

    def saved_note(self, obj) -> str | None:
        """What to tell staff after a save when the kiosks will not show ``obj`` right now."""
        return None

    def _note(self, request, obj):
        note = self.saved_note(obj)
        if note:
            self.message_user(request, note, messages.WARNING)

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self._note(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        self._note(request, obj)
        return response

    def log_addition(self, request, obj, message):
        audit(request.user, "add", obj, str(message))
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        audit(request.user, "change", obj, str(message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            audit(request.user, "delete", obj)
        return super().log_deletions(request, queryset)


class OccurrenceFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if getattr(self.instance, "kind", "") != "event":
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept:
            raise ValidationError(_("An event needs at least one date."))


class OccurrenceInline(admin.TabularInline):
    model = Occurrence
    formset = OccurrenceFormSet
    extra = 1


class EntryImageInline(admin.StackedInline):
    model = EntryImage
    form = EntryImageForm
    extra = 1
    readonly_fields = ["thumbnail"]

    @admin.display(description=_("current photo"))
    def thumbnail(self, obj):
        if not obj or not obj.media_id:
            return "—"
        return format_html('<img src="/api/kiosk/v1/media/{}" style="max-height:120px">', obj.media_id)


@admin.register(Commune)
class CommuneAdmin(AuditedAdmin):
    list_display = ["name", "insee", usb_export_link]
    search_fields = ["name", "insee"]
    actions = [export_for_usb_stick]


@admin.register(Entry)
class EntryAdmin(AuditedAdmin):
    form = EntryForm
    inlines = [OccurrenceInline, EntryImageInline]
    list_display = ["__str__", "kind", "commune", "state", "featured", "updated_at"]
    list_filter = [EntryStateFilter, "kind", "commune", "featured"]
    search_fields = ["title", "key", "city"]
    readonly_fields = ["hours_readable", "preview", "wire_id_display", "updated_at"]
    actions = ["publish", "withdraw"]
    fieldsets = [
        (None, {"fields": ["kind", "status", "categories", "commune", "featured", "wire_id_display"]}),
        (_("Text (French required)"), {"fields": ["title_fr", "summary_fr", "body_fr"]}),
        *[
            (lang_name, {"fields": [f"title_{lang}", f"summary_{lang}", f"body_{lang}"], "classes": ["collapse"]})
            for lang, lang_name in LANG_NAMES.items()
            if lang != "fr"
        ],
        (_("Place"), {"fields": ["place_name", "street", "postcode", "city", "lat", "lon"]}),
        (_("Contact"), {"fields": ["phone", "email", "website"]}),
        (_("Opening hours"), {"fields": ["weekly_hours", "opening_hours", "hours_readable"]}),
        (_("Eat and stay: good to know"), {"fields": list(DETAILS_FIELDS), "classes": ["collapse"]}),
        (_("Publication"), {"fields": ["visible_from", "visible_until", "url", "updated_at"]}),
        (
            _("Source"),
            {
                "fields": ["source_name", "source_producer", "source_licence", "source_url", "key"],
                "classes": ["collapse"],
            },
        ),
        (_("Preview on the kiosk"), {"fields": ["preview"]}),
    ]

    class Media:
        js = ["catalog/hours_preview.js"]

    titles = {
        "add": _("Add an entry"),
        "change": _("Change the entry"),
        "view": _("The entry"),
        "list": _("Entries: choose one to change"),
        "button": _("New entry"),
    }

    def get_queryset(self, request):
        return with_last_date(super().get_queryset(request))

    @admin.display(description=_("state on the kiosks"))
    def state(self, obj):
        return badge(entry_state(obj))

    def saved_note(self, obj):
        return entry_saved_note(obj)

    @admin.display(description=_("identifier on the kiosks"))
    def wire_id_display(self, obj):
        return obj.wire_id if obj and obj.pk else "—"

    @admin.display(description=_("opening hours, read aloud"))
    def hours_readable(self, obj):
        ok, text = describe_hours(obj.opening_hours if obj else "")
        # Hours that are not understood: the field's own error says why (once); nothing to read aloud.
        return format_html(
            '<span id="hours-readable" style="white-space:pre-line">{}</span>', text if ok and text else "—"
        )

    @admin.display(description=_("preview"))
    def preview(self, obj):
        if not obj or not obj.pk:
            return _("Save the entry to see its preview.")
        return render_to_string(
            "catalog/preview.html",
            {"e": obj.to_contract(), "entry": obj, "facts": preview_lines(obj.details)},
        )

    @admin.action(description=_("Publish the selected entries"), permissions=["change"])
    def publish(self, request, queryset):
        published = 0
        for entry in queryset:
            entry.status = "published"
            try:
                check_entry(entry)  # what a kiosk would skip is not published behind the person's back
            except ValidationError as exc:
                detail = " ".join(exc.messages)
                self.message_user(
                    request,
                    gettext("“%(entry)s” is not published: %(detail)s Open it to correct it.")
                    % {"entry": entry, "detail": detail},
                    messages.ERROR,
                )
                continue
            entry.save()
            audit(request.user, "publish", entry)
            published += 1
        if published:
            self.message_user(
                request,
                ngettext(
                    "%(count)d entry published: the kiosks show it after their next sync.",
                    "%(count)d entries published: the kiosks show them after their next sync.",
                    published,
                )
                % {"count": published},
                messages.SUCCESS,
            )

    @admin.action(description=_("Withdraw the selected entries from the kiosks"), permissions=["change"])
    def withdraw(self, request, queryset):
        withdrawn = 0
        for entry in queryset:
            entry.status = "withdrawn"
            entry.save()
            audit(request.user, "withdraw", entry)
            withdrawn += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d entry withdrawn: the kiosks remove it at their next sync.",
                "%(count)d entries withdrawn: the kiosks remove them at their next sync.",
                withdrawn,
            )
            % {"count": withdrawn},
            messages.SUCCESS,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.touch()


@admin.register(Alert)
class AlertAdmin(AuditedAdmin):
    form = AlertForm
    list_display = ["__str__", "level", "starts", "until", "state"]
    list_filter = [AlertStateFilter, "level"]
    filter_horizontal = ["communes"]
    fields = [
        "level",
        "message_fr",
        "message_en",
        "message_de",
        "message_es",
        "message_it",
        "message_nl",
        "starts",
        "until",
        "communes",
        "active",
    ]
    titles = {
        "add": _("Add an alert"),
        "change": _("Change the alert"),
        "view": _("The alert"),
        "list": _("Alerts: choose one to change"),
        "button": _("New alert"),
    }

    @admin.display(description=_("state on the kiosks"))
    def state(self, obj):
        return badge(alert_state(obj))

    def saved_note(self, obj):
        return alert_saved_note(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.touch()


@admin.register(MediaFile)
class MediaFileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "mime", "size", "created_at"]
    readonly_fields = ["sha256", "mime", "width", "height", "size", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "action", "object_type", "object_repr"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "object_repr", "detail"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
