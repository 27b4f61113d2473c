"""Every page a French user sees in the back office is in French, forms and their errors included.

The test logs in as staff (a superuser: every admin page) and as a shopkeeper, renders every admin
and portal page (index, change lists, add and change forms, history and delete pages, the fleet
pages, the usage dashboard and its report, the open-data page, the portal's pages), submits each
form empty and with bad input, and reads what a person sees: text nodes and the attributes a browser
shows (title, placeholder, alt, aria-label, button labels). Content typed by people (form values,
text areas), code samples and scripts are not read.

English is found three ways, each with few false positives on French text:

1. a whole text equal to an English msgid of the back office's or Django's catalogues, whose French
   translation differs (``Save``, ``Details``);
2. a text containing a run of three words or more of such a msgid (``This field is required``);
3. a text holding two different words of a short list that French never uses (``the``, ``must``…).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from babel.messages.pofile import read_po
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
DJANGO = Path(django.__file__).parent
CATALOGUES = [
    ROOT / "backoffice/locale/fr/LC_MESSAGES/django.po",
    DJANGO / "conf/locale/fr/LC_MESSAGES/django.po",
    DJANGO / "contrib/admin/locale/fr/LC_MESSAGES/django.po",
    DJANGO / "contrib/auth/locale/fr/LC_MESSAGES/django.po",
    DJANGO / "contrib/contenttypes/locale/fr/LC_MESSAGES/django.po",
]
ENGLISH_WORDS = {
    "the", "is", "are", "must", "please", "your", "should", "cannot", "this", "these", "with", "enter",
    "required", "invalid", "select", "successfully", "was", "were", "has", "have", "been", "which", "and",
    "of", "to", "for", "not", "you", "no", "yes", "added", "changed", "deleted", "field",
}  # fmt: skip
SKIPPED_TAGS = {"script", "style", "textarea", "code", "pre", "noscript", "template"}
SHOWN_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label"}
PLACEHOLDER = re.compile(r"%\([^)]*\)[sdfr]|%[sdfr]|\{[^}]*\}")


def _english_msgids() -> tuple[set[str], set[str]]:
    """``(whole, runs)``: English msgids translated differently, and their runs of 3+ words."""
    whole, runs = set(), set()
    for path in CATALOGUES:
        if not path.exists():
            continue
        with open(path, "rb") as fh:
            catalog = read_po(fh)
        for message in catalog:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not message.id or not any(strings):
                continue
            same = {" ".join(t.split()).strip(" .:") for t in strings}
            for msgid in ids:
                if " ".join(msgid.split()).strip(" .:") in same:  # "Action:" is "Action :" in French
                    continue
                for fragment in PLACEHOLDER.split(msgid):
                    fragment = " ".join(fragment.split()).strip(" .:,;«»“”\"'()")
                    if not re.search(r"[A-Za-z]{3}", fragment):
                        continue
                    if fragment == " ".join(msgid.split()).strip(" .:"):
                        whole.add(fragment)
                    if len(fragment.split()) >= 3:
                        runs.add(fragment)
    return whole, runs


WHOLE, RUNS = _english_msgids()
RUNS_RE = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(r) for r in sorted(RUNS, key=len, reverse=True)) + r")(?![\w-])"
)


class VisibleText(HTMLParser):
    """The texts a person sees on a page (text nodes and the attributes a browser shows)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self._skip += 1
        attrs = dict(attrs)
        for name in SHOWN_ATTRIBUTES & attrs.keys():
            self.texts.append(attrs[name] or "")
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset"):
            self.texts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.texts.append(data)


def visible_texts(page: str) -> list[str]:
    parser = VisibleText()
    parser.feed(page)
    return [t for t in (" ".join(text.split()) for text in parser.texts) if t]


#: English that Django itself writes without translating it: the search icon's alt in admin/search_form.html.
DJANGO_UNTRANSLATED = {"Search"}


def english_in(text: str) -> str | None:
    """Why ``text`` looks English, or None."""
    bare = text.strip(" .:,;!?»«()*")
    if bare in DJANGO_UNTRANSLATED:
        return None
    if bare in WHOLE:
        return "English message"
    if RUNS and (match := RUNS_RE.search(text)):
        return f"English message ({match.group(1)!r})"
    if "@" in text or "://" in text:
        return None
    words = {w for w in re.findall(r"[A-Za-z']+", text.lower())} & ENGLISH_WORDS
    if len(words) >= 2:
        return f"English words {sorted(words)}"
    return None


