"""Staff: roles, the admin's entry form, moderation in the admin, the fleet page, the audit log."""

import pytest
from django.contrib.auth.models import User

from backoffice.catalog.models import AuditEvent, Entry
from backoffice.portal.models import Submission


def entry_form(**extra):
    data = {
        "kind": "heritage",
        "status": "published",
        "categories": ["cathedral"],
        "title_fr": "Cathédrale",
        "summary_fr": "Gothique",
        "opening_hours": "Mo-Su 09:00-18:00",
        "occurrences-TOTAL_FORMS": "0",
        "occurrences-INITIAL_FORMS": "0",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_editor_publishes_an_entry_in_the_admin_and_it_is_audited(client, staff, commune):
    editor = staff("editor")
    client.force_login(editor)
    response = client.post("/admin/catalog/entry/add/", entry_form(commune="15187", title_en="Cathedral"))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    entry = Entry.objects.get()
    assert entry.title == {"fr": "Cathédrale", "en": "Cathedral"} and entry.status == "published"
    event = AuditEvent.objects.get(action="add")
    assert (event.username, event.object_repr) == ("editor", "Cathédrale")


def test_admin_form_shows_contract_error_on_the_field(client, staff):
    client.force_login(staff("editor"))
    response = client.post("/admin/catalog/entry/add/", entry_form(opening_hours="sometimes"))
    assert response.status_code == 200
    assert "opening_hours" in response.context["adminform"].form.errors


def test_event_without_date_is_refused_in_the_admin(client, staff):
    client.force_login(staff("editor"))
    response = client.post("/admin/catalog/entry/add/", entry_form(kind="event", categories=["festival"]))
    assert response.status_code == 200 and not Entry.objects.exists()


def test_editor_cannot_moderate_or_manage_kiosks(client, staff):
    client.force_login(staff("editor"))
    assert client.get("/admin/fleet/kiosk/").status_code == 403
    assert client.get("/admin/portal/invitation/add/").status_code == 403


def test_moderator_approves_in_the_admin(client, staff, commune):
    owner = User.objects.create_user("martin", "m@x.fr", "x-pass-long-enough")
    s = Submission.objects.create(
        owner=owner,
        commune=commune,
        data={
            "name": "Boulangerie",
            "category": "bakery",
            "summary": {"fr": "Pain"},
            "street": "1 rue",
            "postcode": "15100",
            "city": "Saint-Flour",
            "opening_hours": "Tu-Sa 07:00-19:00",
        },
    )
    client.force_login(staff("moderator"))
    assert client.get("/admin/portal/submission/").status_code == 200
    # The page carries the fingerprint of the version shown: only that version is approved.
    seen = {"seen": s.fingerprint()}
    response = client.post(f"/admin/portal/submission/{s.pk}/change/", {"reason": "", "_approve": "1", **seen})
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.state == "published" and s.entry.status == "published"
    assert AuditEvent.objects.filter(action="approve", username="moderator").exists()


def test_reject_in_admin_without_reason_is_refused(client, staff, commune):
    owner = User.objects.create_user("martin", "m@x.fr", "x-pass-long-enough")
    s = Submission.objects.create(owner=owner, commune=commune, data={"name": "B"})
    client.force_login(staff("moderator"))
    response = client.post(f"/admin/portal/submission/{s.pk}/change/", {"reason": "", "_reject": "1"})
    assert response.status_code == 200
    s.refresh_from_db()
    assert s.state == "pending"


def test_fleet_status_page_shows_offline_kiosk(client, staff, kiosk_token):
    client.force_login(staff("administrator"))
    page = client.get("/admin/fleet/kiosk/status/").content.decode()
    assert "Place d&#x27;Armes" in page and 'class="offline"' in page
    assert "/admin/fleet/kiosk/status/" in client.get("/admin/fleet/kiosk/").content.decode()


def test_admin_is_french_by_default(client, staff):
    client.force_login(staff("administrator"))
    page = client.get("/admin/").content.decode()
    assert "Modifier le mot de passe" in page and "Fiches" in page


@pytest.mark.parametrize("role", ["editor", "moderator", "administrator"])
def test_groups_exist_with_permissions(staff, role):
    user = staff(role)
    assert user.get_all_permissions()


def test_new_kiosk_in_the_admin_gets_a_token_shown_once(client, staff, commune):
    from backoffice.fleet.models import Kiosk

    client.force_login(staff("administrator"))
    response = client.post(
        "/admin/fleet/kiosk/add/", {"name": "Mairie", "commune": "15187", "location": "Hall"}, follow=True
    )
    assert not [m for m in response.context["messages"] if "bk_" in str(m)]  # never in the messages cookie
    (token,) = response.context["issued"][0][1:]  # shown in the page itself
    assert token in response.content.decode()
    kiosk = Kiosk.objects.get(name="Mairie")
    assert Kiosk.by_token(token) == kiosk and token not in kiosk.token_hash


def test_admin_login_is_throttled(client, db):
    User.objects.create_superuser("chef", "c@x.fr", "the-right-password")
    for _ in range(5):
        client.post("/admin/login/", {"username": "chef", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "chef", "password": "the-right-password"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
