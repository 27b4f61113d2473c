"""The shopkeepers' portal: join with a code, write a listing, follow its moderation."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backoffice.catalog.images import store_upload
from backoffice.catalog.models import audit
from backoffice.portal.forms import JoinForm, ListingForm
from backoffice.portal.models import Invitation, Submission
from backoffice.portal.moderation import resubmit


def join(request):
    if request.method == "POST":
        form = JoinForm(request.POST)
        if form.is_valid():
            with transaction.atomic():
                invitation = Invitation.objects.select_for_update().get(pk=form.invitation.pk)
                if not invitation.usable:
                    form.add_error("code", _("This invitation code is unknown, already used or expired."))
                    return render(request, "portal/join.html", {"form": form})
                user = form.save(commit=False)
                user.email = form.cleaned_data["email"]
                user.is_staff = False
                user.save()
                invitation.used_by, invitation.used_at = user, timezone.now()
                invitation.save()
                audit(user, "join", invitation)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session["commune"] = invitation.commune_id
            request.session["shop_name"] = invitation.shop_name
            return redirect("portal:new")
    else:
        form = JoinForm(initial={"code": request.GET.get("code", "")})
    return render(request, "portal/join.html", {"form": form})


@login_required
def home(request):
    submissions = Submission.objects.filter(owner=request.user).select_related("entry")
    return render(request, "portal/home.html", {"submissions": submissions})


def _own(request, pk: int) -> Submission:
    # Someone else's listing is answered exactly like a missing one.
    return get_object_or_404(Submission, pk=pk, owner=request.user)


def _store_photos(form) -> list | None:
    uploads = form.cleaned_data.get("photos") or []
    stored = []
    for upload in uploads:
        try:
            stored.append(store_upload(upload))
        except ValidationError as exc:
            form.add_error("photos", exc)
            return None
    return stored


@login_required
def edit(request, pk: int | None = None):
    submission = _own(request, pk) if pk is not None else None
    if submission is None:
        commune = request.session.get("commune") or _commune_of(request.user)
        if commune is None:
            raise PermissionDenied(_("Only shopkeepers who joined with an invitation code can add a listing."))
    if request.method == "POST":
        form = ListingForm(request.POST, request.FILES)
        if form.is_valid():
            photos = _store_photos(form)
            if photos is not None:
                if submission is None:
                    submission = Submission(owner=request.user, commune_id=commune)
                keep = photos or (list(submission.photos.all()) if submission.pk else [])
                resubmit(submission, request.user, form.listing_data(), keep)
                messages.success(request, _("Thank you! The town hall will review your listing soon."))
                return redirect("portal:home")
    else:
        initial = (
            ListingForm.initial_from(submission.data) if submission else {"name": request.session.get("shop_name", "")}
        )
        form = ListingForm(initial=initial)
    return render(request, "portal/listing_form.html", {"form": form, "submission": submission})


def _commune_of(user):
    invitation = Invitation.objects.filter(used_by=user).first()
    if invitation:
        return invitation.commune_id
    first = Submission.objects.filter(owner=user).first()
    return first.commune_id if first else None


@staff_member_required
def invitation_print(request, pk: int):
    invitation = get_object_or_404(Invitation, pk=pk)
    url = request.build_absolute_uri(reverse("portal:join") + f"?code={invitation.code}")
    qr = segno.make(url, error="m")
    buf = io.BytesIO()
    qr.save(buf, kind="svg", scale=6, border=2, xmldecl=False, svgns=True, title=invitation.code)
    context = {"invitation": invitation, "url": url, "qr_svg": buf.getvalue().decode()}
    return render(request, "portal/invitation_print.html", context)