def test_detector_finds_english_and_leaves_french_alone():
    assert english_in("This field is required.")
    assert english_in("Save")
    assert english_in("Action :") is None  # "Action:" in French
    assert english_in("The kiosk will sync at its next status report.")
    assert english_in("Token")
    for french in ("Ce champ est obligatoire.", "Enregistrer", "Place d'Armes", "Commune", "Version 1.2", "Borne"):
        assert english_in(french) is None, french


# --- the pages ----------------------------------------------------------------------------------------

FORM_FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.IGNORECASE)
ATTR = re.compile(r'([\w-]+)="([^"]*)"')
BAD_VALUES = {
    "text": "<b>gras</b> " + "x" * 300,
    "number": "abc",
    "email": "pas-un-courriel",
    "url": "pas une adresse",
    "date": "32/13/2026",
    "time": "25:99",
    "datetime-local": "32/13/2026 25:99",
    "textarea": "[b]gras[/b] <script>x</script>",
    "select": "999999",
    "password": "x",
    "tel": "<b>",
}


def bad_form_data(page: str) -> dict:
    """Every field of the page's forms with a wrong value (hidden fields kept: formset management)."""
    data: dict = {}
    for tag, attr_text in FORM_FIELD.findall(page):
        attrs = dict(ATTR.findall(attr_text))
        name = attrs.get("name")
        if not name or name == "csrfmiddlewaretoken":
            continue
        kind = tag.lower() if tag.lower() != "input" else attrs.get("type", "text")
        if kind == "hidden":
            data.setdefault(name, attrs.get("value", ""))
        elif kind in ("checkbox", "radio", "file", "submit", "button"):
            continue
        else:
            data[name] = BAD_VALUES.get(kind, BAD_VALUES["text"])
    return data


@pytest.fixture
def town(db, commune, make_entry, kiosk_token, other_commune):
    """Something in every list, so that change forms exist."""
    from django.utils import timezone

    from backoffice.catalog.models import Alert
    from backoffice.fleet.api import record_heartbeat
    from backoffice.portal.models import Invitation

    make_entry(title="Cathédrale Saint-Pierre", summary={"fr": "Une cathédrale fortifiée."})
    Alert.objects.create(level="info", message={"fr": "Marché déplacé place de la Halle."})
    Invitation.objects.create(shop_name="Boulangerie Martin", commune=commune)
    record_heartbeat(
        kiosk_token[0],
        {
            "version": "1.0",
            "cursor": "1",
            "disk_free": 812345678,
            "disk_total": 16 * 10**9,
            "uptime": 7200,
            "last_sync": timezone.now().isoformat(),
            "bundle": {"name": "cle.zip", "imported_at": timezone.now().isoformat(), "signed": False},
            "usage": {
                "batch_id": "b1",
                "rows": [{"hour": timezone.now().isoformat(), "screen": "home", "lang": "fr", "n": 3}],
            },
        },
    )
    return commune


def admin_urls() -> list[tuple[str, str]]:
    """``(what, url)`` of every admin page (change form and friends for the first object)."""
    urls = [("admin index", reverse("admin:index")), ("password change", reverse("admin:password_change"))]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        name = f"{info[0]}.{info[1]}"
        urls.append((f"{name} list", reverse(f"admin:{info[0]}_{info[1]}_changelist")))
        urls.append((f"{name} add", reverse(f"admin:{info[0]}_{info[1]}_add")))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            for page in ("change", "history", "delete"):
                urls.append((f"{name} {page}", reverse(f"admin:{info[0]}_{info[1]}_{page}", args=[first.pk])))
    urls.append(("fleet status", reverse("admin:fleet_status")))
    return urls


