"""Kill the real sync process (SIGKILL) at random moments: the cache is always old or new, never a mix."""

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fakebo import entry, image, media_ref

from content.cache import ContentCache
from sync.client import FeedClient
from sync.job import SyncJob

REPO = Path(__file__).resolve().parents[2]
TRIALS = 20
ENTRIES = 400


def snapshot(data_dir: Path) -> tuple[dict[str, str], str, set[str]]:
    """(titles by id, cursor, missing images) as the next start of the process finds them."""
    cache = ContentCache.open(data_dir)
    try:
        assert cache.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = cache.db.execute("SELECT id, json_extract(title, '$.fr') FROM entries").fetchall()
        return dict(rows), cache.cursor, cache.missing_media()
    finally:
        cache.close()


def spawn(bo, data_dir: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sync",
            "--once",
            "-v",
            "--data",
            str(data_dir),
            "--url",
            bo.url,
            "--token",
            bo.token,
            "--page-limit",
            "100",
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_apply(proc: subprocess.Popen, seen: threading.Event) -> None:
    for line in proc.stderr:
        if "applying" in line:
            seen.set()
    seen.set()


@pytest.mark.slow
def test_killed_at_random_moments_the_cache_is_old_or_new(bo, tmp_path):
    rng = random.Random(int(os.environ.get("BORNE_KILL_SEED", "6")))
    images = [image(n, (400, 300)) for n in range(12)]
    for data in images:
        bo.add_media(data)
    for n in range(ENTRIES):
        bo.put_entry(
            entry(
                n, title=f"A{n}", body={"fr": f"Ancien texte {n}. " * 40}, media=[media_ref(images[n % 6], (400, 300))]
            )
        )
    template = tmp_path / "template"
    client = FeedClient(bo.url, bo.token, version="t", backoff_factor=0.01)
    job = SyncJob(data_dir=template, client=client, min_free_bytes=0)
    job.sync_once()
    job.close()
    old = snapshot(template)
    # Version B: every entry changes, a tenth is withdrawn, new ones come with new images.
    for n in range(ENTRIES):
        if n % 10 == 0:
            bo.delete_entry(f"bo:{n}")
        else:
            bo.put_entry(
                entry(
                    n,
                    title=f"B{n}",
                    body={"fr": f"Nouveau texte {n}. " * 40},
                    media=[media_ref(images[6 + n % 6], (400, 300))],
                )
            )
    for n in range(ENTRIES, ENTRIES + 50):
        bo.put_entry(entry(n, title=f"B{n}", media=[media_ref(images[6 + n % 6], (400, 300))]))

    # A full run, to know how long the process lives and how long its apply takes.
    calib = tmp_path / "calib"
    shutil.copytree(template, calib)
    start = time.monotonic()
    proc = spawn(bo, calib)
    seen = threading.Event()
    threading.Thread(target=wait_for_apply, args=(proc, seen), daemon=True).start()
    seen.wait(30)
    applying_at = time.monotonic()
    assert proc.wait(30) == 0
    total, apply_time = time.monotonic() - start, time.monotonic() - applying_at
    new = snapshot(calib)
    assert new[0] != old[0] and new[2] == set()

    outcomes = {"old": 0, "new": 0, "killed": 0}
    for trial in range(TRIALS):
        data_dir = tmp_path / f"trial{trial}"
        shutil.copytree(template, data_dir)
        proc = spawn(bo, data_dir)
        seen = threading.Event()
        threading.Thread(target=wait_for_apply, args=(proc, seen), daemon=True).start()
        if trial % 3 == 0:  # anywhere in the process's life
            delay = rng.uniform(0, total)
        else:  # during the apply
            seen.wait(30)
            delay = rng.uniform(0, apply_time * 1.5)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        found = snapshot(data_dir)
        assert found in (old, new), f"trial {trial}: a mix of old and new content"
        outcomes["old" if found == old else "new"] += 1
        outcomes["killed"] += proc.returncode == -signal.SIGKILL
        # The next sync completes.
        client = FeedClient(bo.url, bo.token, version="t", backoff_factor=0.01)
        job = SyncJob(data_dir=data_dir, client=client, min_free_bytes=0)
        try:
            job.sync_once()
        finally:
            job.close()
            client.close()
        assert snapshot(data_dir) == new, f"trial {trial}: the next sync did not complete"
        shutil.rmtree(data_dir)
    print(f"kill trials: {outcomes}, process life {total:.2f} s, apply {apply_time:.2f} s")
    assert outcomes["old"] > 0  # the kills did land before the commit at least sometimes
