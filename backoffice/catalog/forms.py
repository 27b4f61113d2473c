"""Admin forms: per-language text as one field per language, categories as checkboxes, images uploaded.

Every refusal lands on the field the person typed into, in French, with what they typed kept: the
kiosks' rules run here (``refusals``), and errors the model raises about a language map
(``title``, ``"title.en"``) are moved to the per-language field that shows it.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.dates import WEEKDAYS
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from backoffice.catalog.details_form import DetailsFormMixin
from backoffice.catalog.hours import RANGES_PER_DAY, join_hours, split_hours
from backoffice.catalog.models import KIND_LABELS, Alert, Entry, EntryImage
from backoffice.catalog.refusals import LANG_NAMES, hours_problem, validate_plain_text
from backoffice.portal.hours_table import DAYS, table_to_osm
from content.categories import CATEGORIES, GROUPS
from content.contract import UI_LANGUAGES

#: Longest text per language field (checked by the server, see :class:`MaxLength`).
MAX_LENGTHS = {"title": 200, "summary": 400}
TEXT_WIDGETS = {"body": forms.Textarea(attrs={"rows": 6}), "message": forms.Textarea(attrs={"rows": 2})}


def category_choices():
    groups: dict[str, list] = {group: [] for group in GROUPS}
    for slug, cat in CATEGORIES.items():
        groups[cat.group].append((slug, cat.name("fr")))
    return [(KIND_LABELS.get(group, group), choices) for group, choices in groups.items() if choices]


class MaxLength:
    """The server's length check, naming the field and the limit (the page has no ``maxlength``: a
    browser would cut a pasted text short without a word)."""

    def __init__(self, label, limit: int):
        self.label, self.limit = label, limit

    def __call__(self, value):
        if value and len(value) > self.limit:
            raise ValidationError(
                _("%(field)s has %(length)d characters; at most %(limit)d are allowed. Shorten it, then save again."),
                code="max_length",
                params={"field": self.label, "length": len(value), "limit": self.limit},
            )


def check_lengths_on_the_server(form: forms.Form) -> None:
    """Swap every text field's ``maxlength`` for :class:`MaxLength`."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and field.max_length:
            field.widget.attrs.pop("maxlength", None)
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
            field.validators.append(MaxLength(field.label, field.max_length))


class LangTextField(forms.CharField):
    """One language of a language map: plain text as the kiosks want it."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_plain_text)


def _lang_fields(model, fields: tuple[str, ...]) -> dict:
    """One form field per UI language for each JSON language-map field (declared, so the admin knows them)."""
    declared = {}
    for field in fields:
        verbose = model._meta.get_field(field).verbose_name
        for lang in UI_LANGUAGES:
            declared[f"{field}_{lang}"] = LangTextField(
                label=format_lazy("{} ({})", capfirst(verbose), LANG_NAMES[lang]),
                required=(lang == "fr" and field in ("title", "message")),
                max_length=MAX_LENGTHS.get(field),
                widget=TEXT_WIDGETS.get(field, forms.TextInput(attrs={"size": 80})),
            )
    return declared


class LangTextMixin:
    """Spread JSON language maps over one form field per language, and gather them back."""

    lang_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        check_lengths_on_the_server(self)
        for field in self.lang_fields:
            current = getattr(self.instance, field, None) or {}
            for lang in UI_LANGUAGES:
                self.initial.setdefault(f"{field}_{lang}", current.get(lang, ""))

    def _post_clean(self):
        for field in self.lang_fields:
            values = {lang: (self.cleaned_data.get(f"{field}_{lang}") or "").strip() for lang in UI_LANGUAGES}
            old = getattr(self.instance, field) or {}
            extra = {k: v for k, v in old.items() if k not in UI_LANGUAGES}  # languages beyond the UI's
            setattr(self.instance, field, {**extra, **{k: v for k, v in values.items() if v}})
        super()._post_clean()

    def _form_field(self, key: str) -> str:
        """The form field that shows an error the model raised about ``key``."""
        if key in self.fields or key == NON_FIELD_ERRORS:
            return key
        name, _dot, lang = key.partition(".")
        for candidate in (f"{name}_{lang or 'fr'}", f"{name}_fr"):
            if candidate in self.fields:
                return candidate
        return NON_FIELD_ERRORS

    def _update_errors(self, errors):
        """Model errors keyed by model field (``title``, ``"title.en"``) go to the form field that
        shows them; a field that already has an error keeps only its first reason."""
        moved: dict[str, list] = {}
        by_key = errors.error_dict if hasattr(errors, "error_dict") else {NON_FIELD_ERRORS: errors.error_list}
        for key, messages in by_key.items():
            target = self._form_field(key)
            if target != NON_FIELD_ERRORS and target in self._errors:
                continue
            if target == NON_FIELD_ERRORS and key not in (NON_FIELD_ERRORS, ""):
                messages = [ValidationError(format_lazy("{}: {}", self._label_of(key), m)) for e in messages for m in e]
            moved.setdefault(target, []).extend(messages)
        if moved:
            super()._update_errors(ValidationError(moved))

    def _label_of(self, key: str) -> str:
        try:
            return str(self._meta.model._meta.get_field(key.partition(".")[0]).verbose_name)
        except FieldDoesNotExist:  # not a model field: say it as it is
            return key


class HoursGridWidget(forms.MultiWidget):
    """The week as a table: one row per day, two opening ranges (four times) per row."""

    template_name = "catalog/hours_grid.html"
    per_day = RANGES_PER_DAY * 2

    def __init__(self, attrs=None):
        times = [
            forms.TimeInput(attrs={"type": "time", "class": "hours-grid-time"}, format="%H:%M")
            for _n in range(len(DAYS) * self.per_day)
        ]
        super().__init__(times, attrs)

    def decompress(self, value):
        flat = []
        for day in DAYS:
            ranges = list((value or {}).get(day) or [])[:RANGES_PER_DAY]
            ranges += [(None, None)] * (RANGES_PER_DAY - len(ranges))
            flat += [t for pair in ranges for t in pair]
        return flat

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        times = context["widget"]["subwidgets"]
        edges = [_("opens"), _("closes"), _("opens again"), _("closes again")]
        for n, time in enumerate(times):
            day = WEEKDAYS[n // self.per_day]
            time["attrs"]["aria-label"] = format_lazy("{} : {}", day, edges[n % self.per_day])
        context["widget"]["rows"] = [
            (WEEKDAYS[n], times[n * self.per_day : (n + 1) * self.per_day]) for n in range(len(DAYS))
        ]
        return context


class WeeklyHoursField(forms.MultiValueField):
    """The week's opening ranges, as a :data:`~backoffice.catalog.hours.Table`."""

    widget = HoursGridWidget

    def __init__(self, **kwargs):
        times = [forms.TimeField(required=False) for _n in range(len(DAYS) * HoursGridWidget.per_day)]
        super().__init__(times, require_all_fields=False, required=False, **kwargs)

    def compress(self, data_list):
        values = list(data_list or []) + [None] * (len(DAYS) * HoursGridWidget.per_day)
        table, problems = {}, []
        for n, day in enumerate(DAYS):
            ranges = []
            for i in range(RANGES_PER_DAY):
                start = n * HoursGridWidget.per_day + 2 * i
                opens, closes = values[start], values[start + 1]
                if opens and closes and opens == closes:
                    problems.append(
                        _("%(day)s: it opens and closes at the same time (%(time)s).")
                        % {"day": WEEKDAYS[n], "time": opens.strftime("%H:%M")}
                    )
                elif opens and closes:
                    ranges.append((opens.strftime("%H:%M"), closes.strftime("%H:%M")))
                elif opens or closes:
                    problems.append(_("%(day)s: give both the opening and the closing time.") % {"day": WEEKDAYS[n]})
            if ranges:
                table[day] = ranges
        if problems:
            raise ValidationError(problems)
        return table


