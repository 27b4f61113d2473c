"""A list of entries of one kind: category chips, period or "open now" filters, RecycleView cards."""

from __future__ import annotations

import logging

from kivy.properties import BooleanProperty, ListProperty, StringProperty

from kiosk import rows
from kiosk.screens.base import KioskScreen
from kiosk.widgets import Chip

log = logging.getLogger(__name__)


class ListScreen(KioskScreen):
    kind = StringProperty("place")
    category = StringProperty("")
    period = StringProperty("")  # events: "", "today", "weekend", "month"
    open_only = BooleanProperty(False)  # shops and places: "open now"
    title = StringProperty("")
    empty = StringProperty("")
    chips = ListProperty([])

    def setup(
        self, *, kind: str = "place", category: str = "", period: str = "", open_only: bool = False, scroll: float = 1.0
    ) -> None:
        changed = kind != self.kind
        self.kind, self.category, self.period, self.open_only = kind, category, period, open_only
        self.refresh()
        self.ids.rv.scroll_y = 1.0 if changed else scroll

    def snapshot(self) -> dict:
        return {
            "kind": self.kind,
            "category": self.category,
            "period": self.period,
            "open_only": self.open_only,
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
        try:
            cards = self.cards()
        except Exception:  # a broken query shows an empty list, never a crash in front of a visitor
            log.exception("cannot list %s (category %r)", self.kind, self.category)
            cards = []
        self.ids.rv.data = rows.card_rows(cards, **app.row_kwargs())
        filtered = bool(self.category or self.period or self.open_only)
        self.empty = "" if self.ids.rv.data else rows.empty_text(self.kind, filtered=filtered, _=_)

    def _fill_chips(self) -> None:
        box = self.ids.chips
        box.clear_widgets()
        for chip in self.chips:
            box.add_widget(
                Chip(
                    key=chip["key"],
                    text=chip["text"],
                    active=chip["active"],
                    on_release=lambda c: self.choose(category=c.key),
                )
            )

    def choose(self, **changes) -> None:
        for name, value in changes.items():
            setattr(self, name, value)
        self.refresh()
        self.ids.rv.scroll_y = 1.0
        if "category" in changes and changes["category"]:
            self.app.count(screen=f"list.{self.kind}", category=changes["category"])

    def reset(self) -> None:
        self.category, self.period, self.open_only = "", "", False
        self.ids.rv.data = []
        self.ids.rv.scroll_y = 1.0
        self.ids.chips_scroll.scroll_x = 0
