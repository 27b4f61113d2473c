"""A town employee in Chromium, in French: registers a kiosk (its token shown once, in the page, never
in a cookie), sees it on the fleet page after a heartbeat and after a real ``sync --once``, then
looks at the usage dashboard over a quarter, mistypes a range of days, and opens the CSV."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from bo_helpers import ROOT, clean_env

pytestmark = pytest.mark.slow

#: Screenshots go to a temporary folder; BORNE_SCREENSHOTS=docs/screenshots/backoffice refreshes the documented ones.
SHOTS = os.environ.get("BORNE_SCREENSHOTS")


def shot(page, name: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def heartbeat(url: str, token: str, payload: dict) -> dict:
    request = urllib.request.Request(
        url + "/api/kiosk/v1/heartbeat",
        data=json.dumps(payload).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def sync_once(url: str, token: str, data: Path) -> subprocess.CompletedProcess:
    """The kiosk's real sync process, once (``python -m sync --once``), as a technician would run it."""
    return subprocess.run(
        [sys.executable, "-m", "sync", "--data", str(data), "--url", url, "--token", token, "--once"],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_kiosk_fleet_and_dashboard_in_french(server, browser, tmp_path):
    from django.utils import timezone

    url, _data_dir = server
    shots = Path(SHOTS) if SHOTS else tmp_path / "shots"
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR", accept_downloads=True)
    page = context.new_page()
    page.goto(url + "/admin/login/")
    page.fill("#id_username", "mairie")
    page.fill("#id_password", "Cantal-15100-admin")
    page.click("input[type=submit]")
    page.wait_for_url(url + "/admin/")
    assert page.locator("a", has_text="Fréquentation des bornes").count() >= 1  # the dashboard, from the admin

    page.goto(url + "/admin/catalog/commune/add/")
    page.fill("#id_insee", "15187")
    page.fill("#id_name", "Saint-Flour")
    page.click("input[name=_save]")

    # A new kiosk: its token is in the page, once; not in any cookie.
    page.goto(url + "/admin/fleet/kiosk/add/")
    page.fill("#id_name", "Borne de la place d'Armes")
    page.select_option("#id_commune", "15187")
    page.fill("#id_location", "Devant l'office de tourisme")
    with page.expect_response(lambda r: r.url.endswith("/admin/fleet/kiosk/add/") and r.request.method == "POST") as r:
        page.click("input[name=_save]")
    token = page.input_value("input.kiosk-token")
    assert token.startswith("bk_")
    assert "il ne sera plus jamais affiché" in page.inner_text("#kiosk-token")
    assert token not in (r.value.headers.get("set-cookie") or "")
    assert token not in page.evaluate("document.cookie")
    assert all(token not in c["value"] for c in context.cookies())
    shot(page, "fleet-token-shown-once", shots)
    page.click("text=Je l'ai copié : retour aux bornes")
    assert token not in page.content()

    # A heartbeat: the fleet page says it in words.
    now = timezone.now()
    heartbeat(
        url,
        token,
        {
            "version": "1.4.0",
            "cursor": "0",
            "disk_free": 812345678,
            "disk_total": 15_987_654_321,
            "uptime": 3 * 86400,
            "bundle": {"name": "borne-15187.zip", "imported_at": now.isoformat(), "signed": False, "verified": False},
            "usage": {
                "batch_id": "journey-1",
                "rows": [
                    {"hour": now.isoformat(), "screen": "home", "lang": "fr", "n": 12},
                    {"hour": now.isoformat(), "screen": "detail", "lang": "en", "n": 5, "category": "museum"},
                ],
            },
        },
    )
    page.goto(url + "/admin/fleet/kiosk/status/")
    row = page.inner_text("#fleet tbody tr")
    assert "signal de vie" in row and "en ligne" in row
    assert "libres sur" in row and "812345678" not in row
    assert "NON SIGNÉE : rien n'a été vérifié" in row
    assert "Curseur" not in page.inner_text("#fleet")
    shot(page, "fleet-after-heartbeat", shots)

    # The kiosk's real sync, once: the feed records the contact.
    done = sync_once(url, token, tmp_path / "kiosk")
    assert done.returncode == 0, done.stdout + done.stderr
    page.reload()
    row = page.inner_text("#fleet tbody tr")
    assert "demande de contenu" in row, row
    shot(page, "fleet-after-sync-once", shots)

    # The dashboard over this quarter.
    page.goto(url + "/dashboard/")
    page.select_option("#periode", "trimestre")
    page.click("button[type=submit]")
    heading = page.inner_text("main h2")
    assert "trimestre" in heading
    assert page.inner_text(".figure .n >> nth=0").strip() == "17"
    shot(page, "dashboard-quarter", shots)

    # A range typed the wrong way round: a French error, the dates kept.
    page.select_option("#periode", "plage")
    page.fill("input[name=du]", "2026-10-12")
    page.fill("input[name=au]", "2026-10-01")
    page.click("button[type=submit]")
    error = page.inner_text(".errors")
    assert "est avant la date de début" in error
    assert page.input_value("#periode") == "plage"  # what was asked stays chosen, with the dates typed
    assert page.is_visible("input[name=du]") and page.input_value("input[name=du]") == "2026-10-12"
    assert page.input_value("input[name=au]") == "2026-10-01"
    shot(page, "dashboard-bad-range", shots)

    # The figures as CSV, as Excel in French opens them.
    page.goto(url + "/dashboard/?periode=trimestre")
    with page.expect_download() as download:
        page.click("text=Télécharger les chiffres (CSV)")
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert sum(int(r["Vues"]) for r in rows) == 17
    assert {r["Écran"] for r in rows} == {"Accueil", "Fiches"}
    assert {r["Borne"] for r in rows} == {"Borne de la place d'Armes"}
    context.close()
