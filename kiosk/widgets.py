"""Reusable widgets of every screen (their look is in kv/widgets.kv, and kv/rows.kv for list rows and blocks)."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import (
    BooleanProperty,
    ColorProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.recycleview.views import RecycleDataViewBehavior


class Pressable(ButtonBehavior):
    """A touch target that fires on release (a visitor's finger may slide off to cancel)."""

    always_release = False


class BigButton(Pressable, Label):
    """A large rounded text button. ``primary`` uses the accent colour."""

    primary = BooleanProperty(False)
    selected = BooleanProperty(False)
    radius = NumericProperty(18)
    #: Text size at the normal setting (scaled by the visitor's text size); set ``fixed_font`` for one that is not.
    base_font = NumericProperty(34)
    fixed_font = NumericProperty(0)


class IconButton(Pressable, BoxLayout):
    """A square button showing one symbol (back, home, settings) with a caption under it."""

    icon = StringProperty("")
    caption = StringProperty("")
    font = StringProperty("")  # the icon's font when not the theme's icon_font (e.g. app.theme.symbol_font)


class Tile(Pressable, BoxLayout):
    """A home-screen tile: big symbol and a title on a coloured rounded card."""

    icon = StringProperty("")
    title = StringProperty("")
    subtitle = StringProperty("")
    color = ColorProperty([0.2, 0.3, 0.4, 1])
    target = StringProperty("")
    title_size = NumericProperty(0)  # set by the home screen so that every tile has the same

    @staticmethod
    def fit_font(title: str, width: float, base: float) -> float:
        """The title's size, made smaller when its longest word would not fit the tile's width."""
        longest = max((len(word) for word in title.split()), default=1)
        return max(10.0, min(base, width / (0.62 * longest)))


class Chip(Pressable, Label):
    """A filter chip (category, period, open now)."""

    key = StringProperty("")
    active = BooleanProperty(False)
    shown = BooleanProperty(True)  # a hidden chip takes no room and no touch

    def on_touch_down(self, touch):
        return super().on_touch_down(touch) if self.shown else False


class CardRow(RecycleDataViewBehavior, Pressable, BoxLayout):
    """One row of a list; all its state comes from the RecycleView's data (it keeps none of its own).

    The data is light (``rows.card_row``); the line under the title is worked out from the data's
    card when the row is shown (``rows.card_line``, through the app's language, clock and hours).
    """

    entry_id = StringProperty("")
    kind = StringProperty("")
    title = StringProperty("")
    line = StringProperty("")
    state = StringProperty("")
    icon = StringProperty("")
    thumb = StringProperty("")
    card = ObjectProperty(None, allownone=True)

    def refresh_view_attrs(self, rv, index, data):
        self.thumb = ""
        card = data.get("card")
        self.state, self.line = App.get_running_app().card_line(card) if card is not None else ("", "")
        return super().refresh_view_attrs(rv, index, data)

    def on_release(self):
        App.get_running_app().open_entry(self.entry_id)


class HeaderRow(RecycleDataViewBehavior, Label):
    pass


def release_rows(rv) -> None:
    """Empty a RecycleView and let its rows go without their pictures and texts (textures held by
    widgets nobody sees); the rows themselves are kept for the next list (making them is what costs)."""
    adapter = rv.view_adapter
    for view in [*adapter.views.values(), *(v for views in adapter.dirty_views.values() for v in views.values())]:
        if isinstance(view, CardRow):
            view.thumb = view.title = view.line = ""
        elif isinstance(view, HeaderRow):
            view.text = ""
    rv.data = []


class InfoBlock(BoxLayout):
    """A titled block of lines on the detail page (address, hours, dates, contact)."""

    heading = StringProperty("")
    icon = StringProperty("")
    lines = ListProperty([])
    extra = StringProperty("")
    extra_color = ColorProperty([1, 1, 1, 1])


class StatusRow(BoxLayout):
    """One labelled line of the maintenance panel (label on the left, its value, maybe several lines, on the right)."""

    label = StringProperty("")
    value = StringProperty("")
