"""Helpers shared by the back office tests."""

import contextlib
import datetime as dt
import io
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

PARIS = dt.timezone(dt.timedelta(hours=2))


def jpeg_bytes(size=(64, 48), color=(200, 30, 30), exif=False) -> bytes:
    from PIL import Image

    img = Image.new("RGB", size, color)
    buf = io.BytesIO()
    if exif:
        info = Image.Exif()
        info[0x010F] = "SecretCam"  # Make
        info[0x0112] = 6  # Orientation: rotate 90
        img.save(buf, "JPEG", exif=info.tobytes())
    else:
        img.save(buf, "JPEG")
    return buf.getvalue()


CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(data_dir: Path, *args: str, **env) -> subprocess.Popen:
    """Start ``backoffice.cli`` on ``data_dir``, without the caller's BORNE_ settings."""
    code = (
        "import sys; from pathlib import Path; from backoffice.cli import run; "
        "sys.exit(run(sys.argv[2:], Path(sys.argv[1])))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, str(data_dir), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**clean_env(), **env},
    )


def clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith(("BORNE_", "DJANGO_", "DATABASE_URL"))}


#: The first staff account of every server started by :func:`served`.
ADMIN = ("mairie", "Cantal-15100-admin")


class Console:
    """A server's output, read as it comes (so its pipe never fills; the console mail backend prints there)."""

    def __init__(self, proc: subprocess.Popen):
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc):
        for line in proc.stdout:
            self.lines.append(line)

    def wait_for(self, pattern: str, timeout: float = 20) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if m := re.search(pattern, "".join(self.lines)):
                return m
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} not in the server's output:\n" + "".join(self.lines[-40:]))


@contextlib.contextmanager
def served(data_dir: Path, **env):
    """The back office started by its CLI (``serve``) on a free port, with :data:`ADMIN` as first staff
    account; yields ``(url, console)`` once it answers, and stops it afterwards."""
    port = free_port()
    env = {
        "DJANGO_SUPERUSER_USERNAME": ADMIN[0],
        "DJANGO_SUPERUSER_PASSWORD": ADMIN[1],
        "DJANGO_SUPERUSER_EMAIL": "mairie@example.org",
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    proc = run_cli(data_dir, "serve", "--port", str(port), **env)
    console = Console(proc)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/admin/login/", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("server stopped:\n" + "".join(console.lines)) from None
                time.sleep(0.1)
        yield url, console
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
