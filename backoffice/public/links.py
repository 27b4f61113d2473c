"""Addresses of public pages: what the feed and the bundles carry as an entry's ``public_url``."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def base_url() -> str:
    """The back office's public address (``BORNE_PUBLIC_URL``), "" when it is not configured."""
    return (getattr(settings, "BORNE_PUBLIC_URL", "") or "").rstrip("/")


def entry_public_url(pk: int | None) -> str:
    """``https://…/p/42`` for entry ``pk``: the kiosk adds ``/<lang>``. "" without a public address or a pk."""
    base = base_url()
    if not base or pk is None:
        return ""
    return base + reverse("public:entry_any", args=[pk])


def absolute(request, path: str) -> str:
    base = base_url()
    return base + path if base else request.build_absolute_uri(path)
