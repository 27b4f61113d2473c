"""The real processes of an end-to-end test: back office server, sync process, kiosk app.

Each runs as its own subprocess on loopback, logging to a file of the test's folder; helpers wait
for a condition (with a bound, never a fixed sleep) and name what did not happen, with the logs' tails.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STAFF = {"username": "mairie", "password": "Cantal-15100-admin", "email": "mairie@example.org"}
COMMUNE = "15187"
KIOSK_NAME = "Place d'Armes"
#: borne.toml of the kiosk: content every 6 s, alerts every second, a heartbeat every 3 s.
TIMINGS = {"sync_minutes": 0.1, "alert_seconds": 1.0, "heartbeat_minutes": 0.05}
SYNC_SECONDS = TIMINGS["sync_minutes"] * 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra: str) -> dict:
    """The test's environment without anything that would point a process at another data folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BORNE_", "DJANGO_", "DATABASE_URL"))}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


class Proc:
    """One subprocess whose output goes to ``<logs>/<name>.log`` (appended across restarts)."""

    def __init__(self, name: str, argv: list[str], *, env: dict, logs: Path):
        self.name = name
        self.argv = argv
        self.env = env
        self.log = logs / f"{name}.log"
        self.popen: subprocess.Popen | None = None

    def start(self) -> Proc:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as out:
            self.popen = subprocess.Popen(
                self.argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        return self

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def tail(self, lines: int = 25) -> str:
        return "\n".join(self.text().splitlines()[-lines:])

    def stop(self, timeout: float = 15) -> None:
        if not self.alive:
            return
        self.popen.terminate()
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=5)


def wait_until(condition: Callable[[], object], timeout: float, what: str, procs: list[Proc] = ()):
    """Poll ``condition`` until it returns something true; fail naming ``what`` (and a dead process)."""
    end = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        for proc in procs:
            if not proc.alive:
                raise AssertionError(f"{what}: the {proc.name} process stopped\n{proc.tail()}")
        if time.monotonic() > end:
            logs = "\n".join(f"--- {p.name} ---\n{p.tail()}" for p in procs)
            raise AssertionError(f"{what}: not within {timeout:.0f} s\n{logs}")
        time.sleep(0.1)


def python(*args: str) -> list[str]:
    return [sys.executable, *args]


class BackOffice:
    """``main.py backoffice serve`` on a free port with its own data folder and first staff account."""

    def __init__(self, data_dir: Path, logs: Path):
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = clean_env(
            BORNE_DATA_DIR=str(data_dir),
            DJANGO_SUPERUSER_USERNAME=STAFF["username"],
            DJANGO_SUPERUSER_PASSWORD=STAFF["password"],
            DJANGO_SUPERUSER_EMAIL=STAFF["email"],
        )
        self.env = env
        self.proc = Proc(
            "backoffice", python("main.py", "backoffice", "serve", "--port", str(self.port)), env=env, logs=logs
        )

    def answers(self) -> bool:
        try:
            urllib.request.urlopen(self.url + "/admin/login/", timeout=2).close()
        except OSError:
            return False
        return True

    def start(self) -> BackOffice:
        self.proc.start()
        wait_until(self.answers, 60, f"the back office answering on {self.url}", [self.proc])
        return self

    def stop(self) -> None:
        self.proc.stop()

    def manage(self, *args: str) -> str:
        """A management command on the same data folder (``main.py backoffice ARGS``); returns its output."""
        done = subprocess.run(
            python("main.py", "backoffice", *args), cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=60
        )
        if done.returncode:
            raise AssertionError(f"main.py backoffice {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout


class Kiosk:
    """The kiosk app (tests/e2e/kiosk_probe.py) and its sync process on one data folder."""

    def __init__(self, data_dir: Path, logs: Path, *, url: str, token: str, timings: dict):
        self.data_dir = data_dir
        self.probe_dir = data_dir / "e2e"
        data_dir.mkdir(parents=True, exist_ok=True)
        toml = "".join(f"{key} = {value!r}\n" for key, value in {"commune": COMMUNE, **timings}.items())
        (data_dir / "borne.toml").write_text(toml.replace("'", '"'), encoding="utf-8")
        env = clean_env(BORNE_DATA_DIR=str(data_dir), BORNE_BACKOFFICE_URL=url, BORNE_KIOSK_TOKEN=token)
        self.ui = Proc("kiosk", python("-m", "tests.e2e.kiosk_probe", "--data", str(data_dir)), env=env, logs=logs)
        self.sync = Proc("sync", python("-m", "tests.e2e.sync_proc", "--data", str(data_dir)), env=env, logs=logs)
        self._n = 0

    @property
    def procs(self) -> list[Proc]:
        return [self.ui, self.sync]

    def state(self) -> dict | None:
        try:
            return json.loads((self.probe_dir / "state.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def start_ui(self) -> None:
        self.ui.start()
        wait_until(self.state, 60, "the kiosk app showing its first screen", [self.ui])

    def do(self, *steps, timeout: float = 20) -> dict:
        """Play steps on the kiosk (see kiosk_probe) and return what its screen shows afterwards."""
        self._n += 1
        number = self._n
        cmd = self.probe_dir / f"cmd-{number}.json"
        tmp = cmd.with_suffix(".tmp")
        tmp.write_text(json.dumps({"steps": [list(s) for s in steps]}), encoding="utf-8")
        os.replace(tmp, cmd)
        answer = self.probe_dir / f"answer-{number}.json"
        wait_until(answer.exists, timeout, f"the kiosk playing {steps}", [self.ui])
        result = json.loads(answer.read_text(encoding="utf-8"))
        if not result["ok"]:
            raise AssertionError(f"the kiosk could not play {steps}: {result['error']}\n{self.ui.tail()}")
        return result

    def visit(self, kind: str) -> dict:
        """A visitor arrives (attract loop), touches the screen and opens the ``kind`` tile."""
        return self.do(["reset"], ["touch"], ["tile", kind])

    def cache(self) -> dict:
        """What the kiosk's content cache holds (read-only, like the UI): cursor, last sync, entries per kind.

        Not ``ContentCache.state()``: it lists the image folder, which races with the sync collecting images.
        """
        from content.cache import DB_NAME, ContentCache

        if not (self.data_dir / DB_NAME).exists():
            return {"cursor": "", "last_sync": {}, "kinds": {}}
        with ContentCache.open(self.data_dir, readonly=True) as cache:
            kinds = dict(cache.db.execute("SELECT kind, COUNT(*) FROM entries GROUP BY kind").fetchall())
            return {"cursor": cache.cursor, "last_sync": cache.meta("last_sync") or {}, "kinds": kinds}

    def usage(self) -> Counter:
        """The kiosk's own usage counters: (screen, entry, category, language) -> views, all hours."""
        db = sqlite3.connect(f"file:{self.data_dir / 'usage.db'}?mode=ro", uri=True)
        try:
            rows = db.execute(
                "SELECT screen, entry_id, category, lang, SUM(n) FROM counters"
                " GROUP BY screen, entry_id, category, lang"
            ).fetchall()
        finally:
            db.close()
        return Counter({tuple(r[:4]): r[4] for r in rows})

    def last_sync_at(self) -> str:
        return self.cache()["last_sync"].get("at", "")

    def stop(self) -> None:
        self.sync.stop()
        self.ui.stop()
