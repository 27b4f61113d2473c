"""Suite-wide settings. Each area's fixtures live in its own folder's conftest.py."""

from hypothesis import settings

# No per-example deadline: the first example pays for imports and caches, which is not what a
# property test is about (timings belong in bench/).
settings.register_profile("borne", deadline=None, max_examples=60)
settings.load_profile("borne")
