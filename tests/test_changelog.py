"""CHANGELOG.md keeps Keep a Changelog's form, its latest release is the module's version,
and the paths its latest release removes are gone from the module, their replacements there."""

import ast
import datetime
import re

from .changelog import TEMPLATE, latest_release, module_version, releases, renames

SECTIONS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}
SEMVER = re.compile(r"(\d+)\.(\d+)\.(\d+)")
PROJECT = TEMPLATE / "{{cookiecutter.project_slug}}"


def test_the_latest_release_is_the_version_of_the_module():
    version, date, _body = latest_release()
    assert version == module_version()
    assert date is not None


def test_the_changelog_has_keep_a_changelog_form():
    written = releases()
    assert written[0][:2] == ("Unreleased", None)
    versions, dates = [], []
    for version, date, body in written[1:]:
        assert SEMVER.fullmatch(version), version
        versions.append(tuple(int(part) for part in version.split(".")))
        dates.append(datetime.date.fromisoformat(date))
        sections = re.findall(r"^### (.+)$", body, re.M)
        assert sections and set(sections) <= SECTIONS, (version, sections)
        assert len(sections) == len(set(sections)), (version, sections)
    assert versions == sorted(versions, reverse=True) and len(set(versions)) == len(versions)
    assert dates == sorted(dates, reverse=True)


def module_source(dotted: str):
    """The file of the module ``dotted`` in the template's project, or None."""
    path = PROJECT.joinpath(*dotted.split("."))
    return next(
        (file for file in (path.with_suffix(".py"), path / "__init__.py") if file.is_file()), None
    )


def top_level_names(file) -> set[str]:
    """The names a module binds at its top level (a module ``__getattr__`` included)."""
    names = set()
    for node in ast.parse(file.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def exists(dotted: str) -> bool:
    """True when ``dotted`` is a module of the template's project or a name one binds."""
    if module_source(dotted):
        return True
    parent, name = dotted.rsplit(".", 1)
    file = module_source(parent)
    return bool(file) and bool({name, "__getattr__"} & top_level_names(file))


def test_the_paths_the_latest_release_removes_are_gone_and_their_replacements_exist():
    table = renames(latest_release()[2])
    removed = {old for old, _new in table}
    assert {"djognito.views", "djognito.serializers", "djognito.default_verifier"} <= removed
    assert "djognito.conf.browser_config" in removed
    for old, new in table:
        assert not exists(old), f"{old} is still in djognito/"
        assert exists(new), f"{new}, the replacement of {old}, is not in djognito/"
