"""Sync benchmark: initial and incremental sync of the synthetic town from the back office.

    python bench/bench_sync.py [--entries 10000] [--images 2000] [--changed 0.01] [--fake | --compare] [--json]

By default the back office is the real one, as kiosks meet it: Django under gunicorn with the
server's settings (``packaging/server/gunicorn.conf.py``: gthread workers) on 127.0.0.1, on a
throwaway data folder (``BORNE_DATA_DIR``) that is migrated, given the synthetic town
(``bench.synth``) through the back office's own import path
(``backoffice.catalog.wire.save_contract_entry``) and a kiosk registered with ``kiosk_add``
(through ``backoffice.cli``, which prints its token). Bytes on the wire are the response bodies gunicorn sent,
from its access log: ``%(B)s``, or the ``Content-Length`` of a file it sent with ``sendfile`` (the
media). ``--fake`` uses the fake back office of the sync tests instead (``tests/sync/fakebo.py``:
same contract, gzip, in this process); ``--compare`` runs both on the same town and prints them side
by side with their ratios (real / fake).

Each sync runs as a real child process (``python -m sync --once``), so its peak memory is its own.
Prints time, bytes on the wire (gzip included) and peak RSS; for the incremental sync after
``--changed`` of the entries changed, its bytes as a ratio to the changed entries' own JSON size
(target: under 1.5). Filling the real back office is not timed. With ``--json`` the last line is
one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests" / "sync")]

from bench.synth import synthetic_town  # noqa: E402

COMMUNE = "15187"  # the synthetic town's commune (bench.synth)
SERVER_CONFIG = REPO / "packaging" / "server" / "gunicorn.conf.py"


def changed_entry(entry: dict) -> dict:
    """``entry`` as a town employee would leave it after editing its summary."""
    return {
        **entry,
        "summary": {**entry["summary"], "fr": entry["summary"]["fr"] + " (modifié)"},
        "updated_at": "2026-11-26T10:00:00+01:00",
    }


# -- the two back offices ------------------------------------------------------------------------


class FakeServer:
    """The sync tests' fake back office, serving the town from this process."""

    name = "fake"

    def __init__(self, town):
        from fakebo import FakeBackOffice

        self.bo = FakeBackOffice()
        self.token = self.bo.token
        for data in town.media.values():
            self.bo.add_media(data)
        for e in town.entries:
            self.bo.put_entry(e)
        for a in town.alerts:
            self.bo.put_alert(a)
        self.url = self.bo.start()

    def wire_bytes(self) -> int:
        return self.bo.wire_bytes

    def put_entries(self, entries: list[dict]) -> None:
        for e in entries:
            self.bo.put_entry(e)

    def stop(self) -> None:
        self.bo.stop()


class RealServer:
    """The real back office: migrated, filled with the town in this process, served by gunicorn."""

    name = "real"

    def __init__(self, town, folder: Path):
        self.data_dir = folder / "backoffice-data"
        self.log = folder / "gunicorn-access.log"
        self.errors = folder / "gunicorn.log"
        self.media = town.media
        self._django(town)
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        # The server's own settings (workers, threads, timeouts) when the packaging provides them;
        # the address and the logs are the benchmark's.
        settings = ["--config", str(SERVER_CONFIG)] if SERVER_CONFIG.is_file() else ["-k", "gthread", "--threads", "4"]
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            *settings,
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(self.log),
            "--access-logformat",
            "%(B)s %({content-length}o)s",
            "--error-logfile",
            str(self.errors),
            "backoffice.wsgi",
        ]
        env = {**os.environ, "BORNE_DATA_DIR": str(self.data_dir)}
        self.proc = subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True)
        self._wait_ready(port)

    def _django(self, town) -> None:
        from backoffice.cli import _setup, run

        _setup(self.data_dir)  # BORNE_DATA_DIR for this process, then django.setup()
        from django.core.management import call_command
        from django.db import transaction

        from backoffice.catalog.wire import save_contract_alert, save_contract_entry

        call_command("migrate", verbosity=0)
        with transaction.atomic():
            for e in town.entries:
                save_contract_entry(e, media=town.media)
            for a in town.alerts:
                save_contract_alert(a)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = run(["kiosk_add", "bench", "--commune", COMMUNE], self.data_dir)
        if code:
            raise SystemExit(f"kiosk_add failed ({code}): {out.getvalue().strip()}")
        self.token = out.getvalue().strip().splitlines()[-1]

    def _wait_ready(self, port: int) -> None:
        """Until the feed answers and every worker has booted (the error log stops growing for a
        second), so that no sync is timed while workers still import Django."""
        import urllib.request

        request = urllib.request.Request(
            f"{self.url}/api/kiosk/v1/changes?limit=1", headers={"Authorization": f"Bearer {self.token}"}
        )
        deadline = time.monotonic() + 120
        answered, last, quiet_since = False, None, time.monotonic()
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.proc.returncode}): see {self.errors}")
            if not answered:
                with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=5) as reply:
                    answered = reply.status == 200
            log = self.errors.read_text() if self.errors.exists() else ""
            if log != last:
                last, quiet_since = log, time.monotonic()
            elif answered and time.monotonic() - quiet_since >= 1.0:
                return
            time.sleep(0.1)
        raise SystemExit(f"gunicorn did not answer on port {port} within 120 s: see {self.errors}")

    def wire_bytes(self) -> int:
        """Response bodies sent so far, once the access log has stopped growing (a worker writes its
        line just after the response)."""
        last = None
        while True:
            text = self.log.read_text() if self.log.exists() else ""
            if text == last:
                return sum(_body_bytes(line) for line in text.splitlines())
            last = text
            time.sleep(0.2)

    def put_entries(self, entries: list[dict]) -> None:
        from django.db import transaction

        from backoffice.catalog.wire import save_contract_entry

        with transaction.atomic():
            for e in entries:
                save_contract_entry(e, media=self.media)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


