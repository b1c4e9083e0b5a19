"""Sample data owned by Cognito users, keyed by their ``sub`` (there is no user table)."""

from django.db import models


class Note(models.Model):
    """A short text that belongs to one Cognito user."""

    owner_sub = models.CharField(max_length=64, db_index=True)
    text = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("view_all_notes", "Can see every user's notes")]

    def __str__(self) -> str:
        return self.text[:50]
