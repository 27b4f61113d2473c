"""Official notices in the admin: publish (the form, then a page following the worker's check),
withdraw (with a reason), and the publication log (read-only, exported as CSV).

A notice is never edited once sent: its page is read-only; a correction is a new notice that
replaces it.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from backoffice.notices import jobs
from backoffice.notices.forms import NoticeForm
from backoffice.notices.models import Notice, PublicationEvent, Status

STATUS_COLOURS = {
    Status.CHECKING: "#1d6fb8",
    Status.REFUSED: "#b3261e",
    Status.PUBLISHED: "#1e7b34",
    Status.WITHDRAWN: "#6c757d",
}


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    form = NoticeForm
    list_display = ["__str__", "commune", "status_badge", "starts", "until", "short_hash", "withdraw_link"]
    list_filter = ["status", "kind", "commune"]
    search_fields = ["title", "number", "pdf_sha256"]
    date_hierarchy = "starts"
    list_select_related = ["commune"]
    readonly_fields = [
        "kind",
        "title",
        "number",
        "act_date",
        "commune",
        "starts",
        "until",
        "replaces",
        "status",
        "pdf_name",
        "pdf_sha256",
        "pdf_size",
        "pages",
        "published_at",
        "withdrawn_at",
        "withdrawn_reason",
        "error",
    ]

    def has_change_permission(self, request, obj=None):
        return False  # published once, never edited: withdraw it or replace it

    def has_delete_permission(self, request, obj=None):
        return False  # the register and the log keep every notice

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return [*NoticeForm.Meta.fields, "pdf"]
        return self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None:
            return super().get_form(request, obj, change, **kwargs)
        base = super().get_form(request, obj, change, **kwargs)

        class RequestForm(base):
            def __init__(self, *args, **kw):
                super().__init__(*args, request=request, **kw)

        return RequestForm

    def save_model(self, request, obj, form, change):
        if change:
            return
        obj.created_by = request.user
        obj.save()
        jobs.store_pdf(form.cleaned_data["pdf"], obj.pdf_sha256)
        jobs.start_check(obj)

    def response_add(self, request, obj, post_url_continue=None):
        messages.success(
            request,
            _("“%(title)s” was received. Its PDF is being checked; this page shows when it is published.")
            % {"title": obj.title},
        )
        return redirect("admin:notices_notice_progress", obj.pk)

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, obj):
        label = obj.get_status_display()
        if obj.status == Status.PUBLISHED and not obj.in_force():
            label = pgettext("notice", "scheduled") if obj.starts > timezone.now() else _("publication ended")
        return format_html('<b style="color:{}">{}</b>', STATUS_COLOURS.get(obj.status, "#333"), label)

    @admin.display(description=gettext_lazy("SHA-256 of the PDF"))
    def short_hash(self, obj):
        return (
            format_html('<code title="{}">{}…</code>', obj.pdf_sha256, obj.pdf_sha256[:12]) if obj.pdf_sha256 else "—"
        )

    @admin.display(description=gettext_lazy("withdraw"))
    def withdraw_link(self, obj):
        if obj.status == Status.CHECKING:
            return format_html(
                '<a href="{}">{}</a>', reverse("admin:notices_notice_progress", args=[obj.pk]), _("Follow the check")
            )
        if obj.status != Status.PUBLISHED:
            return "—"
        return format_html(
            '<a class="button notice-withdraw" href="{}">{}</a>',
            reverse("admin:notices_notice_withdraw", args=[obj.pk]),
            _("Withdraw"),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/progress/", view(self.progress_view), name="notices_notice_progress"),
            path("<int:pk>/withdraw/", view(self.withdraw_view), name="notices_notice_withdraw"),
            *super().get_urls(),
        ]

    def _context(self, request, title: str, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title, **extra}

    def progress_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise Http404
        jobs.reap_stale()
        notice = get_object_or_404(Notice.objects.select_related("commune"), pk=pk)
        context = self._context(
            request,
            str(notice),
            notice=notice,
            status_colour=STATUS_COLOURS.get(notice.status, "#333"),
            refresh=notice.status == Status.CHECKING,
            register_url=reverse("notices:register", args=[notice.commune_id]),
        )
        return TemplateResponse(request, "notices/progress.html", context)

    def withdraw_view(self, request, pk: int):
        if not request.user.has_perm("notices.add_notice"):
            messages.error(request, _("You are not allowed to withdraw notices: ask an administrator."))
            return redirect("admin:index")
        notice = get_object_or_404(Notice, pk=pk)
        error = ""
        reason = ""
        if request.method == "POST":
            reason = request.POST.get("reason", "").strip()
            if not reason:
                error = _("Say why the notice is withdrawn: the reason is written in the publication log.")
            elif len(reason) > 300:
                error = _("The reason is %(n)d characters long; at most 300.") % {"n": len(reason)}
            elif jobs.withdraw(notice, request.user, reason=reason):
                messages.success(
                    request,
                    _(
                        "“%(title)s” is withdrawn: the kiosks drop it at their next update; the public register "
                        "keeps it in its archive."
                    )
                    % {"title": notice.title},
                )
                return redirect("admin:notices_notice_changelist")
            else:
                error = _("This notice is not published (any more): there is nothing to withdraw.")
        context = self._context(
            request, _("Withdraw %(notice)s") % {"notice": notice}, notice=notice, error=error, reason=reason
        )
        return TemplateResponse(request, "notices/withdraw.html", context)


@admin.register(PublicationEvent)
class PublicationEventAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "commune", "kind", "number", "title", "sha256", "username", "detail"]
    list_filter = ["action", "commune", "kind"]
    search_fields = ["title", "number", "sha256"]
    change_list_template = "notices/log_changelist.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("export.csv", self.admin_site.admin_view(self.export_view), name="notices_publicationevent_export"),
            *super().get_urls(),
        ]

    def export_view(self, request):
        from backoffice.notices.register import log_csv

        if not self.has_view_permission(request):
            raise Http404
        response = HttpResponse(log_csv(PublicationEvent.objects.all()), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="journal-des-publications.csv"'
        return response
