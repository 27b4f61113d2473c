"""Pull the plug during a bundle import: the cache holds the old or the new content, never a mix."""

import hashlib
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from content.bundle import write_bundle
from content.cache import ContentCache
from content.importer import import_bundle

from .conftest import entry, make_image, media_item

ROOT = Path(__file__).resolve().parents[2]
TRIALS = 24


def town(tag: str, n_entries: int, n_images: int, seed: int):
    images = [make_image(color=(seed * 40 % 256, i * 7 % 256, 90), size=(1200, 800)) for i in range(n_images)]
    entries = [
        entry(
            f"{tag}-{i}", title={"fr": f"{tag} {i}"}, media=[media_item(images[i % n_images])] if i < n_images else []
        )
        for i in range(n_entries)
    ]
    return entries, {hashlib.sha256(d).hexdigest(): d for d in images}


def snapshot(data_dir: Path):
    """(ids, titles) of what the cache holds, and whether every image it references is on disk."""
    cache = ContentCache.open(data_dir)  # as the next start would: the writer, running recovery
    try:
        rows = cache.db.execute("SELECT id, title FROM entries ORDER BY id").fetchall()
        complete = not cache.missing_media()
        integrity = cache.db.execute("PRAGMA integrity_check").fetchone()[0]
        cursor = cache.cursor
    finally:
        cache.close()
    return {r[0] for r in rows}, cursor, complete, integrity


@pytest.mark.slow
def test_killed_import_leaves_old_or_new_content(tmp_path):
    old_entries, old_media = town("old", 300, 4, 1)
    new_entries, new_media = town("new", 1500, 24, 2)
    old_bundle, new_bundle = tmp_path / "old.zip", tmp_path / "new.zip"
    write_bundle(old_bundle, entries=old_entries, media=old_media, cursor="old")
    write_bundle(new_bundle, entries=new_entries, media=new_media, cursor="new")
    template = tmp_path / "template"
    with ContentCache.open(template) as cache:
        import_bundle(cache, old_bundle)
    old_ids, new_ids = {e["id"] for e in old_entries}, {e["id"] for e in new_entries}

    child = [sys.executable, str(ROOT / "main.py"), "import-bundle", str(new_bundle), "--data-dir"]

    # One full run tells how long an import takes, so the kills land all through it.
    full = tmp_path / "full"
    shutil.copytree(template, full)
    t = time.perf_counter()
    subprocess.run([*child, str(full)], check=True, capture_output=True, cwd=ROOT)
    duration = time.perf_counter() - t
    assert snapshot(full)[:2] == (new_ids, "new")

    rng = random.Random(20261126)
    outcomes = {"old": 0, "new": 0}
    for trial in range(TRIALS):
        data = tmp_path / f"trial{trial}"
        shutil.copytree(template, data)
        proc = subprocess.Popen([*child, str(data)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, duration * 1.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        ids, cursor, complete, integrity = snapshot(data)
        assert integrity == "ok"
        assert (ids, cursor) in [(old_ids, "old"), (new_ids, "new")], f"trial {trial}: a mix of old and new"
        assert complete, f"trial {trial}: the content references an image that is not on disk"
        outcomes["old" if cursor == "old" else "new"] += 1
        # The next import completes.
        with ContentCache.open(data) as cache:
            import_bundle(cache, new_bundle)
            assert cache.cursor == "new"
            assert not cache.missing_media()
        shutil.rmtree(data)
    # The kills really landed before and after the commit, not all on one side.
    assert outcomes["old"] > 0, outcomes
