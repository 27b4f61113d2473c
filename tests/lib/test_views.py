"""The kiosk reads entries and alerts back as light views: the same answers as the models, without them."""

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from content.cache import ContentCache
from content.demo import load_demo
from content.validation import parse_alert, parse_entry

from .conftest import NOW, alert, changes, entry

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_cache(tmp_path_factory):
    town = load_demo(NOW.date(), now=NOW)
    data_dir = tmp_path_factory.mktemp("demo")
    with ContentCache.open(data_dir) as cache:
        cache.apply(changes(town.entries, town.alerts, media=town.media, origin="bundle"))
    reader = ContentCache.open(data_dir, readonly=True)
    yield reader, town
    reader.close()


def as_plain(value):
    """A view or a model, as nested plain values (attributes by name), to compare the two."""
    if dataclasses.is_dataclass(value):
        return {f.name: as_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [as_plain(v) for v in value]
    return value


def test_every_demo_entry_reads_the_same_through_its_view(demo_cache):
    reader, town = demo_cache
    assert len(town.entries) > 50
    for data in town.entries:
        model, view = parse_entry(data), reader.view(data["id"])
        for name, value in as_plain(view).items():
            expected = getattr(model, name)
            if name == "details":  # schema 2: nested lists of parts (season)
                expected = expected.model_dump(mode="json")
            elif isinstance(value, dict) and not isinstance(expected, dict):  # a nested part (place, contact ...)
                expected = {k: getattr(expected, k) for k in value}
            elif isinstance(value, list) and value and isinstance(value[0], dict):  # occurrences, media
                expected = [{k: getattr(item, k) for k in value[0]} for item in expected]
            assert value == expected, f"{data['id']}: {name}"
        for occurrence in view.occurrences:
            assert occurrence.effective_end == (occurrence.end or occurrence.start)


def test_view_of_an_unknown_entry_is_none(demo_cache):
    reader, _town = demo_cache
    assert reader.view("demo:nothing-here") is None


def test_active_alerts_read_back_like_the_models(cache):
    stored = [alert("urgent", level="urgent", message={"fr": "Route barrée", "en": "Road closed"}), alert("info")]
    cache.apply(changes([entry("a")], stored))
    read = cache.active_alerts(now=NOW)
    assert [a.id for a in read] == ["test:urgent", "test:info"]
    model = parse_alert(stored[0])
    assert (read[0].level, read[0].message, read[0].starts, read[0].until) == (
        model.level,
        model.message,
        model.starts,
        model.until,
    )


def test_the_read_side_imports_neither_the_models_nor_sqlite_utils_nor_pillow(demo_cache):
    """What the kiosk imports to read the cache: the heavy writer-side libraries stay out of its start."""
    reader, town = demo_cache
    data_dir = Path(reader.media.root).parent
    script = (
        "import sys\n"
        "from content.cache import ContentCache\n"
        "from content.usage import UsageStore\n"
        f"c = ContentCache.open({str(data_dir)!r}, readonly=True)\n"
        f"assert c.view({town.entries[0]['id']!r}) is not None and c.featured() is not None\n"
        "c.active_alerts()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'sqlite_utils', 'PIL')))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
