"""Plain text, and keeping it plain all the way to the screen.

Where it is enforced: validation (``check_plain``) refuses HTML tags, Kivy markup tags and control
characters in every text field, so nothing stored in the cache can be read as markup. Importers turn
HTML and Markdown into plain text before validation (``html_to_text``). And the kiosk, wherever a
label has markup switched on for its own styling, passes content through ``escape_markup``: defence
in depth, so that even a text that slipped past validation shows as the characters it holds.
"""

from __future__ import annotations

import re
import unicodedata

#: What a browser's HTML tokenizer reads as markup: ``<`` followed by a letter (a tag, however it
#: goes on: ``<svg/onload=…>``, ``<img/src=x onerror=…>``, an unclosed ``<b``), ``</`` (an end tag),
#: ``<!`` (a comment or doctype) or ``<?``; and character references, named, decimal or hexadecimal.
#: ``a < b``, ``<3`` and ``<= 5`` stay plain text.
HTML_TAG_RE = re.compile(r"<[a-zA-Z/!?][^<>\n]{0,60}>?|&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});")
KIVY_TAG_RE = re.compile(
    r"\[/?(?:b|i|u|s|sub|sup|size|color|ref|anchor|font|font_context|font_family|"
    r"font_features|text_language)(?:=[^\]]*)?\]",
    re.IGNORECASE,
)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")

MAX_TEXT = 20_000


class MarkupError(ValueError):
    """A text meant to be plain holds markup or control characters."""


def check_plain(value: str) -> str:
    """Return ``value`` normalised (NFC, ``\\n`` line ends, trimmed), or raise MarkupError."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if len(value) > MAX_TEXT:
        raise MarkupError(f"text is {len(value)} characters long, more than {MAX_TEXT}")
    if m := HTML_TAG_RE.search(value):
        raise MarkupError(f"HTML is not allowed in plain text: {m.group(0)!r}")
    if m := KIVY_TAG_RE.search(value):
        raise MarkupError(f"markup is not allowed in plain text: {m.group(0)!r}")
    if m := CONTROL_RE.search(value.replace("\t", " ")):
        raise MarkupError(f"control character U+{ord(m.group(0)):04X} is not allowed in text")
    return value


def escape_markup(value: str) -> str:
    """Escape text for a Kivy label that has ``markup: True`` (``&``, ``[`` and ``]``)."""
    return value.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")


_BLOCK_RE = re.compile(r"</?(?:p|div|br|ul|ol|h[1-6]|tr|table|blockquote|section|article)\b[^>]*>", re.I)
_ANY_TAG_RE = re.compile(r"<[^>]*>")
_TAG_START_RE = re.compile(r"<[a-zA-Z/!?]")
_REFERENCE_RE = re.compile(r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});")
_MD_RE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),  # images: keep the alt text
    (re.compile(r"\[([^\]]+)\]\(([^)]*)\)"), r"\1 (\2)"),  # links: text (address)
    (re.compile(r"^\s{0,3}#{1,6}\s*", re.M), ""),  # headings
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])[*_](\S.*?\S|\S)[*_](?![\w*])"), r"\1"),  # italics
    (re.compile(r"^\s*[-*+]\s+", re.M), "• "),  # bullets
    (re.compile(r"`([^`]*)`"), r"\1"),
]


def html_to_text(value: str) -> str:
    """Turn HTML or Markdown into plain text with paragraphs split by a blank line."""
    import html  # its table of entities is loaded by the importers, not by the kiosk's start

    s = value.replace("\r\n", "\n")
    s = re.sub(r"<br\s*/?>", "\n", s, flags=re.I)
    s = re.sub(r"<li\b[^>]*>", "\n• ", s, flags=re.I)
    s = re.sub(r"</li\s*>", "", s, flags=re.I)
    s = _BLOCK_RE.sub("\n\n", s)
    s = _ANY_TAG_RE.sub("", s)
    for _ in range(3):  # feeds escape twice ("&amp;eacute;"): unescape until nothing changes
        s, before = html.unescape(s), s
        if s == before:
            break
    s = _ANY_TAG_RE.sub("", s)  # tags that were written escaped ("&lt;b&gt;") are tags too
    s = _TAG_START_RE.sub(lambda m: "< " + m.group(0)[1:], s)  # an unclosed "<svg …" stays text, not a tag
    s = _REFERENCE_RE.sub(lambda m: "& " + m.group(0)[1:], s)  # a reference left over is text, not a code
    for pattern, repl in _MD_RE:
        s = pattern.sub(repl, s)
    s = KIVY_TAG_RE.sub("", s)
    s = CONTROL_RE.sub("", s.replace("\t", " "))
    s = re.sub(r"[ \u00a0]+", " ", s)
    s = re.sub(r" *\n *", "\n", s)
    s = re.sub(r"\n{3,}", "\n\n", s)
    return unicodedata.normalize("NFC", s).strip()


def fold(value: str) -> str:
    """Lower-case without accents, for matching what a visitor types ("cath" finds "Cathédrale")."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
