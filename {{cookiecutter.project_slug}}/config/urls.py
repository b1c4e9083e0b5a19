"""Root URLs."""

from django.urls import include, path
{%- if cookiecutter.openapi_docs == 'y' %}
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
{%- endif %}

urlpatterns = [
    path("api/", include("api.urls")),
{%- if cookiecutter.openapi_docs == 'y' %}
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
{%- endif %}
]
