"""``python main.py tour --out DIR [--size WxH] [--lang fr,en] [--at TIME]``: walk every screen with simulated touches.

The real app starts on the real cache (the demo town is imported first into an empty data folder);
a scripted "visitor" touches tiles, chips, rows, keys and buttons through the event loop (see
kiosk.touch) and one PNG per step is written to DIR, then the app exits. ``--at`` pins the app's
clock (ISO 8601, local time of the town when it has no offset), so that pictures for the docs show
a town by day whatever the hour they are taken.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.config import parse_size
from kiosk.launch import build_app, prepare_data, settings_from

log = logging.getLogger(__name__)

KINDS = ("place", "heritage", "event", "food", "stay", "shop", "service")
#: The facet the tour shows for each kind that has some (content.facets): one a visitor of the demo town finds.
TOUR_FACETS = {"food": "terrace", "stay": "in_season"}


class TourError(RuntimeError):
    """The tour could not reach a screen it expected (the message names the step)."""


class Tour:
    """A scripted visitor: each step touches something, waits for the screen, and takes a picture."""

    def __init__(self, app, out: Path, langs: list[str], prefix: str, entry: str | None = None):
        self.app, self.out, self.langs, self.prefix, self.entry = app, out, langs, prefix, entry
        self.count = 0
        self.written: list[Path] = []
        self.error: BaseException | None = None
        self._steps = None

    # -- driving -------------------------------------------------------------------------------

    def start(self, *_args) -> None:
        from kivy.clock import Clock

        self._steps = self.script()
        Clock.schedule_once(self._next, 1.0)

    def _next(self, *_args) -> None:
        from kivy.clock import Clock

        try:
            delay = next(self._steps)
        except StopIteration:
            self.app.stop()
            return
        except BaseException as exc:  # report it after the app has stopped
            log.exception("tour failed")
            self.error = exc
            self.app.stop()
            return
        Clock.schedule_once(self._next, delay)

    # -- actions (each yields the seconds to wait before the next step) ---------------------------

    def shot(self, name: str):
        from kivy.core.window import Window

        self.count += 1
        final = self.out / f"{self.prefix}-{self.count:02d}-{name}.png"
        written = Window.screenshot(name=str(self.out / ".shot.png"))
        os.replace(written, final)
        self.written.append(final)
        log.info("tour: %s", final.name)
        yield 0.05

    def tap(self, widget, settle: float = 0.6):
        from kiosk.touch import center_of, press

        if widget is None:
            raise TourError(f"step {self.count}: nothing to touch")
        touch = press(*center_of(widget))
        yield 0.08
        touch.up()
        yield settle

    def tap_at(self, x: float, y: float, settle: float = 0.6):
        from kiosk.touch import press

        touch = press(x, y)
        yield 0.05
        touch.up()
        yield settle

    def swipe(self, start, end, settle: float = 0.8):
        from kiosk.touch import press, swipe_points

        touch = press(*start)
        yield 0.03
        for point in swipe_points(start, end):
            touch.move_to(*point)
            yield 0.02
        touch.up()
        yield settle

    def expect(self, screen: str) -> None:
        if self.app.sm.current != screen:
            raise TourError(f"step {self.count}: expected the {screen} screen, found {self.app.sm.current}")

    # -- finding widgets -------------------------------------------------------------------------

    def screen(self, name):
        return self.app.screen(name)

    def tile(self, target):
        return next(t for t in self.screen("home").ids.tiles.children if t.target == target)

    def first_row(self, screen="list"):
        from kiosk.widgets import CardRow

        rv = self.screen(screen).ids.rv
        rows = [w for w in rv.children[0].children if isinstance(w, CardRow)]
        return max(rows, key=lambda w: w.y) if rows else None

    def chip(self, index=1):
        chips = list(reversed(self.screen("list").ids.chips.children))
        return chips[index] if len(chips) > index else None

    def facet_chip(self, key):
        return next(w for w in self.screen("list").ids.facets.children if w.key == key)

    def filter_chip(self, index):
        """The ``index``-th filter chip the list offers (events: all, today, weekend, month; shops
        and places: open now)."""
        from kiosk.widgets import Chip

        return [w for w in reversed(self.screen("list").ids.filters.children) if isinstance(w, Chip)][index]

    # -- the walk ---------------------------------------------------------------------------------

    def script(self):
        from kivy.core.window import Window

        app = self.app
        if self.entry:
            yield from self.entry_walk()
            return
        yield from self.shot("attract")
        yield from self.tap_at(Window.width / 2, Window.height / 2)
        self.expect("home")
        for n, lang in enumerate(self.langs):
            if n or lang != app.tr.lang:
                button = next(b for b in self.screen("home").ids.langbar.children if b.code == lang)
                yield from self.tap(button)
            yield from self.shot(f"home-{lang}")
            for kind in KINDS:
                yield from self.tap(self.tile(kind))
                self.expect("list")
                yield from self.shot(f"list-{kind}-{lang}")
                if kind == "service":
                    yield from self.notices_walk(lang)
                if kind == "event":
                    yield from self.tap(self.filter_chip(2))  # this weekend
                    yield from self.shot(f"list-{kind}-weekend-{lang}")
                    yield from self.tap(self.filter_chip(0))
                elif kind in TOUR_FACETS:
                    yield from self.tap(self.facet_chip(TOUR_FACETS[kind]))
                    yield from self.shot(f"list-{kind}-{TOUR_FACETS[kind]}-{lang}")
                    yield from self.tap(self.facet_chip(TOUR_FACETS[kind]))  # and off again
                elif kind in ("shop", "place"):
                    yield from self.tap(self.filter_chip(0))  # open now
                    yield from self.shot(f"list-{kind}-open-{lang}")
                    yield from self.tap(self.filter_chip(0))  # and off again
                elif len(self.screen("list").chips) > 2:  # the category row shows with two categories or more
                    yield from self.tap(self.chip(1))
                    yield from self.shot(f"list-{kind}-category-{lang}")
                    yield from self.tap(self.chip(0))
                row = self.first_row()
                if row is not None:
                    yield from self.tap(row, settle=0.9)
                    self.expect("detail")
                    yield from self.shot(f"detail-{kind}-{lang}")
                    # back by swiping from the left edge
                    yield from self.swipe((4, Window.height / 2), (Window.width * 0.6, Window.height / 2))
                    self.expect("list")
                yield from self.tap(self.screen("list").ids.topbar.ids.home)
                self.expect("home")
            yield from self.tap(self.tile("search"))
            self.expect("search")
            keys = self.screen("search").ids.kb.key_widgets()
            for char in "cath" if lang == "fr" else "ca":
                yield from self.tap(keys[char], settle=0.2)
            yield 0.5
            yield from self.shot(f"search-{lang}")
            yield from self.tap(self.screen("search").ids.topbar.ids.back)
            self.expect("home")
        yield from self.audio_walk()
        yield from self.settings_walk()
        yield from self.maintenance_walk()

    def notices_walk(self, lang: str):
        """Practical info -> official notices -> the first notice: its page, the next by swiping, large print."""
        from kiosk.screens.notices import NoticeRow

        entry = self.screen("list").ids.notices_entry
        if not entry.opacity:
            return  # no notice posted in this cache
        yield from self.tap(entry)
        self.expect("notices")
        yield from self.shot(f"notices-{lang}")
        rv = self.screen("notices").ids.rv
        rows = [w for w in rv.children[0].children if isinstance(w, NoticeRow)]
        # the longest notice, to show a swipe to its second page
        cards = {c.id: c.pages for c in self.app.cache.notices(now=self.app.now())}
        yield from self.tap(max(rows, key=lambda w: (cards.get(w.notice_id, 0), w.y)), settle=0.9)
        self.expect("notice")
        yield from self.shot(f"notice-page-{lang}")
        viewer = self.screen("notice").ids.viewer
        x, y = viewer.to_window(*viewer.pos)
        y += viewer.height / 2
        yield from self.swipe((x + viewer.width * 0.8, y), (x + viewer.width * 0.2, y))
        yield from self.shot(f"notice-page-2-{lang}")
        yield from self.tap(self.screen("notice").ids.reading)
        yield from self.shot(f"notice-large-print-{lang}")
        yield from self.tap(self.screen("notice").ids.reading)
        yield from self.tap(self.screen("notice").ids.topbar.ids.back)
        self.expect("notices")
        yield from self.tap(self.screen("notices").ids.topbar.ids.back)
        self.expect("list")

    def entry_walk(self):
        """``--entry ID``: that entry's page in each language (its QR code carries the language)."""
        from kivy.core.window import Window

        yield from self.tap_at(Window.width / 2, Window.height / 2)
        self.expect("home")
        if self.app.cache.view(self.entry) is None:
            raise TourError(f"no entry {self.entry!r} in the content cache")
        for lang in self.langs:
            self.app.set_language(lang)
            self.app.open_entry(self.entry)
            yield 0.9
            self.expect("detail")
            self.screen("detail").ids.scroll.scroll_y = 0  # down to the QR code at the end of the page
            yield 0.4
            yield from self.shot(f"detail-{lang}")
            self.app.go_home()
            yield 0.5

    def audio_walk(self):
        """Audio mode: the speaker button, then the bar's zones from home to a list and an entry."""
        audio = self.app.audio
        yield from self.tap(self.screen("home").ids.speech)
        if not audio.active:
            raise TourError(f"step {self.count}: the speaker button did not start audio mode")
        yield from self.shot("audio-home")
        bar = audio._bar
        yield from self.tap(bar.ids.next, settle=0.3)
        yield from self.tap(bar.ids.next, settle=0.3)
        yield from self.shot("audio-home-focus")
        yield from self.tap(bar.ids.select, settle=0.9)
        self.expect("list")
        yield from self.tap(bar.ids.next, settle=0.3)
        yield from self.shot("audio-list")
        yield from self.tap(bar.ids.select, settle=0.9)
        self.expect("detail")
        yield from self.tap(bar.ids.next, settle=0.3)
        yield from self.shot("audio-detail")
        yield from self.tap(bar.ids.stop)
        yield from self.tap(self.screen("detail").ids.topbar.ids.home)
        self.expect("home")

    def settings_walk(self):
        from kivy.core.window import Window

        from kiosk.settings_panel import VisitorSettings

        yield from self.tap(self.screen("home").ids.settings)
        panel = next(w for w in Window.children if isinstance(w, VisitorSettings))
        yield from self.shot("settings")
        for button, name in (("text_2", "text-large"), ("contrast", "contrast"), ("low_reach", "low-reach")):
            yield from self.tap(panel.ids[button])
            yield from self.shot(f"settings-{name}")
        yield from self.tap(panel.ids.close)
        yield from self.shot("home-large-contrast-lowreach")
        yield from self.tap(self.tile("heritage"))
        yield from self.shot("list-large-contrast-lowreach")
        yield from self.tap(self.screen("list").ids.topbar.ids.home)
        app = self.app
        app.theme.reset()  # what the idle reset does; set directly to keep the tour short
        app.low_reach = False
        yield 0.4

    def maintenance_walk(self):
        from kivy.core.window import Window

        for _ in range(5):
            yield from self.tap_at(Window.width - 10, Window.height - 10, settle=0.15)
        yield 0.5
        self.expect("maintenance")
        yield from self.shot("maintenance-pin")
        pad = {b.text: b for b in self.screen("maintenance").ids.pinpad.children}
        for digit in self.app.settings.pin:
            yield from self.tap(pad[digit], settle=0.1)
        yield from self.tap(pad["OK"])
        yield from self.shot("maintenance")
        yield from self.tap(self.screen("maintenance").ids.topbar.ids.home)


