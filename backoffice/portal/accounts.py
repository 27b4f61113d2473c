"""Shopkeepers' accounts: resetting a forgotten password by e-mail (Django's flow, in the portal's look).

Only shopkeepers' accounts (not staff) are reset here; the request page says the same thing whether
or not the address belongs to an account, and requests are throttled per address and per e-mail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from backoffice import throttle
from backoffice.portal.mail import public_url


def reset_attempts() -> int:
    """Reset requests allowed per address and per e-mail within the throttling window."""
    return getattr(settings, "BORNE_RESET_ATTEMPTS", 5)


class ShopkeeperPasswordResetForm(PasswordResetForm):
    def get_users(self, email):
        # Staff accounts open the admin: they are not reset by a mail anyone can ask for.
        return (user for user in super().get_users(email) if not user.is_staff)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ShopkeeperPasswordResetForm
    template_name = "portal/password_reset.html"
    email_template_name = "portal/password_reset_email.txt"
    subject_template_name = "portal/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")

    def form_valid(self, form):
        keys = (
            throttle.address_key("reset", self.request),
            throttle.name_key("reset-mail", form.cleaned_data["email"]),
        )
        if throttle.over_limit(dict.fromkeys(keys, reset_attempts())):
            form.add_error(None, _("Too many requests for a new password. Wait 15 minutes and try again."))
            return self.form_invalid(form)
        throttle.count_failure(*keys)
        self.extra_email_context = {"base_url": public_url(self.request)}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/password_reset_complete.html"
