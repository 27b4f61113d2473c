"""Login throttling for the admin and the portal: too many failures for one name or address -> refused for a while."""

from __future__ import annotations

import hashlib

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _


def client_address(request) -> str:
    """The visitor's address: ``REMOTE_ADDR``, or the header a trusted reverse proxy sets
    (``BORNE_CLIENT_IP_HEADER=HTTP_X_REAL_IP`` with nginx's ``proxy_set_header X-Real-IP``)."""
    if request is None:
        return ""
    header = settings.BORNE_CLIENT_IP_HEADER
    return (request.META.get(header, "") if header else "") or request.META.get("REMOTE_ADDR", "")


def _keys(request, username: str) -> list[str]:
    addr = client_address(request)
    name = hashlib.sha256((username or "").strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:user:{name}", f"login-fail:addr:{addr}"]


class ThrottledMixin:
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed attempts. Wait 15 minutes before trying again."),
    }

    def clean(self):
        keys = _keys(self.request, self.data.get("username", ""))
        limit = settings.BORNE_LOGIN_ATTEMPTS
        if any((cache.get(k) or 0) >= limit for k in keys[:1]) or (cache.get(keys[1]) or 0) >= limit * 4:
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            for k in keys:
                cache.add(k, 0, settings.BORNE_LOGIN_WINDOW_SECONDS)
                try:
                    cache.incr(k)
                except ValueError:
                    cache.set(k, 1, settings.BORNE_LOGIN_WINDOW_SECONDS)
            raise


class ThrottledAuthenticationForm(ThrottledMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledMixin, AdminAuthenticationForm):
    pass
