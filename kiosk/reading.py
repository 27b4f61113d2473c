"""What audio mode reads on each screen: pure functions from a screen's state to spoken items.

Each screen gives an introduction (said when it is shown) and a list of :class:`Item`: what the
previous/next zones step through, each with the language it is written in (a French text on an
English visit is read by the French voice) and what "select" does with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kiosk import rows


@dataclass(frozen=True)
class Item:
    text: str
    lang: str
    action: Callable[[], None] | None = None
    #: More to say, worked out only when the item is reached (a list of hundreds of shops does not
    #: compute every "open now" line when it is shown).
    more: Callable[[], str] | None = None
    #: The widget that shows it, when it can be framed on screen (found when reached: rows are recycled).
    widget: Callable[[], object] | None = None

    def spoken(self) -> str:
        return sentences(self.text, self.more()) if self.more else self.text


def sentences(*parts: str) -> str:
    """Parts joined as sentences (one full stop between them, not two)."""
    return " ".join(p if p.endswith((".", "!", "?", "…", ":")) else p + "." for p in (x.strip() for x in parts) if p)


def _n_items(_, count: int) -> str:
    return _("{count} items", count=count)


def home_items(app, screen) -> tuple[str, list[Item]]:
    _ = app.tr._
    lang = app.tr.lang
    tiles = sorted(screen.ids.tiles.children, key=lambda t: (-t.y, t.x))  # reading order
    items = [
        Item(t.title, lang, (lambda target=t.target: screen.open_tile(target)), widget=(lambda t=t: t)) for t in tiles
    ]
    for button in reversed(screen.ids.langbar.children):
        if button.code != lang:
            items.append(
                Item(
                    button.text,
                    button.code,
                    (lambda code=button.code: app.set_language(code)),
                    widget=(lambda b=button: b),
                )
            )
    intro = sentences(_("Welcome"), app.clock_date, app.alert_text, _n_items(_, len(items)))
    return intro, items


def row_widget(rv, index: int, entry_id: str):
    """The row showing ``entry_id`` in RecycleView ``rv``, scrolled into view first (None until it is laid out)."""
    from kiosk.widgets import CardRow

    count = len(rv.data)
    if count > 1 and rv.height < rv.children[0].height:
        rv.scroll_y = max(0.0, min(1.0, 1 - index / (count - 1)))
    shown = [w for w in rv.children[0].children if isinstance(w, CardRow) and w.entry_id == entry_id]
    return shown[0] if shown else None


def card_items(app, data: list[dict], rv=None) -> list[Item]:
    lang = app.tr.lang
    items = []
    for index, row in enumerate(data):
        if row.get("viewclass") == "HeaderRow":
            items.append(Item(row["text"], lang))
            continue
        card = row["card"]
        items.append(
            Item(
                row["title"],
                lang,
                action=(lambda i=card.id: app.open_entry(i)),
                more=(lambda c=card: app.card_line(c)[1]),
                widget=(lambda i=index, e=card.id: row_widget(rv, i, e)) if rv is not None else None,
            )
        )
    return items


def list_items(app, screen) -> tuple[str, list[Item]]:
    items = card_items(app, screen.ids.rv.data, screen.ids.rv)
    text = screen.empty if not items else _n_items(app.tr._, len(items))
    return sentences(screen.title, text), items


def search_items(app, screen) -> tuple[str, list[Item]]:
    items = card_items(app, screen.ids.rv.data, screen.ids.rv)
    return app.tr._("Search"), items


def detail_items(app, screen) -> tuple[str, list[Item]]:
    _ = app.tr._
    lang = app.tr.lang
    entry = app.cache.view(screen.entry_id) if screen.entry_id else None
    if entry is None:
        return "", []

    def text_of(values) -> Item | None:
        text, fell_back = rows.pick(values, lang)
        return Item(text, "fr" if fell_back else lang) if text else None

    title = text_of(entry.title)
    items = [x for x in (text_of(entry.summary),) if x]
    body, fell_back = rows.pick(entry.body, lang)
    items += [Item(p.strip(), "fr" if fell_back else lang) for p in body.split("\n\n") if p.strip()]
    if screen.hours_status:
        items.append(Item(screen.hours_status, lang))
    if screen.hours_week:
        items.append(Item(sentences(_("Opening hours"), *screen.hours_week), lang))
    if screen.dates:
        items.append(Item(sentences(_("Dates"), *screen.dates), lang))
    if screen.address:
        items.append(Item(sentences(_("Address"), ", ".join(screen.address)), lang))
    if screen.contact:
        items.append(Item(sentences(_("Contact"), ", ".join(screen.contact)), lang))
    if screen.source:
        items.append(Item(screen.source, lang))
    return sentences(title.text if title else "", screen.hours_status), items


def attract_items(app, screen) -> tuple[str, list[Item]]:
    return app.tr._("Press and hold anywhere to hear the screen"), []


READERS = {
    "home": home_items,
    "list": list_items,
    "search": search_items,
    "detail": detail_items,
    "attract": attract_items,
}


def read_screen(app, name: str) -> tuple[str, list[Item]]:
    """``(introduction, items)`` of screen ``name`` as it is now (nothing for a screen without a reader)."""
    reader = READERS.get(name)
    return reader(app, app.screen(name)) if reader else ("", [])
