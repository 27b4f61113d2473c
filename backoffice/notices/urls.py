from django.urls import path

from backoffice.notices import views

app_name = "notices"

urlpatterns = [
    path("<str:insee>.json", views.register_json, name="json"),
    path("<str:insee>.csv", views.register_csv, name="csv"),
    path("<str:insee>/", views.register_page, name="register"),
    path("<str:insee>/<int:pk>.pdf", views.pdf, name="pdf"),
]
