"""Official notices: the list (by kind, newest first) and the row that opens one (kv/notices.kv)."""

from __future__ import annotations

import logging

from kivy.app import App
from kivy.properties import ListProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from kiosk import notice_rows
from kiosk.screens.base import KioskScreen
from kiosk.widgets import Chip, Pressable

log = logging.getLogger(__name__)


class NoticeRow(RecycleDataViewBehavior, Pressable, BoxLayout):
    """One notice in a list or in the search results; all its state comes from the RecycleView's data."""

    notice_id = StringProperty("")
    title = StringProperty("")
    line = StringProperty("")
    thumb = StringProperty("")

    def on_release(self):
        App.get_running_app().go("notice", notice_id=self.notice_id)


class NoticesScreen(KioskScreen):
    kind = StringProperty("")
    title = StringProperty("")
    empty = StringProperty("")
    chips = ListProperty([])

    def setup(self, *, kind: str = "", scroll: float = 1.0) -> None:
        self.kind = kind
        self.refresh()
        self.ids.rv.scroll_y = scroll

    def snapshot(self) -> dict:
        return {"kind": self.kind, "scroll": self.ids.rv.scroll_y}

    def usage_keys(self) -> dict:
        return {"screen": "notices", "category": self.kind or None}

    def refresh(self) -> None:
        app = self.app
        _ = app.tr._
        self.title = _("Official notices")
        try:
            kinds = app.cache.notice_kinds(now=app.now(), commune=app.commune)
            if self.kind and self.kind not in kinds:
                self.kind = ""
            cards = app.cache.notices(kind=self.kind or None, now=app.now(), commune=app.commune)
        except Exception:  # a broken query shows an empty list, never a crash in front of a visitor
            log.exception("cannot list the notices")
            kinds, cards = [], []
        self.chips = notice_rows.kind_chips(kinds, selected=self.kind, _=_)
        self._fill_chips()
        self.ids.rv.data = notice_rows.notice_rows(
            cards, lang=app.tr.lang, tz=app.tz, _=_, thumb_path=lambda sha: app.thumb_path(sha)
        )
        self.empty = "" if cards else _("No official notice is posted at the moment.")

    def _fill_chips(self) -> None:
        box = self.ids.chips
        box.clear_widgets()
        if len(self.chips) <= 2:  # "All" and one kind say nothing
            return
        for chip in self.chips:
            box.add_widget(Chip(key=chip["key"], text=chip["text"], active=chip["active"], on_release=self._chosen))

    def _chosen(self, chip) -> None:
        self.kind = chip.key
        self.refresh()
        self.ids.rv.scroll_y = 1.0

    def release(self) -> None:
        self.ids.rv.data = []

    def reset(self) -> None:
        self.kind = ""
        self.ids.rv.data = []
