"""BorneApp: the kiosk's state, navigation, idle reset and live refresh.

Built with its dependencies passed in (``BorneApp(cache=..., usage=..., settings=...)``); the
widget tree lives in ``kiosk/kv/*.kv`` (one file per screen, loaded once by path) and each
screen's behaviour in ``kiosk/screens/``.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from kivy.animation import Animation
from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.screenmanager import NoTransition

from kiosk import rows
from kiosk.config import KioskSettings
from kiosk.i18n import Translator
from kiosk.images import cap_image_caches, release_image_caches, trim_heap
from kiosk.textmem import drop_text_surfaces
from kiosk.theme import Theme

log = logging.getLogger(__name__)

KV_DIR = Path(__file__).resolve().parent / "kv"
#: What the first frames show (the attract loop, then home): loaded at start.
KV_FILES = ("widgets.kv", "attract.kv", "home.kv", "root.kv")
#: The other screens: ``name -> (class in kiosk.screens, kv files)``, built when first asked for.
LAZY_SCREENS = {
    "list": ("ListScreen", ("rows.kv", "list.kv")),
    "detail": ("DetailScreen", ("rows.kv", "detail.kv")),
    "search": ("SearchScreen", ("rows.kv", "notice_row.kv", "search.kv")),
    "map": ("MapScreen", ("rows.kv", "map.kv")),
    "maintenance": ("MaintenanceScreen", ("maintenance.kv",)),
    "notices": ("NoticesScreen", ("rows.kv", "notice_row.kv", "notices.kv")),
    "notice": ("NoticeScreen", ("rows.kv", "notice.kv")),
}
SCREENS = ("attract", "home", *LAZY_SCREENS)
PREWARM_AFTER = 0.5  # s after start: the lazy screens are built then, one a frame, before a visitor needs them
#: The screens a visitor reaches in one touch from home; the staff's maintenance panel is built when opened.
PREWARM_SCREENS = ("list", "search", "detail")
#: Memory is handed back (unused images, cyclic garbage, the allocator's free pages) once the
#: screen has been left alone this long after a visitor's touch or a change of screen.
HOUSEKEEPING_QUIET = 0.8  # s
CORNER_TAPS = 5  # staff gesture: taps in the top-right corner ...
CORNER_WINDOW = 3.0  # ... within this many seconds


class Cut(NoTransition):
    """Kivy's NoTransition, finished as it starts. Kivy's ends on the next clock tick: the frame
    drawn in between shows both screens, and the new one alone comes a frame later."""

    def start(self, manager):
        super().start(manager)
        Animation.stop_all(self)  # its zero-length animation completes now: on_enter, on_leave, old screen gone


def load_kv(name: str) -> None:
    """Load ``kiosk/kv/<name>`` once per process (Kivy's rules are global: a second load would double them)."""
    path = str(KV_DIR / name)
    if path not in Builder.files:
        Builder.load_file(path)


class BorneApp(App):
    title = "Borne"
    tr = ObjectProperty(None, rebind=True)
    theme = ObjectProperty(None, rebind=True)
    portrait = BooleanProperty(True)
    low_reach = BooleanProperty(False)
    reach_pad = NumericProperty(0)  # height kept free at the top in "low reach" mode
    clock_date = StringProperty("")
    clock_time = StringProperty("")
    alert_text = StringProperty("")
    alert_level = StringProperty("")
    version = StringProperty("")
    audio = ObjectProperty(None, allownone=True, rebind=True)  # kiosk.audio.AudioMode, from on_start

    def __init__(self, *, cache, settings: KioskSettings, usage=None, clock=None, speech=None, watchdog=None, **kwargs):
        self.cache = cache
        self.watchdog = watchdog  # kiosk.watchdog.UiWatchdog: systemd's pings come from this loop
        self.upkeep = None  # kiosk.upkeep.Upkeep: settings, screen power and screenshots (set by kiosk.launch)
        self.settings = settings
        self.usage = usage
        self._clock = clock  # tests and the tour may pin "now"; None = the real time
        self._speech = speech  # a kiosk.speech.SpeechEngine; None: espeak-ng when installed
        self.tz = ZoneInfo(settings.tz)
        self.tr = Translator(lang=settings.default_lang)
        self.theme = Theme()
        super().__init__(**kwargs)
        self.version = settings.version
        self.history: list[tuple[str, dict]] = []
        self.last_touch = time.monotonic()
        self._corner_taps: list[float] = []
        self._seen_data_version = None  # SQLite's data_version: moves on any commit, sync outcomes included
        self._seen_content_version = None  # the cache's content_version: moves only when content was applied
        self._content_day = None  # "today" in the lists and the attract loop changes at midnight
        self._pending_refresh = False
        self._housekeeping = Clock.create_trigger(self._housekeep, HOUSEKEEPING_QUIET)
        self.tr.bind(lang=self._on_lang)
        self.bind(low_reach=self._update_reach, portrait=self._update_reach)

    # -- building --------------------------------------------------------------------------------

    def build(self):
        from kivy.factory import Factory

        import kiosk.screens.attract  # noqa: F401 - registers the first screens' classes for kv
        import kiosk.screens.home  # noqa: F401
        import kiosk.widgets  # noqa: F401
        from kiosk.root import KioskRoot
        from kiosk.settings_panel import VisitorSettings  # noqa: F401

        cap_image_caches()
        drop_text_surfaces()
        Factory.register("Pressable", cls=kiosk.widgets.Pressable)  # a mixin: kv's dynamic classes use it
        for name in KV_FILES:
            load_kv(name)
        root = KioskRoot()
        self._slide = root.ids.sm.transition  # between screens a visitor moves through
        self._cut = Cut()  # from the attract loop: home alone, on the next frame
        Window.clearcolor = self.theme.bg
        self.theme.bind(bg=lambda _t, value: setattr(Window, "clearcolor", value))
        Window.bind(size=self._on_window_size, on_touch_down=self._on_any_touch, on_keyboard=self._on_keyboard)
        self._on_window_size(Window, Window.size)
        # Home is laid out now, hidden: its texts are rendered once, at their size, before the first
        # touch (a screen not shown keeps Kivy's default 100x100 until it is).
        root.ids.sm.get_screen("home").size = Window.size
        return root

    def on_start(self):
        self._seen_data_version, self._seen_content_version = self._versions()
        self.refresh_visible()  # the attract loop; every other screen reads the cache when it is set up
        self._tick_clock()
        self._timers = [
            Clock.schedule_once(self._prewarm, PREWARM_AFTER),
            Clock.schedule_interval(self._tick_clock, 15),
            Clock.schedule_interval(self._check_idle, 1.0),
            Clock.schedule_interval(self._poll_content, self.settings.poll_seconds),
        ]
        self.count(screen="attract")
        from kiosk.audio import AudioMode
        from kiosk.speech import default_engine

        self.audio = AudioMode(app=self, engine=self._speech or default_engine())
        self.audio.attach(Window)
        if self.watchdog is not None:  # "ready" once the first frame is drawn, then pings from this loop
            self._timers.append(Clock.schedule_once(lambda *_: self.watchdog.start(Clock), 0))
        if self.upkeep is not None:
            self.upkeep.start(Clock)

    def on_stop(self):
        """Stop every timer, so that nothing touches the cache or the widgets once the app is gone."""
        for event in getattr(self, "_timers", []):
            event.cancel()
        if self.watchdog is not None:
            self.watchdog.stop()
        if self.upkeep is not None:
            self.upkeep.stop()
        if self.root:
            self.screen("attract").on_leave()
        if self.audio is not None:
            self.audio.stop()
            self.audio.close()

    def open_settings(self, *largs):
        """Kivy's own settings panel (F1) is not for visitors: disabled."""
        return False

    @property
    def sm(self):
        return self.root.ids.sm

    def screen(self, name: str):
        """The screen called ``name``, built (kv file loaded, widgets made) the first time it is asked for."""
        if not self.sm.has_screen(name):
            self._build_screen(name)
        return self.sm.get_screen(name)

    def built_screens(self) -> list[str]:
        return list(self.sm.screen_names)

    def _build_screen(self, name: str) -> None:
        import kiosk.screens

        if name not in LAZY_SCREENS:
            raise KeyError(f"no screen called {name!r} (screens: {', '.join(SCREENS)})")
        class_name, kv_files = LAZY_SCREENS[name]
        for kv in kv_files:
            load_kv(kv)
        screen = getattr(kiosk.screens, class_name)(name=name)
        screen.stale = True  # set up (and so refreshed) before it is first shown
        self.sm.add_widget(screen)
        log.debug("screen %s built", name)

    def _prewarm(self, *_args) -> None:
        """One step a frame, so that no visitor's touch waits for them: the screens one touch away,
        then list rows and category chips; at the end what start made is set aside from the garbage
        collector's walks."""
        missing = [name for name in PREWARM_SCREENS if not self.sm.has_screen(name)]
        if missing:
            self._build_screen(missing[0])
        elif not self.screen("list").make_spare_chips(4):
            # Start's objects live as long as the app: freezing them keeps every later collection
            # short (a full one over them costs tens of milliseconds, a dropped frame mid-swipe).
            gc.collect()
            gc.freeze()
            log.debug("prewarm done")
            return
        self._timers.append(Clock.schedule_once(self._prewarm, 0))

    # -- memory ----------------------------------------------------------------------------------

    def _housekeep(self, *_args) -> None:
        """Hand memory back once nobody is using the screen: images no widget shows, cyclic garbage,
        and the allocator's free pages (a visit leaves tens of megabytes of them)."""
        quiet_for = self.idle_for()
        if quiet_for < HOUSEKEEPING_QUIET or (self.root and self.sm.transition.is_active):
            Clock.schedule_once(self._housekeep, max(0.05, HOUSEKEEPING_QUIET - quiet_for))
            return
        release_image_caches(trim=False)
        gc.collect()
        trim_heap()

    # -- time ------------------------------------------------------------------------------------

    def now(self) -> dt.datetime:
        if self._clock is not None:
            return self._clock().astimezone(self.tz)
        return dt.datetime.now(self.tz)

    def _tick_clock(self, *_args) -> None:
        now = self.now()
        self.clock_date, self.clock_time = rows.clock_texts(now, self.tr.lang)
        if self.root is None or self._content_day is None:
            return
        # What is shown also changes with time alone: "today" at midnight, an alert's start or end.
        try:
            banner = self._alert_banner()
        except Exception:  # a cache being replaced must not take the screen down
            log.exception("cannot read the active alerts")
            return
        if now.date() != self._content_day or banner != (self.alert_text, self.alert_level):
            self._pending_refresh = True

    # -- navigation ------------------------------------------------------------------------------

    def go(self, name: str, *, push: bool = True, direction: str = "left", **params) -> None:
        """Show screen ``name`` set up with ``params``; remember where we were for Back."""
        current = self.sm.current
        if push and current not in ("attract", name) or (push and current == name and params):
            self.history.append((current, self.screen(current).snapshot()))
        target = self.screen(name)
        target.stale = False  # setup reads the cache as it is now
        target.setup(**params)
        self.sm.transition = self._cut if current == "attract" else self._slide
        self._slide.direction = direction
        if current != name:
            self.sm.current = name
        self.count(**target.usage_keys())
        self._housekeeping()

    def go_home(self) -> None:
        self.history.clear()
        self.go("home", push=False, direction="right")

    def back(self) -> None:
        if not self.history:
            self.go_home()
            return
        name, params = self.history.pop()
        if name == "attract":
            self.go_home()
            return
        self.go(name, push=False, direction="right", **params)

    def open_list(self, kind: str) -> None:
        self.go("list", kind=kind)

    def open_entry(self, entry_id: str) -> None:
        self.go("detail", entry_id=entry_id)

    def open_search(self) -> None:
        self.go("search", query="")  # a fresh search; Back restores the previous one

    def open_settings_panel(self) -> None:
        from kiosk.settings_panel import VisitorSettings

        load_kv("settings.kv")
        VisitorSettings().open()

    def open_maintenance(self) -> None:
        self.go("maintenance")

    # -- language, layout, visitor settings ------------------------------------------------------

    def set_language(self, lang: str) -> None:
        self.tr.lang = lang

    def _on_lang(self, _tr, lang: str) -> None:
        self._tick_clock()
        self.refresh_visible()
        if self.root:
            self.count(**self.sm.current_screen.usage_keys())

    def _on_window_size(self, _window, size) -> None:
        width, height = size
        self.theme.fit_window(width, height)
        self.portrait = height >= width
        self._update_reach()

    def _update_reach(self, *_args) -> None:
        self.reach_pad = Window.height * 0.33 if (self.low_reach and self.portrait) else 0

    # -- touches, keys, idle ---------------------------------------------------------------------

    def _on_any_touch(self, window, touch):
        """Sees every touch before any widget: idle timer, housekeeping, and the hidden staff gesture."""
        self.last_touch = time.monotonic()
        if self.upkeep is not None and self.upkeep.touched():
            return True  # it woke the screen at night: a visitor sees the screen before pressing anything
        self._housekeeping()
        corner = 90 * self.theme.u
        if touch.x >= window.width - corner and touch.y >= window.height - corner:
            now = time.monotonic()
            self._corner_taps = [t for t in self._corner_taps if now - t < CORNER_WINDOW] + [now]
            if len(self._corner_taps) >= CORNER_TAPS:
                self._corner_taps.clear()
                self.close_overlays()
                self.open_maintenance()
            return True  # the corner is the staff's: nothing else reacts to it
        return None

    def _on_keyboard(self, _window, key, *_args):
        # Escape (27) and F1 (282) do nothing on a kiosk; in the developer's window Escape goes back.
        if key in (27, 282):
            if key == 27 and not self.settings.kiosk_mode:
                self.back()
            return True
        return None

    def idle_for(self) -> float:
        return time.monotonic() - self.last_touch

    def _check_idle(self, *_args) -> None:
        if self.sm.current != "attract" and self.idle_for() >= self.settings.idle_seconds:
            log.info("idle for %.0f s: back to the attract loop", self.idle_for())
            self.reset_visit()

    def reset_visit(self) -> None:
        """Forget everything the last visitor did: screens, language, search, filters, settings, audio mode."""
        if self.audio is not None:
            self.audio.stop()
        self.close_overlays()
        self.history.clear()
        for name in self.built_screens():
            self.screen(name).reset()
        self.theme.reset()
        self.low_reach = False
        self.sm.transition = self._slide
        self._slide.direction = "right"
        self.sm.current = "attract"  # first, so that what follows refreshes the attract loop only
        if self.tr.lang != self.settings.default_lang:
            self.tr.lang = self.settings.default_lang
        self._refresh_if_pending(force=True)
        self.screen("attract").refresh_if_stale()
        release_image_caches()  # the next visitor starts from what the attract loop needs
        self.count(screen="attract")

    def close_overlays(self) -> None:
        from kivy.uix.modalview import ModalView

        for child in list(Window.children):
            if isinstance(child, ModalView):
                child.dismiss(animation=False)

    # -- content ---------------------------------------------------------------------------------

    def _versions(self) -> tuple[int | None, int | None]:
        """``(data_version, content_version)`` of the cache, as they are now."""
        try:
            return self.cache.data_version(), self.cache.meta("content_version", 0)
        except Exception:  # a cache being replaced must not take the screen down
            log.exception("cannot read the content cache's version")
            return self._seen_data_version, self._seen_content_version

    def _poll_content(self, *_args) -> None:
        """Look for new content: a cheap PRAGMA each poll, the content version only when another process committed.

        Every sync records its outcome in the cache (which moves data_version); only an apply of
        content moves content_version, so a sync that brought nothing new refreshes nothing.
        """
        try:
            data_version = self.cache.data_version()
        except Exception:
            log.exception("cannot read the content cache's version")
            data_version = self._seen_data_version
        if data_version != self._seen_data_version:
            self._seen_data_version, content_version = self._versions()
            if content_version != self._seen_content_version:
                self._seen_content_version = content_version
                self._pending_refresh = True
                log.info("new content in the cache (content version %s)", content_version)
        self._refresh_if_pending()

    def _refresh_if_pending(self, force: bool = False) -> None:
        """Refresh only when nobody is using the screen (attract loop, or quiet for a while)."""
        if not self._pending_refresh:
            return
        quiet = self.sm.current == "attract" or self.idle_for() >= self.settings.quiet_seconds
        if force or quiet:
            self.refresh_visible()
            # What the old content held is handed back now, not at the next visitor's touch: without
            # this a refresh at night kept ~20 MB until the morning (bench/bench_soak.py, 7 days).
            self._housekeeping()

    def _alert_banner(self) -> tuple[str, str]:
        alerts = self.cache.active_alerts(now=self.now(), commune=self.commune)
        banner = rows.alert_banner(alerts, lang=self.tr.lang)
        return banner["text"], banner["level"]

    def refresh_visible(self) -> None:
        """Refresh the alert banner and the screen on show now; the others when they are next shown.

        A hidden screen's refresh can be long (a list of thousands of entries): done now, it would
        hold a frame for nothing; marked stale, it is refreshed by the setup that shows it again.
        """
        if not self.root:
            return
        self._pending_refresh = False  # what follows reads the cache as it is now
        self._content_day = self.now().date()
        self.alert_text, self.alert_level = self._alert_banner()
        visible = self.sm.current
        for name in self.built_screens():  # a screen not built yet reads the cache when first set up
            if name != visible:
                self.screen(name).stale = True
        screen = self.screen(visible)
        screen.stale = False
        screen.refresh()

    @property
    def commune(self) -> str | None:
        return self.settings.commune or None

    def thumb_path(self, sha: str | None, rendition: str = "thumb") -> str:
        if not sha:
            return ""
        path = self.cache.media_file(sha, rendition)
        return str(path) if path else ""

    def hours_status(self, item) -> tuple[str, str]:
        """``("open"|"closed"|"", text)`` for a card or entry with opening hours."""
        try:
            state = getattr(item, "open_state", None) or self.cache.open_state(item, self.now())
        except Exception:  # one odd rule must not take the list down
            log.warning("cannot compute the opening state of %s", getattr(item, "id", "?"), exc_info=True)
            return "", ""
        return rows.status_text(state, now=self.now(), lang=self.tr.lang, _=self.tr._)

    def row_kwargs(self) -> dict:
        return {"lang": self.tr.lang, "thumb_path": self.thumb_path}

    def card_line(self, card) -> tuple[str, str]:
        """A list row's ``(state, line)``, worked out when the row is shown (see rows.card_line)."""
        try:
            return rows.card_line(card, lang=self.tr.lang, now=self.now(), _=self.tr._, hours_status=self.hours_status)
        except Exception:  # one odd card must not take the list down
            log.warning("cannot describe the list card %s", getattr(card, "id", "?"), exc_info=True)
            return "", ""

    # -- usage -----------------------------------------------------------------------------------

    def count(self, *, screen: str, entry_id: str | None = None, category: str | None = None) -> None:
        if self.usage is None:
            return
        try:
            self.usage.count(screen=screen, entry_id=entry_id, category=category, lang=self.tr.lang, at=self.now())
        except Exception:  # counting must never disturb a visitor
            log.exception("cannot record usage")
