"""The sample API app."""

from django.apps import AppConfig


class ApiConfig(AppConfig):
    """App config of the sample API."""

    name = "api"
