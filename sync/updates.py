"""Software updates with rollback: install beside the running version, switch, keep it only if healthy.

Layout (``root``, ``/opt/borne/releases`` on a kiosk, owned by the sync's user)::

    root/0.1.0/         one full copy of Borne's code per version
    root/0.2.0/
    root/current  ->  0.2.0     what the units run (WorkingDirectory=root/current)
    root/previous ->  0.1.0     what a rollback goes back to, and where the guard runs from

The feed's ``settings.release`` names the version this kiosk should run, with its archive's hash,
size and signature (``content.release``). :meth:`UpdateManager.offer` checks the signature with the
kiosk's bundle key, downloads and checks the hash, unpacks beside the running version, switches
``current`` and asks both processes to restart (systemd's ``Restart=always`` starts the new code).
``<data>/update-pending.json`` then holds a deadline: the new version is healthy when its kiosk drew
a first frame (``kiosk-ready.json`` names the version) and its sync succeeded once. If that has not
happened by the deadline, :meth:`UpdateManager.check` switches back, remembers the version as bad
(never installed again) and restarts both. ``check`` runs in the sync process and also, from the
*previous* version's copy of this file, in ``borne-update-guard.timer``: a new version whose sync
cannot even start is still rolled back.

This module uses only the standard library and ``content.release`` (run as a script by the guard).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script by the guard: the release's own folder is the import root
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content.release import ReleaseError, unpack, verify  # noqa: E402

log = logging.getLogger("sync.updates")

PENDING_FILE = "update-pending.json"
STATE_FILE = "update-state.json"
BAD_FILE = "update-bad.json"
KIOSK_RESTART_FILE = "kiosk-restart"  # the kiosk's upkeep stops the app when it appears
READY_FILE = "kiosk-ready.json"  # written by the kiosk's watchdog at its first frame
DEFAULT_HEALTH_SECONDS = 15 * 60
KEEP_VERSIONS = 3


def _read(path: Path, default=None):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def _write(path: Path, data) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(path)


def _iso(wall: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(wall))


def point(link: Path, target: str) -> None:
    """Make ``link`` a symlink to ``target`` atomically (a power cut leaves the old link or the new)."""
    tmp = link.with_name(f".{link.name}.new")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(target)
    os.replace(tmp, link)


class UpdateManager:
    def __init__(
        self,
        *,
        root: Path,
        data_dir: Path,
        key: bytes | None,
        running_version: str | None,
        download: Callable[[dict, Path], Path] | None = None,
        restart_self: Callable[[], None] | None = None,
        wall: Callable[[], float] = time.time,
    ):
        self.root = Path(root)
        self.data_dir = Path(data_dir)
        self.key = key
        self.running_version = running_version
        self.download = download
        self.restart_self = restart_self or (lambda: None)
        self.wall = wall

    # -- state -----------------------------------------------------------------------------------

    @property
    def current(self) -> str | None:
        link = self.root / "current"
        return os.readlink(link) if link.is_symlink() else None

    def pending(self) -> dict | None:
        return _read(self.data_dir / PENDING_FILE)

    def bad_versions(self) -> list[str]:
        return list(_read(self.data_dir / BAD_FILE, []) or [])

    def state(self) -> dict | None:
        """The heartbeat's ``update``: ``{version, result, at, message}`` of the last attempt."""
        return _read(self.data_dir / STATE_FILE)

    def _result(self, version: str, result: str, message: str = "") -> None:
        _write(
            self.data_dir / STATE_FILE,
            {"version": version, "result": result, "at": _iso(self.wall()), "message": message},
        )
        (log.warning if result in ("rolled_back", "refused", "failed") else log.info)(
            "update to %s: %s%s", version, result, f" ({message})" if message else ""
        )

    def _restart_both(self) -> None:
        (self.data_dir / KIOSK_RESTART_FILE).write_text(_iso(self.wall()))
        self.restart_self()

    # -- installing ------------------------------------------------------------------------------

    def offer(self, release: dict | None) -> str | None:
        """Install ``release`` (the feed's ``settings.release``) when it is new to this kiosk.

        Returns what happened (``installed``, ``refused``, ``failed``) or None when there was nothing to do."""
        if not isinstance(release, dict) or not isinstance(release.get("version"), str):
            return None
        version = release["version"]
        if version in (self.running_version, self.current) or version in self.bad_versions() or self.pending():
            return None
        if not version or "/" in version or version.startswith(".") or len(version) > 40:
            self._result(version[:40], "refused", "not a version name")
            return "refused"
        try:
            verify(self.key, version, str(release.get("sha256", "")), str(release.get("signature", "")))
        except ReleaseError as exc:
            self._remember_bad(version)
            self._result(version, "refused", str(exc))
            return "refused"
        if self.download is None:
            return None
        downloads = self.root / ".downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        try:
            archive = self.download(release, downloads / f"{release['sha256']}.zip")
            unpack(archive, self.root / version, version=version)
        except (ReleaseError, OSError, ValueError) as exc:
            self._result(version, "failed", str(exc))
            return "failed"
        except Exception as exc:  # noqa: BLE001 - the download's SyncError: tried again at the next sync
            self._result(version, "failed", f"download: {exc}")
            return "failed"
        finally:
            shutil.rmtree(downloads, ignore_errors=True)
        previous = self.current or self.running_version or ""
        health = release.get("health_seconds")
        health = health if isinstance(health, int) and 60 <= health <= 24 * 3600 else DEFAULT_HEALTH_SECONDS
        now = self.wall()
        _write(
            self.data_dir / PENDING_FILE,
            {
                "version": version,
                "previous": previous,
                "switched_at": now,
                "deadline": now + health,
                "sync_ok_at": None,
            },
        )
        if previous:
            point(self.root / "previous", previous)
        point(self.root / "current", version)
        self._result(
            version, "installed", f"switched from {previous or '?'}; healthy within {health // 60} min or rolled back"
        )
        self._prune()
        self._restart_both()
        return "installed"

    def _remember_bad(self, version: str) -> None:
        bad = self.bad_versions()
        if version not in bad:
            _write(self.data_dir / BAD_FILE, [*bad, version][-20:])

    def _prune(self) -> None:
        keep = {self.current, os.readlink(self.root / "previous") if (self.root / "previous").is_symlink() else None}
        versions = sorted(
            (p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")), key=os.path.getmtime
        )
        for old in versions[:-KEEP_VERSIONS]:
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)

    # -- health and rollback ---------------------------------------------------------------------

    def note_sync_ok(self) -> None:
        """The sync of this version succeeded once (half of "healthy")."""
        pending = self.pending()
        if pending and pending.get("version") == self.running_version and not pending.get("sync_ok_at"):
            pending["sync_ok_at"] = self.wall()
            _write(self.data_dir / PENDING_FILE, pending)

    def healthy(self, pending: dict) -> bool:
        ready = _read(self.data_dir / READY_FILE, {}) or {}
        kiosk_ok = ready.get("version") == pending["version"] and (ready.get("ready_at") or 0) >= pending["switched_at"]
        return kiosk_ok and bool(pending.get("sync_ok_at"))

    def check(self) -> str | None:
        """``healthy``, ``rolled_back``, or None (nothing pending, or still within the deadline)."""
        pending = self.pending()
        if not pending:
            return None
        if self.healthy(pending):
            (self.data_dir / PENDING_FILE).unlink(missing_ok=True)
            self._result(pending["version"], "healthy")
            return "healthy"
        if self.wall() < pending["deadline"]:
            return None
        self.rollback(pending)
        return "rolled_back"

    def rollback(self, pending: dict) -> None:
        version, previous = pending["version"], pending.get("previous") or ""
        self._remember_bad(version)
        if previous and (self.root / previous).is_dir():
            point(self.root / "current", previous)
        ready = _read(self.data_dir / READY_FILE, {}) or {}
        what = "the kiosk screen never started" if ready.get("version") != version else "its sync never succeeded"
        (self.data_dir / PENDING_FILE).unlink(missing_ok=True)
        self._result(version, "rolled_back", f"{what}: back to {previous or '?'}")
        self._restart_both()


def guard(argv: list[str] | None = None) -> int:
    """``python updates.py ROOT DATA_DIR [--restart-units]``: the timer's rollback check (runs as root)."""
    import argparse
    import subprocess

    parser = argparse.ArgumentParser(description="Roll a kiosk back when its new version is not healthy in time.")
    parser.add_argument("root")
    parser.add_argument("data_dir")
    parser.add_argument("--restart-units", action="store_true", help="systemctl restart the kiosk and sync units")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    manager = UpdateManager(root=Path(args.root), data_dir=Path(args.data_dir), key=None, running_version=None)
    outcome = manager.check()
    if outcome == "rolled_back" and args.restart_units:
        subprocess.run(["systemctl", "restart", "borne-sync.service", "borne-kiosk.service"], check=False)
    print(outcome or "nothing to do")
    return 0


if __name__ == "__main__":
    sys.exit(guard())
