from django.urls import path

from backoffice.public import views

app_name = "public"
urlpatterns = [
    path("<int:pk>", views.choose_language, name="entry_any"),
    path("<int:pk>/<str:lang>", views.entry_page, name="entry"),
    path("<int:pk>/<str:lang>/agenda.ics", views.entry_calendar, name="calendar"),
]
