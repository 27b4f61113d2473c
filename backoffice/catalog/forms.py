"""Admin forms: per-language text as one field per language, categories as checkboxes, images uploaded."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from content.categories import CATEGORIES
from content.model import UI_LANGUAGES

from backoffice.catalog.models import Alert, Entry, EntryImage

LANG_NAMES = {"fr": "français", "en": "English", "de": "Deutsch", "es": "español", "it": "italiano", "nl": "Nederlands"}
TEXT_FIELDS = {"title": (forms.CharField, {"max_length": 200}), "summary": (forms.CharField, {"max_length": 400}),
               "body": (forms.CharField, {"widget": forms.Textarea(attrs={"rows": 6})})}


def category_choices():
    groups: dict[str, list] = {}
    for slug, cat in CATEGORIES.items():
        groups.setdefault(cat.group, []).append((slug, cat.name("fr")))
    return [(group, choices) for group, choices in groups.items()]


def lang_field_names(field: str) -> list[str]:
    return [f"{field}_{lang}" for lang in UI_LANGUAGES]


class LangTextMixin:
    """Spread JSON language maps over one form field per language, and gather them back."""

    lang_fields: tuple[str, ...] = ()

    def _init_lang_fields(self):
        for field in self.lang_fields:
            model_field = self._meta.model._meta.get_field(field)
            current = getattr(self.instance, field, None) or {}
            for lang in UI_LANGUAGES:
                cls, kwargs = TEXT_FIELDS.get(field, (forms.CharField, {"widget": forms.Textarea(attrs={"rows": 2})}))
                self.fields[f"{field}_{lang}"] = cls(
                    label=f"{model_field.verbose_name} ({LANG_NAMES[lang]})",
                    required=(lang == "fr" and field in ("title", "message")),
                    initial=current.get(lang, ""),
                    **kwargs,
                )

    def _gather_lang_fields(self, instance):
        for field in self.lang_fields:
            values = {lang: (self.cleaned_data.get(f"{field}_{lang}") or "").strip() for lang in UI_LANGUAGES}
            old = getattr(instance, field) or {}
            extra = {k: v for k, v in old.items() if k not in UI_LANGUAGES}  # languages beyond the UI's
            setattr(instance, field, {**extra, **{k: v for k, v in values.items() if v}})


class EntryForm(LangTextMixin, forms.ModelForm):
    lang_fields = ("title", "summary", "body")
    categories = forms.MultipleChoiceField(
        label=_("categories"), required=False, choices=category_choices, widget=forms.SelectMultiple(attrs={"size": 12})
    )

    class Meta:
        model = Entry
        exclude = ["title", "summary", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_lang_fields()

    def _post_clean(self):
        self._gather_lang_fields(self.instance)
        super()._post_clean()


class AlertForm(LangTextMixin, forms.ModelForm):
    lang_fields = ("message",)

    class Meta:
        model = Alert
        exclude = ["message"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._init_lang_fields()

    def _post_clean(self):
        self._gather_lang_fields(self.instance)
        super()._post_clean()


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
