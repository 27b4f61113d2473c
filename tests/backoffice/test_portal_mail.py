"""E-mails of the portal: the shopkeeper hears of the decision on their listing, moderators of each new
or changed listing; in French, plain text; a mail server down never breaks a page or a decision."""

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client

from backoffice.portal import moderation
from backoffice.portal.models import Invitation, Submission

LISTING = {
    "name": "Boulangerie Martin",
    "category": "bakery",
    "summary_fr": "Pain au levain",
    "street": "3 rue du Thuile",
    "postcode": "15100",
    "city": "Saint-Flour",
}


@pytest.fixture
def shop(db, commune):
    user = User.objects.create_user("martin", "martin@shop.example", "levain-1952-pain")
    Invitation.objects.create(shop_name="Boulangerie Martin", commune=commune, used_by=user)
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def moderators(staff):
    for role, name in [("moderator", "anne"), ("moderator", "paul"), ("editor", "eddie")]:  # eddie may not moderate
        user = staff(role, name)
        user.email = f"{name}@mairie.example"
        user.save()
    return ["anne@mairie.example", "paul@mairie.example"]


def send_listing(client, **extra):
    return client.post("/portal/listings/new/", {**LISTING, **extra})


def test_moderators_are_told_of_a_new_listing(shop, moderators, settings):
    settings.BORNE_PUBLIC_URL = "https://borne.mairie.example"
    send_listing(shop)
    (message,) = mail.outbox
    assert sorted(message.to) == moderators
    assert message.subject == "Nouvelle fiche commerçant à relire : Boulangerie Martin"
    s = Submission.objects.get()
    assert f"https://borne.mairie.example/admin/portal/submission/{s.pk}/change/" in message.body
    assert "martin" in message.body and "Saint-Flour" in message.body


def test_moderators_are_told_of_a_change(shop, moderators, staff):
    send_listing(shop)
    s = Submission.objects.get()
    moderation.approve(s, User.objects.get(username="anne"))
    mail.outbox.clear()
    shop.post(f"/portal/listings/{s.pk}/", {**LISTING, "summary_fr": "Pain au levain et viennoiseries"})
    (message,) = mail.outbox
    assert message.subject.startswith("Fiche commerçant modifiée à relire")
    assert "version publiée" in message.body


def test_a_refused_listing_mails_no_one(shop, moderators):
    send_listing(shop, summary_fr="<b>Pain</b>")
    assert mail.outbox == []


def test_shopkeeper_is_told_of_the_approval(shop, moderators):
    send_listing(shop)
    mail.outbox.clear()
    moderation.approve(Submission.objects.get(), User.objects.get(username="anne"))
    (message,) = mail.outbox
    assert message.to == ["martin@shop.example"]
    assert message.subject == "Votre fiche « Boulangerie Martin » est publiée"
    assert "Bonjour" in message.body and "approuvé" in message.body


def test_shopkeeper_is_told_of_the_refusal_with_the_reason(shop, moderators):
    send_listing(shop)
    mail.outbox.clear()
    moderation.reject(Submission.objects.get(), User.objects.get(username="anne"), "La photo est floue.")
    (message,) = mail.outbox
    assert message.subject == "Votre fiche « Boulangerie Martin » n'a pas été publiée"
    assert "La photo est floue." in message.body


def test_mails_are_french_whatever_the_page_language(shop, moderators):
    shop.post("/portal/listings/new/", LISTING, HTTP_ACCEPT_LANGUAGE="en")
    assert "Nouvelle fiche" in mail.outbox[0].subject


def test_mails_are_plain_text(shop, moderators):
    send_listing(shop, name="Café & Thé")
    (message,) = mail.outbox
    assert "Café & Thé" in message.body and "&amp;" not in message.body
    assert not getattr(message, "alternatives", None)


class Unreachable(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


def test_a_mail_server_down_breaks_nothing(shop, moderators, settings, caplog):
    settings.EMAIL_BACKEND = f"{__name__}.Unreachable"
    assert send_listing(shop).status_code == 302
    s = Submission.objects.get()
    moderation.approve(s, User.objects.get(username="anne"))
    s.refresh_from_db()
    assert s.state == "published"
    assert "could not be sent" in caplog.text
