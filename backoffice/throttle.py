"""Throttling of what can be guessed: logins (admin and portal), invitation codes on the portal's
join page and password-reset requests. Failures are counted per key (a user name, an address, an
e-mail) in Django's cache for a window; past the limit the form refuses, whatever is typed."""

from __future__ import annotations

import hashlib
import unicodedata

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


def canonical_name(value: str) -> str:
    """A user name as Django compares it at login (NFKC, like ``AbstractBaseUser.normalize_username``),
    case-folded: ``ｓhopa``, ``SHOPA`` and ``shopa`` are one name for counting failures."""
    name = unicodedata.normalize("NFKC", str(value or "")).strip()
    return unicodedata.normalize("NFKC", name.casefold())


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def name_key(scope: str, value: str) -> str:
    """The cache key counting failures of ``scope`` (login, join, reset, …) for one name or address."""
    return f"throttle:{scope}:{_digest(canonical_name(value))}"


def address_key(scope: str, request) -> str:
    return f"throttle:{scope}:addr:{_digest(client_address(request))}"


def window() -> int:
    return settings.BORNE_LOGIN_WINDOW_SECONDS


def over_limit(limits: dict[str, int]) -> bool:
    """True when any key's count has reached its limit (``{key: limit}``)."""
    counts = cache.get_many(list(limits))
    return any((counts.get(key) or 0) >= limit for key, limit in limits.items())


def count_failure(*keys: str) -> None:
    for key in keys:
        cache.add(key, 0, window())
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window())


def _login_keys(request, username: str) -> tuple[str, str]:
    # The same keys for the admin and the portal: one account, one count.
    return name_key("login", username), address_key("login", request)


class ThrottledMixin:
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _("Too many failed attempts. Wait 15 minutes before trying again."),
    }

    def clean(self):
        user_key, addr_key = _login_keys(self.request, self.data.get("username", ""))
        limit = settings.BORNE_LOGIN_ATTEMPTS
        if over_limit({user_key: limit, addr_key: limit * 4}):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            return super().clean()
        except forms.ValidationError:
            count_failure(user_key, addr_key)
            raise


class ThrottledAuthenticationForm(ThrottledMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledMixin, AdminAuthenticationForm):
    pass
