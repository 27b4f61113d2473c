"""Import sources in the admin: the form's checks, the schedule row, the lock, the run, the failure mail."""

from __future__ import annotations

import datetime as dt
import html
import json

import pytest
from django.contrib.auth.models import User
from django_celery_beat.models import PeriodicTask

from backoffice.catalog.models import Entry
from backoffice.opendata import jobs
from backoffice.opendata.models import ImportRun, RunStatus, Source


@pytest.fixture(autouse=True, scope="module")
def _french_catalogue():
    from django.utils.translation import trans_real

    from backoffice.locale_build import compile_catalogs

    if compile_catalogs():  # a catalogue read before it was rebuilt would stay in English
        from asgiref.local import Local

        trans_real._translations.clear()
        trans_real._default = None
        trans_real._active = Local()


def ics_calendar(events: int, *, bad: int = 0, start: dt.date | None = None) -> bytes:
    """An iCalendar feed of ``events`` good events and ``bad`` events whose date is not a date."""
    start = start or dt.date.today() + dt.timedelta(days=3)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Borne tests//FR", "X-WR-CALNAME:Agenda de la mairie"]
    for n in range(events):
        day = start + dt.timedelta(days=n % 200)
        lines += [
            "BEGIN:VEVENT",
            f"UID:evt-{n}@mairie.example",
            "DTSTAMP:20260101T000000Z",
            f"DTSTART:{day:%Y%m%d}T180000",
            f"DTEND:{day:%Y%m%d}T200000",
            f"SUMMARY:Concert numéro {n}",
            "LOCATION:Place d'Armes",
            "END:VEVENT",
        ]
    for n in range(bad):
        lines += [
            "BEGIN:VEVENT",
            f"UID:bad-{n}@mairie.example",
            "DTSTAMP:20260101T000000Z",
            "DTSTART:2026-13-45",
            f"SUMMARY:<b>Fête</b> {n}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.fixture
def admin_client(client, db):
    user = User.objects.create_superuser("mairie", "mairie@example.org", "Cantal-15100-admin")
    client.force_login(user)
    return client


def _form(**values) -> dict:
    data = {
        "name": "Agenda de la mairie",
        "kind": "ical",
        "url": "",
        "agenda_uid": "",
        "key": "",
        "commune": "",
        "scope": "",
        "producer": "Mairie",
        "licence": "Licence Ouverte",
        "new_status": "published",
        "schedule": "manual",
        "crontab": "",
        "active": "on",
    }
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def _source(url: str, **kw) -> Source:
    return Source.objects.create(name="Agenda", kind="ical", url=url, new_status="published", **kw)


# --- the form -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, words",
    [
        ("http://10.1.2.3/agenda.ics", "réseau"),
        ("http://169.254.169.254/latest/", "réseau"),
        ("file:///etc/passwd", "http://"),
        ("ftp://example.org/agenda.ics", "http://"),
    ],
)
def test_an_internal_or_odd_address_is_refused_in_french_at_save(admin_client, url, words):
    response = admin_client.post("/admin/opendata/source/add/", _form(url=url))
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Source.objects.exists()