def _body_bytes(line: str) -> int:
    """One access log line's body bytes: what gunicorn wrote itself, or the Content-Length of a file it
    handed to the kernel (``sendfile``: the media), which it does not count."""
    return max((int(word) for word in line.split() if word.isdigit()), default=0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the syncs -----------------------------------------------------------------------------------


def run_sync(server, data_dir: Path, page_limit: int) -> dict:
    before = server.wire_bytes()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sync",
            "--once",
            "--data",
            str(data_dir),
            "--url",
            server.url,
            "--token",
            server.token,
            "--page-limit",
            str(page_limit),
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    out, err = proc.stdout.read().decode(), proc.stderr.read().decode()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"sync from the {server.name} back office failed ({code}): {err.strip()}")
    return {
        "seconds": round(elapsed, 2),
        "wire_bytes": server.wire_bytes() - before,
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux: kilobytes
        "summary": out.strip().removeprefix("borne sync: "),
    }


def measure(server, town, folder: Path, args) -> dict:
    """Initial sync, then one after ``--changed`` of the entries changed, then one with nothing new."""
    data_dir = folder / f"kiosk-{server.name}"
    initial = run_sync(server, data_dir, args.page_limit)
    rng = random.Random(7)
    changed = [changed_entry(e) for e in rng.sample(town.entries, max(1, int(len(town.entries) * args.changed)))]
    changed_bytes = sum(len(json.dumps(e, ensure_ascii=False).encode()) for e in changed)
    server.put_entries(changed)
    incremental = run_sync(server, data_dir, args.page_limit)
    nothing = run_sync(server, data_dir, args.page_limit)
    return {
        "initial": initial,
        "incremental": {
            **incremental,
            "changed_entries": len(changed),
            "changed_bytes": changed_bytes,
            "wire_ratio": round(incremental["wire_bytes"] / changed_bytes, 3),
        },
        "no_change": nothing,
        "content_db_bytes": sum(p.stat().st_size for p in data_dir.glob("content.db*")),
    }


def print_table(results: dict) -> None:
    names = list(results)
    steps = (("initial", "initial sync"), ("incremental", "incremental"), ("no_change", "nothing changed"))
    measures = (("seconds", "time s"), ("wire_bytes", "wire bytes"), ("peak_rss_mb", "peak RSS MB"))
    head = f"{'':22}" + "".join(f" {f'{label} ({n})':>20}" for n in names for _, label in measures)
    if len(names) == 2:
        head += "".join(f" {f'{label} real/fake':>22}" for _, label in measures)
    print(head)
    for step, title in steps:
        if step == "incremental":
            title = f"{title} ({results[names[0]]['incremental']['changed_entries']} changed)"
        line = f"{title:22}" + "".join(f" {results[n][step][key]!s:>20}" for n in names for key, _ in measures)
        if len(names) == 2:
            real, fake = results["real"][step], results["fake"][step]
            line += "".join(f" {_ratio(real[key], fake[key])!s:>22}" for key, _ in measures)
        print(line)
    for n in names:
        print(
            f"{n}: incremental bytes on the wire / changed entries' size: {results[n]['incremental']['wire_ratio']} "
            f"(target < 1.5)"
        )


def _ratio(a: float, b: float) -> float | str:
    return round(a / b, 2) if b else "-"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--images", type=int, default=2_000)
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument("--page-limit", type=int, default=500)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--fake", action="store_true", help="the sync tests' fake back office instead of the real one")
    which.add_argument("--compare", action="store_true", help="both back offices, side by side")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    town = synthetic_town(args.entries, args.images)
    kinds = ["fake"] if args.fake else ["real", "fake"] if args.compare else ["real"]
    results = {}
    with tempfile.TemporaryDirectory(prefix="borne-bench-sync-") as tmp:
        folder = Path(tmp)
        for kind in kinds:
            load_start = time.perf_counter()
            server = RealServer(town, folder) if kind == "real" else FakeServer(town)
            loaded = round(time.perf_counter() - load_start, 1)
            try:
                results[kind] = {"load_seconds": loaded, **measure(server, town, folder, args)}
            finally:
                server.stop()
    print(
        f"synthetic town: {len(town.entries)} entries, {len(town.media)} images; page limit {args.page_limit}; "
        + ", ".join(f"{k} back office filled in {r['load_seconds']} s (not timed)" for k, r in results.items())
    )
    print_table(results)
    if args.json:
        print(json.dumps({"entries": len(town.entries), "images": len(town.media), **results}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
