"""The shopkeepers' portal under attack: approving what was never shown, reading invitation codes
without the right, telling accounts apart on the join page, guessing invitation codes."""

import html
import re

import pytest
from bo_helpers import jpeg_bytes
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from backoffice.catalog.models import AuditEvent, Entry
from backoffice.portal import moderation
from backoffice.portal.models import Invitation, Submission

LISTING = {
    "name": "Boulangerie Martin",
    "category": "bakery",
    "summary_fr": "Pain au levain",
    "street": "3 rue du Thuile",
    "postcode": "15100",
    "city": "Saint-Flour",
    "h_Tu_1_open": "07:00",
    "h_Tu_1_close": "12:30",
}
CHANGED = "La fiche a été modifiée par le commerçant depuis que vous l'avez ouverte"


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def photo(color=(200, 30, 30)):
    return SimpleUploadedFile("p.jpg", jpeg_bytes(color=color), content_type="image/jpeg")


@pytest.fixture
def shop(db, commune):
    """A shopkeeper logged in on the portal, with one listing sent."""
    user = User.objects.create_user("martin", "martin@shop.example", "levain-1952-pain")
    Invitation.objects.create(shop_name="Boulangerie Martin", commune=commune, used_by=user)
    c = Client()
    c.force_login(user)
    assert c.post("/portal/listings/new/", {**LISTING, "photos": [photo()]}).status_code == 302
    return c, Submission.objects.get()


@pytest.fixture
def moderator(staff):
    c = Client()
    c.force_login(staff("moderator"))
    return c


def open_for_review(moderator, submission) -> str:
    page = text_of(moderator.get(f"/admin/portal/submission/{submission.pk}/change/"))
    return re.search(r'name="seen" value="([0-9a-f]+)"', page).group(1)


def decide(moderator, submission, seen, button="_approve", reason=""):
    return moderator.post(
        f"/admin/portal/submission/{submission.pk}/change/", {"seen": seen, "reason": reason, button: "1"}, follow=True
    )