def test_an_allowed_address_saves_and_the_key_is_kept_out_of_the_list(admin_client):
    response = admin_client.post(
        "/admin/opendata/source/add/", _form(url="http://127.0.0.1:9/agenda/{key}.ics", key="s3cr3t-k3y")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    source = Source.objects.get()
    assert source.key == "s3cr3t-k3y" and jobs.address_of(source) == "http://127.0.0.1:9/agenda/s3cr3t-k3y.ics"
    assert "s3cr3t-k3y" not in admin_client.get("/admin/opendata/source/").content.decode()
    page = admin_client.get(f"/admin/opendata/source/{source.pk}/change/").content.decode()
    assert "s3cr3t-k3y" not in page
    admin_client.post(f"/admin/opendata/source/{source.pk}/change/", _form(url=source.url, key=""))
    assert Source.objects.get().key == "s3cr3t-k3y"  # an empty key field keeps the key


def test_a_bad_crontab_is_refused_in_french(admin_client):
    response = admin_client.post("/admin/opendata/source/add/", _form(url="http://127.0.0.1/a.ics", schedule="crontab",
                                                                      crontab="61 * * * *"))  # fmt: skip
    assert "n'est pas un horaire" in html.unescape(response.content.decode())
    assert not Source.objects.exists()


# --- the schedule -------------------------------------------------------------------------------


def _beat_row(source: Source) -> PeriodicTask | None:
    return PeriodicTask.objects.filter(kwargs=json.dumps({"source_id": source.pk})).first()


def test_the_french_choice_becomes_a_beat_row_and_follows_the_source(admin_client):
    admin_client.post("/admin/opendata/source/add/", _form(url="http://127.0.0.1/a.ics", schedule="nightly"))
    source = Source.objects.get()
    row = _beat_row(source)
    assert row.task == "backoffice.opendata.run_source" and row.enabled
    assert (row.crontab.minute, row.crontab.hour, str(row.crontab.timezone)) == ("0", "3", "Europe/Paris")

    change = f"/admin/opendata/source/{source.pk}/change/"
    admin_client.post(change, _form(url=source.url, schedule="crontab", crontab="*/5 8-18 * * 1-5", active=None))
    row = _beat_row(source)
    assert (row.crontab.minute, row.crontab.hour, row.crontab.day_of_week) == ("*/5", "8-18", "1-5")
    assert not row.enabled  # an inactive source never runs on schedule
    assert PeriodicTask.objects.filter(kwargs__contains=f'"source_id": {source.pk}').count() == 1

    admin_client.post(change, _form(url=source.url, schedule="manual"))
    assert _beat_row(source) is None


def test_deleting_a_source_removes_its_schedule_and_says_what_happens_to_its_entries(admin_client):
    admin_client.post("/admin/opendata/source/add/", _form(url="http://127.0.0.1/a.ics", schedule="quarter"))
    source = Source.objects.get()
    assert _beat_row(source).crontab.minute == "*/15"
    page = admin_client.get(f"/admin/opendata/source/{source.pk}/delete/").content.decode()
    assert "ne retire rien" in page
    admin_client.post(f"/admin/opendata/source/{source.pk}/delete/", {"post": "yes"})
    assert not Source.objects.exists() and not PeriodicTask.objects.filter(task="backoffice.opendata.run_source")


# --- run now, the run, the lock -----------------------------------------------------------------


def test_run_now_only_enqueues(admin_client, django_capture_on_commit_callbacks):
    source = _source("http://127.0.0.1:9/a.ics")
    sent = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = admin_client.post(f"/admin/opendata/source/{source.pk}/run/")
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/importrun/{run.pk}/progress/")
    assert run.status == RunStatus.QUEUED and len(callbacks) == 1 and not Entry.objects.exists()
    # A second click joins the run waiting: no second run.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        admin_client.post(f"/admin/opendata/source/{source.pk}/run/")
    assert ImportRun.objects.count() == 1 and not callbacks and not sent


@pytest.mark.django_db
def test_a_run_imports_and_shows_refused_records_in_french(image_server, admin_client):
    image_server.files["/agenda.ics"] = ics_calendar(3, bad=1)
    source = _source(image_server.url("/agenda.ics"))
    run, _new = jobs.enqueue(source, send=lambda *a: None)
    jobs.run(source.pk, run.pk)
    run.refresh_from_db()
    assert (run.status, run.read, run.created, run.refused) == (RunStatus.OK, 4, 3, 1)
    assert Entry.objects.filter(status="published").count() == 3
    page = html.unescape(admin_client.get(f"/admin/opendata/importrun/{run.pk}/progress/").content.decode())
    assert "ical:bad-0@mairie.example" in page and "DTSTART '2026-13-45' n'est pas une date" in page
    assert 'http-equiv="refresh"' not in page  # finished: the page stops refreshing
    jobs.run(source.pk, run.pk)  # the same message delivered twice: nothing more
    assert ImportRun.objects.count() == 1 and Entry.objects.count() == 3


@pytest.mark.django_db
def test_an_internal_address_is_refused_again_at_run(image_server):
    source = _source("http://10.20.30.40/agenda.ics")  # saved before the rule, or by a script
    run, _new = jobs.enqueue(source, send=lambda *a: None)
    jobs.run(source.pk, run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "BORNE_FETCH_ALLOW" in run.error and "réseau" in run.error


@pytest.mark.django_db
def test_the_lock_lets_one_run_at_a_time_and_a_stale_one_is_taken_over(image_server):
    image_server.files["/agenda.ics"] = ics_calendar(2)
    source = _source(image_server.url("/agenda.ics"))
    first = ImportRun.objects.create(source_ref=source, source="ical", status=RunStatus.RUNNING)
    assert jobs.acquire(source.pk, first)
    second = ImportRun.objects.create(source_ref=source, source="ical", status=RunStatus.QUEUED)
    assert not jobs.acquire(source.pk, second)
    jobs.run(source.pk, second.pk)
    second.refresh_from_db()
    assert second.status == RunStatus.SKIPPED and "en cours" in second.error and not Entry.objects.exists()

    Source.objects.filter(pk=source.pk).update(locked_at=dt.datetime.now(dt.UTC) - jobs.STALE_AFTER * 2)
    third = ImportRun.objects.create(source_ref=source, source="ical", status=RunStatus.QUEUED)
    jobs.run(source.pk, third.pk)
    third.refresh_from_db()
    assert third.status == RunStatus.OK and Entry.objects.count() == 2
    assert Source.objects.get().locked_at is None  # released


@pytest.mark.django_db
def test_a_failing_source_mails_the_staff_once_then_once_when_it_works_again(image_server, mailoutbox):
    User.objects.create_superuser("mairie", "mairie@example.org", "x")
    User.objects.create_user("agent", "agent@example.org", "x", is_staff=True)  # no right on sources: not told
    source = _source(image_server.url("/agenda.ics"))  # nothing there yet: HTTP 404

    def run_once():
        run, _new = jobs.enqueue(source, send=lambda *a: None)
        return jobs.run(source.pk, run.pk)

    assert run_once().status == RunStatus.FAILED
    assert run_once().status == RunStatus.FAILED
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["mairie@example.org"] and "Agenda" in mailoutbox[0].subject
    assert "échoue" in mailoutbox[0].subject

    image_server.files["/agenda.ics"] = ics_calendar(1)
    assert run_once().status == RunStatus.OK
    assert run_once().status == RunStatus.OK
    assert len(mailoutbox) == 2 and "fonctionne de nouveau" in mailoutbox[1].subject


@pytest.mark.django_db
def test_a_run_no_worker_takes_or_cut_short_is_failed_in_french_and_a_new_one_can_start():
    source = _source("http://127.0.0.1:9/a.ics")
    old = dt.datetime.now(dt.UTC) - jobs.UNTAKEN_AFTER * 2
    untaken = ImportRun.objects.create(source_ref=source, source="ical", status=RunStatus.QUEUED, started_at=old)
    cut = ImportRun.objects.create(source_ref=source, source="ical", status=RunStatus.RUNNING)  # holds no lock
    run, new = jobs.enqueue(source, send=lambda *a: None)
    assert new and run.pk not in (untaken.pk, cut.pk)
    untaken.refresh_from_db()
    cut.refresh_from_db()
    assert untaken.status == cut.status == RunStatus.FAILED
    assert "processus de fond" in untaken.error and "interrompu" in cut.error


def test_an_address_whose_name_points_home_is_refused(settings):
    from django.core.exceptions import ValidationError

    settings.BORNE_FETCH_ALLOW = ""

    def home(host, port, **kwargs):
        return [(2, 1, 6, "", ("127.0.0.1", port))]

    with pytest.raises(ValidationError) as refused:
        jobs.check_source_url("https://agenda.mairie.example/flux.ics", resolve=home)
    assert refused.value.code == "internal"
    jobs.check_source_url(
        "https://agenda.mairie.example/flux.ics", resolve=lambda h, p, **k: [(2, 1, 6, "", ("93.184.216.34", p))]
    )


@pytest.mark.django_db
def test_the_key_never_shows_in_a_run_error(image_server):
    source = _source(image_server.url("/flux/{key}.ics"), key="cle-secrete-123")  # nothing there: HTTP 404
    run, _new = jobs.enqueue(source, send=lambda *a: None)
    jobs.run(source.pk, run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "404" in run.error
    assert "cle-secrete-123" not in run.error and image_server.hits == ["/flux/cle-secrete-123.ics"]


def test_staff_without_the_right_cannot_run_a_source(client, db):
    source = _source("http://127.0.0.1:9/a.ics")
    client.force_login(User.objects.create_user("agent", "agent@example.org", "x", is_staff=True))
    response = client.post(f"/admin/opendata/source/{source.pk}/run/", follow=True)
    assert not ImportRun.objects.exists()
    assert "Vous n'avez pas le droit de lancer cette source" in html.unescape(response.content.decode())


def test_withdrawing_a_sources_entries_is_asked_for_then_done(image_server, admin_client):
    image_server.files["/agenda.ics"] = ics_calendar(3)
    source = _source(image_server.url("/agenda.ics"))
    run, _new = jobs.enqueue(source, send=lambda *a: None)
    jobs.run(source.pk, run.pk)
    page = html.unescape(admin_client.get(f"/admin/opendata/source/{source.pk}/withdraw/").content.decode())
    assert "a importé 3 fiches" in page and Entry.objects.filter(status="published").count() == 3
    admin_client.post(f"/admin/opendata/source/{source.pk}/withdraw/")
    assert Entry.objects.filter(status="withdrawn").count() == 3


def test_an_uploaded_datatourisme_file_is_a_source_too(admin_client, samples):
    from django.core.files.uploadedfile import SimpleUploadedFile

    record = sorted((samples / "datatourisme").glob("*.json"))[0]
    upload = SimpleUploadedFile(record.name, record.read_bytes(), content_type="application/json")
    response = admin_client.post(
        "/admin/opendata/source/add/", {**_form(kind="datatourisme", name="Office de tourisme"), "file": upload}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    source = Source.objects.get()
    run, _new = jobs.enqueue(source, send=lambda *a: None)
    jobs.run(source.pk, run.pk)
    run.refresh_from_db()
    assert (run.status, run.created) == (RunStatus.OK, 1), run.error
    assert Entry.objects.get().source_producer == "Mairie"  # the producer staff gave is shown on the kiosk


@pytest.mark.django_db
def test_a_broker_that_does_not_answer_fails_the_run_in_french(monkeypatch):
    from backoffice.opendata import tasks

    def refused(*args):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(tasks.run_source, "delay", refused)
    source = _source("http://127.0.0.1:9/a.ics")
    run, _new = jobs.enqueue(source, send=lambda *a: None)
    jobs.send_task(source.pk, run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "courtier ne répond pas" in run.error