class _EntryFormBase(DetailsFormMixin, LangTextMixin, forms.ModelForm):
    lang_fields = ("title", "summary", "body")
    categories = forms.MultipleChoiceField(
        label=capfirst(_("categories")),
        required=False,
        choices=category_choices,
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    weekly_hours = WeeklyHoursField(
        label=capfirst(_("opening hours, week by week")),
        help_text=_(
            "Up to two ranges a day; a day left empty is closed. A range that closes at or before it opens "
            "runs past midnight (a bar: 22:00 to 02:00)."
        ),
    )

    class Meta:
        model = Entry
        exclude = ["title", "summary", "body", "details"]
        labels = {"opening_hours": capfirst(_("other hours and exceptions"))}
        help_texts = {
            "opening_hours": _(
                "What the table cannot say, in OSM opening_hours syntax, added after the table's hours: "
                "PH off (closed on public holidays), Jul-Aug Mo-Su 10:00-19:00 (summer), Dec 25 off."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        table, others = split_hours(self.instance.opening_hours)
        self.initial.setdefault("weekly_hours", table)
        self.initial["opening_hours"] = others

    def clean_opening_hours(self):
        others = (self.cleaned_data.get("opening_hours") or "").strip()
        problem = hours_problem(others)
        if problem:
            raise ValidationError(problem, code="hours")
        return others

    def clean(self):
        data = super().clean()
        if "weekly_hours" not in self._errors and "opening_hours" not in self._errors:
            data["opening_hours"] = join_hours(table_to_osm(data.get("weekly_hours") or {}), data["opening_hours"])
        return data


class _AlertFormBase(LangTextMixin, forms.ModelForm):
    lang_fields = ("message",)

    class Meta:
        model = Alert
        exclude = ["message"]


EntryForm = type(
    "EntryForm", (_EntryFormBase,), {"__module__": __name__, **_lang_fields(Entry, _EntryFormBase.lang_fields)}
)
AlertForm = type(
    "AlertForm", (_AlertFormBase,), {"__module__": __name__, **_lang_fields(Alert, _AlertFormBase.lang_fields)}
)


class EntryImageForm(forms.ModelForm):
    upload = forms.FileField(label=_("photo"), required=False, help_text=_("JPEG, PNG, WebP or GIF, at most 15 MB."))
    alt_fr = forms.CharField(label=_("description (French)"), required=False, max_length=300)

    class Meta:
        model = EntryImage
        fields = ["upload", "alt_fr", "credit", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        check_lengths_on_the_server(self)
        self.fields["alt_fr"].initial = (self.instance.alt or {}).get("fr", "")

    def clean(self):
        from backoffice.catalog.images import store_upload

        data = super().clean()
        upload = data.get("upload")
        if upload:
            try:
                self.instance.media = store_upload(upload)
            except forms.ValidationError as exc:
                self.add_error("upload", exc)
        elif not self.instance.media_id and self.has_changed() and not data.get("DELETE"):
            self.add_error("upload", _("Choose a photo."))
        self.instance.alt = {**(self.instance.alt or {}), "fr": data.get("alt_fr", "")}
        return data
