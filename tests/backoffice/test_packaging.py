"""packaging/server: the systemd units and the nginx site, started as the installer sets them up.

systemd does not run in CI, so the units are checked with ``systemd-analyze verify`` and their
``ExecStart`` lines are started here with the units' environment (code from this checkout instead of
/opt/borne, data in a temporary folder); nginx runs the site's template rendered with a self-signed
certificate and loopback ports. The back office behind it uses PostgreSQL and Redis, as in production.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.backoffice.bo_helpers import Console, clean_env, free_port
from tests.backoffice.test_deploy import postgres  # noqa: F401 (the module-scoped PostgreSQL server)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SERVER = ROOT / "packaging" / "server"
UNITS = ("borne-web", "borne-worker", "borne-beat")
PY = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable

#: Made with the back office's own code in the server's environment: an entry with an image, a kiosk.
SETUP = """
import io, json
import django
django.setup()
from PIL import Image
from backoffice.catalog.images import store_image_bytes
from backoffice.catalog.models import Commune, Entry, EntryImage
from backoffice.fleet.models import Kiosk
buf = io.BytesIO()
Image.new("RGB", (80, 60), (20, 120, 200)).save(buf, "JPEG")
media = store_image_bytes(buf.getvalue(), where="photo.jpg")
commune = Commune.objects.create(insee="15187", name="Saint-Flour")
entry = Entry(kind="heritage", title={"fr": "Cathédrale"}, status="published", commune=commune)
entry.full_clean()
entry.save()
EntryImage.objects.create(entry=entry, media=media, alt={"fr": "La nef"}, credit="Mairie", position=0)
kiosk = Kiosk.objects.create(name="Place d'Armes", commune=commune)
print(json.dumps({"token": kiosk.issue_token(), "sha256": media.sha256, "kiosk": kiosk.pk}))
"""


def unit_settings(name: str) -> dict[str, list[str]]:
    """The ``Key=value`` lines of a unit, by key."""
    found: dict[str, list[str]] = {}
    for line in (SERVER / f"{name}.service").read_text().splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def unit_command(name: str, data_dir: Path) -> tuple[list[str], dict[str, str], Path]:
    """A unit's ExecStart, Environment and WorkingDirectory, pointed at this checkout and ``data_dir``."""
    unit = unit_settings(name)

    def here(value: str) -> str:
        return value.replace("/var/lib/borne", str(data_dir)).replace("/opt/borne", str(ROOT))

    env = dict(item.split("=", 1) for line in unit.get("Environment", []) for item in shlex.split(here(line)))
    (command,) = unit["ExecStart"]
    argv = [arg.replace("%H", socket.gethostname()) for arg in shlex.split(here(command))]
    return argv, env, Path(here(unit["WorkingDirectory"][0]))


def render_site(tmp: Path, *, http_port: int, https_port: int, upstream: str, static_root: Path) -> str:
    values = {
        "SERVER_NAME": "localhost 127.0.0.1",
        "TLS_CERTIFICATE": str(tmp / "cert.pem"),
        "TLS_CERTIFICATE_KEY": str(tmp / "key.pem"),
        "STATIC_ROOT": str(static_root),
        "CACHE_DIR": str(tmp / "cache"),
        "UPSTREAM": upstream,
        "HTTP_LISTEN": f"127.0.0.1:{http_port}",
        "HTTPS_LISTEN": f"127.0.0.1:{https_port}",
    }
    site = (SERVER / "borne-nginx.conf.in").read_text()
    for key, value in values.items():
        site = site.replace(f"@{key}@", value)
    assert "@" not in re.sub(r"#.*", "", site), "a value of the site template was not rendered"
    return site


