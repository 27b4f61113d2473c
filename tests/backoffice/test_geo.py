"""The town map in the back office: import (command and admin upload run as a job), the kiosk's
position on its page, the feed's ``map`` key, and one walk from the back office to a kiosk's route."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from django.contrib.admin import site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

pytest.importorskip("osmium")

DATA = Path(__file__).resolve().parents[1] / "geo" / "data"
HELSINKI = DATA / "helsinki-centre.osm.pbf"
HELSINKI_BBOX = "60.1660,24.9380,60.1720,24.9480"
DEMO_BBOX = (45.0262, 3.0880, 45.0425, 3.1080)  # content.demo.map.make_town.BBOX


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff("administrator"))
    return client


@pytest.fixture
def demo_town_map(commune):
    from backoffice.geo.service import load_demo_map

    return load_demo_map()


def test_the_command_imports_a_real_extract_and_a_broken_one_leaves_the_map_in_use(commune, tmp_path):
    from backoffice.geo.models import TownMap

    call_command("import_osm", str(HELSINKI), commune="15187", bbox=HELSINKI_BBOX)
    first = TownMap.objects.get(commune=commune)
    assert first.counts["building"] > 100 and first.counts["paths"] > 1000

    broken = tmp_path / "broken.osm.pbf"
    broken.write_bytes(HELSINKI.read_bytes()[:4000])
    with pytest.raises(CommandError, match="broken.osm.pbf : fichier refusé, la carte précédente reste en service"):
        call_command("import_osm", str(broken), commune="15187")  # the box of the map in use
    assert TownMap.objects.get(commune=commune).sha256 == first.sha256


@pytest.mark.parametrize(
    ("bbox", "message"),
    [("45,3,45.1", "quatre nombres"), ("45.1,3,45,3.1", "le sud doit être sous le nord"), ("40,0,46,3", "trop grande")],
)
def test_a_wrong_box_is_refused_in_french(commune, bbox, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_osm", str(HELSINKI), commune="15187", bbox=bbox)


def test_the_feed_announces_the_map_and_the_kiosk_place_changes_its_etag(kiosk_client, kiosk_token, demo_town_map):
    from backoffice.geo.models import KioskPlace

    first = kiosk_client.get("/api/kiosk/v1/changes")
    assert first.json()["map"] == {
        "sha256": demo_town_map.sha256,
        "bytes": demo_town_map.size,
        "bbox": list(DEMO_BBOX),
        "generated_at": demo_town_map.generated_at.isoformat(timespec="seconds"),
        "kiosk": None,
    }
    KioskPlace.objects.create(kiosk=kiosk_token[0], lat=45.0334, lon=3.0941, facing=80)
    again = kiosk_client.get("/api/kiosk/v1/changes", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again.json()["map"]["kiosk"] == {"lat": 45.0334, "lon": 3.0941, "facing": 80}

    blob = kiosk_client.get(f"/api/kiosk/v1/media/{demo_town_map.sha256}")
    assert blob.content == bytes(demo_town_map.blob)
    assert "immutable" in blob["Cache-Control"]


def test_the_kiosk_page_holds_the_picker_over_the_same_map(admin_client, kiosk_token, demo_town_map):
    kiosk = kiosk_token[0]
    page = admin_client.get(f"/admin/fleet/kiosk/{kiosk.pk}/change/").content.decode()
    assert 'data-map-url="/admin/geo/townmap/15187/drawing.json"' in page
    assert "geo/picker.js" in page
    drawing = admin_client.get("/admin/geo/townmap/15187/drawing.json").json()
    assert drawing["layers"]["building"] and drawing["origin"]

    # the kiosk page's other fields as they are (its settings), then its place on the map
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from backoffice.fleet.models import Kiosk

    request = RequestFactory().get("/")
    request.user = get_user_model().objects.get(pk=admin_client.session["_auth_user_id"])
    form = site._registry[Kiosk].get_form(request, kiosk)(instance=kiosk)
    current = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    response = admin_client.post(
        f"/admin/fleet/kiosk/{kiosk.pk}/change/",
        {
            **{k: v for k, v in current.items() if v is not False},
            "name": kiosk.name,
            "commune": "15187",
            "location": "",
            "place-TOTAL_FORMS": "1",
            "place-INITIAL_FORMS": "0",
            "place-MIN_NUM_FORMS": "0",
            "place-MAX_NUM_FORMS": "1",
            "place-0-lat": "45.03345",
            "place-0-lon": "3.09405",
            "place-0-facing": "80",
            "place-0-kiosk": str(kiosk.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    kiosk.place.refresh_from_db()
    assert (kiosk.place.lat, kiosk.place.facing) == (45.03345, 80)


def test_an_upload_is_imported_by_the_job_and_a_bad_one_fails_in_french(admin_client, demo_town_map, settings):
    from backoffice.geo.jobs import run_import
    from backoffice.geo.models import MapImport, Status, TownMap

    def upload(name, data, bbox):
        s, w, n, e = bbox.split(",")
        form = {"commune": "15187", "south": s, "west": w, "north": n, "east": e}
        response = admin_client.post(
            "/admin/geo/mapimport/add/", {**form, "upload": SimpleUploadedFile(name, data)}, follow=True
        )
        assert response.status_code == 200
        return MapImport.objects.latest("pk")

    job = upload("Helsinki.osm.pbf", HELSINKI.read_bytes(), HELSINKI_BBOX)
    assert job.status == Status.QUEUED and Path(job.stored_path).is_file()  # the worker's, after the commit
    assert run_import(job.pk).status == Status.DONE
    imported = TownMap.objects.get(commune_id="15187").sha256
    assert imported != demo_town_map.sha256 and not Path(job.stored_path).exists()

    bad = upload("abîmé.osm.pbf", b"\x00" * 300, HELSINKI_BBOX)
    done = run_import(bad.pk)
    assert done.status == Status.FAILED and "fichier refusé, la carte précédente reste en service" in done.error
    assert TownMap.objects.get(commune_id="15187").sha256 == imported
    assert run_import(bad.pk).status == Status.FAILED  # run twice: left alone


def test_a_file_that_is_no_osm_is_refused_by_the_form(admin_client, commune):
    response = admin_client.post(
        "/admin/geo/mapimport/add/",
        {
            "commune": "15187",
            "south": 45,
            "west": 3,
            "north": 45.1,
            "east": 3.1,
            "upload": SimpleUploadedFile("plan.pdf", b"%PDF"),
        },
    )
    assert "un fichier .osm.pbf ou .osm est attendu" in response.content.decode()


@pytest.mark.slow
def test_end_to_end_back_office_feed_sync_cache_and_the_kiosk_route(transactional_db, live_server, tmp_path):
    """A real OSM file imported in the back office reaches a kiosk over HTTP and routes there."""
    from backoffice.catalog.models import Commune, Entry
    from backoffice.fleet.models import Kiosk
    from backoffice.geo.models import KioskPlace
    from backoffice.geo.service import import_map
    from content import geo
    from content.cache import ContentCache
    from sync.client import FeedClient
    from sync.job import SyncJob

    commune = Commune.objects.create(insee="15187", name="Saint-Flour")
    osm_file = tmp_path / "town.osm"
    shutil.copy(Path(geo.__file__).parent / "demo" / "map" / "town.osm", osm_file)
    import_map(osm_file, commune, DEMO_BBOX)
    entry = Entry(kind="service", title={"fr": "Pharmacie de l'Ander"}, status="published", commune=commune)
    entry.lat, entry.lon = 45.0374, 3.1024
    entry.full_clean()
    entry.save()
    kiosk = Kiosk.objects.create(name="Place d'Armes", commune=commune)
    KioskPlace.objects.create(kiosk=kiosk, lat=45.03345, lon=3.09405, facing=80)
    token = kiosk.issue_token()

    client = FeedClient(live_server.url, token, version="test", retries=0, backoff_factor=0)
    job = SyncJob(data_dir=tmp_path / "kiosk", client=client, min_free_bytes=0)
    try:
        result = job.sync_once()
    finally:
        job.close()
    assert result.map_changed and not result.problems

    with ContentCache.open(tmp_path / "kiosk", readonly=True) as cache:  # what the kiosk's screen reads
        info = cache.town_map()
        town = geo.TownMap.from_blob(info["path"].read_bytes())
        place = cache.view(f"bo:{entry.pk}").place
    start = (info["kiosk"]["lat"], info["kiosk"]["lon"])
    walk = geo.route(town, start, (place.lat, place.lon))
    step_free = geo.route(town, start, (place.lat, place.lon), step_free=True)
    assert walk.has_steps and not step_free.has_steps and step_free.length_m > walk.length_m
    assert json.loads(json.dumps(info["bbox"])) == list(DEMO_BBOX)


@pytest.fixture
def picker_kiosk(transactional_db, staff):
    from backoffice.catalog.models import Commune
    from backoffice.fleet.models import Kiosk
    from backoffice.geo.service import load_demo_map

    Commune.objects.create(insee="15187", name="Saint-Flour")
    load_demo_map()
    staff("administrator", username="mairie")
    return Kiosk.objects.create(name="Place d'Armes", commune_id="15187")


@pytest.mark.slow
def test_a_click_on_the_map_sets_the_kiosk_position_in_the_browser(picker_kiosk, live_server, browser, monkeypatch):
    """The picker is drawn by a script the CSP allows, from the imported data, and a click fills the fields."""
    from playwright.sync_api import expect

    # Playwright's sync API runs an event loop in this thread; the last check reads the database here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    kiosk = picker_kiosk

    page = browser.new_page(viewport={"width": 1280, "height": 1400}, locale="fr-FR")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "mairie")
    page.fill("#id_password", "s3cret-pass!")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/fleet/kiosk/{kiosk.pk}/change/")
    svg = page.locator("svg.geo-picker-map")
    expect(svg).to_be_visible()
    expect(page.get_by_text("© OpenStreetMap contributors, ODbL")).to_be_visible()
    box = svg.bounding_box()
    svg.click(position={"x": box["width"] * 0.3, "y": box["height"] * 0.55})  # scrolled into view first
    expect(page.locator("#id_place-0-lat")).not_to_have_value("")
    lat = float(page.locator("#id_place-0-lat").input_value())
    lon = float(page.locator("#id_place-0-lon").input_value())
    assert 45.027 < lat < 45.0425 and 3.088 < lon < 3.108
    page.fill("#id_place-0-facing", "80")
    # latitude, longitude and facing stay together, the map under them
    assert page.locator("#id_place-0-facing").bounding_box()["y"] < svg.bounding_box()["y"]
    if folder := os.environ.get("BORNE_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / "fleet-kiosk-position.png"), full_page=True)
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_be_visible()
    kiosk.refresh_from_db()
    assert kiosk.place.lat == pytest.approx(lat) and kiosk.place.facing == 80
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_the_usb_bundle_of_a_commune_carries_its_map(demo_town_map, tmp_path):
    from backoffice.catalog.bundles import export_bundle
    from content.bundle import read_bundle

    export_bundle(tmp_path / "usb.zip", commune="15187", signing_key=b"k" * 32)
    carried = read_bundle(tmp_path / "usb.zip", verify_key=b"k" * 32).town_map
    assert carried["sha256"] == demo_town_map.sha256 and carried["kiosk"] is None
