"""Staff side of the portal: invitations (printable, with QR code) and the moderation queue."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from backoffice.catalog.admin import AuditedAdmin
from backoffice.portal import moderation
from backoffice.portal.mail import public_url
from backoffice.portal.models import Invitation, State, Submission, new_code, normalise_code

_CODE_SALT = "portal.invitation.code"


class InvitationAdminForm(forms.ModelForm):
    """The add form shows a code before it is saved: it carries that code (signed, so it cannot be
    chosen) and the saved invitation gets exactly that one."""

    shown_code = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Invitation
        fields = ["shop_name", "commune", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            if self.is_bound and (code := self._carried_code()):
                self.instance.code = code  # shown again after a form error, and saved
            self.fields["shown_code"].initial = signing.dumps(self.instance.code, salt=_CODE_SALT)

    def _carried_code(self) -> str | None:
        try:
            code = signing.loads(self.data.get(self.add_prefix("shown_code")) or "", salt=_CODE_SALT)
        except signing.BadSignature:
            return None
        return code if isinstance(code, str) and len(code) == 11 and normalise_code(code) == code else None


@admin.register(Invitation)
class InvitationAdmin(AuditedAdmin):
    form = InvitationAdminForm
    list_display = ["code", "shop_name", "commune", "expires_at", "used_by", "print_link"]
    readonly_fields = ["code", "used_by", "used_at", "print_link"]
    fields = ["shop_name", "commune", "expires_at", "code", "used_by", "used_at", "print_link", "shown_code"]

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
            if Invitation.objects.filter(code=obj.code).exists():  # the same form sent twice
                obj.code = new_code()
        super().save_model(request, obj, form, change)


class SubmissionAdminForm(forms.ModelForm):
    #: The fingerprint of the version on the page: approve and reject act on that version only.
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Submission
        fields = ["reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen"].initial = self.instance.fingerprint()

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
    fields = ["state", "owner", "commune", "submitted_at", "proposed", "live_state", "reason", "reviewed_by", "seen"]

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
            "photos": obj.ordered_photos(),
            "category": category.name("fr") if category else obj.data.get("category", ""),
            "hours_text": describe_hours(obj.data.get("opening_hours", ""))[1],
        }
        return render_to_string("portal/admin_proposed.html", context)

    def save_model(self, request, obj, form, change):
        deciding = "_approve" in request.POST or "_reject" in request.POST
        if not deciding:
            super().save_model(request, obj, form, change)
            return
        request._moderation_ok = False
        if not request.user.has_perm("portal.moderate"):
            self.message_user(request, _("You may not moderate listings."), messages.ERROR)
            return
        seen = form.cleaned_data.get("seen") or ""
        try:
            if "_approve" in request.POST:
                moderation.approve(obj, request.user, seen=seen, base_url=public_url(request))
                self.message_user(request, _("Published: it reaches the kiosks at their next sync."), messages.SUCCESS)
            else:
                moderation.reject(
                    obj, request.user, form.cleaned_data["reason"], seen=seen, base_url=public_url(request)
                )
                rejected = _("Rejected: the shopkeeper sees the reason on their page.")
                self.message_user(request, rejected, messages.SUCCESS)
            request._moderation_ok = True
        except moderation.ChangedSinceShown as exc:
            self.message_user(request, exc.messages[0], messages.ERROR)
        except ValidationError as exc:
            self.message_user(request, _("Not published: %(e)s") % {"e": "; ".join(exc.messages)}, messages.ERROR)

    def response_change(self, request, obj):
        # A decision says what happened itself; Django's "changed successfully" would be wrong when it failed.
        done = getattr(request, "_moderation_ok", None)
        if done is None:
            return super().response_change(request, obj)
        if done:
            return HttpResponseRedirect(reverse("admin:portal_submission_changelist"))
        return HttpResponseRedirect(request.path)

    def get_changeform_initial_data(self, request):
        return {"state": State.PENDING}
