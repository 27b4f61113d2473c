"""End to end in a real browser (Debian's Chromium) against the real server started by the CLI:
staff publish an entry and invite a shop; the shopkeeper joins on a phone-sized screen and submits
a listing with a photo; a moderator approves it in the admin; the kiosk feed then carries it."""

from __future__ import annotations

import json
import os
import re
import urllib.request
from pathlib import Path

import pytest
from bo_helpers import jpeg_bytes, run_cli

pytestmark = pytest.mark.slow


def _shot(page, name: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_invite_submit_approve_then_in_the_feed(server, browser, tmp_path):
    url, data_dir = server
    shots = Path(os.environ.get("BORNE_SCREENSHOTS") or tmp_path / "shots")

    staff = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    staff.goto(url + "/admin/login/")
    staff.fill("#id_username", "mairie")
    staff.fill("#id_password", "Cantal-15100-admin")
    staff.click("input[type=submit]")
    staff.wait_for_url(url + "/admin/")
    _shot(staff, "01-admin-home", shots)

    staff.goto(url + "/admin/catalog/commune/add/")
    staff.fill("#id_insee", "15187")
    staff.fill("#id_name", "Saint-Flour")
    staff.click("input[name=_save]")

    staff.goto(url + "/admin/catalog/entry/add/")
    staff.select_option("#id_kind", "heritage")
    staff.select_option("#id_status", "published")
    staff.select_option("#id_categories", ["cathedral"])
    staff.select_option("#id_commune", "15187")
    staff.fill("#id_title_fr", "Cathédrale Saint-Pierre")
    staff.fill("#id_summary_fr", "Cathédrale gothique en basalte")
    staff.fill("#id_opening_hours", "Mo-Su 09:00-18:00")
    staff.click("input[name=_save]")
    assert "Cathédrale Saint-Pierre" in staff.inner_text("#result_list")
    _shot(staff, "02-entries", shots)

    staff.goto(url + "/admin/portal/invitation/add/")
    staff.fill("#id_shop_name", "Boulangerie Martin")
    staff.select_option("#id_commune", "15187")
    staff.click("input[name=_save]")
    staff.click("text=Imprimer avec QR code")
    staff.goto(url + "/admin/portal/invitation/")
    code = staff.inner_text("#result_list tbody tr th a").strip()
    staff.goto(url + "/portal/invitations/1/print/")
    assert code in staff.content() and staff.locator("svg").count() == 1
    _shot(staff, "03-invitation-print", shots)

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True).new_page()
    phone.goto(url + f"/portal/join/?code={code}")
    phone.fill("#id_username", "martin")
    phone.fill("#id_email", "martin@boulangerie.example")
    phone.fill("#id_password1", "levain-1952-pain")
    phone.fill("#id_password2", "levain-1952-pain")
    phone.click("button[type=submit]")
    phone.wait_for_url(url + "/portal/listings/new/")
    phone.select_option("#id_category", "bakery")
    phone.fill("#id_summary_fr", "Pain au levain cuit au feu de bois")
    phone.fill("#id_street", "3 rue du Thuile")
    phone.fill("#id_postcode", "15100")
    phone.fill("#id_city", "Saint-Flour")
    for day in ("Tu", "We", "Th", "Fr", "Sa"):
        phone.fill(f"#id_h_{day}_1_open", "07:00")
        phone.fill(f"#id_h_{day}_1_close", "12:30")
    phone.fill("#id_h_Su_1_open", "07:30")
    phone.fill("#id_h_Su_1_close", "12:00")
    assert phone.input_value("#id_opening_hours") == "Tu-Sa 07:00-12:30; Su 07:30-12:00"
    # (not wait_for_function: the page's Content-Security-Policy forbids evaluating strings)
    from playwright.sync_api import expect

    expect(phone.locator("#hours-readable")).to_have_text(re.compile(r"\w.+"))
    photo = tmp_path / "pain.jpg"
    photo.write_bytes(jpeg_bytes(size=(800, 600), color=(180, 120, 60)))
    phone.set_input_files("#id_photos", str(photo))
    _shot(phone, "04-portal-listing-form", shots)
    phone.click("button[type=submit]")
    phone.wait_for_url(url + "/portal/")
    assert "en attente" in phone.inner_text(".listing")
    _shot(phone, "05-portal-my-listings", shots)

    staff.goto(url + "/admin/portal/submission/")
    staff.click("#result_list tbody tr th a")
    _shot(staff, "06-moderation", shots)
    staff.click("input[name=_approve]")
    assert "Publiée" in staff.inner_text(".messagelist")

    phone.reload()
    assert "publiée" in phone.inner_text(".listing").lower()

    add = run_cli(data_dir, "kiosk_add", "Place d'Armes", "--commune", "15187")
    token = add.communicate(timeout=60)[0].strip().splitlines()[-1]
    request = urllib.request.Request(url + "/api/kiosk/v1/changes", headers={"Authorization": f"Bearer {token}"})
    feed = json.load(urllib.request.urlopen(request, timeout=10))
    titles = {e["title"]["fr"]: e for e in feed["entries"]}
    assert set(titles) == {"Cathédrale Saint-Pierre", "Boulangerie Martin"}
    shop = titles["Boulangerie Martin"]
    assert shop["opening_hours"] == "Tu-Sa 07:00-12:30; Su 07:30-12:00"
    sha = shop["media"][0]["sha256"]
    image = urllib.request.urlopen(url + f"/api/kiosk/v1/media/{sha}", timeout=10)
    assert "immutable" in image.headers["Cache-Control"]
    import hashlib

    assert hashlib.sha256(image.read()).hexdigest() == sha

    staff.goto(url + "/admin/fleet/kiosk/status/")
    assert "Place d'Armes" in staff.inner_text("#fleet")
    _shot(staff, "07-fleet-status", shots)
