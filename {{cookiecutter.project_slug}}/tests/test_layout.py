"""The module's layers, as its imports show them: the core needs no DRF, nothing inside
goes through the compatibility paths, the module never imports the project, and no two of
its modules import each other, directly or around a circle."""

import ast
from pathlib import Path

import djognito

MODULE = Path(djognito.__file__).parent
# Kept only for code outside the module: Djognito's public verify_jwt.
COMPATIBILITY_MODULES = {"djognito.jwt_utils"}


def imported_modules(path: Path) -> set[str]:
    """The absolute names of the modules ``path`` imports (relative imports resolved)."""
    package = ".".join(path.relative_to(MODULE.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            name = ".".join(part for part in (base, node.module) if part)
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def module_files(folder: Path = MODULE):
    return [path for path in folder.rglob("*.py") if "__pycache__" not in path.parts]


def test_the_core_imports_no_django_rest_framework():
    for path in module_files(MODULE / "core"):
        assert not any(name.startswith("rest_framework") for name in imported_modules(path)), path


def test_nothing_inside_the_module_uses_a_compatibility_path():
    for path in module_files():
        assert not imported_modules(path) & COMPATIBILITY_MODULES, path


def test_the_module_never_imports_the_project():
    for path in module_files():
        names = imported_modules(path)
        assert not [name for name in names if name.split(".")[0] in ("api", "config")], path


def module_name(path: Path) -> str:
    parts = path.relative_to(MODULE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_module_imports_have_no_circle():
    # Every import counts, those inside functions too: a circle there is still two modules
    # that cannot be understood one without the other.
    modules = {module_name(path): path for path in module_files()}
    imports = {
        name: {other for other in imported_modules(path) if other in modules and other != name}
        for name, path in modules.items()
    }
    circles, finished = [], set()

    def visit(name, trail):
        for other in sorted(imports[name]):
            if other in trail:
                circles.append([*trail[trail.index(other) :], other])
            elif other not in finished:
                visit(other, [*trail, other])
        finished.add(name)

    for name in sorted(modules):
        if name not in finished:
            visit(name, [name])
    assert circles == []
