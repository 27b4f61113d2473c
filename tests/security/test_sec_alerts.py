"""A flood of alerts: at most ``BORNE_MAX_ALERTS`` alerts are live (active, not expired) at once, by
every path that writes them (the admin's form, the model, a bulk insert, the contract importer), and
a French reason says what to do; the feed does not carry more."""

import datetime as dt

import pytest
from django.utils import timezone

from backoffice.catalog.models import Alert, AlertLimitError, max_alerts
from backoffice.catalog.wire import save_contract_alert

LIMIT = 3


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.BORNE_MAX_ALERTS = LIMIT


def live_alert(n: int, **kw) -> Alert:
    return Alert(level="urgent", message={"fr": f"Alerte {n}"}, **kw)


@pytest.fixture
def full(db):
    """As many live alerts as the limit allows."""
    return [Alert.objects.create(level="info", message={"fr": f"Alerte {n}"}) for n in range(LIMIT)]


def alert_form(**extra):
    data = {
        "level": "urgent",
        "message_fr": "Route fermée",
        "starts_0": "01/01/2026",
        "starts_1": "10:00",
        "active": "on",
    }
    data.update(extra)
    return data


def test_the_default_limit_is_200(settings):
    del settings.BORNE_MAX_ALERTS

    assert max_alerts() == 200


def test_the_admin_refuses_one_alert_too_many_in_french(client, staff, full):
    client.force_login(staff("editor"))

    response = client.post("/admin/catalog/alert/add/", alert_form())

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert len(errors) == 1 and f"{LIMIT}" in errors[0] and "alertes" in errors[0]
    assert response.context["adminform"].form["message_fr"].value() == "Route fermée"
    assert Alert.objects.count() == LIMIT


def test_the_model_refuses_one_alert_too_many(full):
    with pytest.raises(AlertLimitError):
        live_alert(99).save()

    assert Alert.objects.count() == LIMIT


def test_a_bulk_insert_beyond_the_limit_stores_nothing(db):
    with pytest.raises(AlertLimitError):
        Alert.objects.bulk_create([live_alert(n) for n in range(LIMIT + 1)])

    assert Alert.objects.count() == 0


def test_a_bulk_insert_within_the_limit_is_stored(db):
    Alert.objects.bulk_create([live_alert(n) for n in range(LIMIT)])

    assert Alert.objects.count() == LIMIT


def test_the_contract_importer_cannot_flood_either(full):
    data = {"id": "bundle:x", "level": "urgent", "message": {"fr": "Crue"}, "from": timezone.now().isoformat()}

    with pytest.raises(AlertLimitError):
        save_contract_alert(data)

    assert Alert.objects.count() == LIMIT


def test_expired_and_withdrawn_alerts_leave_room(full):
    full[0].until = timezone.now() - dt.timedelta(minutes=1)
    full[0].save()
    full[1].active = False
    full[1].save()

    live_alert(98).save()
    live_alert(99).save()

    assert Alert.objects.live().count() == LIMIT


def test_a_live_alert_can_still_be_edited_at_the_limit(full):
    full[0].message = {"fr": "Alerte corrigée"}

    full[0].save()

    assert Alert.objects.get(pk=full[0].pk).message == {"fr": "Alerte corrigée"}


def test_putting_a_withdrawn_alert_back_counts(full):
    full[0].active = False
    full[0].save()
    live_alert(99).save()

    full[0].active = True
    with pytest.raises(AlertLimitError):
        full[0].save()


def test_the_admin_cannot_put_a_withdrawn_alert_back_beyond_the_limit(client, staff, full):
    withdrawn = Alert.objects.create(level="info", message={"fr": "Ancienne"}, active=False)
    client.force_login(staff("editor"))

    response = client.post(f"/admin/catalog/alert/{withdrawn.pk}/change/", alert_form(message_fr="Ancienne"))

    assert response.status_code == 200 and response.context["adminform"].form.non_field_errors()
    assert Alert.objects.get(pk=withdrawn.pk).active is False


def test_the_feed_does_not_carry_expired_alerts(kiosk_client, db):
    past = timezone.now() - dt.timedelta(days=1)
    for n in range(LIMIT * 3):
        live_alert(n, starts=past - dt.timedelta(days=1), until=past).save()

    page = kiosk_client.get("/api/kiosk/v1/changes?limit=1000").json()

    assert len(page["alerts"]) == 0


def test_alerts_added_in_bulk_reach_the_feed_each_with_its_own_change_number(kiosk_client, db):
    Alert.objects.bulk_create([live_alert(n) for n in range(LIMIT)])

    page = kiosk_client.get("/api/kiosk/v1/changes?limit=1000").json()

    assert len(page["alerts"]) == LIMIT
    assert len(set(Alert.objects.values_list("seq", flat=True))) == LIMIT
