"""Kivy's image caches: capped, and emptied when a list is left or a visit ends.

Kivy keeps every image it loads (the decoded pixels in ``kv.image``, the texture in ``kv.texture``)
for 60 s after its last use, with no limit on their number: one swipe down a list of shops leaves
hundreds of thumbnails in memory. Here both caches keep at most ``limit`` images for ``timeout``
seconds; what is on screen keeps its texture whatever the cache holds.
"""

from __future__ import annotations

import ctypes

CATEGORIES = ("kv.image", "kv.texture")
LIMIT = 150  # images: a long list keeps scrolling smoothly (a miss decodes a JPEG in the frame)
TIMEOUT = 15.0  # s


def cap_image_caches(limit: int = LIMIT, timeout: float = TIMEOUT) -> None:
    """Bound Kivy's image caches (call after Kivy is imported, before any image is loaded)."""
    if limit < 1 or timeout <= 0:
        raise ValueError(f"image caches: limit={limit} and timeout={timeout} must be positive")
    import kivy.core.image  # noqa: F401 - registers Kivy's own categories first: ours replace them
    from kivy.cache import Cache

    for category in CATEGORIES:
        Cache.register(category, limit=limit, timeout=timeout)


def release_image_caches(trim: bool = True) -> None:
    """Drop every cached image (those on screen keep theirs); with ``trim``, hand the freed memory
    back to the system at once."""
    from kivy.cache import Cache

    for category in CATEGORIES:
        Cache.remove(category)
    if trim:
        trim_heap()


def trim_heap() -> None:
    """glibc keeps freed blocks for later; ``malloc_trim`` returns them to the system (elsewhere: nothing)."""
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the C library the process already uses
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)
