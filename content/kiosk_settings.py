"""Per-kiosk settings the back office ships in the feed: screen hours, idle time, languages, PIN.

The feed's ``changes`` answer carries them under a top-level ``settings`` key (additive: the schema
version does not change, and a kiosk that does not know the key ignores it). The same parser reads
what staff type in the fleet page and what the sync receives: one rule, one place. Messages are in
French, for the staff page that shows them.

Screen hours, as typed and as shipped: per weekday a list of ranges ``"07:00-12:00"``; an empty list
is a day the screen stays off. Exceptional days (``"2026-12-25"``) replace their weekday. Without a
schedule (``screen`` is ``None``) the screen is always on. ``wake_minutes``: a touch at night lights
the screen this long (0: it stays off).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LANGUAGES = ("fr", "en", "de", "es", "it", "nl")
RANGE_RE = re.compile(r"^\s*(\d{1,2})[:hH](\d{2})\s*-\s*(\d{1,2})[:hH](\d{2})\s*$")
OFF_WORDS = {"", "fermé", "ferme", "éteint", "eteint", "off", "-"}
PIN_RE = re.compile(r"^\d{4,8}$")
MAX_WAKE_MINUTES = 60
MAX_EXCEPTIONS = 366


class SettingsError(ValueError):
    """A setting that cannot be used; the message, in French, names it."""


Range = tuple[int, int]  # minutes since midnight, start < end <= 1440


def parse_range(text: str, where: str) -> Range:
    m = RANGE_RE.match(text)
    if not m:
        raise SettingsError(f"{where} : « {text.strip()} » n'est pas une plage horaire (exemple : 07:00-22:00)")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if h1 > 23 or m1 > 59 or m2 > 59 or end > 24 * 60:
        raise SettingsError(f"{where} : « {text.strip()} » contient une heure impossible")
    if end <= start:
        raise SettingsError(
            f"{where} : « {text.strip()} » finit avant de commencer (une plage ne passe pas minuit : "
            "écrivez la suite sur le jour suivant, 00:00-02:00)"
        )
    return start, end


def parse_ranges(text: str, where: str) -> tuple[Range, ...]:
    """``"07:00-12:00, 14:00-22:00"`` -> ranges; ``""`` or ``"fermé"`` -> none (screen off that day)."""
    if text.strip().lower() in OFF_WORDS:
        return ()
    ranges = sorted(parse_range(part, where) for part in re.split(r"[,;]", text) if part.strip())
    for (_s1, e1), (s2, _e2) in zip(ranges, ranges[1:], strict=False):
        if s2 < e1:
            raise SettingsError(f"{where} : des plages se chevauchent")
    return tuple(ranges)


def format_ranges(ranges: tuple[Range, ...]) -> str:
    return ", ".join(f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in ranges)


def parse_exceptions(text: str) -> dict[dt.date, tuple[Range, ...]]:
    """One day a line: ``2026-12-25 fermé`` or ``2026-12-24 08:00-18:00`` (``:`` after the date allowed)."""
    days: dict[dt.date, tuple[Range, ...]] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        day_text, _, rest = line.strip().partition(" ")
        day_text = day_text.rstrip(":")
        try:
            day = dt.date.fromisoformat(day_text)
        except ValueError:
            raise SettingsError(
                f"jours exceptionnels, ligne {n} : « {day_text} » n'est pas une date (exemple : 2026-12-25 fermé)"
            ) from None
        days[day] = parse_ranges(rest.strip().lstrip(":"), f"jours exceptionnels, ligne {n}")
    if len(days) > MAX_EXCEPTIONS:
        raise SettingsError(f"jours exceptionnels : {MAX_EXCEPTIONS} jours au plus")
    return days


def format_exceptions(days: dict[dt.date, tuple[Range, ...]]) -> str:
    return "\n".join(f"{d.isoformat()} {format_ranges(r) or 'fermé'}" for d, r in sorted(days.items()))


@dataclass(frozen=True)
class ScreenSchedule:
    """When the screen is lit: weekly ranges, exceptional days, and a touch's wake time at night."""

    weekly: dict[str, tuple[Range, ...]]
    exceptions: dict[dt.date, tuple[Range, ...]] = field(default_factory=dict)
    wake_minutes: int = 5

    def ranges_on(self, day: dt.date) -> tuple[Range, ...]:
        if day in self.exceptions:
            return self.exceptions[day]
        return self.weekly.get(WEEKDAYS[day.weekday()], ())

    def is_on(self, at: dt.datetime) -> bool:
        """Whether the screen should be lit at ``at`` (a local time, in the town's zone)."""
        minute = at.hour * 60 + at.minute
        return any(start <= minute < end for start, end in self.ranges_on(at.date()))

    def next_change(self, at: dt.datetime, *, horizon_days: int = 8) -> dt.datetime | None:
        """The next minute when :meth:`is_on` changes (None when it never does within the horizon)."""
        now_on = self.is_on(at)
        base = at.replace(second=0, microsecond=0)
        for day_offset in range(horizon_days + 1):
            day = (base + dt.timedelta(days=day_offset)).date()
            edges = sorted({m for r in self.ranges_on(day) for m in r} | {0})
            for minute in edges:
                when = dt.datetime.combine(day, dt.time(), tzinfo=at.tzinfo) + dt.timedelta(minutes=minute)
                if when > base and self.is_on(when) != now_on:
                    return when
        return None

    def to_wire(self) -> dict:
        return {
            "weekly": {d: [format_ranges((r,)) for r in self.weekly.get(d, ())] for d in WEEKDAYS},
            "exceptions": {
                d.isoformat(): [format_ranges((r,)) for r in rs] for d, rs in sorted(self.exceptions.items())
            },
            "wake_minutes": self.wake_minutes,
        }

    @classmethod
    def from_wire(cls, data) -> ScreenSchedule:
        if not isinstance(data, dict) or not isinstance(data.get("weekly"), dict):
            raise SettingsError("settings.screen : objet {weekly, exceptions, wake_minutes} attendu")
        weekly = {d: _ranges_list(data["weekly"].get(d, []), f"settings.screen.weekly.{d}") for d in WEEKDAYS}
        exceptions = {}
        raw = data.get("exceptions") or {}
        if not isinstance(raw, dict) or len(raw) > MAX_EXCEPTIONS:
            raise SettingsError("settings.screen.exceptions : objet {date: plages} attendu")
        for day, ranges in raw.items():
            try:
                exceptions[dt.date.fromisoformat(str(day))] = _ranges_list(ranges, f"settings.screen.exceptions.{day}")
            except ValueError as exc:
                if isinstance(exc, SettingsError):
                    raise
                raise SettingsError(f"settings.screen.exceptions : « {day} » n'est pas une date") from None
        wake = data.get("wake_minutes", 5)
        if isinstance(wake, bool) or not isinstance(wake, int) or not 0 <= wake <= MAX_WAKE_MINUTES:
            raise SettingsError(f"settings.screen.wake_minutes : de 0 à {MAX_WAKE_MINUTES} minutes")
        return cls(weekly=weekly, exceptions=exceptions, wake_minutes=wake)


