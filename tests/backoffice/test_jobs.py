"""The jobs engine without a worker: schedules as rows, their French admin, the fleet check, enqueueing.

A real worker runs these jobs in test_jobs_worker.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

FLEET_CHECK = "Surveillance des bornes"


@pytest.fixture
def silent_kiosk(db, commune):
    from backoffice.fleet.models import Kiosk

    return Kiosk.objects.create(
        name="Place d'Armes", commune=commune, last_heartbeat=timezone.now() - dt.timedelta(hours=2)
    )


@pytest.fixture
def administrator(staff):
    return staff("administrator")  # administrator@mairie.example


# -- schedules ---------------------------------------------------------------------------------------


def test_migrate_creates_the_fleet_check_schedule(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(name=FLEET_CHECK)
    assert (task.task, task.enabled, task.interval.every, task.interval.period) == (
        "jobs.check_fleet",
        True,
        5,
        "minutes",
    )


def test_a_schedule_staff_changed_is_left_as_they_left_it(db):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from backoffice.jobs.schedules import ensure_schedules

    hourly, _ = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.filter(name=FLEET_CHECK).update(enabled=False, interval=hourly)
    assert ensure_schedules() == 0
    task = PeriodicTask.objects.get(name=FLEET_CHECK)
    assert (task.enabled, task.interval_id) == (False, hourly.pk)


def test_a_deleted_schedule_comes_back_at_the_next_migrate(db):
    from django_celery_beat.models import PeriodicTask

    from backoffice.jobs.schedules import ensure_schedules

    PeriodicTask.objects.filter(name=FLEET_CHECK).delete()
    assert ensure_schedules() == 1 and PeriodicTask.objects.filter(name=FLEET_CHECK).exists()


def test_the_schedules_list_says_when_in_french(admin_client):
    page = admin_client.get("/admin/django_celery_beat/periodictask/").content.decode()
    assert FLEET_CHECK in page and "toutes les 5 minutes" in page


def test_set_times_are_said_in_french(db):
    from django_celery_beat.models import CrontabSchedule

    from backoffice.jobs.admin import crontab_words

    nightly = CrontabSchedule(minute="0", hour="3", day_of_month="*", month_of_year="*", day_of_week="*")
    assert "03:00" in crontab_words(nightly) and crontab_words(nightly).startswith("À")


@pytest.mark.parametrize(
    ("when", "error"),
    [
        ({}, "Choisissez quand la tâche"),
        ({"interval": "both", "crontab": "both"}, "pas les deux"),
    ],
)
def test_a_schedule_without_one_when_is_refused_in_french_keeping_what_was_typed(admin_client, when, error):
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    if when:
        when = {
            "interval": IntervalSchedule.objects.get(every=5, period="minutes").pk,
            "crontab": CrontabSchedule.objects.create(minute="0", hour="3").pk,
        }
    page = admin_client.post(
        "/admin/django_celery_beat/periodictask/add/",
        {
            "name": "Rapport du conseil",
            "task": "jobs.check_fleet",
            "enabled": "on",
            "args": "[]",
            "kwargs": "{}",
            **when,
        },
    )
    html = page.content.decode()
    assert page.status_code == 200 and error in html and 'value="Rapport du conseil"' in html
    assert "must be set" not in html and not PeriodicTask.objects.filter(name="Rapport du conseil").exists()


def test_a_schedule_with_a_repeat_is_saved(admin_client):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every_5 = IntervalSchedule.objects.get(every=5, period="minutes")
    admin_client.post(
        "/admin/django_celery_beat/periodictask/add/",
        {
            "name": "Encore",
            "task": "jobs.check_fleet",
            "enabled": "on",
            "args": "[]",
            "kwargs": "{}",
            "interval": every_5.pk,
        },
    )
    assert PeriodicTask.objects.get(name="Encore").interval == every_5


def test_staff_never_see_solar_or_one_off_schedules(admin_client):
    index = admin_client.get("/admin/").content.decode()
    assert "/admin/django_celery_beat/solarschedule/" not in index
    assert "/admin/django_celery_beat/clockedschedule/" not in index
    assert "/admin/django_celery_beat/periodictask/" in index


# -- the fleet check ---------------------------------------------------------------------------------


def test_a_silent_kiosk_is_told_to_the_administrators_once(silent_kiosk, administrator, mailoutbox):
    from backoffice.jobs.fleet import check_fleet

    first = check_fleet()
    again = check_fleet()
    assert (first.silent, first.told, again.silent, again.told) == (1, 1, 1, 0)
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["administrator@mairie.example"]
    assert mailoutbox[0].subject == "La borne Place d'Armes ne donne plus de nouvelles"


def test_a_kiosk_heard_again_is_told_again_at_its_next_silence(silent_kiosk, administrator, mailoutbox):
    from backoffice.jobs.fleet import check_fleet

    check_fleet()
    silent_kiosk.last_heartbeat = timezone.now()
    silent_kiosk.save()
    assert check_fleet().back == 1
    assert check_fleet().back == 0  # one mail per event, not per check
    assert check_fleet(now=timezone.now() + dt.timedelta(hours=1)).told == 1
    assert [m.subject for m in mailoutbox] == [
        "La borne Place d'Armes ne donne plus de nouvelles",
        "La borne Place d'Armes donne de nouveau des nouvelles",
        "La borne Place d'Armes ne donne plus de nouvelles",
    ]
    assert "après 2\xa0heures de silence" in mailoutbox[1].body


def test_a_revoked_kiosk_is_not_told_back(silent_kiosk, administrator, mailoutbox):
    from backoffice.jobs.fleet import check_fleet

    check_fleet()
    silent_kiosk.revoke()
    assert check_fleet().back == 0 and len(mailoutbox) == 1


def test_kiosks_never_heard_of_revoked_or_alive_are_not_reported(db, commune, administrator, mailoutbox):
    from backoffice.fleet.models import Kiosk
    from backoffice.jobs.fleet import check_fleet

    long_ago = timezone.now() - dt.timedelta(days=2)
    Kiosk.objects.create(name="Jamais vue", commune=commune)
    Kiosk.objects.create(name="Retirée", commune=commune, last_heartbeat=long_ago, revoked=True)
    Kiosk.objects.create(name="Vivante", commune=commune, last_heartbeat=timezone.now())
    assert check_fleet().silent == 0 and mailoutbox == []


def test_editors_and_moderators_are_not_emailed(silent_kiosk, staff, mailoutbox):
    from backoffice.jobs.fleet import check_fleet

    staff("editor")
    staff("moderator")
    assert check_fleet().told == 1 and mailoutbox == []


# -- enqueueing --------------------------------------------------------------------------------------


def test_the_export_request_only_enqueues_the_row_id(commune, monkeypatch, django_capture_on_commit_callbacks):
    from backoffice.usb import jobs, tasks

    sent = []
    monkeypatch.setattr(tasks.export_bundle, "delay", sent.append)
    with django_capture_on_commit_callbacks(execute=True):
        export = jobs.start_export(commune, None)
    export.refresh_from_db()
    assert sent == [export.pk] and export.status == "queued"


def test_a_broker_that_does_not_answer_fails_the_export_in_french(commune, monkeypatch):
    from kombu.exceptions import OperationalError

    from backoffice.usb import jobs, tasks
    from backoffice.usb.models import BundleExport

    def refuse(export_id):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.export_bundle, "delay", refuse)
    export = BundleExport.objects.create(commune=commune, commune_name=commune.name)
    jobs.enqueue(export.pk)
    export.refresh_from_db()
    assert export.status == "failed" and "file des tâches" in export.error


def test_the_local_worker_is_the_same_command_as_production():
    from backoffice.jobs.local import celery_argv

    assert celery_argv("worker")[1:5] == ["-m", "celery", "-A", "backoffice.jobs"]
    assert celery_argv("worker")[5] == "worker" and celery_argv("beat")[5] == "beat"


# -- the council's monthly report --------------------------------------------------------------------


def test_migrate_schedules_the_monthly_report_on_the_first_at_seven(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="jobs.monthly_report")
    cron = task.crontab
    assert (cron.minute, cron.hour, cron.day_of_month, str(cron.timezone)) == ("0", "7", "1", "Europe/Paris")


def test_the_month_just_ended():
    from backoffice.jobs.report import previous_month

    assert previous_month(dt.date(2026, 12, 1)) == "2026-11" and previous_month(dt.date(2027, 1, 31)) == "2026-12"


def test_the_monthly_report_is_written_and_mailed_once(commune, administrator, mailoutbox, settings):
    from backoffice.jobs.report import monthly_report

    first = monthly_report("2026-11")
    again = monthly_report("2026-11")
    report = settings.BACKOFFICE_DIR / "reports" / "rapport-2026-11.html"
    assert "Rapport de fréquentation des bornes" in report.read_text() and "novembre 2026" in report.read_text()
    assert (first["mailed"], again["mailed"], len(mailoutbox)) == (1, 0, 1)
    assert mailoutbox[0].subject == "Borne : l'utilisation des bornes en 2026-11"
    (name, body, mime) = mailoutbox[0].attachments[0]
    assert (name, mime) == ("rapport-2026-11.html", "text/html") and "Fréquentation des bornes" in body


def test_administrators_edit_schedules_and_see_silent_kiosks_editors_do_not(client, staff):
    client.force_login(staff("administrator"))
    assert client.get("/admin/django_celery_beat/periodictask/").status_code == 200
    assert client.get("/admin/jobs/silentkiosk/").status_code == 200
    client.force_login(staff("editor"))
    assert client.get("/admin/django_celery_beat/periodictask/").status_code == 403


def test_run_now_hands_the_job_to_the_workers_and_says_so(admin_client, monkeypatch):
    from django_celery_beat.models import PeriodicTask

    from backoffice.jobs.celery import app

    sent = []
    monkeypatch.setattr(app, "send_task", lambda name, args, kwargs: sent.append((name, args, kwargs)))
    task = PeriodicTask.objects.get(name=FLEET_CHECK)
    page = admin_client.post(
        "/admin/django_celery_beat/periodictask/",
        {"action": "run_now", "_selected_action": [task.pk]},
        follow=True,
    )
    assert sent == [("jobs.check_fleet", [], {})]
    assert "1 tâche(s) confiée(s) aux processus de travail" in page.content.decode()


def test_the_local_broker_keeps_every_folder_in_the_data_folder(settings):
    """Kombu's filesystem transport writes its control files to ./control unless told otherwise."""
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    data = str(settings.DATA_DIR)
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        assert options[key].startswith(data), key
