"""The contract's constants and base error, importable without the pydantic models.

A reader (the kiosk, the usage counters) needs these but none of the validation machinery; the
models in :mod:`content.model` are built on them.
"""

from __future__ import annotations

import re

#: Version of the entry/alert/bundle/feed contract. Bump on an incompatible change.
SCHEMA_VERSION = 1

KINDS = ("place", "heritage", "event", "shop", "service")

#: The languages the kiosk's interface speaks; content may carry others, which are kept.
UI_LANGUAGES = ("fr", "en", "de", "es", "it", "nl")

ID_RE = re.compile(r"^[a-z][a-z0-9_-]*:[A-Za-z0-9._:/@+-]{1,200}$")
LANG_RE = re.compile(r"^[a-z]{2,3}$")
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
INSEE_RE = re.compile(r"^(\d[0-9AB]\d{3})$")


class ContentError(ValueError):
    """Content that does not follow the contract."""


def public_page(public_url: str, lang: str) -> str:
    """The address of an entry's public page in ``lang``: its ``public_url`` followed by ``/<lang>``.

    ``public_url`` (optional on entries) is the page without a language, e.g. ``https://borne.mairie.fr/p/42``;
    the back office answers ``…/p/42/en`` in English. A language outside the interface's falls back to French.
    """
    if not public_url:
        return ""
    return f"{public_url.rstrip('/')}/{lang if lang in UI_LANGUAGES else 'fr'}"