def _ranges_list(value, where: str) -> tuple[Range, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SettingsError(f"{where} : liste de plages attendue")
    return parse_ranges(", ".join(value), where)


@dataclass(frozen=True)
class KioskSettingsUpdate:
    """What the back office decided for one kiosk; ``None`` fields keep the kiosk's own configuration."""

    screen: ScreenSchedule | None = None
    idle_seconds: int | None = None
    languages: tuple[str, ...] | None = None
    pin: str | None = None

    def to_wire(self) -> dict:
        return {
            "screen": self.screen.to_wire() if self.screen else None,
            "idle_seconds": self.idle_seconds,
            "languages": list(self.languages) if self.languages else None,
            "pin": self.pin,
        }

    @classmethod
    def from_wire(cls, data) -> KioskSettingsUpdate:
        """Read the feed's ``settings``; unknown keys are ignored (the contract's rule)."""
        if not isinstance(data, dict):
            raise SettingsError("settings : objet JSON attendu")
        screen = ScreenSchedule.from_wire(data["screen"]) if data.get("screen") is not None else None
        idle = data.get("idle_seconds")
        if idle is not None and (isinstance(idle, bool) or not isinstance(idle, int) or not 10 <= idle <= 3600):
            raise SettingsError("settings.idle_seconds : de 10 à 3600 secondes")
        languages = data.get("languages")
        if languages is not None:
            languages = parse_languages(languages, "settings.languages")
        pin = data.get("pin")
        if pin is not None and (not isinstance(pin, str) or not PIN_RE.match(pin)):
            raise SettingsError("settings.pin : le code de maintenance a 4 à 8 chiffres")
        return cls(screen=screen, idle_seconds=idle, languages=languages, pin=pin)


def parse_languages(value, where: str = "langues") -> tuple[str, ...]:
    """Language codes among LANGUAGES, French always first (the town's language is always offered)."""
    codes = value.split(",") if isinstance(value, str) else value
    if not isinstance(codes, list | tuple) or not all(isinstance(c, str) for c in codes):
        raise SettingsError(f"{where} : liste de codes de langue attendue")
    clean = [c.strip() for c in codes if c.strip()]
    unknown = [c for c in clean if c not in LANGUAGES]
    if unknown:
        raise SettingsError(f"{where} : langue inconnue {', '.join(unknown)} (connues : {', '.join(LANGUAGES)})")
    return tuple(dict.fromkeys(["fr", *clean]))
