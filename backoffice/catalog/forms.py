"""Admin forms: per-language text as one field per language, categories as checkboxes, images uploaded."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from backoffice.catalog.models import Alert, Entry, EntryImage
from content.categories import CATEGORIES
from content.contract import UI_LANGUAGES

LANG_NAMES = {"fr": "français", "en": "English", "de": "Deutsch", "es": "español", "it": "italiano", "nl": "Nederlands"}
TEXT_FIELDS = {
    "title": (forms.CharField, {"max_length": 200}),
    "summary": (forms.CharField, {"max_length": 400}),
    "body": (forms.CharField, {"widget": forms.Textarea(attrs={"rows": 6})}),
}


def category_choices():
    groups: dict[str, list] = {}
    for slug, cat in CATEGORIES.items():
        groups.setdefault(cat.group, []).append((slug, cat.name("fr")))
    return [(group, choices) for group, choices in groups.items()]


def _lang_fields(model, fields: tuple[str, ...]) -> dict:
    """One form field per UI language for each JSON language-map field (declared, so the admin knows them)."""
    declared = {}
    for field in fields:
        verbose = model._meta.get_field(field).verbose_name
        for lang in UI_LANGUAGES:
            cls, kwargs = TEXT_FIELDS.get(field, (forms.CharField, {"widget": forms.Textarea(attrs={"rows": 2})}))
            declared[f"{field}_{lang}"] = cls(
                label=f"{verbose} ({LANG_NAMES[lang]})",
                required=(lang == "fr" and field in ("title", "message")),
                **kwargs,
            )
    return declared


class LangTextMixin:
    """Spread JSON language maps over one form field per language, and gather them back."""

    lang_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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


class _EntryFormBase(LangTextMixin, forms.ModelForm):
    lang_fields = ("title", "summary", "body")
    categories = forms.MultipleChoiceField(
        label=_("categories"), required=False, choices=category_choices, widget=forms.SelectMultiple(attrs={"size": 12})
    )

    class Meta:
        model = Entry
        exclude = ["title", "summary", "body"]


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
