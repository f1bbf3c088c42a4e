"""Frameworks in spreadsheets: import from CSV and .xlsx, export to .xlsx, errors at their cell."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
from click.testing import Result

from maturity.core.framework import Framework
from maturity.files.catalog import load_framework
from maturity.files.loading import load

CSV = (
    (
        "Domain,Title,Description,Emerging,Developing,Established,Action: Emerging\n"
        "Recruitment,Diverse shortlists,Shortlists reflect applicants,No data,Some monitoring,"
        '"Monitored and acted on","Start monitoring\nReport to DMT"\n'
    )
    + """\
Recruitment,Interview panels,,Ad hoc,Usually mixed,Always diverse,
Culture,Staff networks,,None,Informal,Funded and consulted,
"""
)


def test_a_csv_framework_imports_and_validates(cli: Callable[..., Result], tmp_path: Path) -> None:
    source = tmp_path / "inclusive-recruitment.csv"
    source.write_text(CSV)
    out = tmp_path / "recruitment.yaml"
    result = cli("framework", "import", source, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"Wrote {out} (inclusive-recruitment 1.0: 3 levels, 2 domains, 3 criteria)\n"
    )
    assert result.stderr == (
        f"Warning: 6 parts of criteria left out (evidence guidance or suggested actions); "
        f"`maturity framework validate {out}` lists them\n"
    )
    fw, _ = load(out, Framework)
    assert fw.level_ids == ["emerging", "developing", "established"]
    assert [d.id for d in fw.domains] == ["recruitment", "culture"]
    _, shortlists = fw.criteria["recruitment.diverse-shortlists"]
    assert shortlists.descriptors["established"] == "Monitored and acted on"
    assert shortlists.actions == {"emerging": ["Start monitoring", "Report to DMT"]}
    _, panels = fw.criteria["recruitment.interview-panels"]
    assert panels.description == "Interview panels"  # the title, where none is given
    assert cli("framework", "validate", out).exit_code == 0


def test_problems_name_the_cell(cli: Callable[..., Result], tmp_path: Path) -> None:
    source = tmp_path / "f.csv"
    source.write_text(
        CSV.replace("Always diverse", "").replace("Staff networks", "Interview panels")
    )
    result = cli("framework", "import", source, "-o", tmp_path / "f.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {source}: cell D3: domain 'recruitment' > criterion 'interview-panels' > "
        "descriptors: missing descriptors for established; every criterion describes every level",
        f"Error: {source}: cell B4: domain 'culture' > criterion 'interview-panels' > id: "
        "criterion id 'interview-panels' is already used in domain 'recruitment'; criterion "
        "ids must be unique across the framework",
    ]
    assert not (tmp_path / "f.yaml").exists()


def test_guidance_for_an_unknown_level_names_the_heading(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    source = tmp_path / "f.csv"
    source.write_text(CSV.replace("Action: Emerging", "Action: Beginning"))
    result = cli("framework", "import", source, "-o", tmp_path / "f.yaml")
    assert result.stderr == (
        f"Error: {source}: cell G1: 'Beginning' is not one of the level columns "
        "(Emerging, Developing, Established)\n"
    )


def test_export_then_import_gives_back_every_criterion(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    book = tmp_path / "edi.xlsx"
    assert cli("framework", "export", "edi-maturity", "--format", "xlsx", "-o", book).exit_code == 0
    back = tmp_path / "edi.yaml"
    result = cli("framework", "import", book, "--id", "edi-maturity", "-o", back)
    assert result.exit_code == 0, result.stderr
    original = load_framework("edi-maturity")
    imported, _ = load(back, Framework)
    assert [lv.name for lv in imported.levels] == [lv.name for lv in original.levels]
    assert list(imported.criteria) == list(original.criteria)
    for ref, (_, criterion) in original.criteria.items():
        _, other = imported.criteria[ref]
        fields = ("title", "description", "weight", "descriptors", "evidence", "actions", "maps_to")
        assert other.model_dump(include=set(fields)) == criterion.model_dump(include=set(fields))


def test_a_formula_in_the_workbook_is_refused(cli: Callable[..., Result], tmp_path: Path) -> None:
    book = tmp_path / "f.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Title", "Low", "High"])
    ws.append(["Data", '=HYPERLINK("http://x")', "Full data"])
    wb.save(book)
    result = cli("framework", "import", book, "-o", tmp_path / "f.yaml")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {book}: sheet 'Sheet', cell B2: a formula; type the text itself\n"
    )


def test_a_line_break_in_the_name_stays_in_the_comment(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    source = tmp_path / "f.csv"
    source.write_text(CSV)
    out = tmp_path / "f.yaml"
    result = cli("framework", "import", source, "--name", "Ours\nid: forged", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_text().splitlines()[0] == (
        "# Ours id: forged, imported from f.csv by `maturity framework import`."
    )
    fw, _ = load(out, Framework)
    assert fw.id == "f" and fw.name == "Ours\nid: forged"
