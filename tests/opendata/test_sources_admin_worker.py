"""A source run by a real Celery worker (its own process, the filesystem broker of a temporary data
folder, a real SQLite file), fetching from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import sqlite3
import subprocess
import time

import pytest

from tests.backoffice.bo_helpers import Console, run_cli
from tests.opendata.test_sources_admin import ics_calendar

pytestmark = pytest.mark.slow

ENQUEUE = """
from django.db import transaction
from backoffice.opendata import jobs
from backoffice.opendata.models import Source
source = Source.objects.create(name="Agenda", kind="ical", url={url!r}, new_status="published")
with transaction.atomic():
    run, _ = jobs.enqueue(source, trigger="test")
print("RUN", run.pk)
"""


def _shell(data_dir, code: str, **env) -> str:
    proc = run_cli(data_dir, "shell", "-c", code, **env)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, out
    return out


def _run_row(db, run_id: int) -> dict:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute("SELECT * FROM opendata_importrun WHERE id = ?", (run_id,)).fetchone())


def test_run_now_is_done_by_a_real_worker(tmp_path, image_server):
    image_server.files["/agenda.ics"] = ics_calendar(3, bad=1)
    env = {"BORNE_FETCH_ALLOW": "127.0.0.1"}
    migrate = run_cli(tmp_path, "migrate", "--verbosity", "0", **env)
    assert migrate.wait(timeout=120) == 0
    worker = run_cli(tmp_path, "worker", "--pool", "solo", **env)
    console = Console(worker)
    try:
        console.wait_for(r"ready\.", timeout=60)
        out = _shell(tmp_path, ENQUEUE.format(url=image_server.url("/agenda.ics")), **env)
        run_id = int(out.split("RUN", 1)[1].split()[0])
        db = tmp_path / "backoffice" / "db.sqlite3"
        deadline = time.monotonic() + 60
        while _run_row(db, run_id)["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.3)
        row = _run_row(db, run_id)
        assert (row["status"], row["read"], row["created"], row["refused"]) == ("ok", 4, 3, 1), row
        assert "ical:bad-0@mairie.example" in row["details"]
        assert image_server.hits == ["/agenda.ics"]
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
