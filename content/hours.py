"""PLACEHOLDER being completed: OSM opening hours."""
from opening_hours import OpeningHours, ParserError


def check_opening_hours(value: str) -> str:
    try:
        OpeningHours(value)
    except (ParserError, SyntaxError) as exc:
        raise ValueError(f"{value!r} is not valid OSM opening_hours: {exc}") from None
    return value
