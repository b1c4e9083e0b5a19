"""The sample API app."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """App config of the sample API."""

    name = "api"
{%- if cookiecutter.openapi_docs == 'y' %}

    def ready(self):
        # Registers the OpenAPI security scheme and endpoint documentation.
        from . import schema  # noqa: F401
{%- endif %}
