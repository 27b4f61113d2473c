"""Kivy's image caches are capped, and emptied on demand."""

from __future__ import annotations

import pytest

from kiosk import images


@pytest.fixture
def restore_caches():
    from kivy.cache import Cache

    saved = {c: dict(Cache._categories[c]) for c in images.CATEGORIES if c in Cache._categories}
    yield Cache
    for category, values in saved.items():
        Cache.register(category, **values)


def test_image_caches_keep_a_bounded_number_of_images(restore_caches, monkeypatch):
    import itertools
    from types import SimpleNamespace

    import kivy.cache

    ticks = itertools.count()  # Kivy's cache never purges what was added in the current frame: one image a frame
    monkeypatch.setattr(kivy.cache, "Clock", SimpleNamespace(get_time=lambda: next(ticks)))
    cache = restore_caches
    images.cap_image_caches(limit=3, timeout=5)
    for n in range(10):
        cache.append("kv.texture", f"thumb-{n}", object())
    assert len(cache._objects["kv.texture"]) <= 3
    assert cache.get("kv.texture", "thumb-9") is not None


def test_releasing_empties_both_caches(restore_caches):
    cache = restore_caches
    images.cap_image_caches()
    cache.append("kv.image", "a", object())
    cache.append("kv.texture", "a", object())
    images.release_image_caches()
    assert cache.get("kv.image", "a") is None and cache.get("kv.texture", "a") is None


@pytest.mark.parametrize("limit, timeout", [(0, 5), (3, 0)])
def test_a_cache_without_room_or_time_is_refused(limit, timeout):
    with pytest.raises(ValueError, match="image caches"):
        images.cap_image_caches(limit=limit, timeout=timeout)
