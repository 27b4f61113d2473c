"""Software updates: a signed release installed beside the running one and switched to; a release
that never reports healthy rolled back by the guard run from the previous version's own copy."""

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from content.release import sign
from sync import updates
from sync.updates import UpdateManager

REPO = Path(__file__).resolve().parents[2]
KEY = b"k" * 32


def release_zip(version: str, *, declared: str | None = None, extra: dict | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("release.json", json.dumps({"version": declared or version}))
        zf.writestr("content/__init__.py", f'__version__ = "{version}"\n')
        zf.writestr("main.py", "print('borne')\n")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return out.getvalue()


def offered(bo, data: bytes, version: str, *, key=KEY) -> dict:
    sha = hashlib.sha256(data).hexdigest()
    bo.releases[sha] = data
    release = {"version": version, "sha256": sha, "size": len(data), "signature": sign(key, version, sha)}
    bo.settings = {"screen": None, "idle_seconds": None, "languages": None, "pin": None, "release": release}
    return release


@pytest.fixture
def root(tmp_path):
    """A kiosk as the installer leaves it: version 1.0 in root/1.0 (its real update code), current -> 1.0."""
    root = tmp_path / "releases"
    first = root / "1.0"
    for rel in ("sync/updates.py", "content/release.py", "content/archive.py"):
        (first / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / rel, first / rel)
    (first / "content" / "__init__.py").write_text('__version__ = "1.0"\n')
    (first / "sync" / "__init__.py").write_text("")
    updates.point(root / "current", "1.0")
    return root


@pytest.fixture
def updating(make_job, client, root, data_dir):
    job = make_job()
    job.updates = UpdateManager(
        root=root,
        data_dir=data_dir,
        key=KEY,
        running_version="1.0",
        download=lambda r, dest: client.release(r["sha256"], dest, size=r["size"]),
        restart_self=job.restart_requested.set,
    )
    return job


def test_a_signed_release_is_installed_beside_the_running_one(bo, updating, root, data_dir):
    offered(bo, release_zip("1.1"), "1.1")
    updating.sync_once()
    assert os.readlink(root / "current") == "1.1" and os.readlink(root / "previous") == "1.0"
    assert (root / "1.1" / "main.py").exists() and (root / "1.0" / "sync" / "updates.py").exists()
    assert updating.restart_requested.is_set() and (data_dir / updates.KIOSK_RESTART_FILE).exists()
    updating.heartbeat()
    assert bo.heartbeats[-1]["update"]["result"] == "installed"
    updating.sync_once()  # offered again: already there
    assert len(bo.requests_to("release/")) == 1


def test_the_new_version_is_kept_when_its_screen_and_sync_come_up(bo, updating, root, data_dir, client):
    offered(bo, release_zip("1.1"), "1.1")
    updating.sync_once()
    new = UpdateManager(root=root, data_dir=data_dir, key=KEY, running_version="1.1")  # after the restart
    assert new.check() is None  # not healthy yet, not late either
    (data_dir / updates.READY_FILE).write_text(json.dumps({"version": "1.1", "ready_at": time.time() + 1}))
    assert new.check() is None  # the screen is up; its sync has not succeeded yet
    new.note_sync_ok()
    assert new.check() == "healthy" and new.pending() is None
    assert os.readlink(root / "current") == "1.1" and new.state()["result"] == "healthy"


def test_a_release_that_never_reports_healthy_is_rolled_back_by_the_guard(bo, updating, root, data_dir):
    offered(bo, release_zip("1.1"), "1.1")
    updating.sync_once()
    pending = json.loads((data_dir / updates.PENDING_FILE).read_text())
    pending["deadline"] = time.time() - 1  # the health time is over; the new kiosk never drew a frame
    (data_dir / updates.PENDING_FILE).write_text(json.dumps(pending))
    guard = root / "previous" / "sync" / "updates.py"  # the known-good version's own code
    done = subprocess.run(
        [sys.executable, str(guard), str(root), str(data_dir)], capture_output=True, text=True, timeout=60, cwd="/"
    )
    assert done.returncode == 0 and done.stdout.strip() == "rolled_back", done.stderr
    assert os.readlink(root / "current") == "1.0"
    state = json.loads((data_dir / updates.STATE_FILE).read_text())
    assert state["result"] == "rolled_back" and "screen never started" in state["message"]
    old = UpdateManager(
        root=root, data_dir=data_dir, key=KEY, running_version="1.0", download=updating.updates.download
    )
    assert old.offer(bo.settings["release"]) is None  # a bad version is never installed again


@pytest.mark.parametrize(
    "what, make, result",
    [
        ("signed with another key", lambda: (release_zip("1.1"), b"x" * 32, "1.1"), "refused"),
        ("says another version", lambda: (release_zip("1.1", declared="1.2"), KEY, "1.1"), "failed"),
        ("climbs out of its folder", lambda: (release_zip("1.1", extra={"../evil.py": "x"}), KEY, "1.1"), "failed"),
    ],
)
def test_a_bad_release_changes_nothing(bo, updating, root, data_dir, what, make, result):
    data, key, version = make()
    offered(bo, data, version, key=key)
    updating.sync_once()
    assert os.readlink(root / "current") == "1.0" and not (root / "1.1").exists(), what
    assert json.loads((data_dir / updates.STATE_FILE).read_text())["result"] == result
    assert not updating.restart_requested.is_set() and not (root.parent / "evil.py").exists()
    if result == "refused":
        assert bo.requests_to("release/") == []  # the signature is checked before anything is downloaded


def test_a_tampered_or_larger_download_is_refused(bo, updating, root, data_dir):
    data = release_zip("1.1")
    release = offered(bo, data, "1.1")
    bo.releases[release["sha256"]] = data[:40] + bytes([data[40] ^ 1]) + data[41:]  # one bit changed on the way
    updating.sync_once()
    assert os.readlink(root / "current") == "1.0"
    assert "do not match the hash" in json.loads((data_dir / updates.STATE_FILE).read_text())["message"]
    bo.releases[release["sha256"]] = data + b"more"
    updating.sync_once()  # a failed download is tried again at the next sync; larger than announced: refused
    assert os.readlink(root / "current") == "1.0"
    assert "more than the" in json.loads((data_dir / updates.STATE_FILE).read_text())["message"]
