"""The period the council looks at: a month, a quarter, a year or any range of days, in French.

``Period`` is a range of local days (``first`` included, ``end`` excluded) with its kind, so that the
previous period is the same kind (the previous month, quarter, year, or the range of the same length
just before). ``from_query`` reads the dashboard's form and says in French what is wrong with it.

A period that is not over yet is compared like with like (``Comparison``): its complete days so far
against the same number of first days of the previous period, and the sentence says so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from babel.dates import format_date

MONTH = "mois"
QUARTER = "trimestre"
YEAR = "annee"
RANGE = "plage"
KINDS = {MONTH: "Mois", QUARTER: "Trimestre", YEAR: "Année", RANGE: "Du … au …"}
FIRST_YEAR, LAST_YEAR = 2000, 2099
MAX_RANGE_DAYS = 3 * 366
LOCALE = "fr_FR"


def _fr(day: dt.date, pattern: str) -> str:
    return format_date(day, pattern, locale=LOCALE)


def _of(name: str) -> str:
    """``de mars``, ``d'octobre``: French elision before a vowel."""
    return f"d'{name}" if name[:1].lower() in "aeiouyéh" else f"de {name}"


@dataclass(frozen=True)
class Period:
    kind: str
    first: dt.date
    end: dt.date  # excluded

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = dt.date(year, month, 1)
        return cls(MONTH, first, _add_months(first, 1))

    @classmethod
    def quarter(cls, year: int, number: int) -> Period:
        first = dt.date(year, 3 * (number - 1) + 1, 1)
        return cls(QUARTER, first, _add_months(first, 3))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(YEAR, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))

    @classmethod
    def span(cls, first: dt.date, last: dt.date) -> Period:
        return cls(RANGE, first, last + dt.timedelta(days=1))

    @classmethod
    def containing(cls, kind: str, day: dt.date) -> Period:
        if kind == QUARTER:
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        if kind == YEAR:
            return cls.year(day.year)
        return cls.month(day.year, day.month)

    @property
    def last(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def length(self) -> int:
        return (self.end - self.first).days

    @property
    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n) for n in range(self.length)]

    @property
    def previous(self) -> Period:
        if self.kind == RANGE:
            return Period(RANGE, self.first - dt.timedelta(days=self.length), self.first)
        step = {MONTH: 1, QUARTER: 3, YEAR: 12}[self.kind]
        return Period(self.kind, _add_months(self.first, -step), self.first)

    @property
    def next(self) -> Period:
        if self.kind == RANGE:
            return Period(RANGE, self.end, self.end + dt.timedelta(days=self.length))
        step = {MONTH: 1, QUARTER: 3, YEAR: 12}[self.kind]
        return Period(self.kind, self.end, _add_months(self.end, step))

    @property
    def label(self) -> str:
        """``Octobre 2026``, ``4e trimestre 2026``, ``Année 2026``, ``Du 3 au 12 novembre 2026``."""
        return self.name[:1].upper() + self.name[1:]

    @property
    def name(self) -> str:
        """The label inside a sentence: ``octobre 2026``, ``le 4e trimestre 2026``…"""
        if self.kind == MONTH:
            return _fr(self.first, "MMMM y")
        if self.kind == QUARTER:
            number = (self.first.month - 1) // 3 + 1
            return f"{number}{'er' if number == 1 else 'e'} trimestre {self.first.year}"
        if self.kind == YEAR:
            return f"année {self.first.year}"
        return range_words(self.first, self.last)

    @property
    def short(self) -> str:
        """For file names: ``2026-10``, ``2026-T4``, ``2026``, ``2026-11-03_2026-11-12``."""
        if self.kind == MONTH:
            return f"{self.first:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.first.year}-T{(self.first.month - 1) // 3 + 1}"
        if self.kind == YEAR:
            return str(self.first.year)
        return f"{self.first.isoformat()}_{self.last.isoformat()}"

    def query(self) -> str:
        """The dashboard's query string that shows this period."""
        if self.kind == MONTH:
            return f"periode=mois&mois={self.first:%Y-%m}"
        if self.kind == QUARTER:
            return f"periode=trimestre&trimestre={self.short}"
        if self.kind == YEAR:
            return f"periode=annee&annee={self.first.year}"
        return f"periode=plage&du={self.first.isoformat()}&au={self.last.isoformat()}"

    def first_days_words(self, n: int) -> str:
        """``les 12 premiers jours de novembre 2026`` (``le 1er jour…`` for one)."""
        head = "le 1er jour" if n == 1 else f"les {n} premiers jours"
        if self.kind == MONTH:
            return f"{head} {_of(_fr(self.first, 'MMMM y'))}"
        if self.kind == QUARTER:
            return f"{head} du {self.name}"
        if self.kind == YEAR:
            return f"{head} de {self.first.year}"
        return f"{head} de la période du {range_words(self.first, self.last)}"


