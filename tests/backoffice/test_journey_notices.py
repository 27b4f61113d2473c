"""An official notice from the town hall's desk to a kiosk and back, across the real pieces.

The back office runs from its CLI (``serve``: web server, Celery worker and beat on the data folder's
broker); a town employee works in Debian's Chromium, in French. They publish a signed PDF (the worker
checks and renders it), find it on the public register with its hash, a kiosk's sync brings it into
the kiosk's cache with its page images, a bad file is refused in French with nothing published, and
the withdrawal takes it off the kiosk at the next sync while the register keeps it in its archive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest
from bo_helpers import ARGS, CHROMIUM, run_cli, served

from backoffice.notices import samples

pytestmark = pytest.mark.slow


def kiosk_token(data_dir: Path) -> str:
    proc = run_cli(data_dir, "kiosk_add", "Borne de la mairie", "--commune", "15187")
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    return out.strip().splitlines()[-1]


def shot(page, name: str) -> None:
    """Screenshots (notices-*.png) go to $BORNE_SCREENSHOTS when it is set."""
    if folder := os.environ.get("BORNE_SCREENSHOTS"):
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"notices-{name}.png"), full_page=True)


def test_publish_sync_withdraw(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import expect

    from sync.client import FeedClient
    from sync.job import SyncJob

    act = tmp_path / "deliberation-2026-041.pdf"
    act.write_bytes(samples.deliberation(number="2026-041", title="Éclairage public", day=dt.date(2026, 11, 27)))
    sha = hashlib.sha256(act.read_bytes()).hexdigest()
    locked = tmp_path / "verrouille.pdf"
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(40, 10, "Avis")
    pdf.set_encryption(owner_password="o", user_password="u")
    locked.write_bytes(bytes(pdf.output()))
    photo = tmp_path / "photo.pdf"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not a pdf")

    with served(tmp_path / "bo") as (url, console), sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
        page.goto(url + "/admin/login/")
        page.fill("#id_username", "mairie")
        page.fill("#id_password", "Cantal-15100-admin")
        page.click("input[type=submit]")
        page.wait_for_url(url + "/admin/")
        page.goto(url + "/admin/catalog/commune/add/")
        page.fill("#id_insee", "15187")
        page.fill("#id_name", "Saint-Flour")
        page.click("input[name=_save]")
        token = kiosk_token(tmp_path / "bo")

        def send(title: str, file: Path) -> None:
            page.goto(url + "/admin/notices/notice/add/")
            page.select_option("#id_kind", "deliberation")
            page.fill("#id_title", title)
            page.fill("#id_number", "2026-041")
            page.select_option("#id_commune", "15187")
            page.set_input_files("#id_pdf", str(file))
            page.click("input[name=_save]")

        # Not a PDF: refused on the form, in French, with what was typed kept.
        send("Éclairage public de la ville haute", photo)
        expect(page.locator(".errorlist")).to_contain_text("n'est pas un PDF")
        shot(page, "form-refused")
        expect(page.locator("#id_title")).to_have_value("Éclairage public de la ville haute")

        # Encrypted: the worker refuses it, in French; nothing is published.
        send("Avis verrouillé", locked)
        expect(page.locator("#notice-check[data-status=refused]")).to_be_visible(timeout=60_000)
        expect(page.locator("#notice-error")).to_contain_text("mot de passe")
        shot(page, "check-refused")

        # The signed deliberation: checked and rendered by the worker, then published.
        send("Éclairage public de la ville haute", act)
        expect(page.locator("#notice-check[data-status=published]")).to_be_visible(timeout=60_000)
        expect(page.locator("#notice-hash")).to_have_text(sha)
        shot(page, "published")
        assert "Task notices.check_pdf" in "".join(console.lines)  # done by the worker, not the request

        page.goto(url + "/avis/15187/")
        register = page.locator("#en-vigueur ~ article").first
        expect(register).to_contain_text("Éclairage public de la ville haute")
        expect(register.locator("code.hash")).to_have_text(sha)
        assert "Avis verrouillé" not in page.content()
        shot(page, "register")

        # A kiosk of the commune syncs: the notice and its page images land in its cache.
        kiosk = tmp_path / "kiosk"
        job = SyncJob(data_dir=kiosk, client=FeedClient(url, token, version="test", backoff_factor=0.01))
        try:
            job.sync_once()
            (card,) = job.cache.notices()
            assert card.title == "Éclairage public de la ville haute" and card.pdf["sha256"] == sha
            assert card.pages == 2 and all(job.cache.media.has(s) for s in card.page_shas)
            assert job.cache.search_notices("subventions")[0].id == card.id

            # Withdrawn in the admin: gone from the kiosk at its next sync, kept in the register's archive.
            page.goto(url + "/admin/notices/notice/")
            page.locator("a.notice-withdraw").first.click()
            page.fill("#id_reason", "Erreur dans le plan de financement")
            page.click("input[type=submit].default")
            expect(page.locator(".messagelist")).to_contain_text("retiré")
            job.sync_once()
            assert job.cache.notices() == [] and not any(job.cache.media.has(s) for s in card.page_shas)
        finally:
            job.close()

        page.goto(url + "/avis/15187/")
        archived = page.locator("#archives ~ article").first
        expect(archived).to_contain_text("Retiré le")
        expect(archived.locator("code.hash")).to_have_text(sha)
        shot(page, "register-archive")
        page.goto(url + "/admin/notices/publicationevent/")
        with page.expect_download() as download:
            page.click("#log-export")
        log = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
        assert [line.split(";")[1] for line in log[1:]] == ["publication", "retrait"]
        assert all(sha in line for line in log[1:])
        browser.close()
