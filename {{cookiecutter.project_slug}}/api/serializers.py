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

    username = serializers.CharField()
    sub = serializers.CharField()
    groups = serializers.ListField(child=serializers.CharField())
    email = serializers.CharField(allow_blank=True)
    is_staff = serializers.BooleanField()
    token_use = serializers.CharField()
    client_id = serializers.CharField()
