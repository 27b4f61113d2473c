"""Shopkeepers: invitation, listing, moderation, and never another shop's data."""

import pytest
from bo_helpers import jpeg_bytes
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from backoffice.portal import moderation
from backoffice.portal.models import Invitation, Submission

LISTING = {
    "name": "Boulangerie Martin",
    "category": "bakery",
    "summary_fr": "Pain au levain",
    "body_fr": "Depuis 1952.",
    "street": "3 rue du Thuile",
    "postcode": "15100",
    "city": "Saint-Flour",
    "phone": "04 71 00 00 00",
    "website": "https://boulangerie.example",
    "h_Tu_1_open": "07:00",
    "h_Tu_1_close": "12:30",
    "h_Tu_2_open": "15:00",
    "h_Tu_2_close": "19:00",
    "h_We_1_open": "07:00",
    "h_We_1_close": "12:30",
    "h_We_2_open": "15:00",
    "h_We_2_close": "19:00",
    "h_Su_1_open": "07:00",
    "h_Su_1_close": "12:00",
}


@pytest.fixture
def invitation(commune):
    return Invitation.objects.create(shop_name="Boulangerie Martin", commune=commune)


def join(client, invitation, username="martin"):
    return client.post(
        "/portal/join/",
        {
            "code": invitation.code.lower().replace("-", " "),
            "username": username,
            "email": f"{username}@shop.example",
            "password1": "levain-1952-pain",
            "password2": "levain-1952-pain",
        },
    )


@pytest.fixture
def shopkeeper(client, invitation):
    response = join(client, invitation)
    assert response.status_code == 302, response.content
    return User.objects.get(username="martin")


def submit(client, **extra):
    return client.post("/portal/listings/new/", {**LISTING, **extra})


def test_invitation_code_creates_account_once(client, invitation):
    assert join(client, invitation).status_code == 302
    invitation.refresh_from_db()
    assert invitation.used_by.username == "martin"
    client.logout()
    again = join(client, invitation, username="other")
    assert again.status_code == 200 and "déjà utilisé" in again.content.decode()
    assert not User.objects.filter(username="other").exists()


def test_wrong_code_refused(client, db):
    response = client.post(
        "/portal/join/",
        {
            "code": "AAAAA-AAAAA",
            "username": "x",
            "email": "x@y.fr",
            "password1": "levain-1952-pain",
            "password2": "levain-1952-pain",
        },
    )
    assert response.status_code == 200 and not User.objects.filter(username="x").exists()


