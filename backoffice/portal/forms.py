"""Shopkeepers' forms: joining with an invitation code, and the listing with its hours table."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from backoffice.catalog.refusals import LANG_NAMES, hours_problem, validate_plain_text
from backoffice.portal.hours_table import DAYS, HoursTableError, osm_to_table, table_to_osm
from backoffice.portal.models import Invitation, normalise_code
from content.categories import CATEGORIES
from content.details import AMENITIES, amenity_name

#: The other languages a listing may be written in, named in the language of the page.
OPTIONAL_LANGS = [(lang, LANG_NAMES[lang]) for lang in ("en", "de", "es", "it", "nl")]
DAY_NAMES = {
    "Mo": _("Monday"),
    "Tu": _("Tuesday"),
    "We": _("Wednesday"),
    "Th": _("Thursday"),
    "Fr": _("Friday"),
    "Sa": _("Saturday"),
    "Su": _("Sunday"),
}
MAX_PHOTOS = 6


class JoinForm(UserCreationForm):
    """The invitation code is checked first; only with a valid code are the user name and password
    checked, so that a wrong code tells nothing about which accounts exist."""

    field_order = ["code", "username", "email", "password1", "password2"]
    code = forms.CharField(
        label=_("Invitation code"),
        max_length=20,
        help_text=_("The code on the paper the town hall gave you, e.g. ABCDE-FGH23."),
    )
    email = forms.EmailField(label=_("E-mail"), required=True)

    class Meta(UserCreationForm.Meta):
        fields = ["code", "username", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.invitation = None

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        invitation = Invitation.objects.filter(code=code).first()
        if invitation is None or not invitation.usable:
            raise forms.ValidationError(_("This invitation code is unknown, already used or expired."))
        self.invitation = invitation
        return code

    def clean_username(self):
        if self.invitation is None:
            return self.cleaned_data.get("username")
        return super().clean_username()

    def _post_clean(self):
        if self.invitation is None:  # no uniqueness or password checks against accounts without a valid code
            return
        super()._post_clean()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


def _category_choices():
    groups = {"shop": _("Shops"), "food": _("Eat and drink"), "stay": _("Accommodation"), "service": _("Services")}
    return [("", "—")] + [
        (label, [(slug, c.name("fr")) for slug, c in CATEGORIES.items() if c.group == group])
        for group, label in groups.items()
    ]


def _table_error(exc: HoursTableError) -> str:
    day = DAY_NAMES.get(exc.day, exc.day)
    if exc.problem == "empty":
        return _("%(day)s: it opens and closes at the same time (%(time)s).") % {"day": day, "time": exc.start}
    return _("%(day)s: %(start)s-%(end)s is not a time range.") % {"day": day, "start": exc.start, "end": exc.end}


def _text(label, max_length=None, required=True, **kwargs):
    """A text field of the listing: the kiosks' plain-text rule (no HTML, no markup), checked here."""
    return forms.CharField(
        label=label, max_length=max_length, required=required, validators=[validate_plain_text], **kwargs
    )


