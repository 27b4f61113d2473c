"""Source classes and keywords mapped to the contract's kinds and category slugs.

``DATATOURISME_CLASSES``: DATAtourisme (and schema.org) classes -> ``(kind, category or None, depth)``.
The kind comes from the deepest class a record carries (``Church`` before ``ReligiousSite`` before
``CulturalSite``); categories are collected from every class. Any event class makes the record an event.

``KEYWORDS``: words found in event titles or keywords (OpenAgenda, iCalendar) -> category slug.
"""

from __future__ import annotations

from content.categories import CATEGORIES
from content.text import fold

_C = tuple[str, str | None, int]

DATATOURISME_CLASSES: dict[str, _C] = {
    # heritage
    "CulturalSite": ("heritage", None, 1),
    "ReligiousSite": ("heritage", "church", 2),
    "RemarkableBuilding": ("heritage", None, 2),
    "Church": ("heritage", "church", 3),
    "Abbey": ("heritage", "church", 3),
    "Monastery": ("heritage", "church", 3),
    "Cathedral": ("heritage", "cathedral", 3),
    "Chapel": ("heritage", "chapel", 3),
    "Castle": ("heritage", "castle", 3),
    "Fort": ("heritage", "fortification", 3),
    "DefenceSite": ("heritage", "fortification", 3),
    "Rampart": ("heritage", "fortification", 3),
    "Bridge": ("heritage", "bridge-viaduct", 3),
    "Viaduct": ("heritage", "bridge-viaduct", 3),
    "ArcheologicalSite": ("heritage", "archaeological-site", 3),
    "ArchaeologicalSite": ("heritage", "archaeological-site", 3),
    "Monument": ("heritage", "monument", 3),
    "Memorial": ("heritage", "monument", 3),
    "HistoricHouse": ("heritage", "historic-house", 3),
    "Mansion": ("heritage", "historic-house", 3),
    "NaturalHeritage": ("heritage", "natural-site", 1),
    # places to see and do
    "Museum": ("place", "museum", 3),
    "InterpretationCentre": ("place", "museum", 3),
    "ArtGalleryOrExhibitionGallery": ("place", "gallery", 3),
    "ParkAndGarden": ("place", "park-garden", 3),
    "Theater": ("place", "theatre", 3),
    "Cinema": ("place", "cinema", 3),
    "Library": ("place", "library", 3),
    "SportsAndLeisurePlace": ("place", None, 1),
    "SwimmingPool": ("place", "swimming-pool", 3),
    "Playground": ("place", "playground", 3),
    "PointOfView": ("place", "viewpoint", 3),
    "Tour": ("place", "walk", 1),
    "WalkingTour": ("place", "walk", 2),
    "HikingTour": ("place", "hiking", 2),
    "CyclingTour": ("place", "cycling", 2),
    "Lake": ("place", "lake-river", 3),
    "River": ("place", "lake-river", 3),
    # shops
    "LocalBusiness": ("shop", None, 1),
    "Store": ("shop", None, 1),
    "BoutiqueOrLocalShop": ("shop", None, 2),
    "CraftsmanShop": ("shop", "crafts", 3),
    "WineCellar": ("shop", "wine-shop", 3),
    "Cellar": ("shop", "wine-shop", 3),
    "Winery": ("shop", "wine-shop", 3),
    "Bakery": ("shop", "bakery", 3),  # a FoodEstablishment in DATAtourisme, a shop to a visitor
    # eat and drink (DATAtourisme FoodEstablishment and schema.org's subclasses)
    "FoodEstablishment": ("food", None, 1),
    "Restaurant": ("food", "restaurant", 3),
    "FastFoodRestaurant": ("food", "snack", 3),
    "StreetFood": ("food", "snack", 3),
    "IceCreamShop": ("food", "snack", 3),
    "CafeOrTeahouse": ("food", "cafe", 3),
    "CafeOrTearoom": ("food", "cafe", 3),
    "CafeOrCoffeeShop": ("food", "cafe", 3),
    "BarOrPub": ("food", "bar", 3),
    "BistroOrWineBar": ("food", "bar", 3),
    "Brewery": ("food", "bar", 3),
    # stay (DATAtourisme Accommodation, schema.org LodgingBusiness and their subclasses)
    "Accommodation": ("stay", None, 1),
    "LodgingBusiness": ("stay", None, 1),
    "HotelTrade": ("stay", "hotel", 2),
    "Hotel": ("stay", "hotel", 3),
    "Motel": ("stay", "hotel", 3),
    "HotelRestaurant": ("stay", "hotel", 4),  # also a Restaurant: the category "restaurant" comes from that class
    "CampingAndCaravanning": ("stay", "campsite", 2),
    "Camping": ("stay", "campsite", 3),
    "Campground": ("stay", "campsite", 3),
    "CamperVanArea": ("stay", "motorhome-area", 3),
    "RentalAccommodation": ("stay", "holiday-rental", 2),
    "SelfCateringAccommodation": ("stay", "gite", 3),
    "VacationRental": ("stay", "holiday-rental", 3),
    "Guesthouse": ("stay", "guesthouse", 3),
    "TableHoteGuesthouse": ("stay", "guesthouse", 4),
    "BedAndBreakfast": ("stay", "guesthouse", 3),
    "CollectiveAccommodation": ("stay", "hostel", 2),
    "YouthHostelAndInternationalCenter": ("stay", "hostel", 3),
    "Hostel": ("stay", "hostel", 3),
    "GroupLodging": ("stay", "hostel", 3),
    "StopOverOrGroupLodge": ("stay", "hostel", 3),
    "ChildrensGite": ("stay", "gite", 3),
    "HolidayCentre": ("stay", None, 3),
    "ClubOrHolidayVillage": ("stay", None, 3),
    "HolidayResort": ("stay", None, 3),
    "Resort": ("stay", None, 2),
    # services
    "ServiceProvider": ("service", None, 1),
    "PracticalInformation": ("service", None, 1),
    "TouristInformationCenter": ("service", "tourist-office", 3),
    "LocalTouristOffice": ("service", "tourist-office", 3),
    "TownHall": ("service", "town-hall", 3),
    "Pharmacy": ("service", "pharmacy", 3),
    "Hospital": ("service", "hospital", 3),
    "MedicalPlace": ("service", "doctor", 2),
    "Parking": ("service", "parking", 3),
    "ParkingFacility": ("service", "parking", 3),
    "PublicToilets": ("service", "toilets", 3),
    "TrainStation": ("service", "train-station", 3),
    "BusStop": ("service", "bus-stop", 3),
    "TaxiStand": ("service", "taxi", 3),
    "PostOffice": ("service", "post-office", 3),
    "PoliceStation": ("service", "police", 3),
    "ElectricVehicleChargingStation": ("service", "ev-charging", 3),
    # events
    "EntertainmentAndEvent": ("event", None, 1),
    "Event": ("event", None, 1),
    "CulturalEvent": ("event", None, 2),
    "Exhibition": ("event", "exhibition", 3),
    "ExhibitionEvent": ("event", "exhibition", 3),
    "Concert": ("event", "concert", 3),
    "MusicEvent": ("event", "concert", 3),
    "Festival": ("event", "festival", 3),
    "Market": ("event", "market", 3),
    "SaleEvent": ("event", "market", 2),
    "GarageSale": ("event", "market", 3),
    "Fair": ("event", "fair", 3),
    "TheaterEvent": ("event", "show", 3),
    "ShowEvent": ("event", "show", 3),
    "ScreeningEvent": ("event", "screening", 3),
    "SportsEvent": ("event", "sport-event", 2),
    "SportsCompetition": ("event", "sport-event", 3),
    "Conference": ("event", "conference", 3),
    "BusinessEvent": ("event", "conference", 2),
    "VisitEvent": ("event", "guided-tour", 3),
    "GuidedTour": ("event", "guided-tour", 3),
    "ReligiousEvent": ("event", "religious-event", 3),
    "ChildrensEvent": ("event", "children", 3),
}

