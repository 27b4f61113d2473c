"""The one category vocabulary, with names in every UI language and an icon key.

Entries carry category slugs; the kiosk shows :meth:`Category.name` in the visitor's language
and maps :attr:`Category.icon` to one of its icons. A slug, once published, never changes
meaning: add new slugs rather than renaming old ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The kinds a category usually belongs to (same words as ``content.contract.KINDS``).
GROUPS = ("place", "heritage", "event", "shop", "service", "food", "stay")
#: The languages every category is named in (``content.contract.UI_LANGUAGES``).
LANGUAGES = ("fr", "en", "de", "es", "it", "nl")


@dataclass(frozen=True)
class Category:
    slug: str
    group: str  # the kind it usually belongs to: place, heritage, event, shop, service, food, stay
    names: dict[str, str] = field(default_factory=dict)
    icon: str = ""  # a short key the kiosk maps to one of its icons

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("fr") or self.slug


# slug: (icon, fr, en, de, es, it, nl)
# fmt: off
_VOCABULARY: dict[str, dict[str, tuple[str, str, str, str, str, str, str]]] = {
    "place": {
        "museum": ("museum", "Musée", "Museum", "Museum", "Museo", "Museo", "Museum"),
        "gallery": ("gallery", "Galerie d'art", "Art gallery", "Kunstgalerie", "Galería de arte", "Galleria d'arte",
                    "Kunstgalerie"),
        "viewpoint": ("viewpoint", "Point de vue", "Viewpoint", "Aussichtspunkt", "Mirador", "Punto panoramico",
                      "Uitzichtpunt"),
        "walk": ("walk", "Promenade", "Walk", "Spaziergang", "Paseo", "Passeggiata", "Wandeling"),
        "hiking": ("hiking", "Randonnée", "Hiking", "Wandern", "Senderismo", "Escursionismo", "Wandelen"),
        "park-garden": ("park", "Parc et jardin", "Park and garden", "Park und Garten", "Parque y jardín",
                        "Parco e giardino", "Park en tuin"),
        "playground": ("playground", "Aire de jeux", "Playground", "Spielplatz", "Parque infantil", "Parco giochi",
                       "Speeltuin"),
        "swimming-pool": ("swimming", "Piscine", "Swimming pool", "Schwimmbad", "Piscina", "Piscina", "Zwembad"),
        "sports": ("sports", "Sports et loisirs", "Sports", "Sport", "Deportes", "Sport", "Sport"),
        "cinema": ("cinema", "Cinéma", "Cinema", "Kino", "Cine", "Cinema", "Bioscoop"),
        "theatre": ("theatre", "Théâtre", "Theatre", "Theater", "Teatro", "Teatro", "Theater"),
        "library": ("library", "Bibliothèque", "Library", "Bibliothek", "Biblioteca", "Biblioteca", "Bibliotheek"),
        "lake-river": ("water", "Lac et rivière", "Lake and river", "See und Fluss", "Lago y río", "Lago e fiume",
                       "Meer en rivier"),
        "cycling": ("bicycle", "Vélo", "Cycling", "Radfahren", "Ciclismo", "Ciclismo", "Fietsen"),
    },
    "heritage": {
        "church": ("church", "Église", "Church", "Kirche", "Iglesia", "Chiesa", "Kerk"),
        "cathedral": ("cathedral", "Cathédrale", "Cathedral", "Kathedrale", "Catedral", "Cattedrale", "Kathedraal"),
        "chapel": ("chapel", "Chapelle", "Chapel", "Kapelle", "Capilla", "Cappella", "Kapel"),
        "castle": ("castle", "Château", "Castle", "Schloss", "Castillo", "Castello", "Kasteel"),
        "monument": ("monument", "Monument", "Monument", "Denkmal", "Monumento", "Monumento", "Monument"),
        "historic-house": ("house", "Maison historique", "Historic house", "Historisches Haus", "Casa histórica",
                           "Casa storica", "Historisch huis"),
        "fortification": ("fortress", "Remparts et fortifications", "Ramparts and fortifications",
                          "Stadtmauer und Befestigungen", "Murallas y fortificaciones", "Mura e fortificazioni",
                          "Vestingwerken"),
        "bridge-viaduct": ("bridge", "Pont et viaduc", "Bridge and viaduct", "Brücke und Viadukt", "Puente y viaducto",
                           "Ponte e viadotto", "Brug en viaduct"),
        "archaeological-site": ("archaeology", "Site archéologique", "Archaeological site", "Archäologische Stätte",
                                "Yacimiento arqueológico", "Sito archeologico", "Archeologische vindplaats"),
        "natural-site": ("nature", "Site naturel", "Natural site", "Naturdenkmal", "Paraje natural", "Sito naturale",
                         "Natuurgebied"),
        "square-street": ("street", "Place et rue", "Square and street", "Platz und Straße", "Plaza y calle",
                          "Piazza e via", "Plein en straat"),
    },
    "event": {
        "market": ("market", "Marché", "Market", "Markt", "Mercado", "Mercato", "Markt"),
        "concert": ("music", "Concert", "Concert", "Konzert", "Concierto", "Concerto", "Concert"),
        "festival": ("festival", "Festival", "Festival", "Festival", "Festival", "Festival", "Festival"),
        "exhibition": ("exhibition", "Exposition", "Exhibition", "Ausstellung", "Exposición", "Mostra",
                       "Tentoonstelling"),
        "show": ("show", "Spectacle", "Show", "Aufführung", "Espectáculo", "Spettacolo", "Voorstelling"),
        "guided-tour": ("guide", "Visite guidée", "Guided tour", "Führung", "Visita guiada", "Visita guidata",
                        "Rondleiding"),
        "sport-event": ("trophy", "Événement sportif", "Sports event", "Sportveranstaltung", "Evento deportivo",
                        "Evento sportivo", "Sportevenement"),
        "fair": ("fair", "Foire", "Fair", "Jahrmarkt", "Feria", "Fiera", "Jaarmarkt"),
        "conference": ("talk", "Conférence", "Talk", "Vortrag", "Conferencia", "Conferenza", "Lezing"),
        "children": ("children", "Jeune public", "For children", "Für Kinder", "Para niños", "Per bambini",
                     "Voor kinderen"),
        "screening": ("film", "Projection", "Screening", "Filmvorführung", "Proyección", "Proiezione", "Filmvertoning"),
        "religious-event": ("religious", "Célébration religieuse", "Religious celebration", "Religiöse Feier",
                            "Celebración religiosa", "Celebrazione religiosa", "Religieuze viering"),
    },
    "shop": {
        "bakery": ("bread", "Boulangerie", "Bakery", "Bäckerei", "Panadería", "Panetteria", "Bakkerij"),
        "butcher": ("meat", "Boucherie", "Butcher", "Metzgerei", "Carnicería", "Macelleria", "Slagerij"),
        "cheese-shop": ("cheese", "Fromagerie", "Cheese shop", "Käserei", "Quesería", "Formaggeria", "Kaaswinkel"),
        "delicatessen": ("deli", "Épicerie fine", "Delicatessen", "Feinkost", "Tienda gourmet", "Gastronomia",
                         "Delicatessenwinkel"),
        "grocery": ("basket", "Épicerie", "Grocery", "Lebensmittelgeschäft", "Tienda de alimentación", "Alimentari",
                    "Kruidenier"),
        "wine-shop": ("wine", "Caviste", "Wine shop", "Weinhandlung", "Vinoteca", "Enoteca", "Wijnhandel"),
        "bookshop": ("book", "Librairie", "Bookshop", "Buchhandlung", "Librería", "Libreria", "Boekhandel"),
        "florist": ("flower", "Fleuriste", "Florist", "Blumenladen", "Floristería", "Fiorista", "Bloemist"),
        "clothing": ("clothes", "Vêtements", "Clothing", "Bekleidung", "Ropa", "Abbigliamento", "Kleding"),
        "crafts": ("crafts", "Artisanat", "Crafts", "Kunsthandwerk", "Artesanía", "Artigianato", "Ambachten"),
        "gift-shop": ("gift", "Cadeaux et souvenirs", "Gifts and souvenirs", "Geschenke und Souvenirs",
                      "Regalos y recuerdos", "Regali e souvenir", "Cadeaus en souvenirs"),
        "hairdresser": ("scissors", "Coiffeur", "Hairdresser", "Friseur", "Peluquería", "Parrucchiere", "Kapper"),
        "supermarket": ("cart", "Supermarché", "Supermarket", "Supermarkt", "Supermercado", "Supermercato",
                        "Supermarkt"),
        "newsagent": ("newspaper", "Presse et tabac", "Newsagent", "Zeitschriften und Tabak", "Prensa y estanco",
                      "Edicola e tabacchi", "Krantenwinkel"),
        "hardware": ("tools", "Quincaillerie", "Hardware shop", "Eisenwarenhandlung", "Ferretería", "Ferramenta",
                     "IJzerwarenwinkel"),
        "local-products": ("local", "Produits du terroir", "Local produce", "Regionale Produkte", "Productos locales",
                           "Prodotti tipici", "Streekproducten"),
        "optician": ("glasses", "Opticien", "Optician", "Optiker", "Óptica", "Ottico", "Opticien"),
        "market-hall": ("market", "Halle du marché", "Covered market", "Markthalle", "Mercado cubierto",
                        "Mercato coperto", "Overdekte markt"),
    },
    "food": {
        "restaurant": ("restaurant", "Restaurant", "Restaurant", "Restaurant", "Restaurante", "Ristorante",
                       "Restaurant"),
        "cafe": ("coffee", "Café", "Café", "Café", "Cafetería", "Caffè", "Café"),
        "bar": ("bar", "Bar", "Bar", "Bar", "Bar", "Bar", "Bar"),
        "regional-cuisine": ("restaurant", "Cuisine du terroir", "Regional cooking", "Regionale Küche",
                             "Cocina regional", "Cucina tipica", "Streekkeuken"),
        "brasserie": ("restaurant", "Brasserie", "Brasserie", "Brasserie", "Brasserie", "Brasserie", "Brasserie"),
        "pizzeria": ("restaurant", "Pizzeria", "Pizzeria", "Pizzeria", "Pizzería", "Pizzeria", "Pizzeria"),
        "creperie": ("restaurant", "Crêperie", "Crêperie", "Crêperie", "Crepería", "Creperia", "Crêperie"),
        "fine-dining": ("restaurant", "Gastronomique", "Fine dining", "Gehobene Küche", "Alta cocina",
                        "Alta cucina", "Fine dining"),
        "snack": ("coffee", "Restauration rapide", "Snacks and takeaway", "Imbiss", "Comida rápida",
                  "Tavola calda", "Snackbar"),
        "tea-room": ("coffee", "Salon de thé", "Tea room", "Teestube", "Salón de té", "Sala da tè", "Theesalon"),
    },
    "stay": {
        "hotel": ("hotel", "Hôtel", "Hotel", "Hotel", "Hotel", "Hotel", "Hotel"),
        "gite": ("cottage", "Gîte", "Holiday cottage", "Ferienhaus", "Casa rural", "Casa vacanze", "Vakantiehuis"),
        "campsite": ("tent", "Camping", "Campsite", "Campingplatz", "Camping", "Campeggio", "Camping"),
        "guesthouse": ("bed", "Chambre d'hôtes", "Bed and breakfast", "Pension", "Casa de huéspedes",
                       "Bed and breakfast", "Bed and breakfast"),
        "holiday-rental": ("cottage", "Meublé de tourisme", "Holiday rental", "Ferienwohnung", "Apartamento turístico",
                           "Appartamento per vacanze", "Vakantiewoning"),
        "hostel": ("bed", "Gîte d'étape, auberge", "Hostel", "Herberge", "Albergue", "Ostello", "Hostel"),
        "motorhome-area": ("tent", "Aire de camping-cars", "Motorhome area", "Wohnmobilstellplatz",
                           "Área de autocaravanas", "Area camper", "Camperplaats"),
    },
    "service": {
        "pharmacy": ("pharmacy", "Pharmacie", "Pharmacy", "Apotheke", "Farmacia", "Farmacia", "Apotheek"),
        "doctor": ("doctor", "Médecin", "Doctor", "Arzt", "Médico", "Medico", "Huisarts"),
        "hospital": ("hospital", "Hôpital", "Hospital", "Krankenhaus", "Hospital", "Ospedale", "Ziekenhuis"),
        "dentist": ("tooth", "Dentiste", "Dentist", "Zahnarzt", "Dentista", "Dentista", "Tandarts"),
        "vet": ("paw", "Vétérinaire", "Vet", "Tierarzt", "Veterinario", "Veterinario", "Dierenarts"),
        "toilets": ("toilets", "Toilettes publiques", "Public toilets", "Öffentliche Toiletten", "Aseos públicos",
                    "Bagni pubblici", "Openbare toiletten"),
        "parking": ("parking", "Parking", "Car park", "Parkplatz", "Aparcamiento", "Parcheggio", "Parkeerplaats"),
        "ev-charging": ("ev-charging", "Borne de recharge", "EV charging point", "Ladestation", "Punto de recarga",
                        "Colonnina di ricarica", "Laadpaal"),
        "fuel-station": ("fuel", "Station-service", "Petrol station", "Tankstelle", "Gasolinera",
                         "Distributore di benzina", "Tankstation"),
        "bus-stop": ("bus", "Arrêt de bus", "Bus stop", "Bushaltestelle", "Parada de autobús", "Fermata dell'autobus",
                     "Bushalte"),
        "train-station": ("train", "Gare", "Railway station", "Bahnhof", "Estación de tren", "Stazione ferroviaria",
                          "Treinstation"),
        "taxi": ("taxi", "Taxi", "Taxi", "Taxi", "Taxi", "Taxi", "Taxi"),
        "tourist-office": ("info", "Office de tourisme", "Tourist office", "Touristeninformation", "Oficina de turismo",
                           "Ufficio turistico", "Toeristenbureau"),
        "town-hall": ("town-hall", "Mairie", "Town hall", "Rathaus", "Ayuntamiento", "Municipio", "Gemeentehuis"),
        "post-office": ("post", "Bureau de poste", "Post office", "Postfiliale", "Oficina de correos",
                        "Ufficio postale", "Postkantoor"),
        "police": ("police", "Gendarmerie, police", "Police", "Polizei", "Policía", "Polizia", "Politie"),
        "bank": ("bank", "Banque", "Bank", "Bank", "Banco", "Banca", "Bank"),
        "atm": ("atm", "Distributeur de billets", "Cash machine", "Geldautomat", "Cajero automático", "Bancomat",
                "Geldautomaat"),
        "laundry": ("laundry", "Laverie", "Launderette", "Waschsalon", "Lavandería", "Lavanderia", "Wasserette"),
        "drinking-water": ("water-drop", "Eau potable", "Drinking water", "Trinkwasser", "Agua potable",
                           "Acqua potabile", "Drinkwater"),
        "wifi": ("wifi", "Wi-Fi gratuit", "Free Wi-Fi", "Kostenloses WLAN", "Wifi gratuito", "Wi-Fi gratuito",
                 "Gratis wifi"),
        "recycling": ("recycling", "Tri et recyclage", "Recycling", "Wertstoffsammlung", "Reciclaje",
                      "Raccolta differenziata", "Recyclepunt"),
        "defibrillator": ("defibrillator", "Défibrillateur", "Defibrillator", "Defibrillator", "Desfibrilador",
                          "Defibrillatore", "AED"),
    },
}
# fmt: on

#: Slugs added with contract schema 2: a reader of schema 1 does not know them (content.compat drops them).
SINCE_SCHEMA_2 = frozenset(
    {
        "regional-cuisine", "brasserie", "pizzeria", "creperie", "fine-dining", "snack", "tea-room",
        "holiday-rental", "hostel", "motorhome-area",
    }
)  # fmt: skip

CATEGORIES: dict[str, Category] = {
    slug: Category(slug, group, dict(zip(LANGUAGES, row[1:], strict=True)), icon=row[0])
    for group, table in _VOCABULARY.items()
    for slug, row in table.items()
}


def get(slug: str) -> Category:
    """The category ``slug``; a ValueError naming it if the vocabulary has no such slug."""
    try:
        return CATEGORIES[slug]
    except KeyError:
        raise ValueError(f"unknown category {slug!r}") from None


def for_group(group: str) -> list[Category]:
    """The categories of one group (a kind: ``place``, ``heritage``, … ``food``, ``stay``), in order."""
    if group not in GROUPS:
        raise ValueError(f"unknown category group {group!r}: expected one of {', '.join(GROUPS)}")
    return [c for c in CATEGORIES.values() if c.group == group]


def name(slug: str, lang: str) -> str:
    """The name of category ``slug`` in ``lang`` (French when the language is not one of the six)."""
    return get(slug).name(lang)
