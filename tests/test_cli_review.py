"""Respondents, review, moderation, a council's own framework and units, from the command line."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from maturity.cli import main

ROOT = Path(__file__).resolve().parent.parent
ASC = "City Council/Social Care and Education/Adult Social Care"
ASC_FILES = [
    ROOT / "assessments/2025-26/adult-social-care.yaml",
    *sorted((ROOT / "assessments/respondents/2025-26").glob("adult-social-care-*.yaml")),
]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_importing_twice_makes_no_new_version_and_the_benchmark_agrees_with_score(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "m.db")
    code, out, _ = run("import", str(ROOT / "assessments"), "--store", db)
    assert code == 0
    assert out.splitlines()[-1] == "30 imported, 0 revised, 0 unchanged, 0 rejected; 10 new units"
    assert "version 4 (was 3), 4 respondents merged" in out
    code, out, _ = run("import", str(ROOT / "assessments"), "--store", db)
    assert out.splitlines()[-1] == "0 imported, 0 revised, 30 unchanged, 0 rejected"
    _, scored, _ = run("score", *map(str, ASC_FILES), "--format", "json")
    _, bench, _ = run(
        "benchmark", "--framework", "edi-maturity", "--period", "2025/26", "--format", "json",
        "--unit", ASC, "--store", db,
    )  # fmt: skip
    (row,) = json.loads(bench)
    expected = json.loads(scored)
    assert row["overall"]["score"] == expected["overall"]["score"]
    assert round(row["overall"]["score"], 2) == 2.78
    assert row["respondents"] == expected["respondents"] == 8


@pytest.fixture
def asc(tmp_path: Path) -> str:
    db = str(tmp_path / "m.db")
    assert run("import", *map(str, ASC_FILES), "--store", db)[0] == 0
    return db


def test_review_moderate_and_withdraw_show_in_history(asc: str) -> None:
    code, _, err = run(
        "review", ASC, "--period", "2025/26", "--status", "validated", "--store", asc
    )
    assert (code, err) == (
        1,
        "Error: cannot go from draft to validated: from draft the next step is submitted; "
        "record submitted first\n",
    )
    code, out, _ = run(
        "review", ASC, "--period", "2025/26", "--status", "submitted", "--by", "Ruth Abernethy",
        "--store", asc,
    )  # fmt: skip
    assert out == f"{ASC} 2025/26: submitted by Ruth Abernethy (result version 4)\n"
    code, _, err = run(
        "review", ASC, "--period", "2025/26", "--status", "returned", "--by", "Kal Sandhu",
        "--store", asc,
    )  # fmt: skip
    assert err == "Error: returning an assessment needs a comment saying what to change\n"
    code, out, _ = run(
        "moderate", ASC, "--period", "2025/26", "--criterion", "environment.zero-tolerance",
        "--level", "developing", "--reason", "Survey does not bear it out", "--by", "Kal Sandhu",
        "--on", "2026-04-02", "--store", asc,
    )  # fmt: skip
    assert out == (
        f"{ASC} 2025/26: environment.zero-tolerance moderated to developing by Kal Sandhu; "
        "result now version 5\n"
    )
    code, out, _ = run(
        "withdraw", ASC, "--period", "2025/26", "--respondent", "adult-social-care-ridley",
        "--by", "Kal Sandhu", "--store", asc,
    )  # fmt: skip
    assert out == (
        f"{ASC} 2025/26: adult-social-care-ridley withdrawn; result version 6 from 3 respondents\n"
    )
    code, out, _ = run(
        "review", ASC, "--period", "2025/26", "--status", "validated", "--by", "Kal Sandhu",
        "--comment", "Evidence checked", "--store", asc,
    )  # fmt: skip
    assert code == 0
    code, out, _ = run("history", ASC, "--store", asc)
    lines = out.splitlines()
    assert "    respondents (3): adult-social-care, adult-social-care-abernethy, " in out
    assert "    withdrawn: adult-social-care-ridley" in lines
    reviews = [line for line in lines if line.startswith("    review: ")]
    assert [r.rsplit("  ", 1)[1] for r in reviews] == [
        "submitted by Ruth Abernethy (v4)",
        "validated by Kal Sandhu (v6): Evidence checked",
    ]
    assert (
        "    moderated environment.zero-tolerance to developing by Kal Sandhu on 2026-04-02: "
        "Survey does not bear it out"
    ) in lines
    assert lines[-1] == "* current version"
    code, out, _ = run("review", ASC, "--period", "2025/26", "--store", asc)
    assert out.splitlines()[0] == f"{ASC} 2025/26 (edi-maturity): validated"
    code, out, _ = run("benchmark", "--status", "approved", "--store", asc)
    assert code == 1
    code, out, _ = run("benchmark", "--status", "validated", "--store", asc)
    assert code == 0 and "Adult Soci" in out


def test_respondents_show_where_they_differ(asc: str) -> None:
    code, out, _ = run("respondents", ASC, "--period", "2025/26", "--store", asc)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"{ASC} 2025/26 (edi-maturity)"
    assert re.fullmatch(
        r"  adult-social-care: v1, \d{4}-\d{2}-\d{2} from adult-social-care.yaml", lines[1]
    )
    assert "  environment.zero-tolerance: 2 apart — (no group): established (4)" in lines


def test_moderation_and_review_name_what_is_wrong(asc: str) -> None:
    code, _, err = run(
        "moderate", ASC, "--period", "2025/26", "--criterion", "environment.zero-tolerance",
        "--level", "developing", "--reason", "", "--by", "Kal Sandhu", "--store", asc,
    )  # fmt: skip
    assert (code, err) == (1, "Error: --reason is empty\n")
    code, _, err = run(
        "moderate", ASC, "--period", "2025/26", "--criterion", "environment.zero",
        "--level", "developing", "--reason", "x", "--by", "Kal Sandhu", "--store", asc,
    )  # fmt: skip
    assert (code, err) == (1, "Error: edi-maturity@1.0 has no criterion 'environment.zero'\n")
    code, _, err = run(
        "review", "City Council/Adult Social Care", "--period", "2025/26", "--status",
        "submitted", "--store", asc,
    )  # fmt: skip
    assert (code, err) == (
        1,
        f"Error: no result for 'City Council/Adult Social Care' 2025/26 in {asc}; "
        f"did you mean '{ASC}'?\n",
    )


def test_a_councils_own_framework_goes_end_to_end(tmp_path: Path) -> None:
    fw_file = tmp_path / "inclusive-recruitment.yaml"
    fw_file.write_text(
        (ROOT / "frameworks/council-equality-3.yaml")
        .read_text(encoding="utf-8")
        .replace("id: council-equality-3", "id: inclusive-recruitment"),
        encoding="utf-8",
    )
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted((ROOT / "assessments/council-equality-3/2025-26").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        (folder / path.name).write_text(
            text.replace("framework: council-equality-3", "framework: inclusive-recruitment"),
            encoding="utf-8",
        )
    db = str(tmp_path / "m.db")
    code, out, _ = run("import", str(folder), "--store", db)
    assert code == 1
    assert (
        "framework: no framework 'inclusive-recruitment': give a file path or a built-in id "
        "(council-equality-3, edi-maturity); to use your own, add it to the store with "
        "`maturity framework add FILE`"
    ) in out
    code, out, _ = run("framework", "add", str(fw_file), "--by", "Kal Sandhu", "--store", db)
    assert out == f"{fw_file}: inclusive-recruitment@1.1 registered in {db}\n"
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        fw_file.read_text(encoding="utf-8").replace("name: Council", "name: Our"), encoding="utf-8"
    )
    code, _, err = run("framework", "add", str(changed), "--store", db)
    assert (code, err) == (
        1,
        f"Error: framework 'inclusive-recruitment' version 1.1 is already in {db} with a "
        "different definition; give the changed framework a new version\n",
    )
    code, out, _ = run("import", str(folder), "--store", db)
    assert out.splitlines()[-1] == "3 imported, 0 revised, 0 unchanged, 0 rejected; 3 new units"
    # Files that name it check and score too, found in the store.
    one = str(folder / "customer-services.yaml")
    code, out, _ = run("assess", "check", one, "--store", db)
    assert (code, out.split(";")[0]) == (0, f"{one}: valid")
    code, out, _ = run("score", one, "--store", db)
    assert code == 0 and out.splitlines()[1].startswith("2025/26  inclusive-recruitment 1.1")
    code, out, _ = run("framework", "list", "--store", db)
    assert out.splitlines()[-2:] == [
        f"Registered in {db}:",
        "inclusive-recruitment  1.1           3       4       15  Council Equality Framework "
        "(Developing / Achieving / Excellent)",
    ]
    builtin = tmp_path / "edi.yaml"
    builtin.write_text(
        (ROOT / "frameworks/edi-maturity.yaml")
        .read_text(encoding="utf-8")
        .replace("name: ", "name: Our ", 1),
        encoding="utf-8",
    )
    code, _, err = run("framework", "add", str(builtin), "--store", db)
    assert err == (
        "Error: framework 'edi-maturity' version 1.0 is built in with a different definition; "
        "give yours another id or version\n"
    )
    code, out, _ = run("benchmark", "--store", db)
    assert code == 0 and out.startswith("inclusive-recruitment@1.1  roll-up: respondents")
    unit = "City Council/Corporate Resources/Customer Services"
    plan = tmp_path / "plan.yaml"
    code, out, err = run(
        "plan", "--unit", unit, "--period", "2025/26", "--format", "yaml", "-o", str(plan),
        "--store", db,
    )  # fmt: skip
    assert code == 0, err
    assert "inclusive-recruitment" in plan.read_text(encoding="utf-8")

    from maturity.cli.report import load_board
    from maturity.reports.board import context
    from maturity.reports.render import render_html
    from maturity.store import open_store

    run(
        "review",
        unit,
        "--period",
        "2025/26",
        "--status",
        "submitted",
        "--by",
        "A <b>",
        "--store",
        db,
    )
    with open_store(db) as store:
        pack = load_board(store, "2025/26", None, 5, None)
    assert pack.framework == "inclusive-recruitment@1.1"
    assert {r.unit: r.status for r in pack.reviews}[unit] == "submitted"
    assert (
        "3 of 3 units' scores are not yet validated (marked 'not yet validated')" in pack.warnings
    )
    html = render_html(
        "board-pack.html.j2", context(pack, {"trend-1": "t", "distribution": "d"}, date(2026, 4, 2))
    )
    assert "(not yet validated: submitted)" in html
    assert "Review and moderation, 2025/26" in html
    assert "submitted by A &lt;b&gt;" in html


def test_units_are_known_strict_and_renamed_with_history(asc: str, tmp_path: Path) -> None:
    housing = tmp_path / "housing.yaml"
    shutil.copy(ROOT / "assessments/2025-26/housing-services.yaml", housing)
    code, out, _ = run("import", str(housing), "--strict-units", "--store", asc)
    assert code == 1
    assert (
        f"rejected   {housing}: 'City Council/Housing/Housing Services' is a new unit; check the "
        "unit, or import without --strict-units to add it"
    ) in out.splitlines()
    assert run("unit", "add", "City Council/Housing/Housing Services", "--store", asc)[1] == (
        "City Council/Housing/Housing Services: added\n"
    )
    code, out, _ = run("import", str(housing), "--strict-units", "--store", asc)
    assert code == 0 and "; new unit" not in out
    code, out, _ = run(
        "unit", "rename", ASC, "City Council/Adults", "--by", "Kal Sandhu", "--store", asc
    )
    assert out == f"{ASC} -> City Council/Adults: 8 records moved\n"
    code, out, _ = run("unit", "list", "--store", asc)
    assert out.splitlines()[:3] == ["City Council", "  Adults", "  Housing"]
    code, out, _ = run("history", "City Council/Adults", "--store", asc)
    assert out.splitlines()[1].startswith(f"  renamed from {ASC} to City Council/Adults, ")
    assert out.splitlines()[1].endswith(" by Kal Sandhu")
    assert len([line for line in out.splitlines() if " 2025/26 " in line]) == 4
