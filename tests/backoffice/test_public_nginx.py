"""The public pages behind the server's nginx site (packaging/server): cached there, and every visit
still counted as a QR scan (nginx mirrors it to Django, which only counts)."""

from __future__ import annotations

import shutil
import sqlite3
import ssl
import subprocess
import time
import urllib.request

import pytest

from tests.backoffice.bo_helpers import Console, clean_env, free_port, run_cli
from tests.backoffice.test_packaging import nginx_conf, render_site, wait_port

pytestmark = pytest.mark.slow


def _sum_hits(db) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT COALESCE(SUM(count), 0) FROM public_pagehit").fetchone()[0]


def test_nginx_caches_the_public_page_and_counts_every_visit(tmp_path):
    for tool in ("nginx", "openssl"):
        if shutil.which(tool) is None and not shutil.os.path.exists(f"/usr/sbin/{tool}"):
            pytest.skip(f"{tool} is not installed")
    web_port, http_port, https_port = free_port(), free_port(), free_port()
    bo = tmp_path / "bo"
    server = run_cli(bo, "serve", "--demo", "--no-jobs", "--port", str(web_port), BORNE_SCANS_FROM_NGINX="1")
    console = Console(server)
    nginx = None
    try:
        console.wait_for(r"Quit the server|Starting development server|http://127\.0\.0\.1", timeout=120)
        wait_port(web_port, server, console, timeout=120)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost"]
            + ["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
            + ["-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
            check=True,
            capture_output=True,
        )
        site = tmp_path / "site.conf"
        site.write_text(
            render_site(
                tmp_path,
                http_port=http_port,
                https_port=https_port,
                upstream=f"127.0.0.1:{web_port}",
                static_root=bo / "backoffice" / "static",
            )
        )
        (tmp_path / "nginx.conf").write_text(nginx_conf(tmp_path, site))
        nginx = subprocess.Popen(
            [shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
            + ["-g", f"daemon off; pid {tmp_path}/nginx.pid;"],
            env=clean_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        wait_port(https_port, nginx, Console(nginx))
        db = bo / "backoffice" / "db.sqlite3"
        with sqlite3.connect(db) as con:
            (pk,) = con.execute(
                "SELECT id FROM catalog_entry WHERE status = 'published' ORDER BY id LIMIT 1"
            ).fetchone()
        tls = ssl.create_default_context(cafile=str(tmp_path / "cert.pem"))
        statuses = []
        for _ in range(3):
            with urllib.request.urlopen(f"https://127.0.0.1:{https_port}/p/{pk}/en", context=tls, timeout=10) as r:
                assert r.status == 200
                assert b"<h1" in r.read()
                statuses.append(r.headers["X-Cache-Status"])
        assert statuses[0] == "MISS" and statuses[1:] == ["HIT", "HIT"]
        deadline = time.monotonic() + 10
        while _sum_hits(db) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _sum_hits(db) == 3  # each visit once: the mirror counts, the page itself does not
    finally:
        for proc in (nginx, server):
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
