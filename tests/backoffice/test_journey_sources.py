"""A town employee in Chromium, in French: adds an iCalendar source (an internal address is refused),
runs it now and follows its progress (the worker and the beat started by ``serve``), reads the history
and the refused record; then schedules another every minute and sees the beat and the worker run it on
time. The feed is served by a real HTTP server on 127.0.0.1, allowed through BORNE_FETCH_ALLOW."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bo_helpers import ADMIN, served

pytestmark = pytest.mark.slow

#: Screenshots go to a temporary folder; BORNE_SCREENSHOTS=docs/screenshots/backoffice refreshes the documented ones.
SHOTS = os.environ.get("BORNE_SCREENSHOTS")


def calendar(events: int, bad: int = 0) -> bytes:
    """``events`` concerts in the coming weeks, and ``bad`` events whose date is not a date."""
    start = dt.date.today() + dt.timedelta(days=2)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Mairie//FR", "X-WR-CALNAME:Agenda de la mairie"]
    for n in range(events):
        day = start + dt.timedelta(days=n % 60)
        lines += ["BEGIN:VEVENT", f"UID:concert-{n}@mairie.example", "DTSTAMP:20260101T000000Z",
                  f"DTSTART:{day:%Y%m%d}T203000", f"SUMMARY:Concert au kiosque n° {n}", "END:VEVENT"]  # fmt: skip
    for n in range(bad):
        lines += ["BEGIN:VEVENT", f"UID:fete-{n}@mairie.example", "DTSTAMP:20260101T000000Z",
                  "DTSTART:2026-13-45", "SUMMARY:<b>Fête</b> de la musique", "END:VEVENT"]  # fmt: skip
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


@pytest.fixture
def feed():
    """A real HTTP server on 127.0.0.1: ``feed.files[path] = bytes``; ``feed.url(path)``."""
    files: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            body = files.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.files = files
    server.url = lambda path: f"http://127.0.0.1:{server.server_address[1]}{path}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def staff_page(browser, tmp_path):
    """Logs in on a server started with the feed's address allowed; yields ``(page, url)``."""
    with served(tmp_path / "data", BORNE_FETCH_ALLOW="127.0.0.1") as (url, console):
        console.wait_for(r"Jobs: a Celery worker", timeout=30)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
        page = context.new_page()
        page.goto(url + "/admin/login/")
        page.fill("#id_username", ADMIN[0])
        page.fill("#id_password", ADMIN[1])
        page.click("input[type=submit]")
        page.wait_for_url(url + "/admin/")
        yield page, url
        context.close()


def shot(page, name: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def add_source(page, url: str, name: str, address: str, **choices) -> None:
    page.goto(url + "/admin/opendata/source/add/")
    page.fill("#id_name", name)
    page.select_option("#id_kind", "ical")
    page.fill("#id_url", address)
    page.fill("#id_producer", "Mairie de Saint-Flour")
    page.fill("#id_licence", "Licence Ouverte 2.0")
    page.select_option("#id_new_status", "published")
    page.select_option("#id_schedule", choices.get("schedule", "manual"))
    if "crontab" in choices:
        page.fill("#id_crontab", choices["crontab"])
    page.click("input[name=_continue]")


def test_add_an_icalendar_source_run_it_and_read_what_was_refused(staff_page, feed, tmp_path):
    from playwright.sync_api import expect

    page, url = staff_page
    shots = Path(SHOTS) if SHOTS else tmp_path / "shots"
    feed.files["/agenda.ics"] = calendar(120, bad=1)

    # An address inside the town's network is refused at once, in French, the form kept as typed.
    add_source(page, url, "Agenda de la mairie", "http://10.0.0.8/agenda.ics")
    expect(page.locator(".errorlist")).to_contain_text("réseau de la mairie")
    assert page.input_value("#id_name") == "Agenda de la mairie"
    shot(page, "sources-refused-address", shots)

    add_source(page, url, "Agenda de la mairie", feed.url("/agenda.ics"))
    expect(page.locator("#source-run-now")).to_have_text("Lancer maintenant")
    shot(page, "sources-add", shots)
    page.click("#source-run-now")

    # The run's page follows the worker by itself until the import ends.
    expect(page.locator("#run-status")).to_have_text("Terminée", timeout=60_000)
    expect(page.locator("#count-read")).to_have_text("121")
    expect(page.locator("#count-created")).to_have_text("120")
    expect(page.locator("#count-refused")).to_have_text("1")
    refused = page.locator("#run-refused")
    expect(refused).to_contain_text("ical:fete-0@mairie.example")
    expect(refused).to_contain_text("DTSTART '2026-13-45' n'est pas une date")
    shot(page, "sources-run", shots)

    # Run again: nothing changed in the feed, so nothing is written again.
    page.click("input[type=submit][value='Relancer']")
    expect(page.locator("#run-status")).to_have_text("Terminée", timeout=60_000)
    expect(page.locator("#count-unchanged")).to_have_text("120")
    expect(page.locator("#count-created")).to_have_text("0")

    # The source's page keeps the history of its runs.
    page.click(".breadcrumbs a >> text=Agenda de la mairie")
    history = page.locator("table.source-history tbody tr")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("terminée")
    shot(page, "sources-history", shots)
    page.goto(url + "/admin/opendata/source/")
    expect(page.locator("#result_list")).to_contain_text("0 créées, 0 mises à jour, 1 refusées")
    shot(page, "sources-list", shots)


def test_a_source_scheduled_every_minute_is_run_by_the_beat_and_a_worker(staff_page, feed, tmp_path):
    from playwright.sync_api import expect

    page, url = staff_page
    feed.files["/soirees.ics"] = calendar(5)
    add_source(page, url, "Soirées d'été", feed.url("/soirees.ics"), schedule="crontab", crontab="* * * * *")
    expect(page.locator("#source-run-now")).to_be_visible()
    history = page.locator("table.source-history tbody tr")
    deadline = time.monotonic() + 85  # the next minute begins within 60 s; the beat looks every few seconds
    while history.count() == 0 and time.monotonic() < deadline:
        page.wait_for_timeout(2000)
        page.reload()
    expect(history.first).to_contain_text("planification")
    page.locator("table.source-history a").first.click()
    expect(page.locator("#run-status")).to_have_text("Terminée", timeout=30_000)
    expect(page.locator("#count-created")).to_have_text("5")
