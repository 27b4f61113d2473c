from django.contrib.auth import views as auth_views
from django.urls import path

from backoffice.portal import accounts, views
from backoffice.throttle import ThrottledAuthenticationForm

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("join/", views.join, name="join"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="portal/login.html", authentication_form=ThrottledAuthenticationForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/forgotten/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path("password/sent/", accounts.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password/new/<uidb64>/<token>/", accounts.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password/changed/", accounts.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("listings/new/", views.edit, name="new"),
    path("listings/<int:pk>/", views.edit, name="edit"),
    path("invitations/<int:pk>/print/", views.invitation_print, name="invitation_print"),
]
