"""The fleet check: which kiosks went silent or came back, and one e-mail to the administrators per event.

A kiosk is silent when it was heard of once and not for ``BORNE_OFFLINE_AFTER_MINUTES`` (the fleet
pages call it offline then). Staff are told once per silence: the kiosk is remembered in
:class:`~backoffice.jobs.models.SilentKiosk` until it is heard again; then they are told it is back
(once: the row is deleted in the same transaction), and the next silence is told too.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FleetCheck:
    silent: int  # kiosks silent now
    told: int  # of which staff were e-mailed about in this run
    back: int  # kiosks heard again since they were told about


def administrators_emails() -> list[str]:
    from django.contrib.auth import get_user_model

    from backoffice.catalog.groups import GROUP_NAMES

    User = get_user_model()
    admins = User.objects.filter(is_active=True).exclude(email="")
    emails = admins.filter(is_superuser=True) | admins.filter(groups__name=GROUP_NAMES["administrator"])
    return sorted(set(emails.values_list("email", flat=True)))


def check_fleet(now: dt.datetime | None = None) -> FleetCheck:
    """Tell the administrators about kiosks newly silent; forget the kiosks heard again. Safe to run twice."""
    from backoffice.fleet.models import Kiosk
    from backoffice.jobs.models import SilentKiosk

    now = now or timezone.now()
    limit = dt.timedelta(minutes=settings.BORNE_OFFLINE_AFTER_MINUTES)
    kiosks = list(Kiosk.objects.filter(revoked=False).select_related("commune"))
    silent = [k for k in kiosks if k.last_contact is not None and now - k.last_contact >= limit]
    silent_ids = {k.pk for k in silent}
    back = 0
    for notice in SilentKiosk.objects.exclude(kiosk_id__in=silent_ids).select_related("kiosk__commune"):
        with transaction.atomic():
            if not SilentKiosk.objects.filter(pk=notice.pk).delete()[0]:
                continue  # another run of the check took it: told once
            kiosk = notice.kiosk
            if kiosk.revoked or kiosk.last_contact is None:
                continue  # withdrawn from the fleet, not back
            _tell_back(kiosk, notice.last_contact, now)
            back += 1
    told = 0
    for kiosk in silent:
        with transaction.atomic():
            _notice, created = SilentKiosk.objects.get_or_create(
                kiosk=kiosk, defaults={"last_contact": kiosk.last_contact}
            )
            if created:
                _tell(kiosk, now)
                told += 1
    if told or back:
        log.info("Fleet check: %d silent kiosk(s), %d newly told, %d heard again", len(silent), told, back)
    return FleetCheck(silent=len(silent), told=told, back=back)


def _tell(kiosk, now: dt.datetime) -> None:
    from backoffice.fleet.status import contact

    recipients = administrators_emails()
    if not recipients:
        log.warning("Kiosk %s is silent and no administrator has an e-mail address", kiosk)
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Kiosk %(kiosk)s gives no news") % {"kiosk": kiosk}
        body = _(
            "The kiosk %(kiosk)s (%(commune)s, %(location)s) was last heard of %(contact)s.\n\n"
            "Check that it is switched on and connected to the network. Its page in the back office: "
            "Bornes > %(kiosk)s.\n\nYou will not get another e-mail about it until it is heard again."
        ) % {
            "kiosk": kiosk,
            "commune": kiosk.commune.name,
            "location": kiosk.location or "—",
            "contact": contact(kiosk),
        }
    send_mail(subject, body, None, recipients)


def _tell_back(kiosk, silent_since: dt.datetime | None, now: dt.datetime) -> None:
    from backoffice.fleet.status import contact, duration

    recipients = administrators_emails()
    if not recipients:
        return
    silence = (kiosk.last_contact - silent_since).total_seconds() if silent_since else 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Kiosk %(kiosk)s is back") % {"kiosk": kiosk}
        body = _(
            "The kiosk %(kiosk)s (%(commune)s, %(location)s) was heard of again %(contact)s, after %(silence)s "
            "of silence.\n\nNothing to do. You will get another e-mail if it goes silent again."
        ) % {
            "kiosk": kiosk,
            "commune": kiosk.commune.name,
            "location": kiosk.location or "—",
            "contact": contact(kiosk),
            "silence": duration(max(0, silence)),
        }
    send_mail(subject, body, None, recipients)
