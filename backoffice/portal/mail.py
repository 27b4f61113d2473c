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
