"""French number formats for the council's pages (through Babel, as everywhere in Borne)."""

from __future__ import annotations

from babel.numbers import format_decimal, format_percent


def fr_int(value: int | float) -> str:
    return format_decimal(round(value), locale="fr_FR")


def fr_percent(value: float, *, signed: bool = False) -> str:
    text = format_percent(value, locale="fr_FR", format="#,##0 %")
    return f"+{text}" if signed and value > 0 else text
