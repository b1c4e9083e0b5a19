"""Serializers of the sample API."""

from rest_framework import serializers

from .models import Note


class NoteSerializer(serializers.ModelSerializer):
    """A note as the API shows it; the owner is set from the token, never from input."""

    class Meta:
        model = Note
        fields = ["id", "text", "created_at"]
        read_only_fields = ["id", "created_at"]


class MeSerializer(serializers.Serializer):
    """Who the token says the caller is."""

    kind = serializers.ChoiceField(
        choices=["user", "client"], help_text="client: a service (client-credentials token)."
    )
    username = serializers.CharField(help_text="The user name, or a client's client id.")
    sub = serializers.CharField()
    groups = serializers.ListField(child=serializers.CharField())
    email = serializers.CharField(allow_blank=True)
    is_staff = serializers.BooleanField()
    token_use = serializers.CharField()
    client_id = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    pool = serializers.CharField(help_text="The user pool that issued the token.")


class ReportSerializer(serializers.Serializer):
    """Figures across every user's data, for services with the reports scope."""

    notes = serializers.IntegerField(help_text="Number of notes, all users together.")
