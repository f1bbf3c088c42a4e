"""The pure core imports no I/O, rendering or storage library, and none of the edges."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "maturity" / "core"
CORE = [
    "framework",
    "assessment",
    "scoring",
    "benchmark",
    "gaps",
    "plan",
    "board",
    "suppression",
    "progress",
]
FORBIDDEN = {
    "click",
    "jinja2",
    "weasyprint",
    "openpyxl",
    "yaml",
    "sqlalchemy",
    "matplotlib",
    "maturity.store",
    "maturity.files",
    "maturity.reports",
    "maturity.cli",
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


def forbidden(names: set[str]) -> list[str]:
    return sorted(n for n in names if any(n == f or n.startswith(f + ".") for f in FORBIDDEN))


@pytest.mark.parametrize(
    "module", [m for m in CORE if (PACKAGE / f"{m}.py").exists()], ids=lambda m: m
)
def test_the_core_imports_no_edge(module: str) -> None:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    assert forbidden(imported(tree)) == []


def test_the_check_catches_an_edge_import() -> None:
    source = "import yaml\nfrom maturity import store\nfrom .cli import main\nimport pydantic\n"
    assert forbidden(imported(ast.parse(source))) == ["maturity.cli", "maturity.store", "yaml"]


def test_the_framework_assessment_and_scoring_core_exist() -> None:
    assert all((PACKAGE / f"{m}.py").exists() for m in ("framework", "assessment", "scoring"))


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
        str(path.relative_to(PACKAGE.parent)): lines
        for path in sorted(PACKAGE.parent.rglob("*.py"))
        if (lines := stray_strings(ast.parse(path.read_text(encoding="utf-8"))))
    }
    assert found == {}


def test_the_check_catches_a_docstring_after_an_import() -> None:
    source = 'def f():\n    import os\n\n    """What f does."""\n    return os\n'
    assert stray_strings(ast.parse(source)) == [4]