class ListingForm(forms.Form):
    name = _text(_("Name of the shop"), 200)
    category = forms.ChoiceField(label=_("Category"), choices=_category_choices)
    summary_fr = _text(_("In one sentence (French)"), 300)
    body_fr = _text(_("Description (French)"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    street = _text(_("Street and number"), 200)
    postcode = _text(_("Postcode"), 10)
    city = _text(_("Town"), 120)
    phone = _text(_("Phone"), 40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    website = forms.URLField(label=_("Web site"), required=False, assume_scheme="https")
    # Restaurants, cafés and lodgings: what visitors choose by (the kiosks' filters), all optional.
    price = forms.TypedChoiceField(
        label=_("Price range"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", "—"),
            ("1", _("€ (a meal under 15 €, a night under 60 €)")),
            ("2", "€€"),
            ("3", "€€€"),
            ("4", "€€€€"),
        ],
    )
    amenities = forms.MultipleChoiceField(
        label=_("You offer"),
        required=False,
        choices=lambda: [(slug, amenity_name(slug, "fr")) for slug in AMENITIES],
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.IntegerField(
        label=_("People you can sleep or seat"), required=False, min_value=1, max_value=100_000
    )
    booking_url = forms.URLField(
        label=_("Booking page"),
        required=False,
        assume_scheme="https",
        help_text=_("Shown as a QR code on the kiosks."),
    )
    opening_hours = forms.CharField(
        label=_("Opening hours (OSM format)"),
        max_length=500,
        required=False,
        help_text=_("Filled in from the table above; people used to the OSM format may write it directly."),
    )
    #: Asked only when the table and the text say different things: which one is meant.
    hours_keep = forms.ChoiceField(
        label=_("Which opening hours to keep?"),
        required=False,
        widget=forms.RadioSelect,
        choices=[("table", _("those of the table")), ("text", _("those of the text (OSM format)"))],
    )
    photos = MultipleFileField(
        label=_("Add photos"),
        required=False,
        help_text=_(
            "Up to 6 photos in all, JPEG, PNG or WebP; large photos are reduced. A new photo is added to "
            "those ticked above, it replaces none of them."
        ),
    )
    #: The photos on offer (the listing's and those sent with this form before an error), ticked = kept.
    keep_photos = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    carried = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, offered=(), current=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.offered = list(offered)
        self.current = {p.sha256 for p in current}
        self.fields["keep_photos"].choices = [(p.sha256, p.sha256) for p in self.offered]
        if not self.is_bound:
            self.initial.setdefault("keep_photos", [p.sha256 for p in self.offered])
        for lang, name in OPTIONAL_LANGS:
            self.fields[f"summary_{lang}"] = _text(_("In one sentence") + f" ({name})", 300, required=False)
            self.fields[f"body_{lang}"] = _text(
                _("Description") + f" ({name})", required=False, widget=forms.Textarea(attrs={"rows": 4})
            )
        for field in self.fields.values():
            # No maxlength in the page: a browser would cut pasted text without a word. The page warns
            # as one types (data-max), the server refuses with a message and keeps the text.
            if limit := field.widget.attrs.pop("maxlength", None):
                field.widget.attrs["data-max"] = limit
        for day in DAYS:
            for i in (1, 2):
                for edge in ("open", "close"):
                    self.fields[f"h_{day}_{i}_{edge}"] = forms.TimeField(
                        required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
                    )

    def hours_rows(self):
        return [
            {
                "day": day,
                "name": DAY_NAMES[day],
                "fields": [self[f"h_{day}_{i}_{edge}"] for i in (1, 2) for edge in ("open", "close")],
            }
            for day in DAYS
        ]

    def lang_errors(self) -> bool:
        return any(name in self.errors for lang, _n in OPTIONAL_LANGS for name in (f"summary_{lang}", f"body_{lang}"))

    def lang_rows(self):
        return [(name, self[f"summary_{lang}"], self[f"body_{lang}"]) for lang, name in OPTIONAL_LANGS]

    def clean(self):
        data = super().clean()
        table, used = {}, False
        for day in DAYS:
            ranges = []
            for i in (1, 2):
                a, b = data.get(f"h_{day}_{i}_open"), data.get(f"h_{day}_{i}_close")
                if a and b:
                    ranges.append((a.strftime("%H:%M"), b.strftime("%H:%M")))
                elif a or b:
                    self.add_error(
                        f"h_{day}_{i}_open",
                        _("%(day)s: give both the opening and the closing time.") % {"day": DAY_NAMES[day]},
                    )
            used = used or bool(ranges)
            table[day] = ranges
        if used:
            self._choose_hours(data, table)
        if problem := hours_problem(data.get("opening_hours", "")):
            self.add_error("opening_hours", problem)
        if len(data.get("keep_photos") or []) > MAX_PHOTOS:
            self.add_error(
                "photos", _("At most %(n)d photos: untick those you do not want to keep.") % {"n": MAX_PHOTOS}
            )
        return data

    def _choose_hours(self, data: dict, table: dict) -> None:
        """The grid's hours, unless the text says something else: then the shopkeeper chooses (never
        one silently dropped)."""
        try:
            from_table = table_to_osm(table)
        except HoursTableError as exc:
            self.add_error("opening_hours", _table_error(exc))
            return
        text = " ".join((data.get("opening_hours") or "").split())
        same = not text or text == from_table or osm_to_table(text) == {d: r for d, r in table.items() if r}
        choice = data.get("hours_keep")
        if same or choice == "table":
            data["opening_hours"] = from_table
        elif choice != "text":
            self.hours_conflict = True
            self.add_error(
                "hours_keep",
                _(
                    "The table and the text say different opening hours (table: “%(table)s”; text: “%(text)s”). "
                    "Choose which to keep, then send again."
                )
                % {"table": from_table, "text": text},
            )

    hours_conflict = False

    def show_hours_choice(self) -> bool:
        return self.hours_conflict or bool(self.data.get("hours_keep"))

    def error_labels(self) -> list[str]:
        """The names of the fields with an error, as the page shows them, for the message at the top."""
        labels = []
        for name in self.errors:
            if name == "__all__":
                continue
            field = self.fields[name]
            label = str(_("Opening hours")) if name.startswith("h_") or name == "hours_keep" else str(field.label or "")
            if name == "keep_photos":
                label = str(_("Photos"))
            if label and label not in labels:
                labels.append(label)
        return labels

    def photo_rows(self):
        """``(photo, ticked, on the listing already)`` for each photo on offer, as the form shows them."""
        value = self["keep_photos"].value() or []
        return [(p, p.sha256 in value, p.sha256 in self.current) for p in self.offered]

    def kept_photos(self) -> list:
        kept = set(self.cleaned_data.get("keep_photos") or [])
        return [p for p in self.offered if p.sha256 in kept]

    def listing_data(self) -> dict:
        d = self.cleaned_data
        langs = ["fr"] + [lang for lang, _n in OPTIONAL_LANGS]
        return {
            "name": d["name"].strip(),
            "category": d["category"],
            "summary": {lang: d.get(f"summary_{lang}", "").strip() for lang in langs if d.get(f"summary_{lang}")},
            "body": {lang: d.get(f"body_{lang}", "").strip() for lang in langs if d.get(f"body_{lang}")},
            "street": d["street"].strip(),
            "postcode": d["postcode"].strip(),
            "city": d["city"].strip(),
            "phone": d.get("phone", "").strip(),
            "email": d.get("email", ""),
            "website": d.get("website", ""),
            "opening_hours": d.get("opening_hours", "").strip(),
            "price": d.get("price"),
            "amenities": list(d.get("amenities") or []),
            "capacity": d.get("capacity"),
            "booking_url": d.get("booking_url", ""),
        }

    #: Model fields of an entry (as the kiosks' check names them) -> the field of this form.
    ENTRY_FIELDS = {
        "title": "name",
        "place_name": "name",
        "categories": "category",
        "kind": "category",
        **{k: k for k in ("street", "postcode", "city", "phone", "email", "website", "opening_hours")},
        **{f"details.{k}": k for k in ("price", "amenities", "capacity", "booking_url")},
    }

    def add_entry_errors(self, errors: dict[str, list[str]]) -> None:
        """The kiosks' own verdict on the whole listing (``{entry field[.lang]: [messages]}``), each on its field."""
        for key, messages in errors.items():
            base, _dot, lang = key.partition(".")
            if base in ("summary", "body") and f"{base}_{lang or 'fr'}" in self.fields:
                field = f"{base}_{lang or 'fr'}"
            else:
                field = self.ENTRY_FIELDS.get(key) or self.ENTRY_FIELDS.get(base)
            for message in messages:
                self.add_error(field, message)

    @classmethod
    def initial_from(cls, data: dict) -> dict:
        initial = {
            k: data.get(k, "")
            for k in ("name", "category", "street", "postcode", "city", "phone", "email", "website", "opening_hours")
        }
        initial.update({k: data.get(k) for k in ("price", "amenities", "capacity", "booking_url") if data.get(k)})
        for key in ("summary", "body"):
            for lang, text in (data.get(key) or {}).items():
                initial[f"{key}_{lang}"] = text
        for day, ranges in (osm_to_table(data.get("opening_hours", "")) or {}).items():
            for i, (a, b) in enumerate(ranges[:2], start=1):
                initial[f"h_{day}_{i}_open"], initial[f"h_{day}_{i}_close"] = a, b
        return initial
