"""Every command documents itself with an example; the generated references match the models."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from maturity.cli import main
from maturity.files.docs import format_reference, json_schema

REPO = Path(__file__).resolve().parent.parent


def all_commands() -> list[tuple[str, click.Command]]:
    """Every registered command and group, by its full name, walking groups recursively."""
    found: list[tuple[str, click.Command]] = []

    def walk(name: str, command: click.Command) -> None:
        found.append((name, command))
        if isinstance(command, click.Group):
            ctx = click.Context(command, info_name=name)
            for sub in command.list_commands(ctx):
                child = command.get_command(ctx, sub)
                assert child is not None, f"{name} {sub} is listed but cannot be loaded"
                walk(f"{name} {sub}", child)

    walk("maturity", main)
    return found


COMMANDS = all_commands()


def test_the_core_commands_are_registered() -> None:
    names = {name for name, _ in COMMANDS}
    expected = {
        "maturity framework validate",
        "maturity framework list",
        "maturity framework show",
        "maturity framework schema",
        "maturity assess new",
        "maturity assess check",
        "maturity score",
    }
    assert expected <= names


@pytest.mark.parametrize(("name", "command"), COMMANDS, ids=[name for name, _ in COMMANDS])
def test_every_command_has_help_with_an_example(name: str, command: click.Command) -> None:
    result = CliRunner().invoke(main, [*name.split()[1:], "--help"], prog_name="maturity")
    assert result.exit_code == 0, result.output
    assert f"Usage: {name}" in result.stdout
    assert "Example:" in result.stdout
    # The example is a real invocation of this command.
    example = result.stdout.split("Example:", 1)[1]
    assert re.search(rf"^ +{re.escape(name)}( |$)", example, re.MULTILINE), example
    assert command.help and command.help.strip().split("\n")[0], "a one-line summary"


@pytest.mark.parametrize(
    ("kind", "path"),
    [("framework", "frameworks/FORMAT.md"), ("assessment", "assessments/FORMAT.md")],
)
def test_the_format_references_are_up_to_date(kind: str, path: str) -> None:
    # Regenerate with `make docs` after changing the models.
    assert (REPO / path).read_text(encoding="utf-8") == format_reference(kind)


def test_the_json_schema_is_up_to_date() -> None:
    assert (REPO / "frameworks/framework.schema.json").read_text(encoding="utf-8") == json_schema()
