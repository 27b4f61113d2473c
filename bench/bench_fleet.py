"""Fleet benchmark: thousands of kiosks polling the back office at their real rhythm, on PostgreSQL.

    python bench/bench_fleet.py [--kiosks 2000] [--baseline 200] [--seconds 40] [--speedup 1]
                                [--entries 1000] [--communes 20] [--workers 2] [--json]

Starts a throwaway PostgreSQL server (Debian's binaries, a temporary folder, a Unix socket only),
fills it with a town (``bench/synth.py``: entries over several communes, images, an alert) and one
token per kiosk, then runs gunicorn with the production settings (``packaging/server/gunicorn.conf.py``)
on loopback ports. Every simulated kiosk is already in sync (its commune's cursor and ETag) and keeps
the kiosk's schedule, each job at a random phase:

- content sync every 15 minutes and the alert poll every 60 s (``changes`` with ``If-None-Match``),
- a heartbeat every 5 minutes (status and an hour of usage counters),

while staff edit one entry every ``--edit-every`` seconds (so some polls get a fresh page). The load
is open-loop: requests leave at their scheduled time whatever the answers, from a pool of client
threads; a request's latency counts from its scheduled time, so a server that falls behind shows.
``--speedup 10`` plays the same schedule ten times faster (the load of ten times as many kiosks).

Rows: the baseline fleet, the full fleet, then the full fleet split between two gunicorn servers on
two ports sharing the database. CPU is read from /proc for the gunicorn processes and for PostgreSQL's.
The client runs on the same cores as the servers. Traffic only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import glob
import heapq
import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERIODS = {"content": 900.0, "alerts": 60.0, "heartbeat": 300.0}
TICKS = os.sysconf("SC_CLK_TCK")
#: Entries per feed page, as the kiosk asks (the ETag depends on it).
PAGE = 200


# -- PostgreSQL and gunicorn ----------------------------------------------------------------------


@contextlib.contextmanager
def postgres_server():
    """A throwaway PostgreSQL on a Unix socket; yields ``(database URL, server pid)``."""
    initdb = shutil.which("initdb") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))), None)
    if initdb is None:
        sys.exit("PostgreSQL server binaries not found (apt-get install postgresql)")
    bindir = Path(initdb).resolve().parent
    base = Path(tempfile.mkdtemp(prefix="borne-bench-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    prefix = []
    if os.geteuid() == 0:  # the server refuses to run as root
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]
    try:
        subprocess.run(
            [*prefix, bindir / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"],
            check=True,
            capture_output=True,
        )
        # Durable commits as in production (fsync on), a little more memory than the default.
        opts = f"-k {sock} -c listen_addresses='' -c max_connections=200 -c shared_buffers=128MB"
        subprocess.run(
            [*prefix, bindir / "pg_ctl", "-D", data, "-o", opts, "-l", base / "log", "-w", "start"],
            check=True,
            capture_output=True,
        )
        subprocess.run([*prefix, bindir / "createdb", "-h", sock, "-U", "postgres", "borne"], check=True)
        pid = int((data / "postmaster.pid").read_text().split()[0])
        yield f"postgresql://postgres@/borne?host={sock}", pid
    finally:
        subprocess.run([*prefix, bindir / "pg_ctl", "-D", data, "-m", "fast", "stop"], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict, port: int, workers: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(ROOT / "packaging" / "server" / "gunicorn.conf.py"),
            "--log-level",
            "warning",
            "backoffice.wsgi:application",
        ],
        cwd=ROOT,
        env={**env, "BORNE_WEB_BIND": f"127.0.0.1:{port}", "BORNE_WEB_WORKERS": str(workers)},
    )
    for _ in range(300):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        if proc.poll() is not None:
            sys.exit("gunicorn stopped")
        time.sleep(0.1)
    sys.exit("gunicorn does not answer")


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process, its live children and the children it has reaped
    (PostgreSQL's backends and gunicorn's recycled workers come and go)."""
    total = 0.0
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            fields = Path(stat).read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        me, parent = int(Path(stat).parent.name), int(fields[1])
        if me == pid:
            total += sum(int(f) for f in fields[11:15]) / TICKS  # utime, stime, cutime, cstime
        elif parent == pid:
            total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


