"""Borne's outbound HTTP: one fetcher with a total deadline, a byte cap after decompression and,
for addresses that came from outside, an address filter (see :mod:`outbound.fetch` and
:mod:`outbound.addresses`). Used by the back office's importers and by the kiosk's sync; it imports
neither Django nor Kivy."""

from outbound.addresses import AddressPolicy, AddressRefused, is_public
from outbound.fetch import Body, Fetcher, FetchError, loads_json

__all__ = ["AddressPolicy", "AddressRefused", "Body", "FetchError", "Fetcher", "is_public", "loads_json"]
