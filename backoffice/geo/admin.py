"""Staff pages of the town map: imports (an upload handed to a worker), the maps in use, and the
kiosk's position, set by a click on the same map (the ``KioskPlaceInline`` on the kiosk's page)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import Http404, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html

from backoffice.geo.jobs import start_import
from backoffice.geo.models import KioskPlace, MapImport, Status, TownMap
from backoffice.geo.service import MapImportError, check_bbox

MAX_UPLOAD_BYTES = 512 * 1024**2


class MapImportForm(forms.ModelForm):
    upload = forms.FileField(
        label="Extrait OpenStreetMap",
        help_text="Fichier .osm.pbf ou .osm (par exemple un extrait régional de Geofabrik) : seule la zone ci-dessous "
        "est gardée.",
    )

    class Meta:
        model = MapImport
        fields = ["commune", "south", "west", "north", "east"]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        name = upload.name.lower()
        if not name.endswith((".osm.pbf", ".pbf", ".osm")):
            raise forms.ValidationError(f"« {upload.name} » : un fichier .osm.pbf ou .osm est attendu.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"« {upload.name} » : {upload.size // 2**20} Mo, 512 Mo au plus.")
        return upload

    def clean(self):
        data = super().clean()
        box = [data.get(k) for k in ("south", "west", "north", "east")]
        if None not in box:
            try:
                check_bbox(box)
            except MapImportError as exc:
                raise forms.ValidationError(str(exc)) from None
        return data


@admin.register(MapImport)
class MapImportAdmin(admin.ModelAdmin):
    form = MapImportForm
    list_display = ["file_name", "commune", "status_display", "created_at", "finished_at"]
    list_filter = ["status", "commune"]
    readonly_fields = ["status_display", "step", "counts", "error", "created_by", "finished_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload", "commune", "south", "west", "north", "east"]
        return ["file_name", "commune", "south", "west", "north", "east", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["file_name", "commune", "south", "west", "north", "east", *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    @admin.display(description="état")
    def status_display(self, obj):
        colour = {Status.DONE: "#1b6e2b", Status.FAILED: "#b00020"}.get(obj.status, "#8a5a00")
        label = {
            Status.QUEUED: "en attente",
            Status.RUNNING: "en cours",
            Status.DONE: "terminé",
            Status.FAILED: "échec",
        }
        return format_html('<b style="color:{}">{}</b>', colour, label.get(obj.status, obj.status))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        box = (data["south"], data["west"], data["north"], data["east"])
        job = start_import(data["commune"], data["upload"], box, request.user)
        obj.pk = job.pk
        messages.info(
            request,
            f"Import de « {job.file_name} » lancé : il se poursuit en arrière-plan ; cette page montre où il en est. "
            "La carte précédente reste en service jusqu'à la fin.",
        )

    def save_related(self, request, form, formsets, change):
        pass

    def response_add(self, request, obj, post_url_continue=None):
        from django.http import HttpResponseRedirect

        return HttpResponseRedirect(reverse("admin:geo_mapimport_change", args=[obj.pk]))


@admin.register(TownMap)
class TownMapAdmin(admin.ModelAdmin):
    list_display = ["commune", "source", "size", "generated_at"]
    fields = ["commune", "source", "size", "south", "west", "north", "east", "counts", "generated_at", "sha256"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        extra = [path("<str:insee>/drawing.json", self.admin_site.admin_view(self.drawing), name="geo_townmap_drawing")]
        return extra + super().get_urls()

    def drawing(self, request, insee: str):
        """What the position picker draws: the map's layers in local metres, and its projection."""
        from content import geo

        town_map = TownMap.objects.filter(commune_id=insee).first()
        if town_map is None or not self.has_view_permission(request):
            raise Http404("pas de carte pour cette commune")
        data = geo.decode(bytes(town_map.blob))
        keep = ("park", "water", "square", "building", "river", "road", "path", "steps")
        return JsonResponse(
            {"origin": data["origin"], "bbox": data["bbox"], "layers": {k: data["layers"].get(k, []) for k in keep}}
        )


class PickerWidget(forms.NumberInput):
    """The latitude input, with the commune's map under it: a click sets latitude and longitude."""

    class Media:
        js = ["geo/picker.js"]


class KioskPlaceForm(forms.ModelForm):
    class Meta:
        model = KioskPlace
        fields = ["lat", "lon", "facing"]
        widgets = {"lat": PickerWidget(attrs={"step": "any"}), "lon": forms.NumberInput(attrs={"step": "any"})}


class KioskPlaceInline(admin.StackedInline):
    model = KioskPlace
    form = KioskPlaceForm
    can_delete = True
    extra = 1
    max_num = 1
    verbose_name = "position sur le plan"
    verbose_name_plural = "position sur le plan (un clic sur la carte place la borne)"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        url = ""
        if obj is not None and TownMap.objects.filter(commune_id=obj.commune_id).exists():
            url = reverse("admin:geo_townmap_drawing", args=[obj.commune_id])
        formset.form.base_fields["lat"].widget.attrs["data-map-url"] = url
        return formset
