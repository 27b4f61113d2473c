"""The USB bundle across the seam: exported by the back office, imported by a kiosk with a copy of its key."""

import shutil

import pytest
from django.core.management import call_command
from django.utils.html import escape

from backoffice.catalog.bundles import bundle_key_path
from content.config import load_config
from sync.config import SyncConfig
from sync.errors import SyncError
from sync.job import SyncJob


def kiosk_job(folder, key_file=None):
    """A kiosk's sync job built from its borne.toml, as ``main.py sync`` builds it."""
    folder.mkdir(parents=True, exist_ok=True)
    if key_file is not None:
        (folder / "borne.toml").write_text(f'bundle_key_file = "{key_file}"\n')
    config = SyncConfig.from_app_config(load_config(folder, env={}), version="test")
    return SyncJob.from_config(config, client=None)


@pytest.fixture
def exported(tmp_path, make_entry, settings):
    """A bundle exported with the key the back office generates in its data folder."""
    settings.BORNE_BUNDLE_KEY = ""
    make_entry(title="Cathédrale Saint-Pierre")
    out = tmp_path / "usb" / "borne.zip"
    call_command("export_bundle", "--out", str(out), "--commune", "15187")
    return out


def test_kiosk_with_a_copy_of_the_back_office_key_file_imports_its_bundle(tmp_path, exported):
    key_copy = tmp_path / "etc" / "bundle.key"
    key_copy.parent.mkdir()
    shutil.copy(bundle_key_path(), key_copy)
    job = kiosk_job(tmp_path / "kiosk", key_copy)
    try:
        report = job.import_bundle(exported)
        assert report.upserted == 1
        assert job.cache.meta("bundle")["verified"] is True
    finally:
        job.close()


def test_kiosk_with_another_key_refuses_the_bundle(tmp_path, exported):
    other = tmp_path / "other.key"
    other.write_text("ab" * 32 + "\n")
    job = kiosk_job(tmp_path / "kiosk", other)
    try:
        with pytest.raises(SyncError, match="signature does not match"):
            job.import_bundle(exported)
        assert job.cache.state()["entries"] == 0
    finally:
        job.close()


# -- the export job, started from the communes' admin -------------------------------------------------


@pytest.fixture
def inline_jobs(monkeypatch):
    """Run the export where it is enqueued (a real worker runs it in the browser test and in test_jobs_worker)."""
    from backoffice.usb import jobs

    monkeypatch.setattr(jobs, "enqueue", jobs.run_export)


@pytest.fixture
def published(make_entry, settings):
    from bo_helpers import jpeg_bytes

    from backoffice.catalog.images import store_image_bytes
    from backoffice.catalog.models import EntryImage

    settings.BORNE_BUNDLE_KEY = ""
    entry = make_entry(title="Cathédrale Saint-Pierre")
    EntryImage.objects.create(entry=entry, media=store_image_bytes(jpeg_bytes()))
    return entry


def start_from_the_commune_list(client, django_capture_on_commit_callbacks):
    """Tick the commune, run the action; the job starts when the request's transaction commits."""
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post("/admin/catalog/commune/", {"action": "export_for_usb_stick", "_selected_action": ["15187"]})
    assert page.status_code == 302
    return client.get(page["Location"], follow=True)  # the progress page, as its next refresh shows it


def test_the_action_exports_a_file_signed_with_the_key_staff_copy(
    client, staff, published, inline_jobs, django_capture_on_commit_callbacks, settings
):
    from backoffice.usb.models import BundleExport
    from content.bundle import read_bundle, read_key

    client.force_login(staff("editor"))
    page = start_from_the_commune_list(client, django_capture_on_commit_callbacks)
    export = BundleExport.objects.get()
    assert (export.status, export.progress, export.counts) == ("done", 100, {"entries": 1, "alerts": 0, "media": 1})
    html = page.content.decode()
    assert "Le fichier est prêt" in html and "/etc/borne/bundle.key" in html and str(bundle_key_path()) in html
    download = client.get(f"/admin/usb/bundleexport/{export.pk}/download/")
    assert download["Content-Disposition"].startswith("attachment")
    out = settings.BACKOFFICE_DIR / "downloaded.zip"
    out.write_bytes(b"".join(download.streaming_content))
    assert read_bundle(out, verify_key=read_key(bundle_key_path())).manifest["communes"] == ["15187"]