def nginx_conf(tmp: Path, site: Path) -> str:
    user = f"user {os.environ.get('USER', 'root')};" if os.geteuid() == 0 else ""
    temps = "\n".join(
        f"  {kind}_temp_path {tmp}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}
worker_processes 1;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
  include /etc/nginx/mime.types;
  access_log {tmp}/access.log;
{temps}
  include {site};
}}
"""


def wait_port(port: int, proc: subprocess.Popen, console: Console, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError("stopped:\n" + "".join(console.lines[-40:]))
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on {port}:\n" + "".join(console.lines[-40:]))


def _start(argv, env, cwd) -> tuple[subprocess.Popen, Console]:
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc, Console(proc)


@pytest.fixture(scope="module")
def stack(postgres, tmp_path_factory):  # noqa: F811
    """PostgreSQL, Redis, the three units' processes and nginx in front; yields what the tests need."""
    for tool in ("nginx", "openssl", "redis-server"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            pytest.skip(f"{tool} is not installed (apt-get install nginx openssl redis-server)")
    pytest.importorskip("gunicorn")
    pytest.importorskip("psycopg")
    tmp = tmp_path_factory.mktemp("server")
    data = tmp / "data"
    procs: list[subprocess.Popen] = []
    try:
        redis_port = free_port()
        redis = subprocess.Popen(
            ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        procs.append(redis)
        web_port = free_port()
        # What install-server.sh writes in /etc/borne/backoffice.env, for this machine.
        env_file = {
            "BORNE_ENV": "production",
            "BORNE_SECRET_KEY": "packaging-test-" + "s" * 50,
            "BORNE_ALLOWED_HOSTS": "localhost,127.0.0.1",
            "DATABASE_URL": postgres,
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
            "BORNE_CLIENT_IP_HEADER": "HTTP_X_REAL_IP",
            "BORNE_WEB_BIND": f"127.0.0.1:{web_port}",
            "BORNE_WEB_WORKERS": "2",
        }
        base_env = {**clean_env(), **env_file, "PYTHONUNBUFFERED": "1"}
        argv, unit_env, cwd = unit_command("borne-web", data)
        env = {**base_env, **unit_env}
        for step in (["migrate", "--no-input", "-v", "0"], ["collectstatic", "--no-input", "-v", "0"]):
            done = subprocess.run(
                [PY, "main.py", "backoffice", *step], cwd=cwd, env=env, capture_output=True, text=True
            )
            assert done.returncode == 0, done.stdout + done.stderr
        made = subprocess.run([PY, "-c", SETUP], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
        assert made.returncode == 0, made.stderr
        facts = json.loads(made.stdout.strip().splitlines()[-1])

        consoles = {}
        for name in UNITS:
            argv, unit_env, cwd = unit_command(name, data)
            proc, consoles[name] = _start(argv, {**base_env, **unit_env}, cwd)
            procs.append(proc)
        wait_port(web_port, procs[1], consoles["borne-web"])

        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost"]
            + ["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
            + ["-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")],
            check=True,
            capture_output=True,
        )
        http_port, https_port = free_port(), free_port()
        site = tmp / "borne.conf"
        site.write_text(
            render_site(
                tmp,
                http_port=http_port,
                https_port=https_port,
                upstream=f"127.0.0.1:{web_port}",
                static_root=data / "backoffice" / "static",
            )
        )
        (tmp / "nginx.conf").write_text(nginx_conf(tmp, site))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        proc, consoles["nginx"] = _start(
            [nginx, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", f"daemon off; pid {tmp}/nginx.pid;"],
            clean_env(),
            tmp,
        )
        procs.append(proc)
        wait_port(https_port, proc, consoles["nginx"])
        yield {
            **facts,
            "http_port": http_port,
            "https_port": https_port,
            "tls": ssl.create_default_context(cafile=str(tmp / "cert.pem")),
            "consoles": consoles,
            "database": postgres,
        }
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def request(stack, method: str, path: str, *, body=None, headers=None, source="127.0.0.1"):
    conn = http.client.HTTPSConnection(
        "127.0.0.1", stack["https_port"], context=stack["tls"], timeout=30, source_address=(source, 0)
    )
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


@pytest.mark.parametrize("name", UNITS)
def test_units_pass_systemd_analyze_verify(name, tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed (package systemd)")
    # The unit as installed, with this checkout in place of /opt/borne (verify checks the executables).
    text = (SERVER / f"{name}.service").read_text().replace("/opt/borne", str(ROOT))
    (tmp_path / f"{name}.service").write_text(text)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / f"{name}.service")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    problems = [line for line in result.stderr.splitlines() if f"{name}.service" in line]
    assert result.returncode == 0 and not problems, result.stderr


def test_the_admin_answers_through_nginx_over_tls(stack):
    response, body = request(stack, "GET", "/admin/login/")

    assert response.status == 200
    assert b"csrfmiddlewaretoken" in body
    assert "max-age=" in response.getheader("Strict-Transport-Security", "")  # Django saw HTTPS


def test_plain_http_is_sent_to_https(stack):
    conn = http.client.HTTPConnection("127.0.0.1", stack["http_port"], timeout=10)
    conn.request("GET", "/admin/login/", headers={"Host": "localhost"})
    response = conn.getresponse()

    assert response.status == 301
    assert response.getheader("Location") == "https://localhost/admin/login/"


def test_static_files_are_served_by_nginx(stack):
    response, body = request(stack, "GET", "/static/admin/css/base.css")

    assert response.status == 200 and b"body" in body
    assert response.getheader("Content-Security-Policy") is None  # not Django: every Django answer has one
    assert "public" in response.getheader("Cache-Control", "")


def test_media_are_immutable_and_cached_by_nginx(stack):
    path = f"/api/kiosk/v1/media/{stack['sha256']}"

    first, body = request(stack, "GET", path)
    second, again = request(stack, "GET", path)

    assert first.status == 200 and hashlib.sha256(body).hexdigest() == stack["sha256"]
    assert again == body
    assert "immutable" in first.getheader("Cache-Control", "")
    assert first.getheader("ETag") == f'"{stack["sha256"]}"'
    assert first.getheader("Content-Type") == "image/jpeg"
    assert (first.getheader("X-Cache-Status"), second.getheader("X-Cache-Status")) == ("MISS", "HIT")


def test_feed_and_heartbeat_on_postgresql_with_the_kiosk_address_from_nginx(stack):
    import psycopg

    auth = {"Authorization": f"Bearer {stack['token']}"}
    beat = json.dumps({"version": "1.0", "uptime": 60}).encode()

    feed, page = request(stack, "GET", "/api/kiosk/v1/changes?since=&limit=50", headers=auth)
    answer, _ = request(
        stack,
        "POST",
        "/api/kiosk/v1/heartbeat",
        body=beat,
        headers={**auth, "Content-Type": "application/json"},
        source="127.0.0.2",
    )

    assert feed.status == 200
    assert [m["sha256"] for e in json.loads(page)["entries"] for m in e["media"]] == [stack["sha256"]]
    assert answer.status == 200
    with psycopg.connect(stack["database"]) as db:
        row = db.execute(
            "SELECT host(remote_addr), version FROM fleet_kiosk WHERE id = %s", (stack["kiosk"],)
        ).fetchone()
    assert row == ("127.0.0.2", "1.0")  # nginx's X-Real-IP, not nginx's own address


def test_the_worker_and_beat_start_on_redis(stack):
    stack["consoles"]["borne-worker"].wait_for(r"worker@\S+ ready", timeout=60)
    stack["consoles"]["borne-beat"].wait_for(r"beat: Starting", timeout=60)
