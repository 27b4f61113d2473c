"""Content for a reader of an older contract schema: the one place that knows what changed.

Kiosks are updated one by one, some only when someone visits them; the back office keeps serving
each the schema it speaks (the feed's ``schema`` parameter, a bundle's target). Every schema is a
subset of the next, so the newest content is brought down to an older schema by mapping what that
schema does not know onto what it does:

* schema 2 -> 1: the kinds ``food`` and ``stay`` become ``shop`` (where schema-1 kiosks listed
  restaurants, campsites and guest rooms); the categories added with schema 2 become their nearest
  schema-1 category (a crêperie a restaurant, a holiday rental a gîte); ``details`` is dropped.
"""

from __future__ import annotations

from typing import Any

from content.contract import OLDER_KIND, READABLE_SCHEMAS, SCHEMA_KINDS, SCHEMA_VERSION, ContentError

#: What each category added with schema 2 is called in schema 1.
OLDER_CATEGORY = {
    "regional-cuisine": "restaurant",
    "brasserie": "restaurant",
    "pizzeria": "restaurant",
    "creperie": "restaurant",
    "fine-dining": "restaurant",
    "snack": "cafe",
    "tea-room": "cafe",
    "holiday-rental": "gite",
    "hostel": "guesthouse",
    "motorhome-area": "campsite",
}
#: Entry fields a schema does not know (dropped for its readers).
NEWER_FIELDS = {1: ("details",)}


class SchemaRequestError(ContentError):
    """A reader asked for a schema this back office cannot serve."""


def wanted_schema(value: Any, *, where: str = "schema") -> int:
    """The schema a reader asked for: none said means schema 1 (kiosks from before the question)."""
    if value is None or value == "":
        return 1
    try:
        schema = int(str(value).strip())
    except ValueError:
        schema = None
    if schema not in READABLE_SCHEMAS:
        raise SchemaRequestError(
            f"{where}={value!r}: this back office serves schema {', '.join(map(str, READABLE_SCHEMAS))}"
        )
    return schema


def entry_for_schema(data: dict, schema: int) -> dict:
    """The wire form of an entry (as :func:`content.model.dump` writes it) for a reader of ``schema``."""
    if schema >= SCHEMA_VERSION:
        return data
    out = {k: v for k, v in data.items() if k not in NEWER_FIELDS.get(schema, ())}
    if out.get("kind") not in SCHEMA_KINDS[schema]:
        out["kind"] = OLDER_KIND[out["kind"]]
    if any(c in OLDER_CATEGORY for c in out.get("categories", ())):
        out["categories"] = list(dict.fromkeys(OLDER_CATEGORY.get(c, c) for c in out["categories"]))
    return out


def notices_for_schema(notices, schema: int) -> list:
    """The official notices a bundle for ``schema`` carries: none below 2, whose readers refuse a bundle
    member they do not know (``notices.jsonl`` came with schema 2; the feed's key is simply ignored)."""
    return list(notices) if schema >= 2 else []


def page_for_schema(page: dict, schema: int) -> dict:
    """A feed page (``{schema, entries, …}``) for a reader of ``schema``."""
    if schema >= SCHEMA_VERSION:
        return page
    return {**page, "schema": schema, "entries": [entry_for_schema(e, schema) for e in page.get("entries", ())]}
