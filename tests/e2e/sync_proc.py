"""The real sync process with test-sized timings: ``python -m tests.e2e.sync_proc --data DIR``.

It reads the kiosk's configuration exactly as ``main.py sync`` does (``<data>/borne.toml`` with
``sync_minutes``, ``alert_seconds``, ``heartbeat_minutes``; ``BORNE_BACKOFFICE_URL`` and
``BORNE_KIOSK_TOKEN`` from the environment) and runs :func:`sync.service.run_service`. It only
shortens what ``borne.toml`` cannot reach: the random delays meant to spread a hundred kiosks
(up to 3 minutes of jitter on each sync, up to 30 s before the first one), the watch interval, and
the retries of one request (a refused connection is retried once, not three times with backoff).

``sync.service`` logs at DEBUG when a job is *still* failing: those lines show how many attempts
failed while the log's WARNING says it once.
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.e2e.sync_proc", description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="the kiosk's data folder")
    args = parser.parse_args(argv)
    from main import configure_logging

    configure_logging()  # as `main.py sync` does
    logging.getLogger("sync.service").setLevel(logging.DEBUG)

    from content import __version__
    from content.config import load_config
    from sync.config import SyncConfig
    from sync.service import run_service

    config = SyncConfig.from_app_config(load_config(args.data), version=__version__)
    intervals = dataclasses.replace(
        config.intervals, sync_jitter=0, first_sync_max=0.5, first_heartbeat=1, watch=1, misfire_grace=30
    )
    config = config.with_(intervals=intervals, retries=1, backoff_factor=0.1, timeout=(2, 10))
    return run_service(config)


if __name__ == "__main__":
    sys.exit(main())
