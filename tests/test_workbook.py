"""Self-assessment workbooks: what a team sees and can edit, the round trip, and hostile files."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from maturity.cli import main
from maturity.core.assessment import Assessment, Response
from maturity.core.errors import InvalidFileError
from maturity.core.framework import Framework
from maturity.core.scoring import score
from maturity.files.catalog import load_framework
from maturity.files.workbook import read_workbook, read_workbook_cells, write_workbook

FW = "council-equality-3"
UNIT = "City Council/Housing"


@pytest.fixture(scope="module")
def fw() -> Framework:
    return load_framework(FW)


@pytest.fixture()
def blank(fw: Framework, tmp_path: Path) -> Path:
    path = tmp_path / "housing.xlsx"
    write_workbook(fw, path, UNIT, "2025/26")
    return path


def cells(path: Path) -> dict[tuple[str, ...], tuple[str, str]]:
    """Where each answer goes: ("responses", ref, field) or (field,) -> (sheet, cell)."""
    _, cellmap = read_workbook_cells(path)
    return {tuple(str(k) for k in key): where for key, where in cellmap.cells.items()}


def fill(
    path: Path,
    answers: dict[tuple[str, ...], Any],
    where: dict[tuple[str, ...], tuple[str, str]] | None = None,
) -> None:
    """Type answers into the workbook as a user would (text stays text), and save it."""
    where = where or cells(path)
    wb = openpyxl.load_workbook(path)
    for key, value in answers.items():
        sheet, coord = where[key]
        cell = wb[sheet][coord]
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
    wb.save(path)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def error_lines(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith("Error:")]


# --- what the team sees ------------------------------------------------------------------


def test_sheets_are_instructions_then_one_per_domain(blank: Path, fw: Framework) -> None:
    wb = openpyxl.load_workbook(blank)
    assert wb.sheetnames == [
        "Instructions",
        "Communities",
        "Leadership",
        "Services",
        "Workforce",
        "_meta",
    ]
    assert wb["_meta"].sheet_state == "veryHidden"
    assert wb.security.lockStructure
    guide = wb["Instructions"]
    assert guide["B3"].value == "council-equality-3 version 1.1"
    assert (guide["B4"].value, guide["B5"].value) == (UNIT, "2025/26")
    ws = wb["Workforce"]
    assert ws.freeze_panes == "A3"
    assert ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape"
    assert ws.column_dimensions["B"].width >= 50
    # every criterion's descriptor for every level is on its sheet
    texts = {str(c.value) for row in ws.iter_rows() for c in row if c.value}
    for ref, (domain, criterion) in fw.criteria.items():
        if domain.id == "workforce":
            assert any(ref in t for t in texts)
            for level_id in fw.level_ids:
                assert " ".join(criterion.descriptors[level_id].split()) in texts


def test_level_cells_have_a_dropdown_of_level_names(blank: Path, fw: Framework) -> None:
    wb = openpyxl.load_workbook(blank)
    where = cells(blank)
    level_cells = {where[("responses", ref, "level")] for ref in fw.criteria}
    assert len(level_cells) == len(fw.criteria)
    for sheet, coord in level_cells:
        lists = [
            dv
            for dv in wb[sheet].data_validations.dataValidation
            if dv.type == "list" and coord in dv.sqref
        ]
        assert len(lists) == 1
        dv = lists[0]
        assert dv.showErrorMessage and dv.allow_blank
        assert not dv.showDropDown  # in the file format, True would HIDE the arrow
        target, cell_range = dv.formula1.split("!")
        assert target == "'_meta'"
        shown = [c.value for row in wb["_meta"][cell_range.replace("$", "")] for c in row]
        assert shown == ["Developing", "Achieving", "Excellent", "Not applicable"]


def test_metric_cells_only_take_numbers_in_range(blank: Path, fw: Framework) -> None:
    wb = openpyxl.load_workbook(blank)
    where = cells(blank)
    metric_refs = [ref for ref, (_, c) in fw.criteria.items() if c.metric]
    assert metric_refs
    for ref in metric_refs:
        sheet, coord = where[("responses", ref, "value")]
        dv = next(d for d in wb[sheet].data_validations.dataValidation if coord in d.sqref)
        expected = {
            "percent": ("decimal", "between", "0", "100"),
            "count": ("whole", "between", "0", "1000000000"),
        }[fw.criteria[ref][1].metric.unit.value]  # type: ignore[union-attr]
        assert (dv.type, dv.operator, dv.formula1, dv.formula2) == expected
    plain = [ref for ref, (_, c) in fw.criteria.items() if not c.metric]
    assert all(("responses", ref, "value") not in where for ref in plain)


def test_only_answer_cells_can_be_edited(blank: Path) -> None:
    wb = openpyxl.load_workbook(blank)
    answer = set(cells(blank).values()) - {("Instructions", "B3")}
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
        for row in ws.iter_rows():
            for cell in row:
                if (ws.title, cell.coordinate) in answer:
                    assert not cell.protection.locked, (ws.title, cell.coordinate)
                elif cell.value is not None:
                    assert cell.protection.locked, (ws.title, cell.coordinate)
    # 15 criteria x (level, evidence, notes, owner) + 4 metric values + unit, period, date, people
    assert len(answer) == 15 * 4 + 4 + 4


# --- the round trip ----------------------------------------------------------------------


def full_assessment(fw: Framework) -> Assessment:
    responses = {}
    for i, (ref, (_, criterion)) in enumerate(fw.criteria.items()):
        level = [*fw.level_ids, "not_applicable"][i % 4]
        responses[ref] = Response(
            level=level,
            value=[12.5, 64.0, 3.0, 100.0][i % 4] if criterion.metric else None,
            evidence=[f"Report {i}, page 3", "https://intranet.example/eia"] if i % 3 else [],
            notes='=HYPERLINK("http://evil")'
            if i == 1
            else (f"Note {i}\nsecond line" if i % 2 else None),
            owner="-Jane Smith" if i == 2 else ("Kal Sandhu" if i % 5 else None),
        )
    return Assessment(
        framework=fw.ref,
        unit=UNIT,
        period="2025/26",
        completed_on=date(2026, 3, 14),
        respondents=3,
        responses=responses,
    )


def answers_for(fw: Framework, assessment: Assessment) -> dict[tuple[str, ...], Any]:
    names = {lv.id: lv.name for lv in fw.levels} | {"not_applicable": "Not applicable"}
    typed: dict[tuple[str, ...], Any] = {
        ("completed_on",): "14/03/2026",
        ("respondents",): 3,
    }
    for i, (ref, r) in enumerate(assessment.responses.items()):
        assert r.level is not None
        # users type names in any case, or pick them from the list
        typed[("responses", ref, "level")] = names[r.level].upper() if i == 0 else names[r.level]
        if r.value is not None:
            typed[("responses", ref, "value")] = r.value
        if r.evidence:
            typed[("responses", ref, "evidence")] = "\n".join(["", *r.evidence, "  "])
        if r.notes:
            typed[("responses", ref, "notes")] = r.notes
        if r.owner:
            typed[("responses", ref, "owner")] = f" {r.owner} "
    return typed


def test_filled_workbook_scores_the_same_as_the_yaml_equivalent(blank: Path, fw: Framework) -> None:
    expected = full_assessment(fw)
    fill(blank, answers_for(fw, expected))
    got = read_workbook(blank)
    assert got == expected
    assert score(fw, got) == score(fw, expected)


def test_prefilled_workbook_reads_back_unchanged(fw: Framework, tmp_path: Path) -> None:
    last = full_assessment(fw)
    path = tmp_path / "again.xlsx"
    write_workbook(fw, path, None, "2026/27", prefill=last)
    got = read_workbook(path)
    assert got.unit == last.unit and got.period == "2026/27"
    # Every answer reads back as it was, marked carried over until the team reviews it.
    assert got.responses == {
        ref: r.model_copy(update={"carried_over": True}) for ref, r in last.responses.items()
    }


def test_carried_over_answers_stay_marked_until_changed_or_confirmed(
    fw: Framework, tmp_path: Path
) -> None:
    last = full_assessment(fw)
    path = tmp_path / "again.xlsx"
    write_workbook(fw, path, None, "2026/27", prefill=last)
    changed, confirmed, *_ = list(last.responses)
    other = next(lv.name for lv in fw.levels if lv.id != last.responses[changed].level)
    fill(
        path,
        {("responses", changed, "level"): other, ("responses", confirmed, "reviewed"): "yes"},
    )
    got = read_workbook(path)
    marked = sorted(ref for ref, r in got.responses.items() if r.carried_over)
    assert marked == sorted(set(last.responses) - {changed, confirmed})
    result = run("assess", "check", str(path))
    assert result.exit_code == 0
    n = len(last.responses) - 2
    assert result.output.endswith(f"; {n} answers carried over, not yet reviewed\n")
    sheet, coord = cells(path)[("responses", confirmed, "reviewed")]
    fill(path, {("responses", confirmed, "reviewed"): "Maybe"})
    result = run("assess", "check", str(path))
    assert result.exit_code == 1
    assert error_lines(result) == [
        f"Error: {path}: sheet '{sheet}', cell {coord}: 'Maybe' is not 'Yes'; choose Yes or "
        "leave it empty"
    ]


def test_user_text_that_looks_like_a_formula_is_stored_as_text(
    fw: Framework, tmp_path: Path
) -> None:
    last = full_assessment(fw)
    path = tmp_path / "n.xlsx"
    write_workbook(fw, path, UNIT, "2026/27", prefill=last)
    wb = openpyxl.load_workbook(path)
    where = cells(path)
    refs = list(fw.criteria)
    for key, text in [
        (("responses", refs[1], "notes"), '=HYPERLINK("http://evil")'),
        (("responses", refs[2], "owner"), "-Jane Smith"),
    ]:
        cell = wb[where[key][0]][where[key][1]]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in archive.read(n) for n in sheets)


def test_a_value_typed_as_a_percentage_is_read_as_one(blank: Path, fw: Framework) -> None:
    ref = next(ref for ref, (_, c) in fw.criteria.items() if c.metric)
    sheet, coord = cells(blank)[("responses", ref, "value")]
    wb = openpyxl.load_workbook(blank)
    wb[sheet][coord].value = 0.124  # what Excel stores when a user types 12.4%
    wb[sheet][coord].number_format = "0.0%"
    wb.save(blank)
    assert read_workbook(blank).responses[ref].value == pytest.approx(12.4)


# --- cell-precise errors -----------------------------------------------------------------


def test_unknown_level_names_the_sheet_and_cell(blank: Path, fw: Framework) -> None:
    ref = "workforce.workforce-data"
    sheet, coord = cells(blank)[("responses", ref, "level")]
    fill(blank, {("responses", ref, "level"): "Achieved"})
    result = run("assess", "check", str(blank))
    assert result.exit_code == 1
    assert error_lines(result) == [
        f"Error: {blank}: sheet 'Workforce', cell {coord}: 'Achieved' is not a level of this "
        "framework (Developing, Achieving, Excellent)"
    ]
    assert sheet == "Workforce"


def test_every_bad_cell_is_reported_at_once(blank: Path, fw: Framework) -> None:
    where = cells(blank)
    metric = "communities.digital-inclusion"
    fill(
        blank,
        {
            ("unit",): "",
            ("respondents",): "several",
            ("responses", metric, "value"): "twelve",
            ("responses", "services.customer-feedback", "notes"): None,
        },
    )
    with pytest.raises(InvalidFileError) as caught:
        read_workbook(blank)
    assert caught.value.lines == [
        f"{blank}: sheet 'Instructions', cell B7: 'several' is not a number",
        f"{blank}: sheet 'Communities', cell {where[('responses', metric, 'value')][1]}: "
        "'twelve' is not a number",
        f"{blank}: sheet 'Instructions', cell B4: the unit is empty; fill it in "
        "(e.g. City Council/Housing)",
    ]


def test_framework_check_is_mapped_to_cells(blank: Path) -> None:
    ref = "communities.digital-inclusion"
    where = cells(blank)
    coord = where[("responses", ref, "value")][1]
    fill(blank, {("responses", ref, "value"): 140, ("period",): "2025/27"})
    result = run("assess", "check", str(blank))
    assert result.exit_code == 1
    assert error_lines(result) == [
        f"Error: {blank}: sheet 'Instructions', cell B5: period '2025/27' is not a financial "
        "year such as 2025/26 (YYYY/YY, the second year following the first)"
    ]
    fill(blank, {("period",): "2025/26"}, where)
    result = run("score", str(blank))
    assert error_lines(result) == [
        f"Error: {blank}: sheet 'Communities', cell {coord}: 140 is not a percentage (0 to 100)"
    ]


def test_a_formula_is_reported_never_evaluated(blank: Path) -> None:
    ref = "leadership.eia-toolkit"
    coord = cells(blank)[("responses", ref, "level")][1]
    wb = openpyxl.load_workbook(blank)
    wb["Leadership"][coord] = '=IF(1,"Excellent","Developing")'
    wb.save(blank)
    with pytest.raises(InvalidFileError) as caught:
        read_workbook(blank)
    assert caught.value.lines == [
        f"{blank}: sheet 'Leadership', cell {coord}: holds a formula; type the answer itself "
        "(formulas are not read)"
    ]


def test_workbook_for_another_framework_version_is_refused(blank: Path) -> None:
    wb = openpyxl.load_workbook(blank)
    wb["_meta"]["C2"] = "0.9"
    wb.save(blank)
    result = run("assess", "check", str(blank))
    assert result.exit_code == 1
    assert error_lines(result) == [
        f"Error: {blank}: sheet 'Instructions', cell B3: framework 'council-equality-3' version "
        "0.9 is not available (the built-in one is version 1.1); add that version to the "
        "store with `maturity framework add FILE`"
    ]


def test_a_workbook_not_made_by_maturity_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    openpyxl.Workbook().save(path)
    result = run("assess", "check", str(path))
    assert result.exit_code == 1
    assert error_lines(result) == [
        f"Error: {path}: not a maturity workbook (it has no _meta sheet); make one with "
        "`maturity workbook`"
    ]


# --- hostile files -----------------------------------------------------------------------


def one_line_refusal(path: Path) -> str:
    result = run("assess", "check", str(path))
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    return lines[0]


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("unit,level\nHousing,Excellent\n")
    assert one_line_refusal(path) == (
        f"Error: {path}: not an Excel workbook (.xlsx): the file is not a zip archive"
    )


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as f:
        f.truncate(21 * 2**20)  # sparse: costs no disk
    assert one_line_refusal(path) == f"Error: {path}: the file is 21.0 MB; the limit is 20 MB"


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (4 * 2**20))
    line = one_line_refusal(path)
    assert line.startswith(f"Error: {path}: refused: the workbook expands ")
    assert line.endswith("times (limit 100); it looks like a zip bomb")


def test_oversized_expansion_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        info = zipfile.ZipInfo("xl/sharedStrings.xml")
        archive.writestr(info, b"")
    # Declare a 60 MB member without writing one: only the declared size is checked.
    data = bytearray(path.read_bytes())
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = (60 * 2**20).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    assert one_line_refusal(path) == (
        f"Error: {path}: refused: the workbook expands to 60 MB (limit 50 MB)"
    )


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol3;</t></si></sst>
"""


