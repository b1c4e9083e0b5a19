"""Reading requirement files and locks: the superset of every option, and the pins of a lock.

The generated project's requirement files are Jinja templates whose optional lines sit
between ``{%- if cookiecutter.<option> == 'y' %}`` and ``{%- endif %}``. One lock pins the
packages of every option at once, so that each bake installs the same versions whatever its
answers: the superset is what those files hold once the tag lines are dropped.
"""

import re
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent.parent
PROJECT_TEMPLATE = TEMPLATE / "{{cookiecutter.project_slug}}"
PROJECT_REQUIREMENTS = ("requirements.txt", "requirements-dev.txt")
PROJECT_LOCK = PROJECT_TEMPLATE / "requirements-lock.txt"
TOOLS_REQUIREMENTS = TEMPLATE / "requirements.txt"
TOOLS_LOCK = TEMPLATE / "requirements-lock.txt"

TAG_LINE = re.compile(r"^\s*{%-?\s*(?P<keyword>\w+).*%}\s*$")
# A requirement line or the first line of a lock entry: name, extras, exact version.
PIN = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==\s*(?P<version>[^\s;\\]+)"
)


class RequirementsError(ValueError):
    """A requirement file the lock cannot be built from; the message names the line."""


def normalize(name: str) -> str:
    """The comparable form of a distribution name (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def superset_lines(path: Path) -> list[str]:
    """Requirement lines of ``path`` with every option's lines kept, ``-r`` includes followed.

    Only ``if``/``endif`` tags are understood: an ``else`` branch would make two options
    exclusive, and the superset would no longer be one installable set.
    """
    lines = []
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        tag = TAG_LINE.match(raw)
        if tag:
            if tag.group("keyword") not in ("if", "endif"):
                raise RequirementsError(f"{path.name}:{number}: only if/endif tags: {raw.strip()}")
            continue
        if not line:
            continue
        if line.startswith(("-r ", "--requirement ")):
            lines += superset_lines(path.parent / line.split(None, 1)[1])
        elif "{" in line:
            raise RequirementsError(f"{path.name}:{number}: template tag inside a line: {raw}")
        else:
            lines.append(line)
    return lines


def project_superset() -> list[str]:
    """Every requirement any baked project may have, each once, in file order."""
    seen: dict[str, None] = {}
    for name in PROJECT_REQUIREMENTS:
        for line in superset_lines(PROJECT_TEMPLATE / name):
            seen.setdefault(line)
    return list(seen)


def pins(lines: list[str]) -> dict[str, str]:
    """``{normalized name: version}`` for the ``name==version`` lines among ``lines``."""
    found = {}
    for line in lines:
        match = PIN.match(line)
        if match:
            found[normalize(match.group("name"))] = match.group("version")
    return found


def lock_pins(path: Path) -> dict[str, set[str]]:
    """The versions a lock written by ``uv pip compile`` pins, per package (a package whose
    version depends on the platform or the Python version has several)."""
    found: dict[str, set[str]] = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            found.setdefault(normalize(match.group("name")), set()).add(match.group("version"))
    return found


def stale_pins(requirements: list[str], lock: Path) -> list[str]:
    """Why ``lock`` does not match ``requirements``: one sentence per package, none if fresh."""
    locked = lock_pins(lock)
    problems = []
    for line in requirements:
        match = PIN.match(line)
        if not match:
            problems.append(f"{line}: not pinned with ==, so the lock cannot follow it")
            continue
        name, version = normalize(match.group("name")), match.group("version")
        if name not in locked:
            problems.append(f"{line}: not in {lock.name}")
        elif version not in locked[name]:
            problems.append(f"{line}: {lock.name} pins {', '.join(sorted(locked[name]))}")
    return problems
