from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from backoffice.catalog.hours import hours_preview
from backoffice.fleet import api
from backoffice.throttle import ThrottledAdminAuthenticationForm

admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("portal/", include("backoffice.portal.urls")),
    path("opendata/", include("backoffice.opendata.urls")),
    path("dashboard/", include("backoffice.dashboard.urls")),
    path("avis/", include("backoffice.notices.urls")),
    path("p/", include("backoffice.public.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("hours/preview", hours_preview, name="hours_preview"),
    path("api/kiosk/v1/changes", api.changes, name="kiosk_changes"),
    path("api/kiosk/v1/media/<str:sha256>", api.media, name="kiosk_media"),
    path("api/kiosk/v1/heartbeat", api.heartbeat, name="kiosk_heartbeat"),
    path("api/kiosk/v1/release/<str:sha256>", api.release, name="kiosk_release"),
]
