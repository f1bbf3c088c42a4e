"""The layering, by package: a pure core, edges around it that call it, and the CLI on top.

    maturity/core      models and computations; no I/O and no edge library
    maturity/files     reading and writing files (YAML, workbooks, plan files, CSV, the catalogue)
    maturity/store     the database of versions; reads frameworks and assessments through files
    maturity/reports   HTML/PDF rendering, charts and batch runs; reads templates through files
    maturity/cli       the command line: may use every edge
    maturity/web       the web application: may use every edge but the command line

Each package may import only what its row below allows; anything else fails the test, whether
the import is at the top of a module or inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "maturity"

EDGE_LIBRARIES = {
    "click",
    "jinja2",
    "weasyprint",
    "openpyxl",
    "yaml",
    "sqlalchemy",
    "alembic",
    "matplotlib",
    "starlette",
    "uvicorn",
    "docx",
}
LAYERS = ("core", "files", "store", "reports", "cli", "web")

# package -> (packages of ours it may import, edge libraries it may import)
ALLOWED: dict[str, tuple[set[str], set[str]]] = {
    "core": ({"core"}, set()),
    "files": ({"core", "files"}, {"yaml", "openpyxl"}),
    "store": ({"core", "files", "store"}, {"sqlalchemy", "alembic"}),
    "reports": ({"core", "files", "reports"}, {"jinja2", "weasyprint", "matplotlib", "docx"}),
    "cli": (set(LAYERS) - {"web"}, EDGE_LIBRARIES - {"starlette"}),
    "web": (set(LAYERS) - {"cli"}, EDGE_LIBRARIES - {"click"}),
}


def imported(tree: ast.AST) -> set[str]:
    """Every module a file imports, anywhere in it (inside functions too)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                names.add(f"maturity.{node.module}")
            else:
                names.add(node.module)
                # `from maturity import store` imports maturity.store.
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def violations(layer: str, names: set[str]) -> list[str]:
    """The packages and libraries in `names` that a module of `layer` may not import."""
    ours, libraries = ALLOWED[layer]
    bad = set()
    for name in names:
        parts = name.split(".")
        if parts[0] == "maturity" and len(parts) > 1 and parts[1] in LAYERS:
            if parts[1] not in ours:
                bad.add(f"maturity.{parts[1]}")
        elif parts[0] in EDGE_LIBRARIES and parts[0] not in libraries:
            bad.add(parts[0])
    return sorted(bad)


def modules() -> list[tuple[str, Path]]:
    return [
        (layer, path)
        for layer in LAYERS
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        if (PACKAGE / layer).is_dir()
    ]


def test_every_layer_but_the_web_exists_and_nothing_sits_outside_them() -> None:
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name in LAYERS} >= set(LAYERS) - {
        "web"
    }
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py"]


@pytest.mark.parametrize(
    ("layer", "path"),
    modules(),
    ids=lambda v: str(v.relative_to(PACKAGE)) if isinstance(v, Path) else v,
)
def test_each_module_imports_only_what_its_layer_allows(layer: str, path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert violations(layer, imported(tree)) == []


def test_the_core_is_large_enough_that_the_check_means_something() -> None:
    # Named one by one: a core module renamed or moved out of core fails here, rather than
    # silently dropping out of the layering check.
    core = {p.stem for p in (PACKAGE / "core").glob("*.py")}
    assert {
        "framework", "assessment", "scoring", "benchmark", "gaps", "plan", "progress", "board",
        "suppression", "errors", "limits",
    } <= core  # fmt: skip


def test_the_check_catches_an_edge_import() -> None:
    source = "import yaml\nfrom maturity import store\nfrom .cli import main\nimport pydantic\n"
    assert violations("core", imported(ast.parse(source))) == [
        "maturity.cli",
        "maturity.store",
        "yaml",
    ]
    assert violations("reports", imported(ast.parse("from maturity.store import Store\n"))) == [
        "maturity.store"
    ]
    assert violations("cli", imported(ast.parse("import maturity.web.app\n"))) == ["maturity.web"]


def stray_strings(tree: ast.AST) -> list[int]:
    """Lines of strings inside a function that are not its docstring: they do nothing."""
    return [
        statement.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for statement in node.body[1:]
        if isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    ]


def test_every_docstring_comes_first_in_its_function() -> None:
    found = {
        str(path.relative_to(PACKAGE)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if (lines := stray_strings(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert found == {}


def test_the_check_catches_a_docstring_after_an_import() -> None:
    source = 'def f():\n    import os\n\n    """What f does."""\n    return os\n'
    assert stray_strings(ast.parse(source)) == [4]
