"""The template's CHANGELOG.md as data: its releases, and the upgrade table of a release."""

import ast
import re
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent.parent
CHANGELOG = TEMPLATE / "CHANGELOG.md"
MODULE_INIT = TEMPLATE / "{{cookiecutter.project_slug}}" / "djognito" / "__init__.py"

RELEASE_HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\S+))?$", re.M)
# A row of an upgrade table: `a removed path` | `its replacement`.
RENAME_ROW = re.compile(
    r"^\s*\| `(?P<old>djognito(?:\.\w+)+)` \| `(?P<new>djognito(?:\.\w+)+)` \|$"
)


def releases(text: str | None = None) -> list[tuple[str, str | None, str]]:
    """``(version, date, body)`` of every release heading, in the order written."""
    text = CHANGELOG.read_text() if text is None else text
    headings = list(RELEASE_HEADING.finditer(text))
    ends = [heading.start() for heading in headings[1:]] + [len(text)]
    return [
        (heading["version"], heading["date"], text[heading.end() : end])
        for heading, end in zip(headings, ends, strict=True)
    ]


def latest_release() -> tuple[str, str | None, str]:
    """The first release under ``[Unreleased]``."""
    return next(release for release in releases() if release[0] != "Unreleased")


def module_version() -> str:
    """``djognito.__version__``, read from the template's source without importing it."""
    for node in ast.parse(MODULE_INIT.read_text()).body:
        if isinstance(node, ast.Assign) and [target.id for target in node.targets] == [
            "__version__"
        ]:
            return ast.literal_eval(node.value)
    raise AssertionError(f"no __version__ in {MODULE_INIT}")


def renames(body: str) -> list[tuple[str, str]]:
    """The ``(removed, replacement)`` rows of the upgrade tables in a release's ``body``."""
    return [
        (match["old"], match["new"])
        for line in body.splitlines()
        if (match := RENAME_ROW.match(line))
    ]


def renamed(name: str, table: list[tuple[str, str]]) -> str | None:
    """What the dotted ``name`` becomes by the table (the longest removed path that is
    ``name`` or holds it), or None when no row applies."""
    for old, new in sorted(table, key=lambda row: -len(row[0])):
        if name == old or name.startswith(old + "."):
            return new + name[len(old) :]
    return None


def follow_renames(path: Path, table: list[tuple[str, str]]) -> bool:
    """Make in the Python file ``path`` the edits the table asks for, as an owner would:
    each ``from ... import`` of a removed path imports its replacement (a name bound by the
    import and renamed by it is renamed where it is used), and any other mention of a
    removed dotted path is replaced. True when the file changed."""
    source = path.read_text()
    lines = source.splitlines(keepends=True)
    local_renames = {}
    for node in reversed(ast.parse(source).body):
        if not isinstance(node, ast.ImportFrom) or node.level:
            continue
        targets = [renamed(f"{node.module}.{alias.name}", table) for alias in node.names]
        if not any(targets):
            continue
        by_module: dict[str, list[str]] = {}
        for alias, target in zip(node.names, targets, strict=True):
            module, name = (target or f"{node.module}.{alias.name}").rsplit(".", 1)
            if alias.asname:
                by_module.setdefault(module, []).append(f"{name} as {alias.asname}")
                continue
            by_module.setdefault(module, []).append(name)
            if name != alias.name:
                local_renames[alias.name] = name
        statements = [
            f"from {module} import {names[0]}\n"
            if len(names) == 1
            else f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")\n"
            for module, names in by_module.items()
        ]
        lines[node.lineno - 1 : node.end_lineno] = statements
    text = "".join(lines)
    for old, new in local_renames.items():
        text = re.sub(rf"(?<![\w.]){re.escape(old)}\b", new, text)
    for old, new in sorted(table, key=lambda row: -len(row[0])):
        text = re.sub(rf"\b{re.escape(old)}\b", new, text)
    if text != source:
        path.write_text(text)
    return text != source
