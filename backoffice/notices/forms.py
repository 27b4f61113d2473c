"""The form staff fill in to publish a notice: what it is, when, and the signed PDF.

Only what can be judged at once is judged here (a file that is there, small enough, that starts like
a PDF; dates in order); the PDF itself is checked and rendered by the worker. The file field comes
last in the form, so a file cut short by the upload cap leaves every other field as typed.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backoffice.notices.models import Notice, Status
from backoffice.notices.pdf import MAX_BYTES
from backoffice.notices.uploads import TOO_LARGE
from content.notice import DEFAULT_DAYS


class NoticeForm(forms.ModelForm):
    pdf = forms.FileField(
        label=gettext_lazy("Signed PDF"),
        help_text=gettext_lazy("The act as signed, in PDF. It is published unchanged; at most 100 MB and 250 pages."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    class Meta:
        model = Notice
        fields = ["kind", "title", "number", "act_date", "commune", "starts", "until", "replaces"]
        help_texts = {
            "until": gettext_lazy(
                "Left empty: two months for acts of the council and the mayor, ten days for banns, one month "
                "for other notices."
            ),
        }

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.fields["replaces"].queryset = Notice.objects.filter(status=Status.PUBLISHED).select_related("commune")
        self.fields["replaces"].required = False

    def clean_pdf(self):
        upload = self.cleaned_data.get("pdf")
        if upload is None:
            return upload
        if upload.size > MAX_BYTES:
            raise ValidationError(
                _("The file weighs %(mb)d MB; at most %(max)d MB are accepted. Reduce its size (scan at 200 dpi).")
                % {"mb": upload.size // 1_000_000, "max": MAX_BYTES // 1_000_000}
            )
        upload.seek(0)
        if b"%PDF-" not in upload.read(1024):
            raise ValidationError(
                _("“%(name)s” is not a PDF: send the signed act as a PDF file.") % {"name": upload.name}
            )
        upload.seek(0)
        return upload

    def full_clean(self):
        super().full_clean()
        if self.request is not None and self.request.META.get(TOO_LARGE) and self.is_bound:
            self._errors.pop("pdf", None)
            self.add_error(
                "pdf",
                _("The file is larger than %(max)d MB: it was not received. Reduce its size (scan at 200 dpi).")
                % {"max": MAX_BYTES // 1_000_000},
            )

    def clean(self):
        data = super().clean()
        starts, until, kind = data.get("starts"), data.get("until"), data.get("kind")
        if starts and not until and kind:
            data["until"] = starts + dt.timedelta(days=DEFAULT_DAYS[kind])
            self.instance.until = data["until"]
        replaces, commune = data.get("replaces"), data.get("commune")
        if replaces is not None and commune is not None and replaces.commune_id != commune.pk:
            self.add_error("replaces", _("A notice can only replace a notice of the same commune."))
        return data

    def save(self, commit=True):
        notice = super().save(commit=False)
        upload = self.cleaned_data["pdf"]
        digest = hashlib.sha256()
        upload.seek(0)
        for chunk in upload.chunks():
            digest.update(chunk)
        notice.pdf_sha256 = digest.hexdigest()
        notice.pdf_size = upload.size
        notice.pdf_name = (upload.name or "")[:200]
        notice.status = Status.CHECKING
        notice.step = _("Waiting for a worker")
        if commit:
            notice.save()
        return notice
