import json

import pytest

from backoffice.fleet.models import Heartbeat, UsageCounter

URL = "/api/kiosk/v1/heartbeat"


def beat(client, payload):
    return client.post(URL, json.dumps(payload), content_type="application/json")


def payload(batch="b1", n=3):
    return {
        "version": "0.3.1",
        "cursor": "42",
        "last_sync": "2026-11-26T01:00:00+01:00",
        "errors": ["media abc: hash"],
        "disk_free": 123456789,
        "uptime": 3600,
        "usage": {
            "batch_id": batch,
            "rows": [
                {
                    "hour": "2026-11-26T10:00:00+01:00",
                    "screen": "detail",
                    "entry_id": "bo:1",
                    "category": "museum",
                    "lang": "en",
                    "n": n,
                },
            ],
        },
    }


def test_heartbeat_updates_kiosk_status_and_acknowledges(kiosk_client, kiosk_token):
    response = beat(kiosk_client, payload())
    assert response.status_code == 200
    assert response.json()["acknowledged"] == ["b1"]
    kiosk = kiosk_token[0]
    kiosk.refresh_from_db()
    assert (kiosk.version, kiosk.cursor, kiosk.errors, kiosk.disk_free) == (
        "0.3.1",
        "42",
        ["media abc: hash"],
        123456789,
    )
    assert kiosk.is_online
    assert Heartbeat.objects.count() == 1


def test_same_usage_batch_twice_is_counted_once(kiosk_client):
    beat(kiosk_client, payload("b1", 3))
    again = beat(kiosk_client, payload("b1", 3))
    assert again.json()["acknowledged"] == ["b1"]
    beat(kiosk_client, payload("b2", 4))
    assert [c.n for c in UsageCounter.objects.all()] == [7]


def test_sync_now_command_is_sent_once(kiosk_client, kiosk_token):
    kiosk = kiosk_token[0]
    kiosk.sync_requested = True
    kiosk.save()
    assert beat(kiosk_client, {}).json()["commands"] == ["sync_now"]
    assert "commands" not in beat(kiosk_client, {}).json()


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("not json", "JSON"),
        ("[1, 2]", "object"),
        (json.dumps({"last_sync": "yesterday"}), "last_sync"),
        (json.dumps({"usage": {"batch_id": "x", "rows": [{"hour": "2026-11-26T10:00:00+01:00", "n": -1}]}}), "rows[0]"),
        (json.dumps({"disk_free": "lots"}), "disk_free"),
    ],
)
def test_bad_heartbeat_is_refused_clearly(kiosk_client, body, word):
    response = kiosk_client.post(URL, body, content_type="application/json")
    assert response.status_code == 400
    assert word in response.json()["error"]


def test_heartbeat_needs_token(client, db):
    assert beat(client, {}).status_code == 401


def test_heartbeat_needs_post(kiosk_client):
    assert kiosk_client.get(URL).status_code == 405


def test_offline_after_15_minutes(kiosk_token):
    import datetime as dt

    from django.utils import timezone

    kiosk = kiosk_token[0]
    assert not kiosk.is_online  # never heard of
    kiosk.last_heartbeat = timezone.now() - dt.timedelta(minutes=16)
    assert not kiosk.is_online
    kiosk.last_heartbeat = timezone.now() - dt.timedelta(minutes=14)
    assert kiosk.is_online


def test_heartbeat_history_is_kept_a_month(kiosk_client, kiosk_token):
    import datetime as dt

    from django.utils import timezone

    old = Heartbeat.objects.create(kiosk=kiosk_token[0], received_at=timezone.now() - dt.timedelta(days=40))
    recent = Heartbeat.objects.create(kiosk=kiosk_token[0], received_at=timezone.now() - dt.timedelta(days=3))
    beat(kiosk_client, {})
    assert not Heartbeat.objects.filter(pk=old.pk).exists() and Heartbeat.objects.filter(pk=recent.pk).exists()
