"""A town employee in Chromium, in French, looks after a kiosk from the office: sets its screen
hours (a mistyped range is refused in French and kept as typed), asks to see its screen, and reads
on the fleet page the picture it sent, its software version and the warning of a rolled-back update."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import urllib.request
from pathlib import Path

import pytest
from bo_helpers import ADMIN
from PIL import Image, ImageDraw

pytestmark = pytest.mark.slow

SHOTS = os.environ.get("BORNE_SCREENSHOTS")


def post(url: str, token: str, path: str, payload: dict) -> dict:
    request = urllib.request.Request(
        f"{url}/api/kiosk/v1/{path}",
        data=json.dumps(payload).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def feed_settings(url: str, token: str) -> dict:
    request = urllib.request.Request(f"{url}/api/kiosk/v1/changes", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["settings"]


def kiosk_picture() -> bytes:
    img = Image.new("RGB", (270, 480), (24, 60, 110))
    ImageDraw.Draw(img).rectangle((20, 300, 250, 460), fill=(240, 180, 40))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=70)
    return out.getvalue()


def test_screen_hours_screenshot_version_and_a_rolled_back_update(server, browser, tmp_path):
    url, _data_dir = server
    shots = Path(SHOTS) if SHOTS else tmp_path / "shots"
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.goto(url + "/admin/login/")
    page.fill("#id_username", ADMIN[0])
    page.fill("#id_password", ADMIN[1])
    page.click("input[type=submit]")
    page.wait_for_url(url + "/admin/")
    page.goto(url + "/admin/catalog/commune/add/")
    page.fill("#id_insee", "15187")
    page.fill("#id_name", "Saint-Flour")
    page.click("input[name=_save]")
    page.goto(url + "/admin/fleet/kiosk/add/")
    page.fill("#id_name", "Borne du marché")
    page.select_option("#id_commune", "15187")
    page.click("input[name=_save]")
    token = page.input_value("input.kiosk-token")
    page.click("text=Je l'ai copié : retour aux bornes")

    # Screen hours: a range across midnight is refused in French, what was typed stays.
    page.click("text=Borne du marché")
    change_url = page.url
    page.check("#id_screen_schedule")
    page.fill("#id_screen_mon", "22:00-02:00")
    page.fill("#id_screen_sun", "fermé")
    page.fill("#id_screen_exceptions", "2026-12-25 fermé")
    page.fill("#id_maintenance_pin", "97531")
    page.click("input[name=_continue]")
    error = page.inner_text(".field-screen_mon .errorlist")
    assert "finit avant de commencer" in error
    assert page.input_value("#id_screen_mon") == "22:00-02:00" and page.input_value("#id_screen_sun") == "fermé"
    page.screenshot(path=str(shots / "fleet-screen-hours-error.png"), full_page=True)
    page.fill("#id_screen_mon", "07:00-12:00, 14:00-22:00")
    page.click("input[name=_continue]")
    assert "modifié avec succès" in page.inner_text(".messagelist")
    settings = feed_settings(url, token)  # what the kiosk receives at its next sync
    assert settings["screen"]["weekly"]["mon"] == ["07:00-12:00", "14:00-22:00"]
    assert settings["screen"]["weekly"]["sun"] == [] and settings["pin"] == "97531"

    # "Voir l'écran": the kiosk is asked at its next status report, and answers with a picture.
    page.click("#see-screen")
    assert "prochain signal de vie" in page.inner_text(".messagelist")
    answer = post(url, token, "heartbeat", {"version": "1.1.0"})
    assert answer["commands"] == ["screenshot"]
    picture = kiosk_picture()
    now = dt.datetime.now(dt.UTC)
    post(
        url,
        token,
        "heartbeat",
        {
            "version": "1.0.0",
            "screenshot": {"taken_at": now.isoformat(), "jpeg": base64.b64encode(picture).decode()},
            "screen": {"backend": "wlr-randr", "state": "on", "action": "on: schedule", "at": now.isoformat()},
            "update": {
                "version": "1.1.0",
                "result": "rolled_back",
                "at": now.isoformat(),
                "message": "the kiosk screen never started: back to 1.0.0",
            },
            "errors": ["sync: cannot reach the back office"],
        },
    )

    page.goto(url + "/admin/fleet/kiosk/status/")
    row = page.locator("#fleet tbody tr").first
    software = row.locator("td.software").inner_text()
    assert "1.0.0" in software and "ANNULÉE" in software and "version 1.1.0" in software
    assert "allumé (wlr-randr)" in row.locator("td.screen").inner_text()
    assert "cannot reach the back office" in row.inner_text()
    src = row.locator("td.screen img").get_attribute("src")
    shown = page.request.get(url + src)
    assert shown.ok and shown.body() == picture and shown.headers["content-type"] == "image/jpeg"
    page.screenshot(path=str(shots / "fleet-status-supervision.png"), full_page=True)

    page.goto(change_url)
    assert page.locator("img.kiosk-screenshot").count() == 1
    assert "prise le" in page.inner_text(".field-screenshot_display")
    page.screenshot(path=str(shots / "fleet-kiosk-screenshot.png"), full_page=True)

    # Another visit's heartbeat without a picture keeps the last one.
    post(url, token, "heartbeat", {"version": "1.0.0"})
    assert page.request.get(url + src).body() == picture
    context.close()
