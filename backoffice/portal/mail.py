"""E-mails of the portal: to shopkeepers when their listing is decided, to moderators when one arrives.

Plain text, in French (the town's language, whatever page the sender was on), through Django's mail;
a mail that cannot be sent is logged and never stops the page that caused it."""

from __future__ import annotations

import logging

from django.conf import settings

log = logging.getLogger(__name__)


def public_url(request=None) -> str:
    """The back office's address as people reach it: ``BORNE_PUBLIC_URL``, else the request's own."""
    configured = (getattr(settings, "BORNE_PUBLIC_URL", "") or "").rstrip("/")
    if configured or request is None:
        return configured
    return request.build_absolute_uri("/").rstrip("/")


def _send(subject: str, template: str, context: dict, recipients: list[str]) -> bool:
    """Render and send one plain-text mail in the town's language; False (and a log line) if it failed."""
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import translation

    if not recipients:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(template, context)
        subject = " ".join((str(subject) % context).split())  # one line, whatever the name holds
    try:
        send_mail(subject, body, None, recipients)
    except Exception:  # a mail server down must never undo a decision or break the page
        log.exception("mail %r to %s could not be sent", subject, ", ".join(recipients))
        return False
    return True


def _link(base_url: str, path: str) -> str:
    base = (base_url or public_url()).rstrip("/")
    return f"{base}{path}" if base else ""


def listing_decided(submission, *, base_url: str = "") -> bool:
    """Tell the shopkeeper their listing was published, or refused and why."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from backoffice.portal.models import State

    owner = submission.owner
    context = {
        "name": submission.data.get("name") or "",
        "user": owner.get_username(),
        "reason": submission.reason,
        "link": _link(base_url, reverse("portal:edit", args=[submission.pk])),
    }
    if submission.state == State.PUBLISHED:
        subject, template = _("Your listing “%(name)s” is published"), "portal/mail/listing_published.txt"
    else:
        subject, template = _("Your listing “%(name)s” was not published"), "portal/mail/listing_rejected.txt"
    return _send(subject, template, context, [owner.email] if owner.email else [])


def moderators() -> list[str]:
    """The addresses of the staff who may approve listings."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.with_perm("portal.moderate", is_active=True).filter(is_staff=True)
    return sorted({u.email for u in users if u.email})


def submission_arrived(submission, *, is_new: bool, base_url: str = "") -> bool:
    """Tell the moderators a listing awaits them (a new one, or a change to one)."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    context = {
        "name": submission.data.get("name") or "",
        "user": submission.owner.get_username(),
        "commune": submission.commune.name,
        "is_new": is_new,
        "live": submission.live,
        "link": _link(base_url, reverse("admin:portal_submission_change", args=[submission.pk])),
    }
    subject = _("New shop listing to review: %(name)s") if is_new else _("Changed shop listing to review: %(name)s")
    return _send(subject, "portal/mail/submission_arrived.txt", context, moderators())
