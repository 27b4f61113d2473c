"""Jobs end to end through real Celery workers: ``main.py backoffice serve`` starts a worker and the
beat beside the web server, once on the data folder's queue (Kombu's filesystem transport, the default
on one machine) and once on Debian's redis-server started here on a free loopback port (production's
broker). Staff's requests only enqueue; the worker does the work, the beat starts the schedules.

The time from the click to the file ready and the worker's start are printed (``-s`` to see them);
they are measured, never asserted.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time

import pytest
from bo_helpers import ADMIN, free_port, run_cli, served

pytestmark = [pytest.mark.slow]
requests = pytest.importorskip("requests")


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("Debian's redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"redis-server stopped with code {proc.returncode}")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module", params=["filesystem", "redis"])
def backoffice(request, tmp_path_factory):
    """``(url, console, data_dir)`` of a back office served with its worker and beat on one broker."""
    env = {} if request.param == "filesystem" else {"CELERY_BROKER_URL": request.getfixturevalue("redis_url")}
    data_dir = tmp_path_factory.mktemp(f"bo-{request.param}")
    started = time.monotonic()
    with served(data_dir, **env) as (url, console):
        console.wait_for(r"borne-local-\d+@\S+ ready", timeout=60)
        print(f"\n[{request.param}] web server and worker ready {time.monotonic() - started:.1f} s after start")
        loaded = run_cli(data_dir, "load_demo")
        assert loaded.wait(timeout=120) == 0, loaded.stdout.read()
        yield url, console, data_dir


def admin_session(url: str):
    session = requests.Session()
    session.get(f"{url}/admin/login/", timeout=10)
    answer = session.post(
        f"{url}/admin/login/",
        data={
            "username": ADMIN[0],
            "password": ADMIN[1],
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "next": "/admin/",
        },
        headers={"Referer": f"{url}/admin/login/"},
        timeout=10,
    )
    assert answer.url.endswith("/admin/"), "the staff account could not log in"
    return session


def wait_for(condition, timeout: float, what: str, console):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if value := condition():
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout:.0f} s\n" + "".join(console.lines[-40:]))


def test_the_usb_export_is_done_by_the_worker_and_offered_for_download(backoffice):
    from content.bundle import read_bundle, read_key

    url, console, data_dir = backoffice
    session = admin_session(url)
    start = f"{url}/admin/usb/bundleexport/start/15187/"
    clicked = time.monotonic()
    started = session.post(
        start,
        data={"csrfmiddlewaretoken": session.cookies["csrftoken"], "next": "/admin/"},
        headers={"Referer": start},
        timeout=10,
    )
    answered = time.monotonic()
    assert "/progress/" in started.url

    def ready():
        page = session.get(started.url, timeout=10).text
        assert 'data-status="failed"' not in page, page
        return page if 'data-status="done"' in page else None

    page = wait_for(ready, 60, "the USB export finishing in the worker", console)
    print(
        f"\nclick answered in {answered - clicked:.2f} s; file ready {time.monotonic() - clicked:.2f} s after the click"
    )
    assert re.search(r"Task usb\.export_bundle\[[0-9a-f-]+\] received", "".join(console.lines))  # by the worker
    link = re.search(r'href="([^"]+/download/)"', page).group(1)
    out = data_dir / "stick.zip"
    out.write_bytes(session.get(url + link, timeout=30).content)
    assert read_bundle(out, verify_key=read_key(data_dir / "backoffice" / "bundle.key")).manifest["communes"] == [
        "15187"
    ]


def test_the_beat_runs_the_fleet_check_on_its_schedule_and_staff_are_told(backoffice):
    """A silent kiosk, and the fleet check's schedule moved to every 2 seconds as staff would in the admin."""
    url, console, data_dir = backoffice
    code = (
        "import datetime as dt; from django.utils import timezone; "
        "from django_celery_beat.models import IntervalSchedule, PeriodicTask; "
        "from backoffice.catalog.models import Commune; from backoffice.fleet.models import Kiosk; "
        "Kiosk.objects.create(name='Borne du Lander', commune=Commune.objects.get(pk='15187'), "
        "last_heartbeat=timezone.now() - dt.timedelta(hours=3)); "
        "task = PeriodicTask.objects.get(task='jobs.check_fleet'); "
        "task.interval, _ = IntervalSchedule.objects.get_or_create(every=2, period='seconds'); task.save()"
    )
    changed = run_cli(data_dir, "shell", "-c", code)
    assert changed.wait(timeout=60) == 0, changed.stdout.read()
    wait_for(
        lambda: "La borne Borne du Lander ne donne plus de nouvelles" in "".join(console.lines),
        60,
        "the e-mail about the silent kiosk (beat → worker → console mail backend)",
        console,
    )
    mail = "".join(console.lines)
    assert "To: mairie@example.org" in mail and "Sending due task Surveillance des bornes" in mail


def test_serve_stops_its_worker_and_beat_when_it_stops(tmp_path):
    import os

    with served(tmp_path) as (_url, console):
        match = console.wait_for(r"Jobs: worker started \(pid (\d+)\)[\s\S]*Jobs: beat started \(pid (\d+)\)")
        pids = [int(match.group(1)), int(match.group(2))]
        console.wait_for(r"borne-local-\d+@\S+ ready", timeout=60)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_the_worker_subcommand_runs_the_worker_on_the_data_folder_broker(tmp_path):
    """``main.py backoffice worker`` (serve --no-jobs, or a second worker): ready on the data folder's queue."""
    worker = run_cli(tmp_path, "worker", "--concurrency", "1")
    try:
        lines = []
        for line in worker.stdout:
            lines.append(line)
            if " ready." in line:
                break
        text = "".join(lines)
        assert "filesystem://" in text and "usb.export_bundle" in text and "jobs.check_fleet" in text, text
    finally:
        worker.terminate()
        worker.wait(timeout=20)
