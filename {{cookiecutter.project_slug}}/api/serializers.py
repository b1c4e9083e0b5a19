"""Serializers of the sample API."""

from django.core.validators import RegexValidator
from rest_framework import serializers

from .models import Note


class StrictCharField(serializers.CharField):
    """A ``CharField`` that takes its input as sent: a number or a boolean is refused (400
    "Not a valid string.") rather than stored as text (``{"text": 0}``, ``{"text": 1e400}``),
    and ``max_length`` counts the characters sent, before whitespace is trimmed, as the
    schema's ``maxLength`` does."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class NonBlankText(RegexValidator):
    """A note of only whitespace is blank and refused, as a blank form field is (surrounding
    whitespace is trimmed). The pattern says so in the schema, and that the text holds no
    NUL: ``CharField`` refuses NUL itself, with its own message, so such text is left to it.
    Whitespace is as Python counts it: ``str.isspace`` also counts the separators U+001C to
    U+001F, which the ``\\s`` of JSON Schema validators leaves out."""

    regex = r"^[^\x00]*[^\s\x00\x1c-\x1f][^\x00]*$"
    message = "This field may not be blank."

    def __call__(self, value):
        if "\x00" not in str(value):
            super().__call__(value)


class NoteSerializer(serializers.ModelSerializer):
    """A note as the API shows it; the owner is set from the token, never from input."""

    text = StrictCharField(
        max_length=Note._meta.get_field("text").max_length, validators=[NonBlankText()]
    )

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
