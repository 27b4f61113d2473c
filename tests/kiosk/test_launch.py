"""What ``main.py run`` does before the window opens: the data folder's content, read-only when it can."""

import json
import os
import subprocess
import sys
from pathlib import Path

from content import schema
from content.cache import ContentCache
from kiosk.launch import prepare_data
from tests.lib.conftest import changes, entry

REPO = Path(__file__).resolve().parents[2]


def a_town(data_dir: Path) -> None:
    with ContentCache.open(data_dir) as cache:
        cache.apply(changes([entry("halle"), entry("musee", kind="heritage")]))


def opened(monkeypatch) -> list[bool]:
    """The ``readonly`` flag of every ContentCache.open from now on."""
    seen = []
    real = ContentCache.open.__func__

    def spy(cls, data_dir, *, readonly=False, tz="Europe/Paris"):
        seen.append(readonly)
        return real(cls, data_dir, readonly=readonly, tz=tz)

    monkeypatch.setattr(ContentCache, "open", classmethod(spy))
    return seen


def test_an_empty_data_folder_gets_the_demo_town(tmp_path, monkeypatch):
    seen = opened(monkeypatch)
    prepare_data(tmp_path)
    assert seen == [True, False]  # nothing to read: the writer creates the cache
    with ContentCache.open(tmp_path, readonly=True) as cache:
        assert cache.is_current() and cache.has_entries()
        assert cache.state()["entries"] > 20


def test_a_cache_with_content_is_only_read(tmp_path, monkeypatch):
    a_town(tmp_path)
    seen = opened(monkeypatch)
    prepare_data(tmp_path)
    assert seen == [True]
    with ContentCache.open(tmp_path, readonly=True) as cache:
        assert sorted(c.id for c in cache.list_entries()) == ["test:halle", "test:musee"]


def test_a_cache_an_update_must_migrate_is_opened_by_the_writer(tmp_path, monkeypatch):
    """After an upgrade that brings a migration, the kiosk command applies it before the UI reads."""
    a_town(tmp_path)
    monkeypatch.setattr(schema, "NAMES", (*schema.NAMES, "m999_next"))
    seen = opened(monkeypatch)
    with ContentCache.open(tmp_path, readonly=True) as cache:
        assert not cache.is_current()
    prepare_data(tmp_path)
    assert seen == [True, True, False]


def test_an_empty_cache_is_filled_by_the_writer(tmp_path, monkeypatch):
    ContentCache.open(tmp_path).close()  # created, migrated, no entry (a sync that has not run yet)
    seen = opened(monkeypatch)
    prepare_data(tmp_path)
    assert seen == [True, False]
    with ContentCache.open(tmp_path, readonly=True) as cache:
        assert cache.has_entries()


def test_the_kiosk_start_does_not_load_the_writers_code(tmp_path):
    """A kiosk whose cache holds content starts without the importer, the models, sqlite-utils or
    Pillow (over 0.1 s of imports on this machine)."""
    a_town(tmp_path)
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from kiosk.launch import prepare_data\n"
        f"prepare_data(Path({str(tmp_path)!r}))\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO, env=dict(os.environ)
    )
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "content.cache" in loaded
    assert {"content.importer", "content.model", "sqlite_utils", "pydantic", "PIL"} & loaded == set()
