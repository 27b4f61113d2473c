"""Validation of entries and alerts coming from outside: errors name the entry id and the field."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from content.contract import READABLE_SCHEMAS, SCHEMA_VERSION, ContentError
from content.model import Alert, Entry

__all__ = ["ContentError", "EntryError", "SchemaVersionError", "check_schema", "parse_alert", "parse_entry"]


class SchemaVersionError(ContentError):
    """Content written for a schema version this software does not know."""

    def __init__(self, found: Any, where: str = ""):
        self.found = found
        place = f" in {where}" if where else ""
        super().__init__(
            f"content schema version {found!r}{place} is not supported: this kiosk reads schema "
            f"{' and '.join(map(str, READABLE_SCHEMAS))}; update the kiosk software or export the content "
            f"for schema {SCHEMA_VERSION}"
        )


class EntryError(ContentError):
    """One entry or alert is invalid. ``problems`` lists ``(field, message)`` pairs."""

    def __init__(self, record_id: str, problems: list[tuple[str, str]], what: str = "entry"):
        self.record_id = record_id
        self.problems = problems
        detail = "; ".join(f"{field}: {message}" if field else message for field, message in problems)
        super().__init__(f"{what} {record_id}: {detail}")

    @property
    def fields(self) -> list[str]:
        return [field for field, _ in self.problems]


def check_schema(version: Any, where: str = "") -> None:
    if version not in READABLE_SCHEMAS or isinstance(version, bool):
        raise SchemaVersionError(version, where)


def _problems(exc: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for err in exc.errors():
        field = ".".join(str(part) for part in err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            message = "is required"
        problems.append((field, message))
    return problems


def _record_id(data: Any, index: int | None) -> str:
    if isinstance(data, dict) and isinstance(data.get("id"), str) and data["id"]:
        return data["id"]
    return f"#{index}" if index is not None else "(without id)"


def parse_entry(data: Any, index: int | None = None) -> Entry:
    """Validate one entry dict; raise EntryError naming its id (or position) and fields."""
    if not isinstance(data, dict):
        raise EntryError(_record_id(data, index), [("", f"expected an object, got {type(data).__name__}")])
    try:
        return Entry.model_validate(data)
    except ValidationError as exc:
        raise EntryError(_record_id(data, index), _problems(exc)) from None


def parse_alert(data: Any, index: int | None = None) -> Alert:
    if not isinstance(data, dict):
        raise EntryError(_record_id(data, index), [("", f"expected an object, got {type(data).__name__}")], "alert")
    try:
        return Alert.model_validate(data)
    except ValidationError as exc:
        raise EntryError(_record_id(data, index), _problems(exc), "alert") from None
