"""The one category vocabulary, with names in every UI language.

PLACEHOLDER being completed: names in fr, en, de, es, it, nl and icons.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Category:
    slug: str
    group: str  # the kind it usually belongs to: place, heritage, event, shop, service
    names: dict[str, str] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("fr") or self.slug


_SLUGS = {
    "place": "museum gallery viewpoint walk hiking park-garden playground swimming-pool sports cinema "
    "theatre library lake-river cycling",
    "heritage": "church cathedral chapel castle monument historic-house fortification bridge-viaduct "
    "archaeological-site natural-site square-street",
    "event": "market concert festival exhibition show guided-tour sport-event fair conference children "
    "screening religious-event",
    "shop": "bakery butcher cheese-shop delicatessen grocery wine-shop restaurant cafe bar bookshop "
    "florist clothing crafts gift-shop hairdresser supermarket newsagent hardware local-products "
    "hotel gite campsite guesthouse",
    "service": "pharmacy doctor hospital dentist toilets parking ev-charging bus-stop train-station taxi "
    "tourist-office town-hall post-office police atm drinking-water wifi recycling defibrillator",
}

CATEGORIES: dict[str, Category] = {
    slug: Category(slug, group) for group, slugs in _SLUGS.items() for slug in slugs.split()
}
