"""The shopkeepers' portal: join with a code, write a listing, follow its moderation."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from backoffice import throttle
from backoffice.catalog.models import audit
from backoffice.portal import photos
from backoffice.portal.forms import JoinForm, ListingForm
from backoffice.portal.mail import public_url
from backoffice.portal.models import Invitation, Submission
from backoffice.portal.moderation import listing_problems, resubmit


def join_attempts() -> int:
    """Wrong invitation codes allowed from one address within the throttling window."""
    return getattr(settings, "BORNE_JOIN_ATTEMPTS", 10)


def _join_refused(request) -> bool:
    return throttle.over_limit({throttle.address_key("join", request): join_attempts()})


def join(request):
    if request.method == "POST":
        if _join_refused(request):
            # Nothing is checked (a bound form would check the code): what was typed comes back as it was.
            form = JoinForm(initial={k: request.POST.get(k, "") for k in ("code", "username", "email")})
            refused = _("Too many wrong invitation codes from your connection. Wait 15 minutes and try again.")
            return render(request, "portal/join.html", {"form": form, "refused": refused})
        form = JoinForm(request.POST)
        valid = form.is_valid()
        if form.invitation is None:  # a wrong code: counted against this address
            throttle.count_failure(throttle.address_key("join", request))
        if valid:
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


@csrf_exempt  # only until the upload handler is in place: _edit checks the CSRF token
def edit(request, pk: int | None = None):
    request.upload_handlers.insert(0, photos.CeilingUploadHandler(request))
    return _edit(request, pk)


@login_required
@csrf_protect
def _edit(request, pk: int | None = None):
    submission = _own(request, pk) if pk is not None else None
    if submission is None:
        commune = request.session.get("commune") or _commune_of(request.user)
        if commune is None:
            raise PermissionDenied(_("Only shopkeepers who joined with an invitation code can add a listing."))
    current = submission.ordered_photos() if submission else []
    if request.method == "POST":
        form = _bound_listing_form(request, current)
        if form.is_valid():
            if submission is None:
                submission = Submission(owner=request.user, commune_id=commune)
            data, kept = form.listing_data(), form.kept_photos()
            # What the approval would refuse is refused now, on its field, while the text is still here.
            form.add_entry_errors(listing_problems(data, submission.commune, kept))
        if form.is_valid():
            resubmit(submission, request.user, data, kept, base_url=public_url(request))
            messages.success(request, _("Thank you! The town hall will review your listing soon."))
            return redirect("portal:home")
    else:
        initial = (
            ListingForm.initial_from(submission.data) if submission else {"name": request.session.get("shop_name", "")}
        )
        form = ListingForm(initial=initial, offered=current, current=current)
    too_long = _("Too long: %(length)s characters, at most %(limit)s. Shorten it before sending.")
    context = {"form": form, "submission": submission, "too_long_js": too_long}
    return render(request, "portal/listing_form.html", context)


def _bound_listing_form(request, current: list) -> ListingForm:
    """The listing form on what was sent. New photos are stored first, whatever else is wrong, and
    offered ticked with the listing's own and those kept from an earlier try, so none is lost."""
    data = request.POST.copy()
    carried = photos.unsign(request.user, data.get("carried", ""))
    new, errors = photos.store_all(request.FILES.getlist("photos"))
    errors = photos.too_big_messages(request) + errors
    offered = photos.unique(current + carried + new)
    known = {p.sha256 for p in offered}
    ticked = data.getlist("keep_photos")
    data.setlist("keep_photos", [sha for sha in ticked if sha in known] + [p.sha256 for p in new])
    data["carried"] = photos.sign(request.user, [p for p in offered if p not in current])
    form = ListingForm(data, offered=offered, current=current)
    for message in errors:
        form.add_error("photos", message)
    if any(sha not in known for sha in ticked):  # a form left open for days, or not this shop's photo
        form.add_error("photos", _("Photos sent earlier with this form could not be found again: add them again."))
    return form


def _commune_of(user):
    invitation = Invitation.objects.filter(used_by=user).first()
    if invitation:
        return invitation.commune_id
    first = Submission.objects.filter(owner=user).first()
    return first.commune_id if first else None


@staff_member_required
def invitation_print(request, pk: int):
    # The same right as the admin's list of invitations: whoever may not read the codes there may not here.
    if not request.user.has_perm("portal.view_invitation"):
        raise PermissionDenied(_("You may not see invitation codes."))
    invitation = get_object_or_404(Invitation, pk=pk)
    url = request.build_absolute_uri(reverse("portal:join") + f"?code={invitation.code}")
    qr = segno.make(url, error="m")
    buf = io.BytesIO()
    qr.save(buf, kind="svg", scale=6, border=2, xmldecl=False, svgns=True, title=invitation.code)
    context = {"invitation": invitation, "url": url, "qr_svg": buf.getvalue().decode()}
    return render(request, "portal/invitation_print.html", context)
