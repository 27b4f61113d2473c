"""Entry points main.py calls: ``run_app(args)`` (the kiosk) and, in kiosk.tour, ``run_tour(args)``.

``args`` is an argparse namespace; :func:`add_run_arguments` declares what it reads. Kivy is
imported only inside these functions, after :func:`kiosk.config.configure`.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from kiosk.config import KioskSettings, configure, parse_size

log = logging.getLogger(__name__)


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", dest="data_dir", type=Path, help="data folder (content.db, media/, usage.db)")
    parser.add_argument("--windowed", action="store_true", help="a developer's window instead of kiosk mode")
    parser.add_argument("--size", default="", help="window size WIDTHxHEIGHT (windowed), e.g. 1080x1920")
    parser.add_argument("--idle", dest="idle_seconds", type=float, default=90.0, help="seconds before the reset")
    parser.add_argument("--lang", dest="default_lang", default="fr", help="default language")
    parser.add_argument("--pin", default=None, help="maintenance PIN (default from the configuration)")
    parser.add_argument("--commune", default="", help="INSEE code of the kiosk's commune")


def settings_from_args(args: argparse.Namespace, **overrides) -> KioskSettings:
    """KioskSettings from main.py's namespace (attributes it does not have take their defaults)."""
    if getattr(args, "data_dir", None) is None:
        raise ValueError("the kiosk needs a data folder (--data)")
    size_text = getattr(args, "size", "") or ""
    values = {
        "data_dir": Path(args.data_dir),
        "kiosk_mode": not getattr(args, "windowed", False),
        "size": parse_size(size_text) if size_text else None,
    }
    for name in ("idle_seconds", "default_lang", "pin", "commune", "tz", "version"):
        value = getattr(args, name, None)
        if value is not None:
            values[name] = value
    if not values.get("version"):
        values["version"] = _version()
    values.update(overrides)
    return KioskSettings(**values)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("borne")
    except PackageNotFoundError:
        return "dev"


def build_app(settings: KioskSettings, *, clock=None):
    """Configure Kivy, open the cache read-only and the usage store, and build the (not yet running) app."""
    kivy_home = settings.data_dir / "kivy"
    configure(kiosk_mode=settings.kiosk_mode, size=settings.size, kivy_home=kivy_home, max_fps=settings.max_fps)
    from content.cache import ContentCache
    from content.usage import UsageStore
    from kiosk.app import BorneApp

    cache = ContentCache.open(settings.data_dir, readonly=True, tz=settings.tz)
    usage = UsageStore(settings.data_dir / "usage.db")
    return BorneApp(cache=cache, usage=usage, settings=settings, clock=clock)


def run_app(args: argparse.Namespace) -> int:
    """``python main.py run``: the kiosk (main.py imports the demo town first if the cache is empty)."""
    app = build_app(settings_from_args(args))
    try:
        app.run()
    finally:
        app.cache.close()
        app.usage.close()
    return 0
