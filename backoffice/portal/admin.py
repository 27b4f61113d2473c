"""Staff side of the portal: invitations (printable, with QR code) and the moderation queue."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from backoffice.catalog.admin import AuditedAdmin
from backoffice.portal import moderation
from backoffice.portal.models import Invitation, State, Submission


@admin.register(Invitation)
class InvitationAdmin(AuditedAdmin):
    list_display = ["code", "shop_name", "commune", "expires_at", "used_by", "print_link"]
    readonly_fields = ["code", "used_by", "used_at", "print_link"]
    fields = ["shop_name", "commune", "expires_at", "code", "used_by", "used_at", "print_link"]

    @admin.display(description=_("printable invitation"))
    def print_link(self, obj):
        if not obj or not obj.pk:
            return "—"
        return format_html(
            '<a href="{}" target="_blank">{}</a>',
            reverse("portal:invitation_print", args=[obj.pk]),
            _("Print with QR code"),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class SubmissionAdminForm(forms.ModelForm):
    class Meta:
        model = Submission
        fields = ["reason"]

    def clean(self):
        data = super().clean()
        if "_reject" in self.data and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the listing is rejected: the shopkeeper reads it."))
        return data


@admin.register(Submission)
class SubmissionAdmin(AuditedAdmin):
    form = SubmissionAdminForm
    change_form_template = "portal/admin_submission_change.html"
    list_display = ["__str__", "owner", "commune", "state", "live_state", "submitted_at"]
    list_filter = ["state", "commune"]
    readonly_fields = ["owner", "commune", "state", "proposed", "live_state", "submitted_at", "reviewed_by"]
    fields = ["state", "owner", "commune", "submitted_at", "proposed", "live_state", "reason", "reviewed_by"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # Pending first: this list is the moderation queue.
        return (
            super().get_queryset(request).select_related("owner", "commune", "entry").order_by("-state", "submitted_at")
        )

    @admin.display(description=_("on the kiosks"))
    def live_state(self, obj):
        if obj.live:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("admin:catalog_entry_change", args=[obj.entry_id]),
                _("published version online"),
            )
        return _("not online")

    @admin.display(description=_("proposed listing"))
    def proposed(self, obj):
        from backoffice.catalog.hours import describe_hours
        from content.categories import CATEGORIES

        category = CATEGORIES.get(obj.data.get("category", ""))
        context = {
            "s": obj,
            "d": obj.data,
            "photos": obj.photos.all(),
            "category": category.name("fr") if category else obj.data.get("category", ""),
            "hours_text": describe_hours(obj.data.get("opening_hours", ""))[1],
        }
        return render_to_string("portal/admin_proposed.html", context)

    def save_model(self, request, obj, form, change):
        can_moderate = request.user.has_perm("portal.moderate")
        if ("_approve" in request.POST or "_reject" in request.POST) and not can_moderate:
            self.message_user(request, _("You may not moderate listings."), messages.ERROR)
            return
        if "_approve" in request.POST:
            try:
                moderation.approve(obj, request.user)
                self.message_user(request, _("Published: it reaches the kiosks at their next sync."), messages.SUCCESS)
            except ValidationError as exc:
                self.message_user(request, _("Not published: %(e)s") % {"e": "; ".join(exc.messages)}, messages.ERROR)
        elif "_reject" in request.POST:
            moderation.reject(obj, request.user, form.cleaned_data["reason"])
        else:
            super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request):
        return {"state": State.PENDING}
