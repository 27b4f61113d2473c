"""A list of entries of one kind: category chips, period or "open now" filters, RecycleView cards."""

from __future__ import annotations

import logging

from kivy.clock import Clock
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty

import content.hours  # noqa: F401 - the rows' "open now" lines: loaded with this screen (built after start)
from content.facets import offered
from kiosk import offer_rows, rows
from kiosk.images import release_image_caches
from kiosk.screens.base import KioskScreen
from kiosk.widgets import Chip, release_rows

log = logging.getLogger(__name__)

#: Rows given to the RecycleView at once (more than a screenful at the smallest text) ...
FIRST_ROWS = 40
#: ... and then per frame, until the whole list is in (a frame of rows costs a few milliseconds).
ROWS_PER_FRAME = 600
#: Category chips made ahead after start (a kind's categories in use rarely reach this many).
SPARE_CHIPS = 24
#: The row of category chips shows from this many chips on ("All" and one category say nothing).
CHIP_ROW_FROM = 2


class ListScreen(KioskScreen):
    CHIP_ROW_FROM = CHIP_ROW_FROM
    kind = StringProperty("place")
    category = StringProperty("")
    period = StringProperty("")  # events: "", "today", "weekend", "month"
    open_only = BooleanProperty(False)  # shops and places: "open now"
    facets = ListProperty([])  # places to eat or stay: the facets chosen (content.facets)
    facet_chips = ListProperty([])
    title = StringProperty("")
    empty = StringProperty("")
    chips = ListProperty([])
    #: Practical info: how many official notices are posted (the entry to them at the top of the list).
    notices_count = NumericProperty(0)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._more = None  # the clock event adding the rest of the rows, while there is a rest
        self._rest: list = []
        self._scroll_when_full: float | None = None
        self._spare_chips: list[Chip] = []  # made ahead, or let go of by a list with fewer categories
        self._filter_chips: list | None = None  # the filter row's widgets, shown or not
        self._notices_entry = None  # the BigButton to the official notices, in the list or not
        self.on_kind(self, self.kind)  # the first kind shown may be the default one: no change fires

    def setup(
        self,
        *,
        kind: str = "place",
        category: str = "",
        period: str = "",
        open_only: bool = False,
        facets: tuple = (),
        scroll: float = 1.0,
    ) -> None:
        changed = kind != self.kind
        self.kind, self.category, self.period, self.open_only = kind, category, period, open_only
        self.facets = list(facets)
        self.refresh()
        self.scroll_to(1.0 if changed else scroll)

    def scroll_to(self, scroll: float) -> None:
        """Scroll to ``scroll`` (1 = top); a position within a list still filling is taken once it is full."""
        self.ids.rv.scroll_y = scroll
        self._scroll_when_full = scroll if (self._rest and scroll != 1.0) else None

    def snapshot(self) -> dict:
        return {
            "kind": self.kind,
            "category": self.category,
            "period": self.period,
            "open_only": self.open_only,
            "facets": tuple(self.facets),
            "scroll": self.ids.rv.scroll_y,
        }

    def usage_keys(self) -> dict:
        return {"screen": f"list.{self.kind}", "category": self.category or None}

    has_open_filter = BooleanProperty(False)

    def on_kind(self, _screen, kind: str) -> None:
        self.has_open_filter = kind in ("shop", "place", "service")

    def cards(self):
        app = self.app
        cache, now, cat, commune = app.cache, app.now(), self.category or None, app.commune
        if self.kind == "event":
            if self.period:
                return cache.events_in(self.period, now=now, category=cat, commune=commune)
            return cache.events(start=now, end=now.replace(year=now.year + 2), category=cat, commune=commune, now=now)
        if offered(self.kind):
            return cache.with_facets(list(self.facets), kind=self.kind, category=cat, commune=commune, now=now)
        if self.open_only:
            return cache.open_now(kind=self.kind, category=cat, commune=commune, now=now)
        return cache.list_entries(kind=self.kind, category=cat, commune=commune, now=now)

    def refresh(self) -> None:
        app = self.app
        _ = app.tr._
        self.title = rows.kind_titles(_)[self.kind]
        slugs = app.cache.categories_in_use(self.kind, now=app.now())
        if self.category and self.category not in slugs:
            slugs.append(self.category)
        self.chips = rows.chip_rows(slugs, lang=app.tr.lang, selected=self.category, _=_)
        self._fill_chips()
        self._place_filters()
        self._fill_facets()
        try:
            cards = self.cards()
        except Exception:  # a broken query shows an empty list, never a crash in front of a visitor
            log.exception("cannot list %s (category %r)", self.kind, self.category)
            cards = []
        self._show_rows(cards)
        self.notices_count = self._notices_count()
        self._place_notices_entry()
        filtered = bool(self.category or self.period or self.open_only or self.facets)
        self.empty = "" if cards else rows.empty_text(self.kind, filtered=filtered, _=_)

    def _place_notices_entry(self) -> None:
        """The entry to the official notices sits in the list only when there are some (hidden, it would be drawn)."""
        entry = self._notices_entry
        if entry is None:
            entry = self._notices_entry = self.ids.notices_entry
        box = self.ids.rv.parent.parent  # the column: chips, filters, this entry, the list
        if self.notices_count and entry.parent is None:
            box.add_widget(entry, index=1)  # just above the list
        elif not self.notices_count and entry.parent is not None:
            box.remove_widget(entry)

    def _notices_count(self) -> int:
        if self.kind != "service":
            return 0
        try:
            return len(self.app.cache.notices(now=self.app.now(), commune=self.app.commune))
        except Exception:  # a cache without notices (or a broken one) hides the entry, never the list
            log.exception("cannot count the official notices")
            return 0

    def _show_rows(self, cards: list) -> None:
        """The first screenful of rows now, the rest a frame at a time (a list of thousands opens at once)."""
        self._stop_filling()
        self.ids.rv.data = rows.card_rows(cards[:FIRST_ROWS], **self.app.row_kwargs())
        self._rest = cards[FIRST_ROWS:]
        if self._rest:
            self._more = Clock.schedule_interval(self._add_rows, 0)

    def _add_rows(self, *_args) -> bool:
        chunk, self._rest = self._rest[:ROWS_PER_FRAME], self._rest[ROWS_PER_FRAME:]
        self.ids.rv.data.extend(rows.card_rows(chunk, **self.app.row_kwargs()))
        if self._rest:
            return True
        self._more = None
        if self._scroll_when_full is not None:
            self.ids.rv.scroll_y, self._scroll_when_full = self._scroll_when_full, None
        return False

    def _stop_filling(self) -> None:
        if self._more is not None:
            self._more.cancel()
        self._more, self._rest, self._scroll_when_full = None, [], None

    def release(self) -> None:
        """The rows with their thumbnails and texts, the chips' texts."""
        self._stop_filling()
        release_rows(self.ids.rv)
        for chip in self.ids.chips.children:  # their texts come back with the next setup
            chip.text = ""
        release_image_caches()

    def _fill_chips(self) -> None:
        """One Chip per category, reused from one refresh to the next (making Kivy widgets is what costs)."""
        box = self.ids.chips
        shown = list(reversed(box.children))  # children are kept last-added first
        # Up to CHIP_ROW_FROM chips list.kv hides the row: none is left in it (it would still be drawn).
        keep = len(self.chips) if len(self.chips) > CHIP_ROW_FROM else 0
        for chip in shown[keep:]:
            box.remove_widget(chip)
            self._spare_chips.append(chip)
        if not keep:
            return
        for index, chip in enumerate(self.chips):
            widget = shown[index] if index < len(shown) else self._spare_chip()
            widget.key, widget.text, widget.active = chip["key"], chip["text"], chip["active"]
            if widget.parent is None:
                box.add_widget(widget)

    def _place_filters(self) -> None:
        """Only the filter chips this kind offers sit in the filter row (a hidden one would still be drawn)."""
        box = self.ids.filters
        if self._filter_chips is None:  # as list.kv lays them out, then the spacer
            self._filter_chips = list(reversed(box.children))
        wanted = [w for w in self._filter_chips if not isinstance(w, Chip) or w.shown]
        if list(reversed(box.children)) != wanted:
            box.clear_widgets()
            for widget in wanted:
                box.add_widget(widget)

    def _fill_facets(self) -> None:
        """The facet chips of a list of places to eat or stay (a few: made for each kind shown)."""
        self.facet_chips = offer_rows.facet_chips(self.kind, self.facets, _=self.app.tr._)
        box = self.ids.facets
        if [w.key for w in reversed(box.children)] != [c["key"] for c in self.facet_chips]:
            box.clear_widgets()
            for chip in self.facet_chips:
                box.add_widget(Chip(key=chip["key"], on_release=self._facet_chosen))
        for widget, chip in zip(reversed(box.children), self.facet_chips, strict=True):
            widget.text, widget.active = chip["text"], chip["active"]

    def _facet_chosen(self, chip) -> None:
        chosen = [f for f in self.facets if f != chip.key]
        if chip.key not in self.facets:
            chosen.append(chip.key)
            if chip.key.startswith("price"):  # one price band at a time
                chosen = [f for f in chosen if not f.startswith("price") or f == chip.key]
        self.choose(facets=chosen)

    def _spare_chip(self) -> Chip:
        return self._spare_chips.pop() if self._spare_chips else Chip(on_release=self._chosen)

    def make_spare_chips(self, count: int) -> int:
        """Make up to ``count`` chips ahead, until :data:`SPARE_CHIPS` wait; how many were made."""
        made = max(0, min(count, SPARE_CHIPS - len(self._spare_chips) - len(self.ids.chips.children)))
        self._spare_chips += [Chip(on_release=self._chosen) for _ in range(made)]
        return made

    def _chosen(self, chip) -> None:
        self.choose(category=chip.key)

    def choose(self, **changes) -> None:
        for name, value in changes.items():
            setattr(self, name, value)
        self.refresh()
        self.scroll_to(1.0)
        if "category" in changes and changes["category"]:
            self.app.count(screen=f"list.{self.kind}", category=changes["category"])

    def reset(self) -> None:
        self.category, self.period, self.open_only = "", "", False
        self.facets = []
        self._stop_filling()
        self.ids.rv.data = []
        self.ids.rv.scroll_y = 1.0
        self.ids.chips_scroll.scroll_x = 0
