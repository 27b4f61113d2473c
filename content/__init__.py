"""Borne's content library: the model, its validation, bundles, the offline cache and its queries.

It imports neither Kivy, nor requests, nor Django: the kiosk, the sync job and the back office all
build on it.
"""

__version__ = "0.1.0"
