"""URLs of the sample API (mounted under /api/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("public/", views.PublicView.as_view(), name="public"),
    path("health/", views.HealthView.as_view(), name="health"),
    path("csrf/", views.CsrfView.as_view(), name="csrf"),
    path("me/", views.MeView.as_view(), name="me"),
    path("admin/", views.AdminView.as_view(), name="admin"),
    path("notes/", views.NoteListView.as_view(), name="notes"),
    path("reports/", views.ReportView.as_view(), name="reports"),
]
