"""Every sentence the staff admin of entries and alerts can show has a French translation that keeps
its placeholders, so nothing reaches a town employee in English or with a broken ``%(name)s``."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "backoffice" / "catalog"
PO = ROOT / "backoffice" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MODULES = ["admin.py", "forms.py", "hours.py", "models.py", "refusals.py", "states.py", "wire.py"]
KEYWORDS = {"_": None, "gettext": None, "gettext_lazy": None, "pgettext_lazy": ((1, "c"), 2), "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%\((\w+)\)\.\d+f")


def _messages():
    for module in MODULES:
        for lineno, message, _comments, context in extract_from_file("python", CATALOG / module, keywords=KEYWORDS):
            yield pytest.param(message, context, id=f"{module}:{lineno}")
    for template in sorted((CATALOG / "templates").rglob("*.html")):
        for found in re.finditer(r'{% translate "([^"]+)" %}', template.read_text()):
            yield pytest.param(found.group(1), None, id=f"{template.name}:{found.group(1)}")


@pytest.fixture(scope="module")
def french():
    with open(PO, "rb") as fh:
        return read_po(fh, locale="fr")


@pytest.mark.parametrize(("msgid", "context"), list(_messages()))
def test_each_admin_message_has_a_french_translation_with_the_same_placeholders(french, msgid, context):
    entry = french.get(msgid, context=context)

    assert entry is not None and all(entry.string), f"no French for {msgid!r}"
    sources = msgid if isinstance(msgid, tuple) else (msgid,)
    translations = entry.string if isinstance(entry.string, tuple) else (entry.string,)
    expected = sorted(PLACEHOLDER.findall(sources[-1]))
    assert all(sorted(PLACEHOLDER.findall(t)) == expected for t in translations)