def pinned_clock(at: str, tz: str):
    """A clock always at ``at`` (ISO 8601; without an offset, local time in ``tz``)."""
    try:
        moment = dt.datetime.fromisoformat(at)
    except ValueError:
        raise ValueError(f"--at {at!r}: expected an ISO 8601 time, e.g. 2026-07-09T15:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return lambda: moment


def tour(args: argparse.Namespace, config=None) -> int:
    """Run the app in a window of ``args.size``, walk it for each of ``args.lang``, write the PNGs to ``args.out``."""
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    size = parse_size(getattr(args, "size", "") or "1080x1920")
    langs = [x.strip() for x in (getattr(args, "lang", "") or "fr").split(",") if x.strip()]
    args = argparse.Namespace(**{**vars(args), "windowed": True})
    settings = settings_from(args, config, size=size, idle_seconds=3600)
    prepare_data(settings.data_dir, settings.tz)
    at = getattr(args, "at", None)
    from kiosk.speech import RecordingBackend, SpeechEngine

    speech = RecordingBackend()  # the pictures show audio mode; what it would say goes to said.txt
    app = build_app(settings, clock=pinned_clock(at, settings.tz) if at else None, speech=SpeechEngine(speech))
    orientation = "portrait" if size[1] >= size[0] else "landscape"
    walk = Tour(app, out, langs, prefix=orientation, entry=getattr(args, "entry", None))
    app.bind(on_start=lambda *_a: walk.start())
    app.run()
    app.cache.close()
    app.usage.close()
    said = out / f"{walk.prefix}-audio-said.txt"
    said.write_text("".join(f"[{lang}] {text}\n" for lang, text in speech.said), encoding="utf-8")
    if walk.error is not None:
        raise walk.error
    print(f"{len(walk.written)} screenshots in {out}")
    return 0


run_tour = tour
