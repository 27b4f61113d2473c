"""A change of BORNE_PUBLIC_URL reaches the kiosks: every published entry is sent again, once per address."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from backoffice.catalog.models import Entry, current_seq
from backoffice.public.republish import republish_if_address_changed

URL = "/api/kiosk/v1/changes"
SITE = "https://borne.saint-flour.fr"


def changes(client, since: str) -> dict:
    return client.get(URL, {"since": since, "schema": "2"}).json()


def test_entries_from_before_the_address_reach_the_kiosk_with_it(kiosk_client, make_entry, settings):
    settings.BORNE_PUBLIC_URL = ""
    cathedral = make_entry("Cathédrale")
    draft = make_entry("Brouillon", status="draft")
    first = changes(kiosk_client, "")
    assert [e["public_url"] for e in first["entries"]] == [""]
    assert changes(kiosk_client, first["cursor"])["entries"] == []  # the kiosk is up to date
    settings.BORNE_PUBLIC_URL = SITE

    assert republish_if_address_changed() == 1

    (entry,) = changes(kiosk_client, first["cursor"])["entries"]
    assert entry["id"] == cathedral.wire_id and entry["public_url"] == f"{SITE}/p/{cathedral.pk}"
    assert Entry.objects.get(pk=draft.pk).seq == draft.seq  # drafts stay as they were


def test_the_same_address_is_sent_once_and_a_new_one_again(make_entry, settings):
    settings.BORNE_PUBLIC_URL = SITE
    make_entry("Cathédrale")
    assert republish_if_address_changed() == 1
    seq = current_seq()
    assert republish_if_address_changed() is None and current_seq() == seq
    settings.BORNE_PUBLIC_URL = "https://borne.mairie.example/"
    assert republish_if_address_changed() == 1 and current_seq() == seq + 1


def test_no_address_ever_set_sends_nothing(make_entry, settings):
    settings.BORNE_PUBLIC_URL = ""
    entry = make_entry("Cathédrale")
    assert republish_if_address_changed() is None
    assert Entry.objects.get(pk=entry.pk).seq == entry.seq


def test_edits_are_not_dated_by_a_republication(make_entry, settings):
    settings.BORNE_PUBLIC_URL = SITE
    entry = make_entry("Cathédrale")
    republish_if_address_changed()
    assert Entry.objects.get(pk=entry.pk).updated_at == entry.updated_at


@pytest.mark.parametrize(
    ("args", "expected"),
    [((), "1 published entry will reach the kiosks"), (("--if-changed",), "unchanged")],
)
def test_the_command_sends_them_again(make_entry, settings, args, expected):
    settings.BORNE_PUBLIC_URL = SITE
    make_entry("Cathédrale")
    republish_if_address_changed()
    out = StringIO()
    call_command("republish", *args, stdout=out)
    assert expected in out.getvalue()


def test_serve_sends_the_entries_again_when_the_address_changed(make_entry, settings, monkeypatch):
    """``main.py backoffice serve`` checks the address after migrating (runserver itself is not started here)."""
    import django.core.management

    from backoffice import cli

    real = django.core.management.call_command

    def call_command(name, *args, **kwargs):
        return None if name == "runserver" else real(name, *args, **kwargs)

    monkeypatch.setattr(django.core.management, "call_command", call_command)
    settings.BORNE_PUBLIC_URL = ""
    entry = make_entry("Cathédrale")
    out = StringIO()
    cli.serve(["--no-jobs"], out)
    assert Entry.objects.get(pk=entry.pk).seq == entry.seq
    settings.BORNE_PUBLIC_URL = SITE
    cli.serve(["--no-jobs"], out)
    assert Entry.objects.get(pk=entry.pk).seq > entry.seq
    assert "1 published entries sent to the kiosks again" in out.getvalue()
