"""Checks shared by `maturity benchmark` and `maturity report`: the same mistake, the same line."""

from __future__ import annotations

from pathlib import Path

import pytest
from board_fixtures import fill_store, framework
from click.testing import CliRunner

from maturity.cli import main

COMMANDS = [["benchmark"], ["report", "board", "-o"], ["report", "all", "-o"]]
PERIOD = (
    "Error: --period: period '2025/27' is not a financial year such as 2025/26 "
    "(YYYY/YY, the second year following the first)\n"
)


def run(command: list[str], folder: Path, *args: str) -> tuple[int, str]:
    """Run `command` with a store in `folder`; an output (`-o`) goes there too."""
    if command[-1] == "-o":
        command = [*command, str(folder / "out")]
    if "--period" not in args:
        args = (*args, "--period", "2025/26")
    result = CliRunner().invoke(main, [*command, "--store", str(folder / "m.db"), *args])
    return result.exit_code, result.stderr


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_bad_period_is_named_the_same_way(command: list[str], tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    fill_store(db, framework())
    assert run(command, tmp_path, "--period", "2025/27") == (1, PERIOD)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_an_unknown_framework_is_named_the_same_way(command: list[str], tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    fill_store(db, framework())
    held = framework().id
    assert run(command, tmp_path, "--framework", "nope") == (
        1,
        f"Error: no framework 'nope' in {db} (it holds: {held})\n",
    )


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_an_empty_store_says_to_import_first(command: list[str], tmp_path: Path) -> None:
    from maturity.store import open_store

    db = tmp_path / "m.db"
    with open_store(str(db), create=True):
        pass
    assert run(command, tmp_path) == (
        1,
        f"Error: {db} is empty; import assessments first\n",
    )