def replace_member(path: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts[name] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, content in parts.items():
            archive.writestr(n, content)


def test_xml_entity_expansion_is_refused(blank: Path) -> None:
    replace_member(blank, "xl/sharedStrings.xml", BILLION_LAUGHS)
    assert one_line_refusal(blank) == (
        f"Error: {blank}: refused: xl/sharedStrings.xml declares a DOCTYPE or XML entities, "
        "which Excel never writes (a known attack)"
    )


def test_openpyxl_parses_with_defusedxml() -> None:
    assert openpyxl.xml.DEFUSEDXML


def test_zip_without_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert one_line_refusal(path).startswith(
        f"Error: {path}: not a readable Excel workbook (.xlsx): "
    )


@pytest.mark.parametrize(
    ("part", "broken", "why"),
    [
        ("xl/workbook.xml", b"<workbook><sheets>", "XMLSyntaxError"),
        # a cell pointing at shared string 99999 of 100 or so
        (
            "xl/worksheets/sheet2.xml",
            b'<sheetData><row r="1"><c r="A1" t="s"><v>99999</v></c></row>',
            "IndexError",
        ),
    ],
)
def test_damaged_xml_is_refused(blank: Path, part: str, broken: bytes, why: str) -> None:
    with zipfile.ZipFile(blank) as archive:
        original = archive.read(part)
    data = original.replace(b"<sheetData>", broken, 1) if b"sheetData" in broken else broken
    replace_member(blank, part, data)
    assert (
        one_line_refusal(blank) == f"Error: {blank}: not a readable Excel workbook (.xlsx): {why}"
    )


def test_damaged_meta_sheet_is_refused(blank: Path) -> None:
    wb = openpyxl.load_workbook(blank)
    wb["_meta"]["A5"] = "bogus"
    wb.save(blank)
    assert one_line_refusal(blank) == (
        f"Error: {blank}: the workbook's _meta sheet is damaged at row 5; make a fresh workbook "
        "with `maturity workbook`"
    )


# --- the command -------------------------------------------------------------------------


def test_command_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "h.xlsx"
    result = run("workbook", FW, "--unit", UNIT, "--period", "2026/27", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {out}: 15 criteria in 4 sheets\n"
    again = run("workbook", FW, "-o", str(out))
    assert (again.exit_code, error_lines(again)) == (
        1,
        [f"Error: {out} already exists; use --force to replace it"],
    )
    assert run("workbook", FW, "-o", str(out), "--force").exit_code == 0
    bad = run("workbook", FW, "--period", "2026", "-o", str(tmp_path / "x.xlsx"))
    assert error_lines(bad) == [
        "Error: --period: period '2026' is not a financial year such as 2025/26 (YYYY/YY, the "
        "second year following the first)"
    ]
    assert not (tmp_path / "x.xlsx").exists()
    csv = run("workbook", FW, "-o", str(tmp_path / "x.csv"))
    assert error_lines(csv) == [
        f"Error: {tmp_path / 'x.csv'}: the workbook's name must end in .xlsx"
    ]


def test_command_prefills_from_last_year(fw: Framework, tmp_path: Path) -> None:
    last = tmp_path / "last.xlsx"
    write_workbook(fw, last, UNIT, "2025/26", prefill=full_assessment(fw))
    out = tmp_path / "next.xlsx"
    result = run("workbook", FW, "--period", "2026/27", "--from", str(last), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert (
        result.output
        == f"Wrote {out}: 15 criteria in 4 sheets with 15 answers from {last} to review\n"
    )
    got = read_workbook(out)
    assert (got.unit, got.period) == (UNIT, "2026/27")
    assert {
        ref: r.model_copy(update={"carried_over": False}) for ref, r in got.responses.items()
    } == (full_assessment(fw).responses)
    assert all(r.carried_over for r in got.responses.values())


# --- a real office suite -----------------------------------------------------------------


def test_libreoffice_opens_and_converts_the_workbook(blank: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip(
            "LIBREOFFICE NOT INSTALLED: the workbook was NOT checked in a real office suite; "
            "install libreoffice-calc-nogui (scripts/setup-system.sh)"
        )
    profile = (tmp_path / "lo-profile").as_uri()
    out = tmp_path / "pdf"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(blank),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    pdf = out / "housing.pdf"
    assert pdf.is_file() and pdf.stat().st_size > 10_000
    assert pdf.read_bytes().startswith(b"%PDF")
