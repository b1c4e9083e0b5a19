"""URLs of the sample API (mounted under /api/)."""

from django.urls import path

from . import views
{%- if cookiecutter.browser_sessions == 'y' %}
from .pages import QrCodeView
{%- endif %}

urlpatterns = [
    path("public/", views.PublicView.as_view(), name="public"),
    path("health/", views.HealthView.as_view(), name="health"),
    path("csrf/", views.CsrfView.as_view(), name="csrf"),
    path("me/", views.MeView.as_view(), name="me"),
    path("admin/", views.AdminView.as_view(), name="admin"),
    path("notes/", views.NoteListView.as_view(), name="notes"),
    path("reports/", views.ReportView.as_view(), name="reports"),
{%- if cookiecutter.browser_sessions == 'y' %}
    # The sign-in page's QR codes of authenticator set-ups.
    path("sign-in/qr-code/", QrCodeView.as_view(), name="sign-in-qr-code"),
{%- endif %}
]
