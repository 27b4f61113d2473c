"""The CLI, production settings and PostgreSQL, each in a fresh process (settings are per process)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_cli(args: list[str], data_dir: Path, **env) -> subprocess.CompletedProcess:
    code = (
        "import sys; from pathlib import Path; from backoffice.cli import run; "
        "sys.exit(run(sys.argv[2:], Path(sys.argv[1])))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BORNE_", "DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "-c", code, str(data_dir), *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_migrates_into_the_data_folder_and_runs_commands(tmp_path):
    result = run_cli(["migrate", "-v", "0"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "backoffice" / "db.sqlite3").exists()
    assert run_cli(["kiosk_add", "Mairie", "--commune", "00000"], tmp_path).returncode != 0


def test_production_requires_secret_key(tmp_path):
    result = run_cli(["check"], tmp_path, BORNE_ENV="production", BORNE_ALLOWED_HOSTS="bo.example.org")
    assert result.returncode != 0 and "BORNE_SECRET_KEY" in result.stderr


def test_production_settings_pass_check_deploy(tmp_path):
    result = run_cli(
        ["check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        BORNE_ENV="production",
        BORNE_SECRET_KEY="k" * 20 + "-a-long-random-production-secret-0123456789",
        BORNE_ALLOWED_HOSTS="bo.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _pg_bin() -> Path | None:
    found = shutil.which("initdb") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))), None)
    return Path(found).resolve().parent if found else None


@pytest.fixture(scope="module")
def postgres():
    """A throwaway PostgreSQL server on a Unix socket only (Debian package postgresql)."""
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not installed (apt-get install postgresql)")
    # Not under pytest's own temporary folder: the server's user must be able to reach it.
    base = Path(tempfile.mkdtemp(prefix="borne-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    prefix = []
    if os.geteuid() == 0:  # the server refuses to run as root
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    result = subprocess.run(
        [*prefix, bindir / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    opts = f"-k {sock} -c listen_addresses='' -c fsync=off"
    subprocess.run(
        [*prefix, bindir / "pg_ctl", "-D", data, "-o", opts, "-l", base / "log", "-w", "start"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    subprocess.run([*prefix, bindir / "createdb", "-h", sock, "-U", "postgres", "borne"], check=True, timeout=60)
    try:
        yield f"postgresql://postgres@/borne?host={sock}"
    finally:
        subprocess.run(
            [*prefix, bindir / "pg_ctl", "-D", data, "-m", "immediate", "stop"], capture_output=True, timeout=60
        )
        shutil.rmtree(base, ignore_errors=True)


def test_feed_and_models_on_postgresql(postgres, tmp_path):
    """The model and feed tests again, against a real PostgreSQL server."""
    pytest.importorskip("psycopg")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BORNE_", "DJANGO_"))}
    env = {**clean, "DATABASE_URL": postgres, "BORNE_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:warnings",
            "tests/backoffice/test_feed.py",
            "tests/backoffice/test_models.py",
            "tests/backoffice/test_portal.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[:3000] + result.stderr[-2000:]
    assert " passed" in result.stdout
    result = run_cli(["migrate", "-v", "0"], tmp_path, DATABASE_URL=postgres)
    assert result.returncode == 0, result.stderr


def test_migrate_creates_the_three_groups(tmp_path):
    assert run_cli(["migrate", "-v", "0"], tmp_path).returncode == 0
    code = "from django.contrib.auth.models import Group; print(sorted(Group.objects.values_list('name', flat=True)))"
    result = run_cli(["shell", "-c", code], tmp_path)
    assert "['administrateur', 'modérateur', 'rédacteur']" in result.stdout, result.stderr
