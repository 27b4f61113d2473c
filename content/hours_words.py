"""The words of opening hours that Babel does not have, in the kiosk's six languages.

Day names, dates and times come from Babel; these are the few words around them. A language that
is not here falls back to French (``content.hours`` does that).
"""

# The few words Babel does not have, per UI language (French when the language is not one of these).
WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "open": "Ouvert", "closed": "Fermé", "unknown": "Horaires à confirmer", "open_always": "Ouvert 24 h/24",
        "opens": "ouvre", "closes": "ferme", "tomorrow": "demain", "weekday": "{day}", "date": "le {date}",
        "at": "à {time}", "midnight": "à minuit",
        "week_closed": "fermé", "week_always": "Ouvert 24 h/24, 7 j/7", "week_all_day": "24 h/24",
        "week_closures": "fermé",
        "week_holidays": "jours fériés", "week_to_confirm": "à confirmer", "week_unknown": "horaires à confirmer",
        "colon": "\u00a0: ",
    },
    "en": {
        "open": "Open", "closed": "Closed", "unknown": "Hours to be confirmed", "open_always": "Open 24/7",
        "opens": "opens", "closes": "closes", "tomorrow": "tomorrow", "weekday": "{day}", "date": "on {date}",
        "at": "at {time}", "midnight": "at midnight",
        "week_closed": "closed", "week_always": "Open 24/7", "week_all_day": "24 hours",
        "week_closures": "Closed",
        "week_holidays": "Public holidays", "week_to_confirm": "to be confirmed", "week_unknown": "to be confirmed",
        "colon": ": ",
    },
    "de": {
        "open": "Geöffnet", "closed": "Geschlossen", "unknown": "Öffnungszeiten unbestätigt",
        "open_always": "Rund um die Uhr geöffnet",
        "opens": "öffnet", "closes": "schließt", "tomorrow": "morgen", "weekday": "am {day}", "date": "am {date}",
        "at": "um {time}", "midnight": "um Mitternacht",
        "week_closed": "geschlossen", "week_always": "Rund um die Uhr geöffnet", "week_all_day": "24 Stunden",
        "week_closures": "Geschlossen",
        "week_holidays": "Feiertage", "week_to_confirm": "unbestätigt", "week_unknown": "unbestätigt",
        "colon": ": ",
    },
    "es": {
        "open": "Abierto", "closed": "Cerrado", "unknown": "Horario por confirmar", "open_always": "Abierto 24 horas",
        "opens": "abre", "closes": "cierra", "tomorrow": "mañana", "weekday": "el {day}", "date": "el {date}",
        "at": "a las {time}", "at_one": "a la {time}", "midnight": "a medianoche",
        "week_closed": "cerrado", "week_always": "Abierto 24 horas, todos los días", "week_all_day": "24 horas",
        "week_closures": "cerrado",
        "week_holidays": "festivos", "week_to_confirm": "por confirmar", "week_unknown": "horario por confirmar",
        "colon": ": ",
    },
    "it": {
        "open": "Aperto", "closed": "Chiuso", "unknown": "Orari da confermare", "open_always": "Aperto 24 ore su 24",
        "opens": "apre", "closes": "chiude", "tomorrow": "domani", "weekday": "{day}", "date": "il {date}",
        "date_elided": "l'{date}", "at": "alle {time}", "at_one": "all'{time}", "midnight": "a mezzanotte",
        "week_closed": "chiuso", "week_always": "Aperto 24 ore su 24, tutti i giorni", "week_all_day": "24 ore su 24",
        "week_closures": "chiuso",
        "week_holidays": "festivi", "week_to_confirm": "da confermare", "week_unknown": "orari da confermare",
        "colon": ": ",
    },
    "nl": {
        "open": "Open", "closed": "Gesloten", "unknown": "Openingstijden onbevestigd", "open_always": "Altijd open",
        "opens": "opent", "closes": "sluit", "tomorrow": "morgen", "weekday": "{day}", "date": "op {date}",
        "at": "om {time}", "midnight": "om middernacht",
        "week_closed": "gesloten", "week_always": "Dag en nacht open", "week_all_day": "24 uur",
        "week_closures": "gesloten",
        "week_holidays": "feestdagen", "week_to_confirm": "onbevestigd", "week_unknown": "openingstijden onbevestigd",
        "colon": ": ",
    },
}  # fmt: skip

# Opening hours that change over the year (content.hours_seasons): {a} and {b} are Babel's month
# names or dates. Keys ending _a, _b, _ab are the forms used before a vowel (d'octobre, ad aprile,
# dall'8 agosto).
SEASON_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "months": "de {a} à {b}", "months_a": "d'{a} à {b}", "in_month": "en {a}",
        "on_date": "le {a}", "dates": "du {a} au {b}",
        "every_day": "tous les jours", "closed_when": "fermé {when}",
    },
    "en": {
        "months": "from {a} to {b}", "in_month": "in {a}",
        "on_date": "on {a}", "dates": "from {a} to {b}",
        "every_day": "every day", "closed_when": "closed {when}",
    },
    "de": {
        "months": "von {a} bis {b}", "in_month": "im {a}",
        "on_date": "am {a}", "dates": "vom {a} bis {b}",
        "every_day": "täglich", "closed_when": "geschlossen {when}",
    },
    "es": {
        "months": "de {a} a {b}", "in_month": "en {a}",
        "on_date": "el {a}", "dates": "del {a} al {b}",
        "every_day": "todos los días", "closed_when": "cerrado {when}",
    },
    "it": {
        "months": "da {a} a {b}", "months_b": "da {a} ad {b}", "in_month": "a {a}",
        "on_date": "il {a}", "on_date_a": "l'{a}",
        "dates": "dal {a} al {b}", "dates_a": "dall'{a} al {b}", "dates_b": "dal {a} all'{b}",
        "dates_ab": "dall'{a} all'{b}",
        "every_day": "tutti i giorni", "closed_when": "chiuso {when}",
    },
    "nl": {
        "months": "van {a} tot en met {b}", "in_month": "in {a}",
        "on_date": "op {a}", "dates": "van {a} tot en met {b}",
        "every_day": "dagelijks", "closed_when": "gesloten {when}",
    },
}  # fmt: skip