def test_the_file_is_kept_in_the_data_folder_not_in_public_media(
    client, staff, published, inline_jobs, django_capture_on_commit_callbacks, settings
):
    from backoffice.usb.models import BundleExport

    client.force_login(staff("editor"))
    start_from_the_commune_list(client, django_capture_on_commit_callbacks)
    name = BundleExport.objects.get().file_name
    assert (settings.BACKOFFICE_DIR / "exports" / name).is_file()
    assert not list(settings.MEDIA_ROOT.rglob(name))


def test_staff_without_the_permission_cannot_start_or_download(
    client, staff, published, inline_jobs, django_capture_on_commit_callbacks
):
    from backoffice.usb.models import BundleExport

    client.force_login(staff("editor", username="redactrice"))
    start_from_the_commune_list(client, django_capture_on_commit_callbacks)
    export = BundleExport.objects.get()
    client.force_login(staff("moderator"))
    download = client.get(f"/admin/usb/bundleexport/{export.pk}/download/", follow=True)
    assert "Content-Disposition" not in download and "pas autorisé à télécharger" in download.content.decode()
    progress = client.get(f"/admin/usb/bundleexport/{export.pk}/progress/", follow=True).content.decode()
    assert "pas autorisé à voir" in progress and "Télécharger" not in progress
    refused = client.post("/admin/usb/bundleexport/start/15187/", follow=True).content.decode()
    assert "pas autorisé à exporter" in refused
    with django_capture_on_commit_callbacks(execute=True):
        action = client.post(
            "/admin/catalog/commune/", {"action": "export_for_usb_stick", "_selected_action": ["15187"]}, follow=True
        )
    assert "pas autorisé à exporter" in action.content.decode() and BundleExport.objects.count() == 1


def test_an_unreadable_key_fails_the_job_in_french_and_makes_no_file(
    client, staff, published, inline_jobs, django_capture_on_commit_callbacks, settings
):
    from backoffice.usb.models import BundleExport

    bundle_key_path().parent.mkdir(parents=True, exist_ok=True)
    bundle_key_path().write_text("\n")  # emptied by mistake
    client.force_login(staff("editor"))
    page = start_from_the_commune_list(client, django_capture_on_commit_callbacks)
    export = BundleExport.objects.get()
    assert export.status == "failed" and not export.file_name
    assert "La clé de signature ne peut pas être lue" in export.error and str(bundle_key_path()) in export.error
    assert escape(export.error) in page.content.decode()
    exports = settings.BACKOFFICE_DIR / "exports"
    assert not exports.exists() or not any(exports.iterdir())
    assert bundle_key_path().read_text() == "\n"  # the back office never overwrites a key it cannot read


