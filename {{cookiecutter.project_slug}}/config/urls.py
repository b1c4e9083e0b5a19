"""Root URLs."""

from django.urls import include, path
{%- if cookiecutter.openapi_docs == 'y' %}
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
{%- endif %}
{%- if cookiecutter.browser_sessions == 'y' %}

from api.pages import SignInPageView
{%- endif %}

# The API's own endpoints come first: they are resolved on every call.
urlpatterns = [
    path("api/", include("api.urls")),
{%- if cookiecutter.openapi_docs == 'y' %}
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
{%- endif %}
{%- if cookiecutter.browser_sessions == 'y' %}
    path("api/auth/", include("djognito.browser.urls")),
    path("", SignInPageView.as_view(), name="sign-in-page"),
{%- endif %}
]
