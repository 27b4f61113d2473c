"""Accounts under attack: login throttling with look-alike names, and the shopkeepers' password reset
(no account enumeration, throttled, the link works once)."""

import html
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

THROTTLED = "Trop d'essais infructueux"

#: canonical name -> names Django's login treats the same (NFKC) or differ only by case
LOOKALIKES = {
    "shopa": ["ｓhopa", "ＳＨＯＰＡ", "ShopA", "shoᵖa", " shopa "],
    "fifi": ["ﬁﬁ", "FIFI", "ﬁFI"],
    "strasse": ["STRASSE", "Ｓtrasse", "ſtrasse"],
}


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def fail_with(client, url, names):
    for i in range(5):
        client.post(url, {"username": names[i % len(names)], "password": "wrong"})


@pytest.mark.parametrize("name", list(LOOKALIKES))
def test_portal_login_throttle_counts_lookalike_names_as_one(client, db, name):
    User.objects.create_user(name, "s@x.fr", "the-right-password")
    fail_with(client, "/portal/login/", LOOKALIKES[name])
    response = client.post("/portal/login/", {"username": name, "password": "the-right-password"})
    assert THROTTLED in text_of(response) and "_auth_user_id" not in client.session


@pytest.mark.parametrize("name", list(LOOKALIKES))
def test_admin_login_throttle_counts_lookalike_names_as_one(client, db, name):
    User.objects.create_user(name, "s@x.fr", "the-right-password", is_staff=True)
    fail_with(client, "/admin/login/", LOOKALIKES[name])
    response = client.post("/admin/login/", {"username": name, "password": "the-right-password"})
    assert THROTTLED in text_of(response) and "_auth_user_id" not in client.session


def test_portal_and_admin_failures_add_up(client, db):
    User.objects.create_user("shopa", "s@x.fr", "the-right-password", is_staff=True)
    fail_with(client, "/portal/login/", ["ＳＨＯＰＡ", "shopa"][:1] * 3)
    for _ in range(2):
        client.post("/admin/login/", {"username": "Shopa", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "shopa", "password": "the-right-password"})
    assert THROTTLED in text_of(response)


def test_a_different_name_is_not_locked_out(client, db):
    User.objects.create_user("shopb", "s@x.fr", "the-right-password")
    fail_with(client, "/portal/login/", ["shopa"])
    response = client.post("/portal/login/", {"username": "shopb", "password": "the-right-password"})
    assert response.status_code == 302


# --- password reset -------------------------------------------------------------------------------


@pytest.fixture
def shopkeeper(db):
    return User.objects.create_user("martin", "martin@shop.example", "old-password-1952")


def ask_reset(client, email, addr="127.0.0.1"):
    return client.post("/portal/password/forgotten/", {"email": email}, REMOTE_ADDR=addr, follow=True)


def test_login_page_links_to_the_reset(client, db):
    page = text_of(client.get("/portal/login/"))
    assert "/portal/password/forgotten/" in page and "Mot de passe oublié" in page


def test_reset_page_says_the_same_for_known_and_unknown_addresses(client, shopkeeper):
    known = ask_reset(client, "martin@shop.example")
    unknown = ask_reset(client, "nobody@shop.example")
    strip = lambda r: re.sub(r"csrfmiddlewaretoken[^>]*|nonce=\"[^\"]*\"", "", text_of(r))  # noqa: E731
    assert known.redirect_chain == unknown.redirect_chain
    assert strip(known) == strip(unknown)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["martin@shop.example"]


def test_reset_mail_is_french_and_its_link_sets_a_new_password(client, shopkeeper, settings):
    settings.BORNE_PUBLIC_URL = "https://borne.mairie.example"
    ask_reset(client, "MARTIN@shop.example")
    (message,) = mail.outbox
    assert "Bonjour" in message.body and "martin" in message.body and "mot de passe" in message.subject
    link = re.search(r"https://borne\.mairie\.example(/portal/password/new/\S+)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Nouveau mot de passe" in text_of(form)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "nouveau-levain-2026", "new_password2": "nouveau-levain-2026"},
        follow=True,
    )
    assert "Mot de passe changé" in text_of(done)
    assert client.login(username="martin", password="nouveau-levain-2026")
    client.logout()
    again = client.get(link, follow=True)
    assert "ne fonctionne plus" in text_of(again)


def test_staff_accounts_are_not_reset_from_the_portal(client, db):
    User.objects.create_user("agent", "agent@mairie.example", "x-pass-long-enough", is_staff=True)
    ask_reset(client, "agent@mairie.example")
    assert mail.outbox == []


@pytest.mark.parametrize("spread", ["one address", "many addresses"])
def test_reset_requests_are_throttled(client, shopkeeper, settings, spread):
    settings.BORNE_RESET_ATTEMPTS = 3
    for i in range(3):
        ask_reset(client, "martin@shop.example", addr="203.0.113.9" if spread == "one address" else f"203.0.113.{i}")
    refused = ask_reset(client, "martin@shop.example", addr="203.0.113.9")
    assert "Trop de demandes" in text_of(refused)
    assert len(mail.outbox) == 3


def test_reset_throttle_per_address_covers_unknown_addresses(client, shopkeeper, settings):
    settings.BORNE_RESET_ATTEMPTS = 2
    for i in range(2):
        ask_reset(client, f"nobody{i}@shop.example")
    assert "Trop de demandes" in text_of(ask_reset(client, "martin@shop.example"))
    assert mail.outbox == []


class Unreachable(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


def test_a_mail_server_down_is_no_server_error(client, shopkeeper, settings):
    settings.EMAIL_BACKEND = f"{__name__}.Unreachable"
    response = ask_reset(client, "martin@shop.example")
    assert response.status_code == 200 and "Consultez vos e-mails" in text_of(response)
