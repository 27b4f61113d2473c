"""Helpers shared by the back office tests."""

import datetime as dt
import io
import os
import socket
import subprocess
import sys
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
