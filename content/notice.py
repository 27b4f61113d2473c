"""Official notices of the mairie: the ``notice`` record of the contract.

A notice is an act or an avis the town posts (a council deliberation, a by-law, marriage banns ...):
its signed PDF is kept by the back office, unchanged, under its SHA-256; the kiosk gets one image per
page (media by hash, fetched by the sync like any image) and the text of each page for its search.
A notice is never edited after publication: it is withdrawn (a tombstone in the feed) or replaced by
a new one whose ``replaces`` names it.

Feed: ``notices`` and ``deleted_notices`` beside ``entries``; bundle: ``notices.jsonl``. A kiosk that
does not know notices ignores both (unknown top-level keys and members of a known schema).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from content.contract import ID_RE, INSEE_RE, SHA256_RE
from content.model import AwareDatetime, Media, PlainStr, WebAddress, _Model
from content.notice_store import NOTICE_KINDS
from content.text import CONTROL_RE, KIVY_TAG_RE, check_plain
from content.validation import EntryError, _problems, _record_id

__all__ = ["DEFAULT_DAYS", "NOTICE_KINDS", "Notice", "NoticePdf", "parse_notice", "plain_page_text"]

NoticeKind = Literal[
    "deliberation", "arrete", "proces_verbal", "liste_deliberations", "bans", "enquete_publique", "avis"
]
#: Acts of the council and the mayor stay published two months at least (CGCT L. 2131-1); banns ten days.
DEFAULT_DAYS = {
    "deliberation": 62,
    "arrete": 62,
    "proces_verbal": 62,
    "liste_deliberations": 62,
    "bans": 10,
    "enquete_publique": 31,
    "avis": 31,
}
MAX_PAGES = 299
#: Characters of extracted text kept per page (a dense A4 page holds about 5,000).
MAX_PAGE_TEXT = 20_000

_TAG_START_RE = re.compile(r"<(?=[a-zA-Z/!?])")
_CONTINUED_RE = re.compile(r"(?<=[^\n.:;!?])\n(?=[a-zàâäçéèêëîïôöùûüÿœæ0-9(«])")
_REFERENCE_RE = re.compile(r"&(?=[a-zA-Z][a-zA-Z0-9]{1,31};|#\d{1,7};|#[xX][0-9a-fA-F]{1,6};)")


def plain_page_text(raw: str) -> str:
    """Text extracted from a PDF page made safe for the contract's plain-text rule.

    A PDF may say anything (``<b>``, ``[color]``, control characters): they are kept readable as text
    (``< b>``, ``& amp;``) and control characters removed; long pages are cut at :data:`MAX_PAGE_TEXT`.
    """
    s = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    s = CONTROL_RE.sub(" ", s.replace("\t", " ").replace("\x0c", "\n"))
    s = _TAG_START_RE.sub("< ", s)
    s = _REFERENCE_RE.sub("& ", s)
    s = KIVY_TAG_RE.sub(lambda m: m.group(0).replace("[", "( ").replace("]", " )"), s)
    s = re.sub(r"[ \u00a0]+", " ", s)
    s = re.sub(r" *\n *", "\n", s)
    # A PDF breaks its lines where its column ends: a line that goes on (no end punctuation, the next
    # starting in lower case or with a number) is one sentence, so large print can reflow it.
    s = _CONTINUED_RE.sub(" ", s)
    s = re.sub(r"\n{3,}", "\n\n", s).strip()
    return s[:MAX_PAGE_TEXT]


class NoticePdf(_Model):
    sha256: str = Field(pattern=SHA256_RE.pattern)
    bytes: int = Field(gt=0, le=200 * 1024 * 1024)
    #: The PDF on the public register (for the QR code): empty when the back office has no public address.
    url: WebAddress = ""


class Notice(_Model):
    id: str = Field(pattern=ID_RE.pattern)
    kind: NoticeKind
    commune: str = ""
    title: PlainStr
    number: PlainStr = ""
    act_date: dt.date | None = None
    published_at: AwareDatetime
    until: AwareDatetime | None = None
    pdf: NoticePdf
    pages: list[Media] = Field(min_length=1, max_length=MAX_PAGES)
    #: Text of each page (same order as ``pages``), plain.
    text: list[str] = Field(default_factory=list, max_length=MAX_PAGES)
    #: The id of the notice this one replaces (empty when none).
    replaces: str = ""
    #: The register page on the town's public site.
    public_url: WebAddress = ""
    updated_at: AwareDatetime

    @field_validator("title")
    @classmethod
    def _title(cls, v: str) -> str:
        if not v:
            raise ValueError("a title is required")
        return v

    @field_validator("commune")
    @classmethod
    def _insee(cls, v: str) -> str:
        if v and not INSEE_RE.match(v):
            raise ValueError(f"{v!r} is not an INSEE commune code (five characters, e.g. 15187)")
        return v

    @field_validator("text")
    @classmethod
    def _plain_pages(cls, v: list[str]) -> list[str]:
        out = []
        for i, page in enumerate(v):
            if len(page) > MAX_PAGE_TEXT:
                raise ValueError(f"page {i + 1}: text is {len(page)} characters long, more than {MAX_PAGE_TEXT}")
            try:
                out.append(check_plain(page) if page else "")
            except ValueError as exc:
                raise ValueError(f"page {i + 1}: {exc}") from None
        return out

    @field_validator("replaces")
    @classmethod
    def _replaces(cls, v: str) -> str:
        if v and not ID_RE.match(v):
            raise ValueError(f"{v!r} is not a notice id")
        return v

    @model_validator(mode="after")
    def _coherent(self):
        if self.until is not None and self.until < self.published_at:
            raise ValueError("until is before published_at")
        if self.text and len(self.text) != len(self.pages):
            raise ValueError(f"text has {len(self.text)} pages, the notice {len(self.pages)}")
        if self.replaces == self.id:
            raise ValueError("a notice cannot replace itself")
        return self

    def in_force(self, now: dt.datetime) -> bool:
        return self.published_at <= now and (self.until is None or now < self.until)


def parse_notice(data: Any, index: int | None = None) -> Notice:
    """Validate one notice dict; raise EntryError naming its id (or position) and fields."""
    if not isinstance(data, dict):
        raise EntryError(_record_id(data, index), [("", f"expected an object, got {type(data).__name__}")], "notice")
    try:
        return Notice.model_validate(data)
    except ValidationError as exc:
        raise EntryError(_record_id(data, index), _problems(exc), "notice") from None
