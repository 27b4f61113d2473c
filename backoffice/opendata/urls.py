from django.urls import path

from backoffice.opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("contenus.json", views.entries_json, name="json"),
    path("contenus.csv", views.entries_csv, name="csv"),
    path("evenements.ics", views.events_ics, name="ics"),
]
