"""Staff see the history of open-data imports (read-only: imports are run by the commands)."""

from django.contrib import admin

from backoffice.opendata.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "source", "scope", "ok", "created", "updated", "unchanged", "withdrawn"]
    list_filter = ["source", "ok"]
    search_fields = ["scope", "error"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