# -- the town and the fleet -----------------------------------------------------------------------


def fill(kiosks: int, entries: int, communes: int) -> list[tuple[str, str]]:
    """Migrate and fill the database; ``[(commune, kiosk token)]``, the communes taking turns."""
    import django

    django.setup()
    from django.core.management import call_command

    from backoffice.catalog.models import Commune
    from backoffice.catalog.wire import save_contract_alert, save_contract_entry
    from backoffice.fleet.models import TOKEN_PREFIX, Kiosk, hash_token
    from bench.synth import synthetic_town

    call_command("migrate", verbosity=0)
    codes = [f"15{100 + i:03d}" for i in range(communes)]
    Commune.objects.bulk_create([Commune(insee=c, name=f"Commune {c}") for c in codes])
    town = synthetic_town(entries=entries, images=max(1, entries // 10))
    rng = random.Random(2)
    for e in town.entries:
        e["commune"] = rng.choice(codes) if rng.random() < 0.8 else ""  # a fifth shared by all
        save_contract_entry(e, media=town.media)
    for a in town.alerts:
        save_contract_alert(a)
    tokens = [TOKEN_PREFIX + uuid.uuid4().hex + uuid.uuid4().hex for _ in range(kiosks)]
    Kiosk.objects.bulk_create(
        [
            Kiosk(name=f"Borne {i}", commune_id=codes[i % communes], token_hash=hash_token(t), token_hint=t[:8])
            for i, t in enumerate(tokens)
        ]
    )
    return [(codes[i % communes], t) for i, t in enumerate(tokens)]


def walk(port: int, token: str) -> tuple[str, str]:
    """The feed walked from nothing, as a new kiosk does, and polled once caught up: its cursor and ETag."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    cursor = ""
    while True:
        conn.request("GET", f"/api/kiosk/v1/changes?since={cursor}&limit={PAGE}", headers=auth(token))
        response = conn.getresponse()
        data = json.loads(response.read())
        if not data["more"] and data["cursor"] == cursor:  # caught up: this ETag is the next polls'
            conn.close()
            return cursor, response.getheader("ETag") or ""
        cursor = data["cursor"]


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}", "User-Agent": "Borne-kiosk/bench"}


class Kiosk:
    __slots__ = ("token", "port", "cursor", "etag", "beats")

    def __init__(self, token: str, port: int, cursor: str, etag: str):
        self.token, self.port, self.cursor, self.etag, self.beats = token, port, cursor, etag, 0


def heartbeat_body(kiosk: Kiosk) -> bytes:
    kiosk.beats += 1
    hour = time.strftime("%Y-%m-%dT%H:00:00+00:00", time.gmtime())
    rows = [{"hour": hour, "screen": s, "n": 3 + kiosk.beats % 7, "lang": "fr"} for s in ("home", "agenda", "map")]
    return json.dumps(
        {
            "version": "1.4.0",
            "cursor": kiosk.cursor,
            "last_sync": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
            "errors": [],
            "disk_free": 12 * 1024**3,
            "disk_total": 30 * 1024**3,
            "uptime": 86400 + kiosk.beats * 300,
            "usage": {"batch_id": uuid.uuid4().hex, "rows": rows},
        }
    ).encode()


def datatourisme_flux(path: Path, records: int) -> int:
    """A DATAtourisme flux (``@graph``) of ``records`` records made from the shared samples, each with
    its own ``@id``; lists are cut to 12 items (the samples hold hundreds of periods). Returns bytes."""
    import re

    samples = Path(os.environ.get("BORNE_OPENDATA_DIR") or ROOT.parent / "shared" / "opendata") / "datatourisme"
    found = sorted(samples.glob("*.json"))
    if not found:
        sys.exit(f"no DATAtourisme samples in {samples} (set BORNE_OPENDATA_DIR)")

    def trim(value):
        if isinstance(value, list):
            return [trim(v) for v in value[:12]]
        if isinstance(value, dict):
            return {k: trim(v) for k, v in value.items()}
        return value

    texts = [json.dumps(trim(json.loads(p.read_text(encoding="utf-8"))), ensure_ascii=False) for p in found]
    uuid_re = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"@context": {}, "@graph": [')
        for i in range(records):
            template = texts[i % len(texts)]
            own = str(uuid.UUID(int=i + 1))
            out.write(("," if i else "") + uuid_re.sub(own, template))
        out.write("]}")
    return path.stat().st_size


# -- the load -------------------------------------------------------------------------------------


def schedule(kiosks: list[Kiosk], seconds: float, speedup: float, seed: int) -> list[tuple[float, int, str]]:
    """``(time, kiosk index, job)`` of every request in the window, each job at a random phase."""
    rng = random.Random(seed)
    events = []
    for i in range(len(kiosks)):
        for job, period in PERIODS.items():
            t = rng.uniform(0, period) / speedup
            while t < seconds:
                events.append((t, i, job))
                t += period / speedup
    heapq.heapify(events)
    return [heapq.heappop(events) for _ in range(len(events))]


def run_load(kiosks: list[Kiosk], events, *, threads: int, edit_every: float, until=None) -> list[tuple]:
    """Play ``events`` (until ``until()`` is true, if given); ``[(job, status, latency s)]`` (status 0: no answer)."""
    local = threading.local()
    results: list[tuple] = []
    lock = threading.Lock()

    def connection(port: int) -> http.client.HTTPConnection:
        conns = local.__dict__.setdefault("conns", {})
        if port not in conns:
            conns[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        return conns[port]

    def one(due: float, i: int, job: str) -> None:
        k = kiosks[i]
        status = 0
        if job == "heartbeat":
            method, path, body = "POST", "/api/kiosk/v1/heartbeat", heartbeat_body(k)
            headers = {**auth(k.token), "Content-Type": "application/json"}
        else:
            method, path, body = "GET", f"/api/kiosk/v1/changes?since={k.cursor}&limit={PAGE}", None
            headers = {**auth(k.token), "Accept-Encoding": "gzip", "If-None-Match": k.etag}
        try:
            for attempt in (1, 2):
                conn = connection(k.port)
                try:
                    conn.request(method, path, body, headers)
                    response = conn.getresponse()
                    break
                except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
                    # A kept-alive connection the server closed meanwhile: a new one, as urllib3 does.
                    local.__dict__.get("conns", {}).pop(k.port, None)
                    if attempt == 2:
                        raise
            data = response.read()
            status = response.status
            if job != "heartbeat" and status == 200:
                import gzip

                page = json.loads(gzip.decompress(data) if response.getheader("Content-Encoding") else data)
                if not page["more"]:
                    k.cursor, k.etag = page["cursor"], response.getheader("ETag") or ""
        except (OSError, http.client.HTTPException, ValueError):
            local.__dict__.pop("conns", None)
        with lock:
            results.append((job, status, time.monotonic() - due))

    done = threading.Event()

    def staff() -> None:
        from backoffice.catalog.models import Entry

        n = 0
        while not done.wait(edit_every):
            entry = Entry.objects.filter(status="published").order_by("?").first()
            entry.summary = {**entry.summary, "fr": f"Modifié {n}"}
            entry.save()
            n += 1

    start = time.monotonic()
    editor = threading.Thread(target=staff, daemon=True)
    editor.start()
    with concurrent.futures.ThreadPoolExecutor(max_workers=threads) as pool:
        for t, i, job in events:
            if until is not None and until():
                break
            due = start + t
            if (wait := due - time.monotonic()) > 0:
                time.sleep(wait)
            pool.submit(one, due, i, job)
    done.set()
    editor.join()
    return results


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def measure(label, fleet, ports, pg_pid, servers, args, n_kiosks, *, until=None) -> dict:
    """One row: ``n_kiosks`` of ``fleet`` on ``ports`` for ``args.seconds`` (or until ``until()``)."""
    first = {}
    for commune, token in fleet:
        first.setdefault(commune, token)
    # Every kiosk starts in sync: its commune's cursor and ETag now (staff edits move them).
    cursors = {c: walk(ports[0], t) for c, t in first.items()}
    for port in ports[1:]:  # the other servers warmed up by the same question
        for t in first.values():
            walk(port, t)
    tokens = fleet[:n_kiosks]
    kiosks = [Kiosk(t, ports[i % len(ports)], *cursors[c]) for i, (c, t) in enumerate(tokens)]
    events = schedule(kiosks, args.seconds if until is None else 3 * 3600, args.speedup, seed=n_kiosks)
    cpu0 = sum(tree_cpu(p.pid) for p in servers), tree_cpu(pg_pid)
    t0 = time.monotonic()
    results = run_load(kiosks, events, threads=args.threads, edit_every=args.edit_every, until=until)
    wall = time.monotonic() - t0
    cpu1 = sum(tree_cpu(p.pid) for p in servers), tree_cpu(pg_pid)
    lat = sorted(r[2] for r in results)
    errors = sum(1 for r in results if r[1] == 0 or r[1] >= 400)
    # CPU per 100 kiosks for one real minute of their schedule.
    per = 100 / n_kiosks / (wall * args.speedup / 60)
    return {
        "fleet": label,
        "kiosks": n_kiosks,
        "servers": len(ports),
        "requests": len(results),
        "rps": round(len(results) / wall, 1),
        "p50_ms": round(percentile(lat, 0.50) * 1000, 1),
        "p95_ms": round(percentile(lat, 0.95) * 1000, 1),
        "p99_ms": round(percentile(lat, 0.99) * 1000, 1),
        "errors": errors,
        "pages_200": sum(1 for r in results if r[0] != "heartbeat" and r[1] == 200),
        "web_cpu": round((cpu1[0] - cpu0[0]) * per, 3),
        "db_cpu": round((cpu1[1] - cpu0[1]) * per, 3),
    }


def import_under_load(args, env, data_dir, fleet, ports, pg_pid, servers, rows) -> dict:
    """Rows before and during an import run by ``main.py backoffice import_datatourisme``."""
    import resource

    flux = data_dir / "flux.json"
    size = datatourisme_flux(flux, args.import_records)
    rows.append(measure("full, before the import", fleet, ports[:1], pg_pid, servers, args, args.kiosks))
    log = data_dir / "import.log"
    # At the worker unit's priority (Nice= in borne-worker.service), as production runs imports.
    unit = (ROOT / "packaging" / "server" / "borne-worker.service").read_text()
    nice = next((line.split("=", 1)[1].strip() for line in unit.splitlines() if line.startswith("Nice=")), "0")
    t0 = time.monotonic()
    with open(log, "w") as out:
        job = subprocess.Popen(
            [
                "nice",
                "-n",
                nice,
                sys.executable,
                "main.py",
                "backoffice",
                "import_datatourisme",
                str(flux),
                "--no-images",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        done = lambda: job.poll() is not None  # noqa: E731
        rows.append(
            measure("full, during the import", fleet, ports[:1], pg_pid, servers, args, args.kiosks, until=done)
        )
        job.wait()
    seconds = time.monotonic() - t0
    return {
        "records": args.import_records,
        "mb": round(size / 1e6),
        "seconds": round(seconds),
        "per_s": round(args.import_records / seconds),
        # The largest resident size of any child reaped so far: the import dwarfs initdb and pg_ctl.
        "peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "code": job.returncode,
        "nice": nice,
        "tail": "".join(log.read_text(errors="replace").splitlines(keepends=True)[-5:]),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiosks", type=int, default=2000)
    parser.add_argument("--baseline", type=int, default=200, help="kiosks of the baseline row")
    parser.add_argument("--seconds", type=float, default=40, help="length of each run")
    parser.add_argument("--speedup", type=float, default=1.0, help="play the schedule this many times faster")
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--communes", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes per server")
    parser.add_argument("--threads", type=int, default=64, help="client threads")
    parser.add_argument("--edit-every", type=float, default=20.0, help="seconds between staff edits")
    parser.add_argument(
        "--import-records",
        type=int,
        default=0,
        help="then import a DATAtourisme flux of this many records (the issue: 10000) with the CLI, as a worker "
        "runs it, and measure the web before and during the import",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    data_dir = Path(tempfile.mkdtemp(prefix="borne-bench-fleet-"))
    with postgres_server() as (database_url, pg_pid):
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("BORNE_", "DJANGO_", "DATABASE_URL"))},
            "DATABASE_URL": database_url,
            "BORNE_DATA_DIR": str(data_dir),
            "BORNE_SECRET_KEY": "bench-" + "k" * 50,
            "DJANGO_SETTINGS_MODULE": "backoffice.settings",
        }
        os.environ.update(env)
        (data_dir / "backoffice").mkdir(parents=True, exist_ok=True)
        sys.path.insert(0, str(ROOT))
        t0 = time.monotonic()
        fleet = fill(args.kiosks, args.entries, args.communes)
        print(
            f"town: {args.entries} entries, {args.communes} communes, {args.kiosks} kiosks in "
            f"{time.monotonic() - t0:.0f} s",
            file=sys.stderr,
        )
        rows = []
        ports = [free_port(), free_port()]
        servers = [start_gunicorn(env, ports[0], args.workers)]
        try:
            rows.append(measure("baseline", fleet, ports[:1], pg_pid, servers, args, args.baseline))
            rows.append(measure("full", fleet, ports[:1], pg_pid, servers, args, args.kiosks))
            servers.append(start_gunicorn(env, ports[1], args.workers))
            rows.append(measure("full, 2 servers", fleet, ports, pg_pid, servers, args, args.kiosks))
            if args.import_records:
                imported = import_under_load(args, env, data_dir, fleet, ports, pg_pid, servers, rows)
        finally:
            for proc in servers:
                proc.terminate()
            for proc in servers:
                proc.wait(timeout=30)
    shutil.rmtree(data_dir, ignore_errors=True)

    base = rows[0]
    print(
        f"\nschedule x{args.speedup:g}, {args.seconds:g} s per row, {args.workers} gunicorn workers per server, "
        f"{os.cpu_count()} cores shared with the client"
    )
    print(
        "| fleet | kiosks | servers | requests | req/s | p50 ms | p95 ms | p99 ms | errors | pages 200 "
        "| web CPU s /100 kiosks·min | DB CPU s /100 kiosks·min | p95 / baseline |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = r["p95_ms"] / base["p95_ms"] if base["p95_ms"] else float("nan")
        print(
            "| {fleet} | {kiosks} | {servers} | {requests} | {rps} | {p50_ms} | {p95_ms} | {p99_ms} | {errors} "
            "| {pages_200} | {web_cpu} | {db_cpu} | ".format(**r)
            + f"{ratio:.2f} |"
        )
    if args.import_records:
        before, during = rows[-2]["p95_ms"], rows[-1]["p95_ms"]
        print(
            "\nimport of {records} DATAtourisme records ({mb} MB flux, --no-images): {seconds} s, "
            "{per_s} records/s at nice {nice}, peak memory {peak_mb} MB, exit code {code}; ".format(**imported)
            + f"web p95 {before} ms before, {during} ms during ({during / before:.2f}x)"
        )
        print("last lines of the import:\n" + imported["tail"])
    if args.json:
        print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