def range_words(first: dt.date, last: dt.date) -> str:
    """``du 3 au 12 novembre 2026``, ``du 28 octobre au 3 novembre 2026``, ``du 1 décembre 2025 au …``."""
    if first == last:
        return f"le {_fr(first, 'd MMMM y')}"
    if first.year != last.year:
        start = _fr(first, "d MMMM y")
    elif first.month != last.month:
        start = _fr(first, "d MMMM")
    else:
        start = _fr(first, "d")
    return f"du {start} au {_fr(last, 'd MMMM y')}"


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Comparison:
    """The figures to compare: ``days`` first days of the period against as many of the previous one."""

    days: int  # days of the period counted (all of them when it is over)
    current: tuple[dt.date, dt.date]  # range of local days (end excluded)
    previous: tuple[dt.date, dt.date]
    words: str  # "par rapport à octobre 2026", "par rapport aux 12 premiers jours de novembre 2026"
    partial: bool


def comparison(period: Period, today: dt.date) -> Comparison | None:
    """What the period's trend compares, or None when nothing comparable exists yet."""
    before = period.previous
    if period.end <= today:  # over: the whole period against the whole previous one
        article = "à " + ("l'" + before.name if before.kind == YEAR else before.name)
        if before.kind == QUARTER:
            article = "au " + before.name
        if before.kind == RANGE:
            article = f"aux {before.length} jours précédents ({before.name})"
        return Comparison(
            period.length, (period.first, period.end), (before.first, before.end), f"par rapport {article}", False
        )
    complete = (today - period.first).days  # today is not over: compare complete days only
    if complete <= 0:
        return None
    n = min(complete, before.length)
    words = f"sur {'le 1er jour' if n == 1 else f'les {n} premiers jours'} (aujourd'hui exclu), "
    words += f"par rapport {_to(before.first_days_words(n))}"
    return Comparison(
        n,
        (period.first, period.first + dt.timedelta(days=n)),
        (before.first, before.first + dt.timedelta(days=n)),
        words,
        True,
    )


def _to(words: str) -> str:
    """``à`` + ``le …`` / ``les …`` contracted: ``au …``, ``aux …``."""
    if words.startswith("les "):
        return "aux " + words[4:]
    if words.startswith("le "):
        return "au " + words[3:]
    return "à " + words


# --- the dashboard's form ----------------------------------------------------------------------------

DATE_FR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _date(value: str, label: str, errors: list[str]) -> dt.date | None:
    text = (value or "").strip()
    if not text:
        errors.append(f"{label} : indiquez une date (jj/mm/aaaa).")
        return None
    iso, fr = DATE_ISO.fullmatch(text), DATE_FR.fullmatch(text)
    try:
        if iso:
            day = dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        elif fr:
            day = dt.date(int(fr[3]), int(fr[2]), int(fr[1]))
        else:
            raise ValueError
    except ValueError:
        errors.append(f"{label} : « {text[:30]} » n'est pas une date (jj/mm/aaaa).")
        return None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors.append(f"{label} : choisissez une date entre {FIRST_YEAR} et {LAST_YEAR}.")
        return None
    return day


def from_query(params, today: dt.date) -> tuple[Period, list[str]]:
    """The period the form asks for, and the French errors that made it fall back to the current month.

    ``periode``: mois (``mois=AAAA-MM``), trimestre (``trimestre=AAAA-Tn``), annee (``annee=AAAA``) or
    plage (``du``, ``au``: dates). Without ``periode``, a ``mois`` alone still works (older links)."""
    kind = params.get("periode") or MONTH
    errors: list[str] = []
    period = None
    if kind == MONTH:
        value = (params.get("mois") or "").strip()
        match = re.fullmatch(r"(\d{4})-(\d{2})", value)
        if not value:
            period = Period.containing(MONTH, today)
        elif match and FIRST_YEAR <= int(match[1]) <= LAST_YEAR and 1 <= int(match[2]) <= 12:
            period = Period.month(int(match[1]), int(match[2]))
        else:
            errors.append(f"Mois : « {value[:30]} » n'est pas un mois (aaaa-mm, par exemple 2026-10).")
    elif kind == QUARTER:
        value = (params.get("trimestre") or "").strip()
        match = re.fullmatch(r"(\d{4})-T([1-4])", value, flags=re.IGNORECASE)
        if not value:
            period = Period.containing(QUARTER, today)
        elif match and FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
            period = Period.quarter(int(match[1]), int(match[2]))
        else:
            errors.append(f"Trimestre : « {value[:30]} » n'est pas un trimestre (par exemple 2026-T4).")
    elif kind == YEAR:
        value = (params.get("annee") or "").strip()
        if not value:
            period = Period.containing(YEAR, today)
        elif re.fullmatch(r"\d{4}", value) and FIRST_YEAR <= int(value) <= LAST_YEAR:
            period = Period.year(int(value))
        else:
            errors.append(f"Année : « {value[:30]} » n'est pas une année entre {FIRST_YEAR} et {LAST_YEAR}.")
    elif kind == RANGE:
        first = _date(params.get("du", ""), "Date de début", errors)
        last = _date(params.get("au", ""), "Date de fin", errors)
        if first and last:
            if last < first:
                errors.append(
                    f"La date de fin ({_fr(last, 'd MMMM y')}) est avant la date de début ({_fr(first, 'd MMMM y')})."
                )
            elif (last - first).days + 1 > MAX_RANGE_DAYS:
                errors.append(f"Période trop longue : {MAX_RANGE_DAYS} jours au plus (trois ans).")
            else:
                period = Period.span(first, last)
    else:
        errors.append(f"Période : « {kind[:30]} » n'est pas un choix possible (mois, trimestre, année ou plage).")
    if period is None:
        period = Period.containing(MONTH, today)
    return period, errors