def test_a_second_click_joins_the_export_under_way(client, staff, published, django_capture_on_commit_callbacks):
    from backoffice.usb.models import BundleExport

    started = []
    from backoffice.usb import jobs

    client.force_login(staff("editor"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(jobs, "enqueue", started.append)  # the first job stays queued
        start_from_the_commune_list(client, django_capture_on_commit_callbacks)
        page = start_from_the_commune_list(client, django_capture_on_commit_callbacks)
    assert BundleExport.objects.count() == 1 and len(started) == 1
    assert "déjà en cours" in page.content.decode()


def test_the_progress_page_refreshes_until_the_job_ends(client, staff, commune):
    from backoffice.usb.models import BundleExport

    export = BundleExport.objects.create(commune=commune, commune_name=commune.name, status="running", progress=40)
    client.force_login(staff("editor"))
    page = client.get(f"/admin/usb/bundleexport/{export.pk}/progress/").content.decode()
    assert 'http-equiv="refresh"' in page and 'value="40"' in page and "en cours" in page.lower()
    BundleExport.objects.filter(pk=export.pk).update(status="failed", error="x")
    assert 'http-equiv="refresh"' not in client.get(f"/admin/usb/bundleexport/{export.pk}/progress/").content.decode()


def test_a_job_cut_short_by_a_restart_is_shown_as_interrupted(commune):
    import datetime as dt

    from django.utils import timezone

    from backoffice.usb import jobs
    from backoffice.usb.models import BundleExport

    export = BundleExport.objects.create(commune=commune, commune_name=commune.name, status="running")
    assert jobs.reap_stale(timezone.now() + dt.timedelta(minutes=5)) == 0
    assert jobs.reap_stale(timezone.now() + jobs.STALE_AFTER + dt.timedelta(minutes=1)) == 1
    export.refresh_from_db()
    assert export.status == "failed" and "interrompu" in export.error


def test_an_export_no_worker_takes_fails_after_an_hour_saying_so(commune):
    import datetime as dt

    from django.utils import timezone

    from backoffice.usb import jobs
    from backoffice.usb.models import BundleExport

    export = BundleExport.objects.create(commune=commune, commune_name=commune.name)  # queued
    assert jobs.reap_stale(timezone.now() + jobs.STALE_AFTER + dt.timedelta(minutes=1)) == 0
    assert jobs.reap_stale(timezone.now() + jobs.QUEUED_STALE_AFTER + dt.timedelta(minutes=1)) == 1
    export.refresh_from_db()
    assert export.status == "failed" and "Aucun processus" in export.error


def test_run_export_twice_does_the_work_once(published, commune, settings):
    from backoffice.usb import jobs
    from backoffice.usb.models import BundleExport

    export = BundleExport.objects.create(commune=commune, commune_name=commune.name)
    first = jobs.run_export(export.pk)
    again = jobs.run_export(export.pk)
    assert first.status == again.status == "done" and again.file_name == first.file_name
    assert len(list((settings.BACKOFFICE_DIR / "exports").iterdir())) == 1


def test_old_files_of_a_commune_are_pruned_rows_kept(published, commune, settings):
    from backoffice.usb import jobs
    from backoffice.usb.models import BundleExport

    for _ in range(jobs.KEEP_FILES + 2):
        jobs.run_export(BundleExport.objects.create(commune=commune, commune_name=commune.name).pk)
    assert len(list((settings.BACKOFFICE_DIR / "exports").iterdir())) == jobs.KEEP_FILES
    assert BundleExport.objects.filter(status="done").count() == jobs.KEEP_FILES + 2


# -- in a real browser against the real server ---------------------------------------------------------


@pytest.mark.slow
def test_staff_click_export_wait_for_the_job_and_download_the_file(server, browser, tmp_path):
    """The job runs in the Celery worker that serve starts beside the server. With BORNE_SCREENSHOTS=1 the
    progress page goes to docs/screenshots/backoffice/usb-export.png (another value: that folder)."""
    import os
    import time
    from pathlib import Path

    from bo_helpers import ROOT, run_cli

    from content.bundle import read_bundle, read_key

    url, data_dir = server
    loaded = run_cli(data_dir, "load_demo")
    assert loaded.wait(timeout=120) == 0, loaded.stdout.read()
    page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="fr-FR", accept_downloads=True)
    page.goto(url + "/admin/login/")
    page.fill("#id_username", "mairie")
    page.fill("#id_password", "Cantal-15100-admin")
    page.click("input[type=submit]")
    page.wait_for_url(url + "/admin/")

    page.goto(url + "/admin/catalog/commune/")
    page.locator("#result_list tr", has_text="15187").get_by_text("Exporter pour une clé USB").click()
    clicked = time.monotonic()
    page.get_by_role("button", name="Lancer l'export").click()
    page.wait_for_selector("#usb-download", timeout=60_000)  # the page refreshes itself until the file is ready
    print(f"\nUSB export: download offered {time.monotonic() - clicked:.2f} s after the click (measured, not asserted)")
    assert page.inner_text("#usb-status") == "Prêt"
    assert "/etc/borne/bundle.key" in page.inner_text("#usb-export")

    wanted = os.environ.get("BORNE_SCREENSHOTS", "")
    folder = ROOT / "docs/screenshots/backoffice" if wanted == "1" else Path(wanted or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / "usb-export.png"), full_page=True)

    with page.expect_download() as download:
        page.click("#usb-download")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    bundle = read_bundle(path, verify_key=read_key(data_dir / "backoffice" / "bundle.key"))
    assert bundle.entries and bundle.manifest["communes"] == ["15187"]
    page.close()


