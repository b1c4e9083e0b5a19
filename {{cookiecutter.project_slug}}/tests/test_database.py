"""The suite runs on the database that DATABASE_URL names, in-memory SQLite when it is unset.

`make test-postgres` runs the whole suite on a throwaway PostgreSQL server.
"""

import pytest
from django.conf import settings
from django.db import connection

from api.models import Note

pytestmark = pytest.mark.django_db

VENDORS = {"postgres": "postgresql", "postgresql": "postgresql", "sqlite": "sqlite"}


def test_the_configured_database_serves_the_suite():
    scheme = settings.TEST_DATABASE_URL.split(":", 1)[0]
    assert connection.vendor == VENDORS[scheme]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT version()")
            assert cursor.fetchone()[0].startswith("PostgreSQL ")
        else:
            cursor.execute("SELECT sqlite_version()")
            assert cursor.fetchone()[0]


def test_notes_keep_their_text_and_order():
    first = Note.objects.create(owner_sub="sub-1", text="first: \u00e9\u00e8 \u2713 \U0001f511")
    second = Note.objects.create(owner_sub="sub-1", text="second")
    Note.objects.create(owner_sub="sub-2", text="someone else's")
    notes = list(Note.objects.filter(owner_sub="sub-1"))
    assert [note.pk for note in notes] == [second.pk, first.pk]
    assert Note.objects.get(pk=first.pk).text == first.text
