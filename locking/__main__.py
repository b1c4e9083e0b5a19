"""`make lock`: pin the full dependency closure of the template's tools and of every bake.

    python -m locking [--uv PATH]

Writes requirements-lock.txt (the template's tools) and
{{cookiecutter.project_slug}}/requirements-lock.txt (a baked project, every option at once)
with ``uv pip compile``: exact versions and hashes, resolved for Python 3.11 on every
platform. Both are used as constraints (``-c``) by ``make install``.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .requirements import PROJECT_LOCK, TOOLS_LOCK, TOOLS_REQUIREMENTS, project_superset

PYTHON_VERSION = "3.11"


def compile_lock(uv: str, requirements: Path, lock: Path, command: str) -> None:
    """Resolve ``requirements`` into ``lock`` (hashed, universal) with uv.

    The ``# via`` annotations are kept: the generation hook follows them to keep, in a
    baked project's lock, only the packages that project installs.
    """
    subprocess.run(
        [
            uv,
            "pip",
            "compile",
            "--quiet",
            "--universal",
            "--python-version",
            PYTHON_VERSION,
            "--generate-hashes",
            "--custom-compile-command",
            command,
            "--output-file",
            str(lock.resolve()),
            requirements.name,
        ],
        cwd=requirements.parent,
        check=True,
    )


def default_uv() -> str:
    """uv from PATH, else the one installed next to this interpreter."""
    beside = Path(sys.executable).parent / "uv"
    return shutil.which("uv") or str(beside)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uv", default=default_uv(), help="the uv executable")
    uv = parser.parse_args().uv
    compile_lock(uv, TOOLS_REQUIREMENTS, TOOLS_LOCK, "make lock")
    with tempfile.TemporaryDirectory() as scratch:
        superset = Path(scratch) / "every-option.in"
        superset.write_text("\n".join(project_superset()) + "\n")
        compile_lock(uv, superset, PROJECT_LOCK, "make lock (in the template repository)")
    print(f"Wrote {TOOLS_LOCK.relative_to(Path.cwd())} and {PROJECT_LOCK.relative_to(Path.cwd())}")


if __name__ == "__main__":
    main()
