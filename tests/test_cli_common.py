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


SAMPLE = Path(__file__).resolve().parent.parent / "assessments" / "2025-26" / "hr-od.yaml"
PLAN = ["plan", "draft", str(SAMPLE)]
SCORECARD = ["report", "scorecard", str(SAMPLE)]


def kind(path: Path) -> str:
    """What a written file holds, by its first bytes."""
    head = path.read_bytes()[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK"):
        return "docx"
    return "text"


@pytest.mark.parametrize(
    ("command", "name", "expected"),
    [
        (PLAN, "plan.docx", "docx"),
        (PLAN, "plan.yml", "text"),
        (PLAN, "plan.pdf", "pdf"),
        (SCORECARD, "card.docx", "docx"),
    ],
)
def test_without_format_the_output_name_says_what_to_write(
    command: list[str], name: str, expected: str, tmp_path: Path
) -> None:
    out = tmp_path / name
    result = CliRunner().invoke(main, [*command, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert kind(out) == expected
    if name.endswith(".yml"):
        assert out.read_text(encoding="utf-8").startswith("organisation: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [*PLAN, "--format", "pdf", "-o", "{dir}/plan.yaml"],
            "a .yaml name, but --format pdf writes pdf; name the file .pdf, or give --format yaml",
        ),
        (
            [*PLAN, "-o", "{dir}/plan.json"],
            "a .json name, but this command writes pdf, docx, html, yaml or csv; "
            "name the file .pdf or give --format",
        ),
        (
            [*SCORECARD, "-o", "{dir}/card.csv"],
            "a .csv name, but this command writes pdf or docx; name the file .pdf or give --format",
        ),
    ],
)
def test_a_name_that_says_another_kind_of_file_is_refused(
    args: list[str], message: str, tmp_path: Path
) -> None:
    args = [a.replace("{dir}", str(tmp_path)) for a in args]
    result = CliRunner().invoke(main, args)
    out = args[args.index("-o") + 1]
    assert (result.exit_code, result.stderr) == (1, f"Error: -o {out}: {message}\n")
    assert list(tmp_path.iterdir()) == []


def test_the_board_pack_is_written_as_word_when_named_so(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    fill_store(db, framework())
    out = tmp_path / "board.docx"
    args = ["report", "board", "--period", "2025/26", "--store", str(db), "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert kind(out) == "docx"
