"""One entry: photos to swipe, text, address, hours, dates, contact, QR code, source and licence."""

from __future__ import annotations

from kivy.factory import Factory
from kivy.properties import ListProperty, ObjectProperty, StringProperty
from kivy.uix.label import Label

from kiosk import rows
from kiosk.qr import qr_texture
from kiosk.screens.base import KioskScreen


def _week_lines(entry, lang: str) -> list[str]:
    """The week's opening hours from content.hours, when it can describe them."""
    try:
        from content.hours import describe
    except ImportError:
        return []
    try:
        lines = describe(entry.opening_hours, lang)
    except Exception:  # an odd rule must not hide the rest of the page
        return []
    return [lines] if isinstance(lines, str) else list(lines)


class DetailScreen(KioskScreen):
    entry_id = StringProperty("")
    kind = StringProperty("")
    kind_title = StringProperty("")
    icon = StringProperty("")
    title = StringProperty("")
    categories = StringProperty("")
    category_slug = StringProperty("")
    summary = StringProperty("")
    body = StringProperty("")
    fallback_note = StringProperty("")
    address = ListProperty([])
    hours_state = StringProperty("")
    hours_status = StringProperty("")
    hours_week = ListProperty([])
    dates = ListProperty([])
    contact = ListProperty([])
    source = StringProperty("")
    qr_data = StringProperty("")
    qr_caption = StringProperty("")
    facts = ListProperty([])  # places to eat or stay: price, stars, labels, capacity, amenities, season
    qr = ObjectProperty(None, allownone=True)

    def setup(self, *, entry_id: str = "", scroll: float = 1.0) -> None:
        self.entry_id = entry_id
        self.refresh()
        self.ids.scroll.scroll_y = scroll
        self.ids.photos.index = 0

    def snapshot(self) -> dict:
        return {"entry_id": self.entry_id, "scroll": self.ids.scroll.scroll_y}

    def usage_keys(self) -> dict:
        return {"screen": "detail", "entry_id": self.entry_id or None, "category": self.category_slug or None}

    def refresh(self) -> None:
        if not self.entry_id:
            return
        app = self.app
        entry = app.cache.view(self.entry_id)
        if entry is None:  # withdrawn while on screen: nothing to show, go home rather than a dead end
            self.entry_id = ""
            if app.sm.current == "detail":
                app.go_home()
            return

        def hours(e):
            state, status = app.hours_status(e)
            return state, status, _week_lines(e, app.tr.lang)

        view = rows.detail_view(entry, lang=app.tr.lang, now=app.now(), _=app.tr._, hours=hours)
        self.category_slug = entry.categories[0] if entry.categories else ""
        self.kind_title = rows.kind_titles(app.tr._)[entry.kind]
        self.qr_data = view.pop("qr")
        media = view.pop("media")
        for name, value in view.items():
            setattr(self, name, value)
        self.qr = qr_texture(self.qr_data) if self.qr_data else None
        self._fill_photos(media)

    def _fill_photos(self, media: list[str]) -> None:
        app = self.app
        carousel = self.ids.photos
        carousel.clear_widgets()
        paths = [p for p in (app.thumb_path(sha, "screen") for sha in media) if p]
        for path in paths:
            carousel.add_widget(Factory.CoverImage(source=path))  # widgets.kv: one draw, not three
        if not paths:
            carousel.add_widget(
                Label(
                    text=self.icon,
                    font_name=app.theme.icon_font,
                    font_size=300 * app.theme.u,
                    color=app.theme.accent,
                )
            )
        carousel.index = 0

    def release(self) -> None:
        """The photos (a screen-sized picture each) and the QR code."""
        self.ids.photos.clear_widgets()
        self.qr = None

    def reset(self) -> None:
        self.entry_id = ""
        self.title = self.summary = self.body = self.qr_data = ""
        self.qr = None
        self.ids.photos.clear_widgets()