STAFF_PAGES = [
    ("dashboard", "/dashboard/"),
    ("dashboard quarter", "/dashboard/?periode=trimestre"),
    ("dashboard bad range", "/dashboard/?periode=plage&du=2026-10-12&au=2026-10-01"),
    ("dashboard report", "/dashboard/rapport/?periode=annee"),
    ("open data", "/opendata/"),
]
PUBLIC_PAGES = [
    ("admin login", "/admin/login/"),
    ("portal login", "/portal/login/"),
    ("portal join", "/portal/join/"),
    ("portal password forgotten", "/portal/password/forgotten/"),
]
SHOPKEEPER_PAGES = [("portal home", "/portal/"), ("portal new listing", "/portal/listings/new/")]


def look(client, what: str, url: str, found: list, *, post: bool = True) -> None:
    """Read ``url``, then submit its form empty and with bad input; English goes into ``found``."""

    def read(label, response):
        if response.status_code >= 500:
            found.append((label, url, f"server error {response.status_code}"))
            return
        if "html" not in response.get("Content-Type", ""):
            return
        for text in visible_texts(response.content.decode()):
            reason = english_in(text)
            if reason:
                found.append((label, url, f"{reason}: {text[:120]!r}"))

    response = client.get(url, follow=True)
    read(what, response)
    if not post or response.status_code != 200 or b"<form" not in response.content:
        return
    if "/delete/" in url or "/history/" in url or "logout" in url:
        return
    page = response.content.decode()
    for label, data in ((f"{what}, empty form", {}), (f"{what}, bad input", bad_form_data(page))):
        try:
            read(label, client.post(response.request["PATH_INFO"], data, follow=True))
        except Exception as exc:  # noqa: BLE001 - a server error is what a French user would see
            found.append((label, url, f"server error: {type(exc).__name__}: {str(exc)[:120]}"))


def report(found: list) -> str:
    seen, lines = set(), []
    for label, url, reason in found:
        if (url, reason) not in seen:
            seen.add((url, reason))
            lines.append(f"{label} ({url}): {reason}")
    return "\n".join(lines)


def test_every_staff_page_and_form_error_is_in_french(client, town):
    client.force_login(User.objects.create_superuser("mairie", "mairie@example.org", "Cantal-15100-admin"))
    found: list = []
    from backoffice.portal.models import Invitation

    printed = [("invitation print", f"/portal/invitations/{i.pk}/print/") for i in Invitation.objects.all()]
    for what, url in admin_urls() + STAFF_PAGES + printed:
        look(client, what, url, found, post=not url.startswith(("/dashboard", "/opendata/", "/portal/invitations/")))
    assert not found, "untranslated text on staff pages:\n" + report(found)


def test_every_portal_page_and_form_error_is_in_french(client, town):
    found: list = []
    for what, url in PUBLIC_PAGES:
        look(client, what, url, found)
    from backoffice.portal.models import Invitation

    invitation = Invitation.objects.get(shop_name="Boulangerie Martin")
    joined = client.post(
        "/portal/join/",
        {
            "code": invitation.code,
            "username": "martin",
            "email": "martin@shop.example",
            "password1": "levain-1952-pain",
            "password2": "levain-1952-pain",
        },
    )
    assert joined.status_code == 302, "the shopkeeper could not join"
    for what, url in SHOPKEEPER_PAGES:
        look(client, what, url, found)
    listing = {
        "name": "Boulangerie Martin",
        "category": "bakery",
        "summary_fr": "Pain au levain",
        "city": "Saint-Flour",
    }
    client.post("/portal/listings/new/", listing)
    from backoffice.portal.models import Submission

    for submission in Submission.objects.filter(owner__username="martin"):  # the listing's own page, if it was saved
        look(client, "portal listing", f"/portal/listings/{submission.pk}/", found)
    assert not found, "untranslated text on portal pages:\n" + report(found)


def fleet_and_dashboard(found: list) -> list:
    return [f for f in found if any(k in f[1] for k in ("/fleet/", "/dashboard", "/opendata/"))]


def test_fleet_and_dashboard_pages_are_in_french(client, town):
    """This area's own pages (fleet, usage dashboard, open data), held strictly."""
    client.force_login(User.objects.create_superuser("mairie", "mairie@example.org", "Cantal-15100-admin"))
    found: list = []
    for what, url in admin_urls() + STAFF_PAGES:
        if any(k in url for k in ("/fleet/", "/dashboard", "/opendata/")):
            look(client, what, url, found, post="/fleet/" in url)
    assert not found, "untranslated text:\n" + report(found)
