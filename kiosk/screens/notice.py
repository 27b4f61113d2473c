"""One official notice: its pages to swipe and pinch, the page's text in large print, a QR code to the PDF.

Only the page on show is loaded (a screen-sized image, made at sync time): a 20-page deliberation costs
the memory of one page, and turning a page decodes one file.
"""

from __future__ import annotations

from kivy.graphics.transformation import Matrix
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.image import Image
from kivy.uix.scatter import Scatter
from kivy.uix.stencilview import StencilView

from kiosk import notice_rows
from kiosk.qr import qr_texture
from kiosk.screens.base import KioskScreen

#: A swipe turns the page when it crosses this share of the viewer's width (and is more across than down).
SWIPE = 0.12
MAX_ZOOM = 4.0


class PageViewer(StencilView):
    """A page that can be pinched (two fingers), zoomed by double tap or buttons, moved when zoomed,
    and swiped left or right to turn (when not zoomed)."""

    source = StringProperty("")
    zoomed = BooleanProperty(False)
    #: Hidden (large print on show), the page is taken out of the tree: an Image is drawn even at opacity 0.
    shown = BooleanProperty(True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.scatter = Scatter(do_rotation=False, do_translation=False, scale_min=1, scale_max=MAX_ZOOM)
        # Not kept in Kivy's image caches: only the page on show is held (7 MB of texture each).
        self.image = Image(fit_mode="contain", nocache=True)
        self.scatter.add_widget(self.image)
        self.add_widget(self.scatter)
        self.scatter.bind(scale=self._on_scale)
        self.bind(pos=self.fit, size=self.fit)
        self.register_event_type("on_turn")

    def on_turn(self, step: int) -> None:
        pass

    def on_shown(self, _viewer, shown: bool) -> None:
        if shown and self.scatter.parent is None:
            self.add_widget(self.scatter)
            self.fit()
        elif not shown and self.scatter.parent is not None:
            self.remove_widget(self.scatter)

    def on_source(self, _viewer, source: str) -> None:
        self.image.source = source
        self.fit()

    def fit(self, *_args) -> None:
        """Back to the whole page in view."""
        self.scatter.transform = Matrix()
        self.scatter.pos = self.pos
        self.scatter.size = self.size
        self.image.size = self.size
        self.image.pos = (0, 0)

    def zoom(self, factor: float) -> None:
        scale = min(MAX_ZOOM, max(1.0, self.scatter.scale * factor))
        if scale <= 1.0:
            self.fit()
            return
        self.scatter.apply_transform(Matrix().scale(scale / self.scatter.scale, scale / self.scatter.scale, 1),
                                     anchor=self.scatter.to_local(*self.center))  # fmt: skip
        self._keep_in_view()

    def _on_scale(self, _scatter, scale: float) -> None:
        self.zoomed = scale > 1.01
        self.scatter.do_translation = self.zoomed

    def _keep_in_view(self) -> None:
        """A zoomed page may move, but not leave an empty band along the viewer's edges."""
        s = self.scatter
        w, h = s.width * s.scale, s.height * s.scale
        x = min(self.x, max(self.right - w, s.x))
        y = min(self.y, max(self.top - h, s.y))
        s.pos = (x, y)

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return False
        if touch.is_double_tap:
            if self.zoomed:
                self.fit()
            else:
                self.zoom(2.0)
            return True
        touch.ud.setdefault("page_swipe", (self, touch.x, touch.y))
        return super().on_touch_down(touch) or True

    def on_touch_move(self, touch):
        handled = super().on_touch_move(touch)
        if self.zoomed:
            self._keep_in_view()
        return handled

    def on_touch_up(self, touch):
        handled = super().on_touch_up(touch)
        start = touch.ud.get("page_swipe")
        if start and start[0] is self and not self.zoomed:
            dx, dy = touch.x - start[1], touch.y - start[2]
            if abs(dx) >= SWIPE * self.width and abs(dx) > 1.5 * abs(dy):
                self.dispatch("on_turn", -1 if dx > 0 else 1)
                return True
        return handled


class NoticeScreen(KioskScreen):
    notice_id = StringProperty("")
    title = StringProperty("")
    lines = ListProperty([])
    index = NumericProperty(0)
    count = NumericProperty(0)
    page_label = StringProperty("")
    page_source = StringProperty("")
    page_text = StringProperty("")
    reading = BooleanProperty(False)  # large print: the page's text instead of its image
    qr_data = StringProperty("")
    qr = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._card = None

    def setup(self, *, notice_id: str = "", index: int = 0, reading: bool = False) -> None:
        self.notice_id = notice_id
        self.reading = reading
        self.refresh()
        self.show_page(index)

    def snapshot(self) -> dict:
        return {"notice_id": self.notice_id, "index": self.index, "reading": self.reading}

    def usage_keys(self) -> dict:
        return {"screen": "notice", "entry_id": self.notice_id or None}

    def refresh(self) -> None:
        if not self.notice_id:
            return
        app = self.app
        card = app.cache.notice(self.notice_id, now=app.now())
        if card is None:  # withdrawn or ended while on screen: back to the list, never a dead end
            self.notice_id, self._card = "", None
            if app.sm.current == "notice":
                app.go("notices", push=False, direction="right")
            return
        self._card = card
        view = notice_rows.notice_view(card, lang=app.tr.lang, tz=app.tz, _=app.tr._)
        self.title, self.lines, self.qr_data = view["title"], view["lines"], view["qr"]
        self.count = card.pages
        self.qr = qr_texture(self.qr_data) if self.qr_data else None
        self.show_page(min(self.index, self.count - 1))

    def show_page(self, index: int) -> None:
        card = self._card
        if card is None:
            return
        index = max(0, min(int(index), card.pages - 1))
        self.index = index
        shas, texts = card.page_shas, card.page_text
        self.page_source = self.app.thumb_path(shas[index], "screen") if index < len(shas) else ""
        text = texts[index] if index < len(texts) else ""
        self.page_text = text or self.app.tr._("This page has no text to read in large print.")
        self.page_label = notice_rows.page_label(index, card.pages, self.app.tr._)
        viewer = self.ids.get("viewer")
        if viewer is not None:
            viewer.fit()
        if "text_scroll" in self.ids:
            self.ids.text_scroll.scroll_y = 1.0

    def turn(self, step: int) -> None:
        if 0 <= self.index + step < self.count:
            self.show_page(self.index + step)

    def toggle_reading(self) -> None:
        self.reading = not self.reading

    def release(self) -> None:
        self.page_source = ""
        self.qr = None

    def reset(self) -> None:
        self.notice_id, self._card = "", None
        self.page_source = self.page_text = self.title = ""
        self.reading = False
        self.qr = None
