"""``python main.py backoffice …``: serve the back office, or run any Django management command.

``run(["serve", "--demo", "--port", "8000"], data_dir)`` migrates, makes the first staff account,
loads the demo town when asked and serves on 127.0.0.1, with a Celery worker and the beat beside it
(``--no-jobs`` leaves them to systemd units). ``worker`` and ``beat`` run one of them in the
foreground on the same data folder. Anything else is handed to Django's ``manage.py`` (``migrate``,
``createsuperuser``, ``check --deploy``, ``export_bundle``, ``kiosk_add`` …).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
from pathlib import Path

log = logging.getLogger(__name__)


def _setup(data_dir: Path) -> None:
    os.environ["BORNE_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings")
    (Path(os.environ["BORNE_DATA_DIR"]) / "backoffice").mkdir(parents=True, exist_ok=True)
    if not os.environ.get("BORNE_SECRET_KEY") and os.environ.get("BORNE_ENV", "").strip().lower() != "production":
        from backoffice.security import ensure_secret_key

        ensure_secret_key(Path(os.environ["BORNE_DATA_DIR"]) / "backoffice")
    import django

    django.setup()
    from backoffice.locale_build import compile_catalogs

    compile_catalogs()


def _first_staff_account(out) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import CommandError, call_command

    from backoffice.catalog.groups import role_group

    User = get_user_model()
    if User.objects.filter(is_superuser=True).exists():
        return
    if os.environ.get("DJANGO_SUPERUSER_USERNAME") and os.environ.get("DJANGO_SUPERUSER_PASSWORD"):
        try:
            call_command("createsuperuser", interactive=False, email=os.environ.get("DJANGO_SUPERUSER_EMAIL", ""))
        except CommandError as exc:
            out.write(f"First staff account not created: {exc}\n")
            return
        user = User.objects.get(username=os.environ["DJANGO_SUPERUSER_USERNAME"])
        user.groups.add(role_group("administrator"))
        out.write(f"First staff account created: {user.username}\n")
    else:
        out.write(
            "No staff account yet. Create one with:\n"
            "  python main.py backoffice createsuperuser\n"
            "or start with DJANGO_SUPERUSER_USERNAME, DJANGO_SUPERUSER_PASSWORD (and DJANGO_SUPERUSER_EMAIL) set.\n"
        )


def serve(argv: list[str], out) -> int:
    parser = argparse.ArgumentParser(prog="main.py backoffice serve", description="Run the back office.")
    parser.add_argument("--demo", action="store_true", help="load the demo town first")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--noreload", action="store_true", default=True, help=argparse.SUPPRESS)
    parser.add_argument(
        "--no-jobs",
        action="store_true",
        help="no Celery worker and beat here (they run elsewhere: systemd units)",
    )
    args = parser.parse_args(argv)
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)
    _first_staff_account(out)
    from backoffice.public.republish import republish_if_address_changed

    if (count := republish_if_address_changed()) is not None:
        out.write(f"Public address changed: {count} published entries sent to the kiosks again\n")
    if args.demo:
        call_command("load_demo")
    out.write(f"Back office: http://{args.host}:{args.port}/admin/  ·  shopkeepers: /portal/\n")
    runserver_args = [f"{args.host}:{args.port}", "--noreload"]
    if not settings.DEBUG:
        runserver_args.append("--insecure")  # serve the admin's CSS/JS without a separate web server
    from backoffice.jobs.local import ensure_broker_folders, start_local, stop_local

    ensure_broker_folders()
    jobs = [] if args.no_jobs else start_local()
    if jobs:
        out.write(f"Jobs: a Celery worker and the beat run beside the server ({settings.CELERY_BROKER_URL})\n")
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        call_command("runserver", *runserver_args)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        stop_local(jobs)
    return 0


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt  # stop runserver the way Ctrl-C does, so the worker and beat are stopped too


def celery(kind: str, argv: list[str]) -> int:
    """``worker`` or ``beat`` in the foreground, on this data folder's broker (extra arguments go to Celery)."""
    from backoffice.jobs.celery import app
    from backoffice.jobs.local import ensure_broker_folders

    ensure_broker_folders()
    try:
        app.start([kind, "--loglevel", "INFO", *argv])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0
    return 0


def run(argv: list[str], data_dir: Path) -> int:
    """Entry point used by main.py. Returns a process exit code."""
    import sys

    _setup(data_dir)
    if argv and argv[0] == "serve":
        return serve(argv[1:], sys.stdout)
    if argv and argv[0] in ("worker", "beat"):
        return celery(argv[0], argv[1:])
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["main.py backoffice", *(argv or ["help"])])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


if __name__ == "__main__":  # python -m backoffice.cli ARGS… (data folder from BORNE_DATA_DIR or ./data)
    import sys

    sys.exit(run(sys.argv[1:], Path(os.environ.get("BORNE_DATA_DIR", "data"))))
