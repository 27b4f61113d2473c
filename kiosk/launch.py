"""Entry points main.py calls: ``run_app(args, config)`` (the kiosk) and ``run_tour(args, config)``.

``args`` is main.py's argparse namespace (``windowed``, ``size``; the tour also ``out`` and ``lang``)
and ``config`` the loaded ``content.config.Config``. Kivy is imported only inside these functions,
after :func:`kiosk.config.configure`.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from kiosk.config import KioskSettings, configure, parse_size

log = logging.getLogger(__name__)


def settings_from(args: argparse.Namespace, config=None, **overrides) -> KioskSettings:
    """KioskSettings from the configuration, with the command line's --windowed and --size on top."""
    if config is None and getattr(args, "data_dir", None) is None:
        raise ValueError("the kiosk needs a data folder (--data-dir)")
    size_text = getattr(args, "size", "") or ""
    windowed = bool(getattr(args, "windowed", False))
    values = {
        "data_dir": Path(config.data_dir if config is not None else args.data_dir),
        "kiosk_mode": bool(getattr(config, "kiosk_mode", True)) and not windowed,
        "size": parse_size(size_text) if size_text else None,
    }
    if config is not None:
        values.update(
            commune=config.commune,
            tz=config.time_zone,
            default_lang=config.default_language,
            idle_seconds=float(config.idle_seconds),
            pin=str(config.maintenance_pin),
        )
    values.update(overrides)
    return KioskSettings(**values)


def prepare_data(data_dir: Path, tz: str = "Europe/Paris") -> None:
    """Import the demo town into an empty data folder, before the UI opens the cache read-only.

    This is the only write the kiosk command makes, and it happens before any window or sync
    process exists; from then on the sync process is the cache's only writer. A cache that holds
    content and needs no migration is only looked at, read-only (the writer's code is not loaded).
    """
    from content.cache import CacheError, ContentCache

    try:
        with ContentCache.open(data_dir, readonly=True, tz=tz) as cache:
            if cache.is_current() and cache.has_entries():
                return
    except CacheError:
        pass  # no cache yet, or one this Borne must migrate (or cannot read): the writer says which
    from content.importer import ensure_content

    with ContentCache.open(data_dir, tz=tz) as cache:
        report = ensure_content(cache)
    if report is not None:
        log.info("empty data folder: imported the demo town (%d entries)", report.upserted)


def build_app(settings: KioskSettings, *, clock=None, speech=None, watchdog=None):
    """Configure Kivy, open the cache read-only and the usage store, and build the (not yet running) app."""
    configure(
        kiosk_mode=settings.kiosk_mode,
        size=settings.size,
        kivy_home=settings.data_dir / "kivy",
        max_fps=settings.max_fps,
    )
    from content.cache import ContentCache
    from content.usage import UsageStore
    from kiosk.app import BorneApp

    cache = ContentCache.open(settings.data_dir, readonly=True, tz=settings.tz)
    usage = UsageStore(settings.data_dir / "usage.db")
    return BorneApp(cache=cache, usage=usage, settings=settings, clock=clock, speech=speech, watchdog=watchdog)


def run_app(args: argparse.Namespace, config=None) -> int:
    """``python main.py run [--windowed] [--size WxH]``: the kiosk, on the demo town when the cache is empty."""
    from content.sdnotify import Notifier
    from kiosk.watchdog import StartLog, UiWatchdog

    settings = settings_from(args, config)
    notifier = Notifier.from_env()
    starts = StartLog(settings.data_dir)
    if starts.crash_loop():
        # The last starts died before their first frame: a calm message for a while, not a black screen.
        configure(kiosk_mode=settings.kiosk_mode, size=settings.size, kivy_home=settings.data_dir / "kivy")
        from kiosk.fallback import run_fallback

        starts.ready()  # after the fallback's time, the next start tries the full kiosk again
        return run_fallback(notifier=notifier, default_lang=settings.default_lang)
    starts.started()
    prepare_data(settings.data_dir, settings.tz)
    watchdog = UiWatchdog(notifier=notifier, data_dir=settings.data_dir, version=settings.version or _version())
    app = build_app(settings, watchdog=watchdog)
    app.upkeep = build_upkeep(app, settings)
    try:
        app.run()
    finally:
        app.cache.close()
        app.usage.close()
    return 0


def build_upkeep(app, settings: KioskSettings, *, backends=None):
    """Settings from the back office, the screen schedule and screenshots, wired to ``app``."""
    from kiosk.screen_power import ScreenPower, detect
    from kiosk.upkeep import Upkeep, apply_to_app, capture_window, restart_when_idle

    found = detect() if backends is None else backends
    log.info("screen power: %s", ", ".join(b.name for b in found) or "no backend found, the screen stays on")
    return Upkeep(
        data_dir=settings.data_dir,
        screen=ScreenPower(found, data_dir=settings.data_dir),
        now=app.now,
        apply_settings=lambda update: apply_to_app(app, update),
        capture=capture_window,
        restart=lambda: restart_when_idle(app),
    )


def _version() -> str:
    from content import __version__

    return __version__


def run_tour(args: argparse.Namespace, config=None) -> int:
    """``python main.py tour --out DIR [--size WxH] [--lang fr,en]`` (see kiosk.tour)."""
    from kiosk.tour import tour

    return tour(args, config)
