"""End to end with real processes on loopback: the back office server, the kiosk's sync process and
the kiosk app in a window (Xvfb). Staff and a shopkeeper work in Chromium; what the kiosk shows is
read from its screen through the probe (every visible label, the list's rows) after simulated touches.

The tests share one stack and run in order: publish, shopkeeper, heartbeat, outage, sync on request.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from collections import Counter

import pytest
from babel import Locale
from PIL import Image

from content import __version__
from tests.e2e.stack import COMMUNE, KIOSK_NAME, ROOT, SYNC_SECONDS, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.ui]

CATHEDRAL = "Cathédrale Saint-Pierre"
CATHEDRAL_SUMMARY = "Cathédrale gothique en basalte"
ALERT = "Route de la gare fermée : crue de l'Ander"
SHOP = "Boulangerie Martin"
SHOP_SUMMARY = "Pain au levain cuit au feu de bois"
#: Bounds of the waits (not timings under test): the fast poll, a content sync, a few heartbeats.
ALERT_WAIT = 8
SYNC_WAIT = SYNC_SECONDS * 2 + 8
#: What an earlier test of the module published (the tests share one stack and run in order).
published: dict[str, str] = {}


def needs(key: str) -> str:
    if key not in published:
        pytest.skip(f"needs the {key} published by an earlier test of this module")
    return published[key]


def titles(answer: dict) -> list[str]:
    return [row["title"] for row in answer["rows"]]


def fill_entry(page, url: str, *, kind: str, category: str, title: str, summary: str) -> None:
    page.goto(url + "/admin/catalog/entry/add/")
    page.select_option("#id_kind", kind)
    page.select_option("#id_status", "published")
    page.select_option("#id_categories", [category])
    page.select_option("#id_commune", COMMUNE)
    page.fill("#id_title_fr", title)
    page.fill("#id_summary_fr", summary)
    page.fill("#id_opening_hours", "Mo-Su 09:00-18:00")


def fill_alert(page, url: str, *, level: str, message: str) -> None:
    page.goto(url + "/admin/catalog/alert/add/")
    page.select_option("#id_level", level)
    page.fill("#id_message_fr", message)


def save(page) -> None:
    page.click("input[name=_save]")
    errors = page.locator(".errornote, .errorlist")
    assert errors.count() == 0, errors.all_inner_texts()


def test_staff_alert_reaches_the_kiosk_by_the_fast_poll_and_the_entry_at_the_next_sync(
    kiosk, backoffice, staff, browser, shots
):
    url = backoffice.url
    # The kiosk started on the demo town; the first sync from its back office (empty) replaced it.
    wait_until(lambda: not kiosk.visit("heritage")["rows"], SYNC_WAIT, "the demo town gone", kiosk.procs)

    # Staff prepare the page in one tab and the urgent message in another, and save both just
    # after a content sync: the next one is a whole interval away.
    alert_tab = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    alert_tab.context.add_cookies(staff.context.cookies())
    fill_entry(staff, url, kind="heritage", category="cathedral", title=CATHEDRAL, summary=CATHEDRAL_SUMMARY)
    fill_alert(alert_tab, url, level="urgent", message=ALERT)
    last = kiosk.last_sync_at()
    wait_until(lambda: kiosk.last_sync_at() != last, SYNC_WAIT, "a content sync", kiosk.procs)
    save(staff)
    save(alert_tab)
    alert_tab.close()

    state = wait_until(
        lambda: (s := kiosk.state()) and s["alert"] == ALERT and s, ALERT_WAIT, "the alert on the kiosk", kiosk.procs
    )
    assert state["alert_level"] == "urgent"
    # It came by the alert poll, alone: the page staff saved first is not on the kiosk yet.
    assert "alerts: 1 new or changed" in kiosk.sync.text()
    assert kiosk.cache()["kinds"].get("heritage", 0) == 0

    home = kiosk.do(["reset"], ["touch"], ["shot", str(shots / "e2e-home-alert.png")])
    assert home["screen"] == "home"
    assert ALERT in home["texts"]

    listed = wait_until(
        lambda: (a := kiosk.visit("heritage")) and CATHEDRAL in titles(a) and a,
        SYNC_WAIT,
        "the new page on the kiosk",
        kiosk.procs,
    )
    assert titles(listed) == [CATHEDRAL]
    published["cathedral"] = listed["rows"][0]["id"]
    detail = kiosk.do(["row", CATHEDRAL], ["shot", str(shots / "e2e-detail-entry.png")])
    assert CATHEDRAL in detail["texts"]
    assert any(CATHEDRAL_SUMMARY in text for text in detail["texts"])


def test_a_shopkeepers_approved_listing_appears_on_the_kiosk(kiosk, backoffice, staff, browser, tmp_path, shots):
    url = backoffice.url
    staff.goto(url + "/admin/portal/invitation/add/")
    staff.fill("#id_shop_name", SHOP)
    staff.select_option("#id_commune", COMMUNE)
    save(staff)
    staff.goto(url + "/admin/portal/invitation/")
    code = staff.inner_text("#result_list tbody tr th a").strip()

    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True)
    phone = context.new_page()
    phone.goto(url + f"/portal/join/?code={code}")
    phone.fill("#id_username", "martin")
    phone.fill("#id_email", "martin@boulangerie.example")
    phone.fill("#id_password1", "levain-1952-pain")
    phone.fill("#id_password2", "levain-1952-pain")
    phone.click("button[type=submit]")
    phone.wait_for_url(url + "/portal/listings/new/")
    phone.select_option("#id_category", "bakery")
    phone.fill("#id_summary_fr", SHOP_SUMMARY)
    phone.fill("#id_street", "3 rue du Thuile")
    phone.fill("#id_postcode", "15100")
    phone.fill("#id_city", "Saint-Flour")
    for day in ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"):
        phone.fill(f"#id_h_{day}_1_open", "00:00")
        phone.fill(f"#id_h_{day}_1_close", "23:59")
    photo = tmp_path / "pain.jpg"
    Image.new("RGB", (800, 600), (180, 120, 60)).save(photo, "JPEG")
    phone.set_input_files("#id_photos", str(photo))
    phone.click("button[type=submit]")
    phone.wait_for_url(url + "/portal/")

    # Waiting for moderation: not on the kiosk, even after a sync.
    last = kiosk.last_sync_at()
    wait_until(lambda: kiosk.last_sync_at() != last, SYNC_WAIT, "a content sync", kiosk.procs)
    assert SHOP not in titles(kiosk.visit("shop"))

    staff.goto(url + "/admin/portal/submission/")
    staff.click("#result_list tbody tr th a")
    staff.click("input[name=_approve]")
    assert "Publiée" in staff.inner_text(".messagelist")
    context.close()

    listed = wait_until(
        lambda: (a := kiosk.visit("shop")) and SHOP in titles(a) and a,
        SYNC_WAIT,
        "the listing on the kiosk",
        kiosk.procs,
    )
    row = next(r for r in listed["rows"] if r["title"] == SHOP)
    assert row["thumb"], "the shop's photo was downloaded and made into a thumbnail"
    detail = kiosk.do(["row", SHOP], ["shot", str(shots / "e2e-detail-shop.png")])
    assert SHOP in detail["texts"]
    assert any(SHOP_SUMMARY in text for text in detail["texts"])


def usage_rows(page, url: str) -> list[dict]:
    response = page.request.get(url + "/dashboard/usage.csv")
    assert response.ok, response.status
    return list(csv.DictReader(io.StringIO(response.text().lstrip("\ufeff")), delimiter=";"))


def language_fr(code: str) -> str:
    """A language as the CSV names it (Babel's French name, capitalised)."""
    return Locale("fr").languages[code].capitalize() if code else "Non précisée"


def views_in_csv(rows: list[dict]) -> Counter:
    """The back office's counters of our kiosk: (entry, language) -> views. The CSV is in French (names,
    not codes): the entry's id and the language's French name are what can be matched with the kiosk's."""
    views = Counter()
    for r in rows:
        if r["Borne"] == KIOSK_NAME:
            views[(r["Identifiant de la fiche"], r["Langue"])] += int(r["Vues"])
    return views


def test_the_heartbeat_brings_the_kiosks_state_and_usage_counters_to_the_back_office(kiosk, backoffice, staff):
    url = backoffice.url
    cathedral = needs("cathedral")
    detail_key = ("detail", cathedral, "cathedral", "fr")
    before = kiosk.usage()[detail_key]
    for _ in range(2):
        answer = kiosk.do(["reset"], ["touch"], ["tile", "heritage"], ["row", CATHEDRAL])
        assert answer["screen"] == "detail"
    counted = kiosk.usage()
    assert counted[detail_key] == before + 2, "each visit to the page is counted on the kiosk"

    # Every view the kiosk counted reaches the back office once (the attract loop is not a view).
    expected = Counter()
    for key, n in counted.items():
        if key[0] != "attract":
            expected[(key[1], language_fr(key[3]))] += n
    seen: list[dict] = []

    def arrived() -> bool:
        seen[:] = usage_rows(staff, url)
        return views_in_csv(seen) == expected

    try:
        wait_until(arrived, 30, "the kiosk's usage counters in the back office", kiosk.procs)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nkiosk: {expected}\nback office: {views_in_csv(seen)}") from None

    cursor = kiosk.cache()["cursor"]

    def fleet_row() -> dict | None:
        staff.goto(url + "/admin/fleet/kiosk/status/")
        header = [th.strip() for th in staff.locator("#fleet thead th").all_text_contents()]
        rows = staff.locator("#fleet tbody tr", has_text=KIOSK_NAME)
        if rows.count() != 1:
            return None
        # text_content: the change number is in a closed <details> (for support), not shown at first
        cells = dict(zip(header, (" ".join(td.split()) for td in rows.locator("td").all_text_contents()), strict=True))
        cells["class"] = rows.get_attribute("class")
        return cells if cells["Contenu"].endswith(f"(pour l'assistance) : {cursor}") else None

    row = wait_until(fleet_row, 30, "the kiosk's heartbeat on the fleet status page", kiosk.procs)
    assert row["class"] == "online"
    assert f"logiciel {__version__}" in row["Borne"]
    assert "jamais" not in row["Dernier contact"]
    assert row["Erreurs"] == "aucune"


LOUD = re.compile(r" (WARNING|ERROR|CRITICAL) ")


def _count(pattern: str, text: str) -> int:
    return len(re.findall(pattern, text, flags=re.MULTILINE))


def test_the_kiosk_keeps_working_while_the_back_office_is_down_then_catches_up(kiosk, backoffice, shots):
    needs("cathedral")
    failed_before = _count(r"WARNING sync\.service: sync failed:", kiosk.sync.text())
    log_before = len(kiosk.sync.text())
    backoffice.stop()
    attempts = 3

    # Several content syncs fail; the log says so once.
    def failures() -> bool:
        return _count(r"sync still failing:", kiosk.sync.text()[log_before:]) >= attempts - 1

    wait_until(failures, SYNC_SECONDS * (attempts + 2), f"{attempts} failed syncs", kiosk.procs)
    text = kiosk.sync.text()
    assert _count(r"WARNING sync\.service: sync failed:", text) == failed_before + 1
    assert _count(r"alert poll failed:", text) == 1
    # Logged once in all: one warning per job that found the server gone, not one per attempt or retry.
    faults = [line for line in text[log_before:].splitlines() if LOUD.search(line) and "refused" in line]
    assert len(faults) == 3, "\n".join(faults)
    assert kiosk.cache()["last_sync"]["ok"] is False

    # Meanwhile the town's data changes (an import on the server while the web server is down).
    backoffice.manage(
        "shell",
        "-c",
        "from backoffice.catalog.models import Commune, Entry; "
        "Entry(kind='heritage', categories=['museum'], title={'fr': 'Musée de la Haute-Auvergne'}, "
        f"status='published', commune=Commune.objects.get(insee='{COMMUNE}')).save()",
    )

    # The kiosk keeps working on what it has.
    assert kiosk.ui.alive
    offline = kiosk.do(["reset"], ["touch"], ["tile", "heritage"], ["shot", str(shots / "e2e-offline-list.png")])
    assert titles(offline) == [CATHEDRAL]
    assert kiosk.state()["alert"] == ALERT

    backoffice.proc.start()
    wait_until(backoffice.answers, 60, "the back office answering again", [backoffice.proc])
    listed = wait_until(
        lambda: (a := kiosk.visit("heritage")) and "Musée de la Haute-Auvergne" in titles(a) and a,
        SYNC_WAIT,
        "the kiosk catching up",
        kiosk.procs,
    )
    assert sorted(titles(listed)) == sorted([CATHEDRAL, "Musée de la Haute-Auvergne"])
    wait_until(lambda: "sync recovered" in kiosk.sync.text(), SYNC_WAIT, "the sync saying it recovered", kiosk.procs)
    assert kiosk.cache()["last_sync"]["ok"] is True
    assert _count(r"WARNING sync\.service: sync failed:", kiosk.sync.text()) == failed_before + 1


def test_a_sync_asked_from_the_command_line_is_run_by_the_running_sync_process(kiosk):
    """``main.py sync --once`` beside the running process: exit 3, and that process syncs now."""
    last = kiosk.last_sync_at()
    done = subprocess.run(
        [sys.executable, "main.py", "sync", "--once"],
        cwd=ROOT,
        env=kiosk.sync.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3, done.stderr
    assert "asked to sync now" in done.stderr
    wait_until(lambda: "sync requested from the maintenance panel" in kiosk.sync.text(), 10, "the request", kiosk.procs)
    wait_until(lambda: kiosk.last_sync_at() != last, SYNC_WAIT, "the sync asked for", kiosk.procs)
