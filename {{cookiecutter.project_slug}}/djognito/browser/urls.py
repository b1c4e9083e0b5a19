"""Browser sign-in URLs; a project includes them under a path of its choice (``api/auth/``)."""

from django.urls import path

from . import views

app_name = "djognito"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("refresh/", views.RefreshView.as_view(), name="refresh"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("hosted/login/", views.HostedLoginView.as_view(), name="hosted-login"),
    path("hosted/callback/", views.HostedCallbackView.as_view(), name="hosted-callback"),
    path("hosted/logout/", views.HostedLogoutView.as_view(), name="hosted-logout"),
]
