"""The QR code's promise, end to end: the back office's public page opened from the code on a kiosk screen.

A back office serves the demo town with its public address set; its USB bundle goes into a kiosk's
cache; the kiosk shows an entry's page in English and in French (``main.py tour --entry``);
zbarimg reads the QR code from each screenshot; a browser opens what it read.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.request
import zipfile

import pytest

from tests.backoffice.bo_helpers import ARGS, CHROMIUM, ROOT, Console, clean_env, free_port, run_cli

pytestmark = [pytest.mark.slow, pytest.mark.ui]


def _wait_until_up(url: str, proc, console: Console) -> None:
    for _ in range(600):
        try:
            urllib.request.urlopen(url + "/admin/login/", timeout=1)
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("server stopped:\n" + "".join(console.lines)) from None
            time.sleep(0.1)
    raise AssertionError("the back office did not answer:\n" + "".join(console.lines[-30:]))


def _decode_qr(png) -> str:
    done = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, f"no QR code found in {png}: {done.stderr}"
    [code] = done.stdout.split()
    return code


def test_the_kiosk_qr_code_opens_the_entry_page_in_the_kiosk_language(tmp_path):
    if shutil.which("zbarimg") is None or not shutil.os.path.exists(CHROMIUM):
        pytest.skip("needs zbar-tools and chromium")
    if not shutil.os.environ.get("DISPLAY"):
        pytest.skip("the kiosk needs a display: run under xvfb-run")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        "BORNE_PUBLIC_URL": base,
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SUPERUSER_USERNAME": "mairie",
        "DJANGO_SUPERUSER_PASSWORD": "Cantal-15100-admin",
        "DJANGO_SUPERUSER_EMAIL": "m@example.org",
    }
    bo = tmp_path / "bo"
    server = run_cli(bo, "serve", "--demo", "--no-jobs", "--port", str(port), **env)
    console = Console(server)
    try:
        _wait_until_up(base, server, console)
        bundle = tmp_path / "town.zip"
        export = run_cli(bo, "export_bundle", "--out", str(bundle), **env)
        assert export.wait(timeout=120) == 0, export.stdout.read()
        with zipfile.ZipFile(bundle) as zf:
            entries = [json.loads(line) for line in zf.read("entries.jsonl").decode().splitlines() if line.strip()]
        entry = next(e for e in entries if e["kind"] == "shop" and e["title"].get("en"))
        assert entry["public_url"].startswith(base + "/p/")

        kiosk_dir, shots = tmp_path / "kiosk", tmp_path / "shots"
        kenv = clean_env()
        for argv in (
            ["import-bundle", "--data-dir", str(kiosk_dir), str(bundle)],
            [
                "tour",
                "--data-dir",
                str(kiosk_dir),
                "--out",
                str(shots),
                "--size",
                "1920x1080",
                "--lang",
                "en,fr",
                "--entry",
                entry["id"],
            ],
        ):
            done = subprocess.run(
                [sys.executable, "main.py", *argv], cwd=ROOT, env=kenv, capture_output=True, text=True, timeout=180
            )
            assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]

        from playwright.sync_api import expect, sync_playwright

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
            for lang in ("en", "fr"):
                [shot] = shots.glob(f"landscape-*-detail-{lang}.png")
                url = _decode_qr(shot)
                assert url == f"{entry['public_url']}/{lang}"
                response = page.goto(url)
                assert response.status == 200
                expect(page.locator("html")).to_have_attribute("lang", lang)
                expect(page.locator("h1")).to_have_text(entry["title"][lang])
                expect(page.locator(".status")).to_have_count(1 if entry["opening_hours"] else 0)
            browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