def test_deleting_an_export_in_the_admin_removes_its_file(client, staff, published, commune, settings):
    from backoffice.usb import jobs
    from backoffice.usb.models import BundleExport

    export = jobs.run_export(BundleExport.objects.create(commune=commune, commune_name=commune.name).pk)
    client.force_login(staff("administrator"))
    client.post(
        "/admin/usb/bundleexport/", {"action": "delete_selected", "_selected_action": [export.pk], "post": "yes"}
    )
    assert not BundleExport.objects.exists()
    assert not any((settings.BACKOFFICE_DIR / "exports").iterdir())


def test_an_export_for_kiosks_not_yet_updated_has_no_food_stay_or_notices(
    client, staff, commune, make_entry, inline_jobs, django_capture_on_commit_callbacks, settings
):
    """Chosen on the start page: the schema-1 file brings restaurants and lodgings down to shops and
    leaves the official notices out (a schema-1 kiosk refuses a member it does not know)."""
    import json
    import zipfile

    from backoffice.notices import samples
    from backoffice.usb.models import BundleExport
    from tests.backoffice.test_notices import DAY, publish

    settings.BORNE_BUNDLE_KEY = ""
    make_entry(title="Crêperie du Rempart", kind="food", categories=["creperie"], details={"price": 1})
    make_entry(title="Camping des Orgues", kind="stay", categories=["campsite"])
    publish(commune, staff("editor", "greffe"), samples.banns(title="Delmas et Castanier", day=DAY), kind="bans")
    client.force_login(staff("editor"))
    start = client.get("/admin/usb/bundleexport/start/15187/").content.decode()
    assert "Pour quelles bornes" in start and "pas encore mises à jour (schéma 1)" in start

    members, pages = {}, {}
    for schema in ("1", "2"):
        with django_capture_on_commit_callbacks(execute=True):
            pages[schema] = client.post("/admin/usb/bundleexport/start/15187/", {"schema": schema}, follow=True)
        export = BundleExport.objects.get(schema=int(schema))
        assert export.status == "done", export.error
        with zipfile.ZipFile(settings.BACKOFFICE_DIR / "exports" / export.file_name) as bundle:
            kinds = {json.loads(line)["kind"] for line in bundle.read("entries.jsonl").splitlines() if line.strip()}
            members[schema] = (kinds, "notices.jsonl" in bundle.namelist(), json.loads(bundle.read("manifest.json")))
    assert "Pour les bornes pas encore mises à jour" in pages["1"].content.decode()  # the progress page says so
    assert "Pour les bornes à jour" in pages["2"].content.decode()

    old_kinds, old_notices, old_manifest = members["1"]
    assert (old_kinds, old_notices, old_manifest["schema"]) == ({"shop"}, False, 1)
    new_kinds, new_notices, new_manifest = members["2"]
    assert (new_kinds, new_notices, new_manifest["schema"]) == ({"food", "stay"}, True, 2)
    assert BundleExport.objects.get(schema=1).file_name.endswith("-schema1.zip")
