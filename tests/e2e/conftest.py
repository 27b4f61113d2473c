"""One real stack per module: the back office server, a registered kiosk, its sync process and its app.

Needs an X display (the suite runs under ``xvfb-run``), Debian's Chromium and Playwright (staff and
shopkeepers use the back office in a browser). Processes log to ``<tmp>/logs/*.log``; with
``BORNE_SCREENSHOTS=DIR`` the kiosk's screenshots are kept there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from content.config import load_config
from tests.e2e.stack import COMMUNE, KIOSK_NAME, STAFF, TIMINGS, BackOffice, Kiosk, wait_until

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="module")
def shots(workdir) -> Path:
    folder = Path(os.environ.get("BORNE_SCREENSHOTS") or workdir / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser():
    if not os.environ.get("DISPLAY"):
        pytest.skip("end-to-end tests run the kiosk window: run under xvfb-run -a -s '-screen 0 1920x1920x24'")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def backoffice(workdir):
    bo = BackOffice(workdir / "backoffice", workdir / "logs")
    try:
        yield bo.start()
    finally:
        bo.stop()


@pytest.fixture(scope="module")
def staff(browser, backoffice):
    """A town employee logged into the admin, in French, after adding the town's commune."""
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    url = backoffice.url
    page.goto(url + "/admin/login/")
    page.fill("#id_username", STAFF["username"])
    page.fill("#id_password", STAFF["password"])
    page.click("input[type=submit]")
    page.wait_for_url(url + "/admin/")
    page.goto(url + "/admin/catalog/commune/add/")
    page.fill("#id_insee", COMMUNE)
    page.fill("#id_name", "Saint-Flour")
    page.click("input[name=_save]")
    page.wait_for_url(url + "/admin/catalog/commune/")
    yield page
    page.close()


@pytest.fixture(scope="module")
def kiosk(workdir, backoffice, staff):
    """A kiosk registered with ``kiosk_add``: its app (demo town first) and its sync process, after a first sync."""
    token = backoffice.manage("kiosk_add", KIOSK_NAME, "--commune", COMMUNE).strip().splitlines()[-1]
    assert token.startswith("bk_"), token
    k = Kiosk(workdir / "kiosk", workdir / "logs", url=backoffice.url, token=token, timings=TIMINGS)
    read = load_config(k.data_dir)
    assert {key: getattr(read, key) for key in TIMINGS} == TIMINGS, (
        f"borne.toml's intervals {TIMINGS} are read as {read}: content.config must keep floats"
    )
    try:
        k.start_ui()
        k.sync.start()
        wait_until(lambda: k.cache()["cursor"], 30, "the first sync of the kiosk", k.procs)
        yield k
    finally:
        k.stop()
