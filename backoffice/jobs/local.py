"""The worker and the beat beside the web server on one machine (``main.py backoffice serve``).

They are the same ``celery -A backoffice.jobs worker`` and ``… beat`` that production runs as systemd
units, started as child processes on the broker of the settings (the data folder's queue unless
``CELERY_BROKER_URL`` names a Redis), and stopped with the server.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
from pathlib import Path

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
PR_SET_PDEATHSIG = 1


def ensure_broker_folders() -> None:
    """The filesystem broker's folders (nothing to do for Redis)."""
    from django.conf import settings

    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if folder := settings.CELERY_BROKER_TRANSPORT_OPTIONS.get(key):
            Path(folder).mkdir(parents=True, exist_ok=True)


def celery_argv(kind: str, *, concurrency: int | None = None) -> list[str]:
    """``python -m celery -A backoffice.jobs worker|beat …`` as one machine runs it."""
    argv = [sys.executable, "-m", "celery", "-A", "backoffice.jobs", kind, "--loglevel", "INFO"]
    if kind == "worker":
        concurrency = concurrency or int(os.environ.get("BORNE_WORKER_CONCURRENCY", "2"))
        argv += ["--concurrency", str(concurrency), "--hostname", f"borne-local-{os.getpid()}@%h"]
    return argv


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM if the server dies without stopping it (killed, crashed)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_local(kinds: tuple[str, ...] = ("worker", "beat")) -> list[subprocess.Popen]:
    ensure_broker_folders()
    procs = []
    for kind in kinds:
        procs.append(subprocess.Popen(celery_argv(kind), cwd=ROOT, env=os.environ.copy(), preexec_fn=_die_with_parent))
        log.info("Jobs: %s started (pid %d)", kind, procs[-1].pid)
    return procs


def stop_local(procs: list[subprocess.Popen], timeout: float = 8) -> None:
    """SIGTERM (a worker finishes its task in hand, then stops), then SIGKILL after ``timeout`` seconds."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
