"""The contract's constants and base error, importable without the pydantic models.

A reader (the kiosk, the usage counters) needs these but none of the validation machinery; the
models in :mod:`content.model` are built on them.
"""

from __future__ import annotations

import re

#: Version of the entry/alert/bundle/feed contract. Bump on an incompatible change (see README,
#: "The contract's versions"): 2 added the kinds ``food`` and ``stay`` and the entries' ``details``.
SCHEMA_VERSION = 2
#: The versions this software reads: every older schema is a subset of the newest one.
READABLE_SCHEMAS = (1, 2)

KINDS = ("place", "heritage", "event", "shop", "service", "food", "stay")
#: The kinds each schema knows; what a newer kind becomes for a reader of an older schema.
SCHEMA_KINDS = {1: ("place", "heritage", "event", "shop", "service"), 2: KINDS}
OLDER_KIND = {"food": "shop", "stay": "shop"}

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
