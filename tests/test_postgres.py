"""The default bake's whole test suite on a real PostgreSQL server (scripts/postgres.py),
its served processes (gunicorn in the end-to-end tests) included."""

import re
from pathlib import Path

import pytest

from .conftest import BAKED_SUITE, postgresql_available, processes, run, shared_venv
from .test_generation import SUPPORTED

pytestmark = pytest.mark.skipif(
    not postgresql_available(),
    reason="PostgreSQL's server programs are not installed (Debian package postgresql)",
)


def test_the_baked_suite_passes_on_a_throwaway_postgresql(bake):
    project = bake(**SUPPORTED["access-docs"])  # whose suite test_generation leaves to this test
    venv = shared_venv(project)
    python = str(venv / "bin" / "python")
    out = run(project, python, "-m", "scripts.postgres", "--", python, *BAKED_SUITE, "-rap").stdout
    started = re.search(r"^PostgreSQL \d+\.\d+ \(pid (\d+)\) in (/\S+)$", out, re.M)
    assert started, out[:2000]
    pid, folder = int(started.group(1)), Path(started.group(2))
    assert "DATABASE_URL=postgres://postgres@127.0.0.1:" in out
    assert re.search(r"PASSED tests/test_database.py::test_the_configured_database_serves", out)
    # The served processes of the end-to-end tests write to PostgreSQL too, not to SQLite.
    assert re.search(r"PASSED tests/test_e2e_cognito.py::test_a_note_written_through_the_ser", out)
    assert not re.search(r"\b(FAILED|ERROR)\b", out), out[-6000:]
    assert f"Stopped PostgreSQL (pid {pid}) and removed {folder}." in out
    assert not folder.exists()
    assert not processes.is_running(pid)
