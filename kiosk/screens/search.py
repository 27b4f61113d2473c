"""Search: the on-screen keyboard in the visitor's layout, results as you type, grouped by kind."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import NumericProperty, StringProperty

from kiosk import notice_rows, rows
from kiosk.keyboard import OnScreenKeyboard  # noqa: F401 - search.kv places one
from kiosk.screens.base import KioskScreen
from kiosk.screens.notices import NoticeRow  # noqa: F401 - the notices found are NoticeRows
from kiosk.widgets import release_rows

RESULTS = 80


class SearchScreen(KioskScreen):
    query = StringProperty("")
    count = NumericProperty(0)
    message = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._search_soon = Clock.create_trigger(self.refresh, 0.12)  # merges fast typing

    def setup(self, *, query: str | None = None, scroll: float = 1.0) -> None:
        if query is not None and query != self.ids.kb.text:
            self.ids.kb.text = query
        self.refresh()
        self.ids.rv.scroll_y = scroll

    def snapshot(self) -> dict:
        return {"query": self.ids.kb.text, "scroll": self.ids.rv.scroll_y}

    def on_typed(self, *_args) -> None:
        self.query = self.ids.kb.text
        self._search_soon()

    def refresh(self, *_args) -> None:
        app = self.app
        _ = app.tr._
        self.query = self.ids.kb.text
        text = self.query.strip()
        cards = (
            app.cache.search(text, lang=app.tr.lang, limit=RESULTS, now=app.now(), commune=app.commune) if text else []
        )
        notices = self._notices(text)
        self.count = len(cards) + len(notices)
        data = rows.grouped_rows(cards, _=_, **app.row_kwargs())
        if notices:
            data.append({"viewclass": "HeaderRow", "text": f"{_('Official notices')} ({len(notices)})"})
            data += notice_rows.notice_rows(notices, lang=app.tr.lang, tz=app.tz, _=_)
        for row in data:
            if row["viewclass"] == "HeaderRow":
                row["size"] = (None, 84 * app.theme.u)
        self.ids.rv.data = data
        self.ids.rv.scroll_y = 1.0
        if not text:
            self.message = _("Type a few letters: a place, a shop, an event…")
        elif not cards and not notices:
            self.message = _("No result for “{query}”.").format(query=text)
        else:
            self.message = ""

    def _notices(self, text: str) -> list:
        """Official notices whose title, number or text holds what was typed (after the pages found)."""
        if not text:
            return []
        app = self.app
        try:
            return app.cache.search_notices(text, limit=20, now=app.now(), commune=app.commune)
        except Exception:  # a cache without notices: the search still answers with the rest
            return []

    def release(self) -> None:
        """The results (Back sets the search up again from its query)."""
        release_rows(self.ids.rv)

    def reset(self) -> None:
        self.ids.kb.text = ""
        self.query = ""
        self.ids.rv.data = []
        self.count = 0
