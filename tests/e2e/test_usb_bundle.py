"""The USB bundle end to end: exported from the real back office's admin over HTTP, carried on a
"stick", imported by the real kiosk commands with a copy of the back office's own key file.

Staff's path: log in, "Exporter pour une clé USB" for the commune, wait for the job, download the
file. The person who installed the kiosk copied ``<data>/backoffice/bundle.key`` to the kiosk once
(``bundle_key_file`` in its ``borne.toml``). The kiosk imports with ``main.py import-bundle`` and with
its sync process watching the stick's folder (``bundle_dir``).
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.e2e.stack import COMMUNE, ROOT, STAFF, Proc, clean_env, python, wait_until

pytestmark = [pytest.mark.slow]

requests = pytest.importorskip("requests")


def admin_session(url: str):
    session = requests.Session()
    session.get(f"{url}/admin/login/", timeout=10)
    answer = session.post(
        f"{url}/admin/login/",
        data={
            "username": STAFF["username"],
            "password": STAFF["password"],
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "next": "/admin/",
        },
        headers={"Referer": f"{url}/admin/login/"},
        timeout=10,
    )
    assert answer.url.endswith("/admin/"), "the staff account could not log in"
    return session


@pytest.fixture(scope="module")
def exported(backoffice, workdir) -> Path:
    """The file staff download after clicking "Exporter pour une clé USB" for the commune."""
    backoffice.manage("load_demo")
    url = backoffice.url
    session = admin_session(url)
    communes = session.get(f"{url}/admin/catalog/commune/", timeout=10).text
    start = re.search(rf'href="(/admin/usb/bundleexport/start/{COMMUNE}/)"', communes)
    assert start and "Exporter pour une clé USB" in communes
    started = session.post(
        url + start.group(1),
        data={"csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": url + start.group(1)},
        timeout=10,
    )
    progress = started.url
    assert "/progress/" in progress, started.text[:500]

    def done():
        page = session.get(progress, timeout=10).text
        assert 'data-status="failed"' not in page, page
        return page if 'data-status="done"' in page else None

    page = wait_until(done, 60, "the USB export job finishing", [backoffice.proc])
    link = re.search(r'id="usb-download"[^>]*href="([^"]+)"', page) or re.search(
        r'href="([^"]+/download/)"[^>]*id="usb-download"', page
    )
    answer = session.get(url + link.group(1), timeout=30)
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    name = re.search(r'filename="?([^";]+)', answer.headers["Content-Disposition"]).group(1)
    stick = workdir / "stick"
    stick.mkdir(exist_ok=True)
    (stick / name).write_bytes(answer.content)
    return stick / name


def kiosk_folder(workdir: Path, name: str, *, key: Path | None, bundle_dir: Path | None = None) -> Path:
    """A kiosk data folder with its borne.toml, as the installer leaves it."""
    folder = workdir / name
    folder.mkdir()
    lines = []
    if key is not None:
        lines.append(f'bundle_key_file = "{key}"')
    if bundle_dir is not None:
        lines.append(f'bundle_dir = "{bundle_dir}"')
    (folder / "borne.toml").write_text("\n".join(lines) + "\n")
    return folder


def copy_of_the_back_office_key(backoffice, workdir: Path) -> Path:
    etc = workdir / "etc-borne"
    etc.mkdir(exist_ok=True)
    return Path(shutil.copy(backoffice.data_dir / "backoffice" / "bundle.key", etc / "bundle.key"))


def import_bundle(folder: Path, path: Path) -> subprocess.CompletedProcess:
    """The kiosk's own command: ``main.py import-bundle FILE --data-dir FOLDER``."""
    return subprocess.run(
        python("main.py", "import-bundle", str(path), "--data-dir", str(folder)),
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def last_bundle(folder: Path) -> dict | None:
    with sqlite3.connect(f"file:{folder / 'content.db'}?mode=ro", uri=True) as db:
        row = db.execute("SELECT value FROM meta WHERE key = 'bundle'").fetchone()
        entries = db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
    return {"entries": entries, **json.loads(row[0])} if row else None


def bundle_imported(folder: Path) -> dict | None:
    """For polling while the sync process starts: its database may exist before its tables do."""
    try:
        return last_bundle(folder)
    except sqlite3.OperationalError:
        return None


def without_signature(src: Path, dest: Path) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "manifest.json":
                manifest = json.loads(data)
                manifest.pop("signature")
                data = json.dumps(manifest).encode()
            zout.writestr(info.filename, data)
    return dest


def test_a_kiosk_with_the_back_office_key_file_imports_the_exported_bundle(backoffice, workdir, exported):
    kiosk = kiosk_folder(workdir, "kiosk-key", key=copy_of_the_back_office_key(backoffice, workdir))
    done = import_bundle(kiosk, exported)
    assert done.returncode == 0, done.stderr
    record = last_bundle(kiosk)
    assert record["entries"] > 0
    assert (record["name"], record["signed"], record["verified"]) == (exported.name, True, True)


def test_the_sync_process_imports_the_stick_with_the_key_file(backoffice, workdir, exported):
    key = copy_of_the_back_office_key(backoffice, workdir)
    kiosk = kiosk_folder(workdir, "kiosk-sync", key=key, bundle_dir=exported.parent)
    sync = Proc(
        "sync-usb", python("main.py", "sync", "--data-dir", str(kiosk)), env=clean_env(), logs=workdir / "logs"
    ).start()
    try:
        record = wait_until(
            lambda: bundle_imported(kiosk),
            90,
            "the sync process importing the bundle from the stick",
            [sync],
        )
    finally:
        sync.stop()
    assert (record["signed"], record["verified"]) == (True, True) and record["entries"] > 0


def test_a_bundle_signed_with_another_key_is_refused_with_a_clear_message(workdir, exported):
    other = workdir / "other.key"
    other.write_text("0f" * 32 + "\n")
    kiosk = kiosk_folder(workdir, "kiosk-other", key=other)
    done = import_bundle(kiosk, exported)
    assert done.returncode == 2
    assert "signature does not match" in done.stderr and "bundle.key" in done.stderr
    assert last_bundle(kiosk) is None


def test_an_unsigned_bundle_is_refused_by_a_kiosk_with_a_key(backoffice, workdir, exported):
    kiosk = kiosk_folder(workdir, "kiosk-unsigned", key=copy_of_the_back_office_key(backoffice, workdir))
    done = import_bundle(kiosk, without_signature(exported, workdir / "unsigned.zip"))
    assert done.returncode == 2 and "not signed by the back office" in done.stderr
    assert last_bundle(kiosk) is None


def test_a_kiosk_without_a_key_imports_with_a_warning_and_says_nothing_was_checked(workdir, exported):
    kiosk = kiosk_folder(workdir, "kiosk-nokey", key=None)
    done = import_bundle(kiosk, without_signature(exported, workdir / "unsigned-nokey.zip"))
    assert done.returncode == 0, done.stderr
    assert "WARNING" in done.stderr and "WITHOUT checking" in done.stderr
    record = last_bundle(kiosk)
    assert (record["signed"], record["verified"]) == (False, False) and record["entries"] > 0