EDITS = {
    "text": lambda c, s: c.post(f"/portal/listings/{s.pk}/", {**LISTING, "summary_fr": "Nouveau texte jamais relu"}),
    "new photo": lambda c, s: c.post(
        f"/portal/listings/{s.pk}/", {**LISTING, "keep_photos": [], "photos": [photo((0, 0, 250))]}
    ),
    "photo removed": lambda c, s: c.post(f"/portal/listings/{s.pk}/", {**LISTING, "keep_photos": []}),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_approve_refuses_a_listing_changed_after_it_was_opened(shop, moderator, edit):
    client, submission = shop
    seen = open_for_review(moderator, submission)
    assert EDITS[edit](client, submission).status_code == 302
    response = decide(moderator, submission, seen)
    assert CHANGED in text_of(response)
    submission.refresh_from_db()
    assert submission.state == "pending" and submission.entry is None
    assert not Entry.objects.exists()


@pytest.mark.parametrize("edit", list(EDITS))
def test_reject_refuses_a_listing_changed_after_it_was_opened(shop, moderator, edit):
    client, submission = shop
    seen = open_for_review(moderator, submission)
    EDITS[edit](client, submission)
    response = decide(moderator, submission, seen, "_reject", reason="Photo floue")
    assert CHANGED in text_of(response)
    submission.refresh_from_db()
    assert submission.state == "pending" and submission.reason == ""


@pytest.mark.parametrize("seen", ["", "0" * 64, "forged"])
def test_approve_without_the_fingerprint_of_the_page_is_refused(shop, moderator, seen):
    _client, submission = shop
    response = decide(moderator, submission, seen)
    assert CHANGED in text_of(response)
    assert not Entry.objects.exists()


def test_approve_publishes_exactly_what_was_shown(shop, moderator):
    _client, submission = shop
    response = decide(moderator, submission, open_for_review(moderator, submission))
    assert "Publiée" in text_of(response)
    entry = Entry.objects.get()
    assert entry.summary == {"fr": "Pain au levain"} and entry.images.count() == 1


def test_an_edit_of_a_published_listing_is_not_published_unseen(shop, moderator):
    client, submission = shop
    decide(moderator, submission, open_for_review(moderator, submission))
    seen = open_for_review(moderator, submission)
    EDITS["text"](client, submission)
    decide(moderator, submission, seen)
    assert Entry.objects.get().summary == {"fr": "Pain au levain"}


def test_moderation_api_refuses_a_stale_object(shop, staff):
    client, submission = shop
    stale = Submission.objects.get(pk=submission.pk)
    EDITS["text"](client, submission)
    with pytest.raises(moderation.ChangedSinceShown):
        moderation.approve(stale, staff("moderator"))
    with pytest.raises(moderation.ChangedSinceShown):
        moderation.reject(stale, User.objects.get(username="moderator"), "Trop court")


# --- invitation codes: only for those who may read them in the admin ---------------------------------


@pytest.fixture
def invitation(commune):
    return Invitation.objects.create(shop_name="Boucherie Roux", commune=commune)


@pytest.mark.parametrize("role", ["editor", None])
def test_invitation_print_needs_the_right_to_view_invitations(client, staff, invitation, role):
    plain = lambda: User.objects.create_user("plainstaff", "p@x.fr", "x-pass-long-enough", is_staff=True)  # noqa: E731
    user = staff(role) if role else plain()
    client.force_login(user)
    assert client.get("/admin/portal/invitation/").status_code == 403
    response = client.get(f"/portal/invitations/{invitation.pk}/print/")
    assert response.status_code == 403 and invitation.code not in text_of(response)
    assert "Vous n'avez pas le droit de voir les codes d'invitation." in text_of(response)  # said in French


def test_invitation_print_for_a_shopkeeper_or_anonymous_shows_no_code(client, invitation, db):
    response = client.get(f"/portal/invitations/{invitation.pk}/print/")
    assert response.status_code == 302 and invitation.code not in text_of(response)
    client.force_login(User.objects.create_user("shopkeeper", "s@x.fr", "x-pass-long-enough"))
    assert invitation.code not in text_of(client.get(f"/portal/invitations/{invitation.pk}/print/"))


def test_invitation_code_is_not_written_to_the_audit_log(client, staff, commune):
    client.force_login(staff("moderator"))
    client.post(
        "/admin/portal/invitation/add/",
        {"shop_name": "Fromagerie", "commune": commune.pk, "expires_at_0": "31/12/2099", "expires_at_1": "12:00"},
    )
    code = Invitation.objects.get(shop_name="Fromagerie").code
    assert AuditEvent.objects.filter(object_type="portal.Invitation").exists()
    assert not any(code in e.object_repr + e.detail for e in AuditEvent.objects.all())


# --- join: a wrong code tells nothing about accounts, and codes cannot be guessed at length ----------


def join(client, code, username="martin", addr="127.0.0.1"):
    data = {
        "code": code,
        "username": username,
        "email": "x@shop.example",
        "password1": "levain-1952-pain",
        "password2": "levain-1952-pain",
    }
    return client.post("/portal/join/", data, REMOTE_ADDR=addr)


@pytest.mark.parametrize("username", ["martin", "MARTIN", "Martin"])
def test_wrong_code_does_not_reveal_that_a_user_name_exists(client, db, username):
    User.objects.create_user("martin", "m@x.fr", "x-pass-long-enough")
    taken = text_of(join(client, "AAAAA-AAAAA", username))
    free = text_of(join(client, "AAAAA-AAAAA", "nobody-has-this"))
    strip = lambda page: re.sub(r'(value|nonce)="[^"]*"', "", re.sub(r"csrfmiddlewaretoken[^>]*", "", page))  # noqa: E731
    assert strip(taken) == strip(free)
    assert "existe déjà" not in taken


def test_a_valid_code_still_says_the_name_is_taken(client, invitation):
    User.objects.create_user("martin", "m@x.fr", "x-pass-long-enough")
    page = text_of(join(client, invitation.code, "martin"))
    assert "existe déjà" in page


def test_join_is_throttled_per_address(client, invitation, settings):
    settings.BORNE_JOIN_ATTEMPTS = 4
    for i in range(4):
        join(client, f"WRONG-CODE{i}", addr="203.0.113.5")
    page = text_of(join(client, invitation.code, addr="203.0.113.5"))
    assert "Trop de codes d'invitation erronés" in page
    assert not User.objects.filter(username="martin").exists()
    assert 'value="martin"' in page  # what was typed is kept
    assert join(client, invitation.code, addr="198.51.100.20").status_code == 302


def test_join_throttle_hides_whether_a_code_is_valid(client, invitation, settings):
    settings.BORNE_JOIN_ATTEMPTS = 2
    for i in range(2):
        join(client, f"WRONG-CODE{i}")
    valid = text_of(join(client, invitation.code, "a"))
    wrong = text_of(join(client, "BBBBB-BBBBB", "a"))
    assert "inconnu" not in valid and "inconnu" not in wrong
