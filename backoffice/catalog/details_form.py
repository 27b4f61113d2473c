"""The admin's fields for what a place to eat or stay says (the contract's ``details``).

Each part of ``details`` is its own form field (price band, stars, capacity, amenities as checkboxes,
labels one per line, open seasons as "01/04-30/09" lines, booking page); the form gathers them back
into the entry's ``details`` before the model's checks, so the kiosks' rules refuse on the field the
person typed into (``details.price`` lands on ``details_price``).
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from backoffice.catalog.refusals import validate_plain_text
from content.details import AMENITIES, amenity_name, check_month_day, price_text

FIELDS = (
    "details_price",
    "details_stars",
    "details_capacity",
    "details_amenities",
    "details_labels",
    "details_season",
    "details_booking_url",
)
_SPAN_RE = re.compile(r"^(\d{1,2})/(\d{1,2})\s*[-–au ]+\s*(\d{1,2})/(\d{1,2})$")


def _price_choices():
    return [
        ("", _("not said")),
        ("1", _("€ (a meal under 15 €, a night under 60 €)")),
        ("2", "€€"),
        ("3", "€€€"),
        ("4", "€€€€"),
    ]


def season_text(season: list[dict]) -> str:
    """``[{"start": "04-01", "end": "09-30"}]`` -> ``01/04-30/09`` (one line per span, as typed)."""
    return "\n".join(f"{s['start'][3:]}/{s['start'][:2]}-{s['end'][3:]}/{s['end'][:2]}" for s in season or [])


def parse_season(text: str) -> list[dict]:
    """One span a line, day/month to day/month (``01/04-30/09``); a French error naming the line."""
    spans = []
    for number, line in enumerate((text or "").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        m = _SPAN_RE.match(line)
        if not m:
            raise ValidationError(
                _("Line %(line)d, “%(text)s”: write a period as day/month-day/month, e.g. 01/04-30/09."),
                code="season",
                params={"line": number, "text": line},
            )
        start, end = (f"{int(m.group(2)):02d}-{int(m.group(1)):02d}", f"{int(m.group(4)):02d}-{int(m.group(3)):02d}")
        for day in (start, end):
            try:
                check_month_day(day)
            except ValueError:
                raise ValidationError(
                    _("Line %(line)d, “%(text)s”: %(day)s is not a day of the year."),
                    code="season",
                    params={"line": number, "text": line, "day": f"{day[3:]}/{day[:2]}"},
                ) from None
        spans.append({"start": start, "end": end})
    return spans


class DetailsFormMixin(forms.Form):
    """Add to an entry's ModelForm: its ``details`` spread over fields, gathered back on save."""

    details_price = forms.TypedChoiceField(
        label=capfirst(_("price range")), required=False, choices=_price_choices, coerce=int, empty_value=None
    )
    details_stars = forms.TypedChoiceField(
        label=capfirst(_("official stars")),
        required=False,
        choices=[("", "—"), *[(str(n), str(n)) for n in range(1, 6)]],
        coerce=int,
        empty_value=None,
    )
    details_capacity = forms.IntegerField(
        label=capfirst(_("people it sleeps or seats")), required=False, min_value=1, max_value=100_000
    )
    details_amenities = forms.MultipleChoiceField(
        label=capfirst(_("amenities")),
        required=False,
        choices=lambda: [(slug, amenity_name(slug, "fr")) for slug in AMENITIES],
        widget=forms.CheckboxSelectMultiple,
    )
    details_labels = forms.CharField(
        label=capfirst(_("labels and ratings")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_plain_text],
        help_text=_("One a line: Gîtes de France 3 épis, Accueil Vélo, Logis…"),
    )
    details_season = forms.CharField(
        label=capfirst(_("open season")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Each year, one period a line: 01/04-30/09. Empty: open all year."),
    )
    details_booking_url = forms.URLField(
        label=capfirst(_("booking page")),
        required=False,
        assume_scheme="https",
        help_text=_("Shown as a QR code on the kiosks."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        d = getattr(self.instance, "details", None) or {}
        initial = {
            "details_price": d.get("price"),
            "details_stars": d.get("stars"),
            "details_capacity": d.get("capacity"),
            "details_amenities": d.get("amenities", []),
            "details_labels": "\n".join(d.get("labels", [])),
            "details_season": season_text(d.get("season", [])),
            "details_booking_url": d.get("booking_url", ""),
        }
        for name, value in initial.items():
            self.initial.setdefault(name, value)

    def clean_details_season(self):
        return parse_season(self.cleaned_data.get("details_season") or "")

    def _post_clean(self):
        if any(name in self.fields for name in FIELDS):
            data = self.cleaned_data
            details = {
                "price": data.get("details_price"),
                "stars": data.get("details_stars"),
                "capacity": data.get("details_capacity"),
                "amenities": list(data.get("details_amenities") or []),
                "labels": [x.strip() for x in (data.get("details_labels") or "").splitlines() if x.strip()],
                "season": data.get("details_season") or [],
                "booking_url": data.get("details_booking_url") or "",
            }
            self.instance.details = {k: v for k, v in details.items() if v not in (None, "", [])}
        super()._post_clean()


def preview_lines(details: dict) -> list[str]:
    """What the kiosk's "good to know" block will say, in French, for the admin's preview."""
    d = details or {}
    lines = []
    if d.get("price"):
        lines.append(gettext_now("Price range: %(band)s") % {"band": price_text(d["price"])})
    if d.get("stars"):
        lines.append(gettext_now("Official stars: %(count)d") % {"count": d["stars"]})
    lines += list(d.get("labels", []))
    if d.get("capacity"):
        lines.append(gettext_now("Up to %(count)d people") % {"count": d["capacity"]})
    if d.get("amenities"):
        lines.append(" · ".join(amenity_name(a, "fr") for a in d["amenities"]))
    for span in d.get("season", []):
        start, end = (f"{span[k][3:]}/{span[k][:2]}" for k in ("start", "end"))
        lines.append(gettext_now("Open each year from %(start)s to %(end)s") % {"start": start, "end": end})
    if d.get("booking_url"):
        lines.append(gettext_now("Booking (QR code): %(url)s") % {"url": d["booking_url"]})
    return lines