#: Classes every record carries or that say nothing about kind: not "unknown" when alone.
ROOT_CLASSES = frozenset(
    {"PointOfInterest", "PlaceOfInterest", "Place", "Thing", "Product", "Period", "Organization", "Agent"}
)


def class_name(value: str) -> str:
    """``schema:Museum`` / ``https://www.datatourisme.fr/ontology/core#Museum`` -> ``Museum``."""
    return value.rsplit("#", 1)[-1].rsplit("/", 1)[-1].rsplit(":", 1)[-1]


def kind_and_categories(types: list[str]) -> tuple[str, list[str], list[str]]:
    """``(kind, categories, unknown_classes)``; kind "place" when no class is known."""
    names = sorted({class_name(t) for t in types if isinstance(t, str)})
    known = [(n, DATATOURISME_CLASSES[n]) for n in names if n in DATATOURISME_CLASSES]
    unknown = [n for n in names if n not in DATATOURISME_CLASSES and n not in ROOT_CLASSES]
    if not known:
        return "place", [], unknown
    events = [k for k in known if k[1][0] == "event"]
    pool = events or known
    kind = max(pool, key=lambda k: (k[1][2], k[0]))[1][0]
    categories = [c for _, (_, c, _) in sorted(pool, key=lambda k: (-k[1][2], k[0])) if c and c in CATEGORIES]
    return kind, list(dict.fromkeys(categories)), unknown


KEYWORDS: dict[str, str] = {
    "marche": "market",
    "market": "market",
    "concert": "concert",
    "festival": "festival",
    "exposition": "exhibition",
    "exhibition": "exhibition",
    "expo": "exhibition",
    "spectacle": "show",
    "theatre": "show",
    "show": "show",
    "visite guidee": "guided-tour",
    "guided tour": "guided-tour",
    "foire": "fair",
    "salon": "fair",
    "brocante": "market",
    "vide-grenier": "market",
    "conference": "conference",
    "projection": "screening",
    "cinema": "screening",
    "jeune public": "children",
    "enfants": "children",
    "messe": "religious-event",
}


def keyword_categories(*texts: str) -> list[str]:
    """Event categories named by whole words in ``texts`` (folded: accents and case ignored)."""
    import re

    folded = " ".join(fold(t) for t in texts if t)
    found = [slug for word, slug in KEYWORDS.items() if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", folded)]
    return sorted(set(found) & set(CATEGORIES))