def test_listing_from_the_hours_table_is_pending(client, shopkeeper):
    photo = SimpleUploadedFile("pain.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = submit(client, photos=[photo])
    assert response.status_code == 302, response.content
    s = Submission.objects.get()
    assert s.state == "pending" and s.owner == shopkeeper
    assert s.data["opening_hours"] == "Tu,We 07:00-12:30,15:00-19:00; Su 07:00-12:00"
    assert s.photos.count() == 1
    assert (
        "awaiting review" in client.get("/portal/").content.decode()
        or "attente" in client.get("/portal/").content.decode()
    )


def test_php_photo_is_refused_in_the_form(client, shopkeeper):
    php = SimpleUploadedFile("shell.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = submit(client, photos=[php])
    assert response.status_code == 200
    assert not Submission.objects.exists()


def test_approve_publishes_and_feed_has_it(client, shopkeeper, staff, kiosk_token):
    submit(client, photos=[SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg")])
    s = Submission.objects.get()
    entry = moderation.approve(s, staff("moderator"))
    assert entry.status == "published" and entry.wire_id == f"shop:{s.pk}"
    feed = client.get("/api/kiosk/v1/changes", HTTP_AUTHORIZATION=f"Bearer {kiosk_token[1]}").json()
    (wire,) = feed["entries"]
    assert wire["title"]["fr"] == "Boulangerie Martin" and wire["kind"] == "shop"
    assert wire["media"][0]["sha256"] == s.photos.get().sha256


def test_edit_of_published_listing_waits_while_old_version_stays_live(client, shopkeeper, staff):
    submit(client)
    s = Submission.objects.get()
    moderation.approve(s, staff("moderator"))
    response = client.post(f"/portal/listings/{s.pk}/", {**LISTING, "name": "Boulangerie Martin & Fils"})
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.state == "pending" and s.data["name"] == "Boulangerie Martin & Fils"
    assert s.entry.title["fr"] == "Boulangerie Martin" and s.entry.status == "published"
    moderation.approve(s, staff("moderator", "mod2"))
    s.entry.refresh_from_db()
    assert s.entry.title["fr"] == "Boulangerie Martin & Fils"


def test_reject_needs_a_reason_and_shopkeeper_sees_it(client, shopkeeper, staff):
    from django.core.exceptions import ValidationError

    submit(client)
    s = Submission.objects.get()
    with pytest.raises(ValidationError):
        moderation.reject(s, staff("moderator"), "  ")
    moderation.reject(s, User.objects.get(username="moderator"), "Photo floue")
    page = client.get("/portal/").content.decode()
    assert "Photo floue" in page


def test_shopkeeper_cannot_see_or_change_another_listing(client, shopkeeper, commune, db):
    other = User.objects.create_user("voisin", "v@shop.example", "x-pass-long-enough")
    theirs = Submission.objects.create(owner=other, commune=commune, data={"name": "Chez le voisin"})
    assert client.get(f"/portal/listings/{theirs.pk}/").status_code == 404
    assert client.post(f"/portal/listings/{theirs.pk}/", LISTING).status_code == 404
    theirs.refresh_from_db()
    assert theirs.data == {"name": "Chez le voisin"}
    assert "Chez le voisin" not in client.get("/portal/").content.decode()


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/catalog/entry/", "/admin/portal/submission/", "/admin/fleet/kiosk/status/"]
)
def test_shopkeeper_and_anonymous_cannot_reach_the_admin(client, shopkeeper, url):
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_portal_needs_login(client, db):
    response = client.get("/portal/listings/new/")
    assert response.status_code == 302 and "/portal/login/" in response["Location"]


def test_user_without_invitation_cannot_add_listing(client, db):
    User.objects.create_user("drifter", "d@x.fr", "x-pass-long-enough")
    client.login(username="drifter", password="x-pass-long-enough")
    assert client.get("/portal/listings/new/").status_code == 403


def test_csrf_is_enforced_on_the_portal(shopkeeper, db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(shopkeeper)
    assert strict.post("/portal/listings/new/", LISTING).status_code == 403


def test_login_attempts_are_throttled(client, db):
    User.objects.create_user("martin", "m@x.fr", "the-right-password")
    for _ in range(5):
        client.post("/portal/login/", {"username": "martin", "password": "wrong"})
    response = client.post("/portal/login/", {"username": "martin", "password": "the-right-password"})
    assert response.status_code == 200  # refused even with the right password
    assert "_auth_user_id" not in client.session


def test_invitation_print_page_has_code_and_qr(client, invitation, staff):
    client.force_login(staff("moderator"))
    page = client.get(f"/portal/invitations/{invitation.pk}/print/").content.decode()
    assert invitation.code in page and "<svg" in page and f"code={invitation.code}" in page


def test_hours_preview_endpoint(client, db):
    assert client.get("/hours/preview", {"value": "Mo-Fr 09:00-12:00"}).json()["ok"] is True
    assert client.get("/hours/preview", {"value": "whenever"}).json()["ok"] is False


def test_portal_is_french_by_default_and_english_on_request(client, shopkeeper):
    assert "Mes fiches" in client.get("/portal/").content.decode()
    english = client.get("/portal/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My listings" in english and "Mes fiches" not in english


def test_every_french_message_keeps_its_placeholders():
    import re

    from babel.messages.pofile import read_po

    from backoffice.locale_build import LOCALE_DIR

    with open(LOCALE_DIR / "fr/LC_MESSAGES/django.po", "rb") as fh:
        catalog = read_po(fh)
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\(\w+\)", ids[0]))
        for translated in strings:
            assert set(re.findall(r"%\(\w+\)", translated)) == wanted, message.id


def test_throttle_counts_per_client_behind_a_proxy(client, settings, db):
    settings.BORNE_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    User.objects.create_user("other", "o@x.fr", "the-right-password")
    for i in range(25):  # many failures from one visitor, for many names
        client.post("/portal/login/", {"username": f"x{i}", "password": "wrong"}, HTTP_X_REAL_IP="203.0.113.9")
    ok = client.post(
        "/portal/login/", {"username": "other", "password": "the-right-password"}, HTTP_X_REAL_IP="198.51.100.7"
    )
    assert ok.status_code == 302  # another visitor behind the same proxy is not locked out


def test_hours_preview_reads_in_the_visitors_language(client, db):
    text = client.get("/hours/preview", {"value": "Mo-Fr 09:00-12:00"}).json()["text"]
    assert "lundi" in text and "[" not in text
    english = client.get("/hours/preview", {"value": "Mo-Fr 09:00-12:00"}, HTTP_ACCEPT_LANGUAGE="en").json()["text"]
    assert "Monday" in english
