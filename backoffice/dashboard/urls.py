from django.urls import path

from backoffice.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("rapport/", views.report, name="report"),
    path("usage.csv", views.export_csv, name="csv"),
]
