"""What a kiosk sends, read strictly: one parsing rule per kind of value, every value range-checked.

Anything a kiosk (or someone holding its token) sends is refused with ``WireError`` and a short
French message naming the field: never a server error. The rules:

- numbers in the query string: ASCII digits only (``str.isdigit`` also accepts ``²`` and other
  Unicode digits that ``int`` refuses), at most 18 of them (a 64-bit database column);
- JSON: ``NaN``, ``Infinity`` and floats that overflow to infinity are refused by the field that
  holds them (never stored); no integer longer than 100 digits; no nesting deep enough to exhaust
  the parser's stack;
- integers: an ``int`` (not a float, a boolean or a string) inside the field's range;
- dates: ISO 8601 with a UTC offset, between 2000 and 2100 once converted to UTC (year 1 with
  ``+14:00`` overflows on conversion);
- text: a string of bounded length without a NUL byte (PostgreSQL cannot store one); short codes
  carry no control character at all.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re

ASCII_DIGITS = re.compile(r"[0-9]{1,18}")
#: Longer integers are refused while parsing; shorter ones by the range of the field that holds them.
MAX_JSON_INT_DIGITS = 100
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class WireError(ValueError):
    """A value a kiosk sent that the back office does not accept; the message says which and why."""


def query_uint(value: str | None, name: str, *, default: int, low: int = 0, high: int = 10**18 - 1) -> int:
    """A whole number from the query string (``since``, ``limit``): ASCII digits, ``low`` to ``high``."""
    if value is None or value.strip() == "":
        return default
    text = value.strip()
    if not ASCII_DIGITS.fullmatch(text) or not low <= int(text) <= high:
        shown = text if len(text) <= 30 else text[:30] + "…"
        raise WireError(f"{name}={shown!r} : nombre entier attendu, de {low} à {high}, en chiffres 0-9")
    return int(text)


class NotANumber:
    """``NaN``, ``Infinity`` or a float too large, kept as read so that the field that holds it is the
    one refused (with its name), and never stored: every field check refuses it."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _finite_float(text: str) -> float | NotANumber:
    value = float(text)
    return value if math.isfinite(value) else NotANumber(text)


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_JSON_INT_DIGITS:
        raise WireError(f"JSON : un entier de {len(text)} chiffres est trop grand")
    return int(text)


def load_json(body: bytes, what: str) -> object:
    """``body`` decoded as JSON, or WireError saying why (``what`` names the document in the message)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WireError(f"{what} : pas de l'UTF-8 (octet {exc.start})") from None
    try:
        return json.loads(text or "{}", parse_constant=NotANumber, parse_float=_finite_float, parse_int=_bounded_int)
    except RecursionError:
        raise WireError(f"{what} : JSON imbriqué trop profondément") from None
    except WireError as exc:
        raise WireError(f"{what} : {exc}") from None
    except json.JSONDecodeError as exc:
        raise WireError(f"{what} : pas du JSON valide (ligne {exc.lineno}, colonne {exc.colno})") from None
    except ValueError:  # an integer Python will not read (more digits than int() accepts)
        raise WireError(f"{what} : JSON illisible (nombre trop long)") from None


def integer(value, field: str, *, low: int = 0, high: int) -> int | None:
    """An int from ``low`` to ``high``; ``None`` when absent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise WireError(f"{field} : nombre entier de {low} à {high} attendu, reçu {_shown(value)}")
    return value


def boolean(value, field: str) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise WireError(f"{field} : true ou false attendu, reçu {_shown(value)}")
    return value


def text(value, field: str, max_len: int, *, code: bool = True) -> str:
    """A string of at most ``max_len`` characters (``""`` when absent); ``code``: no control character."""
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > max_len:
        raise WireError(f"{field} : texte de {max_len} caractères au plus attendu, reçu {_shown(value)}")
    if "\x00" in value or (code and CONTROL.search(value)):
        raise WireError(f"{field} : caractère de contrôle interdit dans le texte")
    return value


def moment(value, field: str) -> dt.datetime | None:
    """An ISO 8601 date and time with its UTC offset, from 2000 to 2100; ``None`` when absent."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise WireError(f"{field} : date ISO 8601 attendue, reçu {_shown(value)}")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise WireError(f"{field} : {_shown(value)} n'est pas une date et heure ISO 8601") from None
    if parsed.tzinfo is None:
        raise WireError(f"{field} : {_shown(value)} n'a pas de décalage horaire (+01:00, Z…)")
    try:
        utc = parsed.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        utc = None
    if utc is None or not EARLIEST <= utc < LATEST:
        raise WireError(f"{field} : {_shown(value)} est hors des années 2000 à 2099")
    return utc


def obj(value, field: str) -> dict:
    """A JSON object (``{}`` when absent)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise WireError(f"{field} : objet JSON {{…}} attendu, reçu {_shown(value)}")
    return value


def _shown(value) -> str:
    """A value as the message shows it: its type for containers, at most 40 characters otherwise."""
    if isinstance(value, dict):
        return "un objet"
    if isinstance(value, list):
        return "une liste"
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:40] + "…"
