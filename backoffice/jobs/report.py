"""The council's monthly report, made by a job on the first of the month and e-mailed to the administrators.

The report is the dashboard's printable page (``/tableau-de-bord/rapport/``) for the month just ended,
all kiosks, written to ``<data>/backoffice/reports/rapport-AAAA-MM.html`` and attached to one e-mail.
Run twice for the same month, it writes the same file again and sends nothing the second time.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

REPORTS_DIR = "reports"


def reports_dir() -> Path:
    return Path(settings.BACKOFFICE_DIR) / REPORTS_DIR


def previous_month(today: dt.date) -> str:
    """``2026-11`` on any day of December 2026."""
    last = today.replace(day=1) - dt.timedelta(days=1)
    return f"{last:%Y-%m}"


def render_report(month: str) -> str:
    """The printable report of ``month`` (``AAAA-MM``) as the dashboard draws it for staff."""
    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from backoffice.dashboard import views

    request = RequestFactory().get("/tableau-de-bord/rapport/", {"periode": "mois", "mois": month})
    request.user = AnonymousUser()
    request.csp_nonce = ""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string("dashboard/report.html", views._context(request, big=True), request=request)


def monthly_report(month: str | None = None) -> dict:
    """Write the report of ``month`` (default: the month just ended); e-mail it the first time only."""
    from backoffice.jobs.fleet import administrators_emails

    month = month or previous_month(timezone.localdate())
    folder = reports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"rapport-{month}.html"
    first_time = not path.exists()
    html = render_report(month)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    recipients = administrators_emails() if first_time else []
    if recipients:
        with translation.override(settings.LANGUAGE_CODE):
            mail = EmailMessage(
                _("Borne: the kiosks' use in %(month)s") % {"month": month},
                _(
                    "The report of the kiosks' use in %(month)s is attached: open it in a web browser and print it "
                    "for the council. The dashboard shows other months and periods."
                )
                % {"month": month},
                to=recipients,
            )
        mail.attach(path.name, html, "text/html")
        mail.send()
    log.info("Council report %s written to %s (%d recipient(s))", month, path, len(recipients))
    return {"month": month, "file": str(path), "mailed": len(recipients)}
