"""The staff side of the portal: the invitation code shown on the add form is the code saved, the
moderation right is named in French."""

import html
import re

import pytest

from backoffice.portal.models import Invitation


@pytest.fixture
def moderator(client, staff):
    client.force_login(staff("moderator"))
    return client


def shown_code(page: str) -> str:
    return re.search(r"\b([A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5})\b", page).group(1)


def add(client, page, **extra):
    token = re.search(r'name="shown_code" value="([^"]*)"', page).group(1)
    data = {"shop_name": "Fromagerie", "expires_at_0": "31/12/2099", "expires_at_1": "12:00", "shown_code": token}
    return client.post("/admin/portal/invitation/add/", {**data, **extra}, follow=True)


def test_the_code_on_the_add_form_is_the_one_saved(moderator, commune):
    page = html.unescape(moderator.get("/admin/portal/invitation/add/").content.decode())
    code = shown_code(page)
    add(moderator, page, commune=commune.pk)
    assert Invitation.objects.get().code == code


def test_after_a_form_error_the_code_shown_is_still_the_one_saved(moderator, commune):
    page = html.unescape(moderator.get("/admin/portal/invitation/add/").content.decode())
    code = shown_code(page)
    again = html.unescape(add(moderator, page).content.decode())  # no commune: refused
    assert not Invitation.objects.exists() and shown_code(again) == code
    add(moderator, again, commune=commune.pk)
    assert Invitation.objects.get().code == code


def test_a_forged_code_is_not_taken(moderator, commune):
    page = html.unescape(moderator.get("/admin/portal/invitation/add/").content.decode())
    add(moderator, page.replace('name="shown_code" value="', 'name="shown_code" value="x'), commune=commune.pk)
    saved = Invitation.objects.get().code
    assert saved != "" and re.fullmatch(r"[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}", saved)


def test_a_code_already_given_is_not_given_twice(moderator, commune):
    page = html.unescape(moderator.get("/admin/portal/invitation/add/").content.decode())
    add(moderator, page, commune=commune.pk)
    add(moderator, page, commune=commune.pk)  # the same form sent twice (back button)
    codes = list(Invitation.objects.values_list("code", flat=True))
    assert len(codes) == 2 and len(set(codes)) == 2


def test_the_moderation_right_is_named_in_french_in_the_admin(db):
    from django.contrib.auth.models import Permission

    assert Permission.objects.get(codename="moderate").name == "Peut approuver ou refuser les fiches des commerçants"
