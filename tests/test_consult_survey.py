"""Reading survey exports: Google Forms CSV, Microsoft Forms xlsx, and bad files in one line."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from maturity.cli import main
from maturity.core.errors import InvalidFileError, MaturityError
from maturity.files.survey import read_staff_list, read_survey

QUESTION = "If the department was the best version of itself, what would have changed?"


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result.exit_code, result.stdout, result.stderr


def google_csv(path: Path, rows: list[list[str]]) -> Path:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Timestamp", "Email address", QUESTION, "Your grade"])
        writer.writerows(rows)
    return path


def forms_xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet.append(["ID", "Start time", "Completion time", "Email", "Name", QUESTION, "Grade"])
    for row in rows:
        sheet.append(row)
    wb.save(path)
    return path


def test_google_forms_csv_reads_the_chosen_columns_only(tmp_path: Path) -> None:
    path = google_csv(
        tmp_path / "g.csv",
        [
            ["2025/11/03 9:01", "jo@x.org", "More diverse panels", "Grade 7"],
            ["2025/11/03 9:05", "", "", "Grade 8"],
            ["2025/11/03 9:07", "", "  Fairer  promotion ", ""],
        ],
    )
    survey = read_survey(path, "if the DEPARTMENT", group_columns=["Your grade"])
    assert [(r.id, r.text, r.groups) for r in survey.rows] == [
        ("1", "More diverse panels", {"Your grade": "Grade 7"}),
        ("3", "Fairer  promotion", {"Your grade": ""}),
    ]
    assert survey.blank == 1
    assert survey.text_column == QUESTION


def test_microsoft_forms_xlsx_is_read_with_ids(tmp_path: Path) -> None:
    path = forms_xlsx(
        tmp_path / "f.xlsx",
        [[1, None, None, "anonymous", None, "Interview panels", "Grade 1-6"],
         [2, None, None, "anonymous", None, "Reasonable adjustments", None]],
    )  # fmt: skip
    survey = read_survey(path, "If the", "ID", ["Grade"])
    assert [(r.id, r.text, r.groups) for r in survey.rows] == [
        ("1", "Interview panels", {"Grade": "Grade 1-6"}),
        ("2", "Reasonable adjustments", {"Grade": ""}),
    ]


def test_a_formula_in_a_workbook_is_refused_at_its_cell(tmp_path: Path) -> None:
    path = forms_xlsx(
        tmp_path / "f.xlsx", [[1, None, None, None, None, '=HYPERLINK("http://x","y")', "G"]]
    )
    with pytest.raises(InvalidFileError) as info:
        read_survey(path, "If the", "ID")
    assert info.value.lines == [
        f"{path}: sheet 'Sheet1', cell F2: a formula; survey exports hold values only, "
        "so it is refused"
    ]


def test_a_workbook_that_is_not_a_zip_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    path.write_text("not a workbook")
    code, _, err = run("consult", "import", path, "--name", "x", "--text-column", "q",
                       "--store", tmp_path / "m.db")  # fmt: skip
    assert (code, err) == (
        1,
        f"Error: {path}: not an Excel workbook (.xlsx): the file is not a zip archive\n",
    )
    assert not (tmp_path / "m.db").exists() or (tmp_path / "m.db").stat().st_size >= 0


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [["1", "a", "Good", "G"], ["1", "b", "Bad", "G"]],
            "row 3, column 'ID': response id '1' is used again (first at row 2); "
            "ids must be unique",
        ),
        ([["", "a", "Text", "G"]], "row 2, column 'ID': the response id is empty"),
        (
            [["1", "a", "Text", "G" * 201]],
            "row 2, column 'Grade': 201 characters is too long for a "
            "demographic answer (at most 200)",
        ),
        (
            [["1", "a", "Text", "G", "extra"]],
            "row 2: 5 cells, but the header has 4 columns (is a comma missing its quotes?)",
        ),
    ],
)
def test_bad_rows_are_named_by_file_row_and_column(
    tmp_path: Path, rows: list[list[str]], message: str
) -> None:
    import csv

    path = tmp_path / "s.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ID", "Name", QUESTION, "Grade"])
        writer.writerows(rows)
    with pytest.raises(InvalidFileError) as info:
        read_survey(path, "If the", "ID", ["Grade"])
    assert info.value.lines == [f"{path}: {message}"]


def test_unknown_and_ambiguous_columns_name_the_choices(tmp_path: Path) -> None:
    path = google_csv(tmp_path / "g.csv", [["t", "e", "Text", "G"]])
    with pytest.raises(MaturityError) as info:
        read_survey(path, "Free text")
    assert str(info.value) == (
        f"{path}: --text-column 'Free text': no such column; it has 'Timestamp', "
        "'Email address', 'If the department was the best versio...', 'Your grade'"
    )
    assert read_survey(path, "your").text_column == "Your grade"  # a start only it has
    two = tmp_path / "two.csv"
    two.write_text("Your grade,Your team\nG7,HR\n")
    with pytest.raises(MaturityError) as info:
        read_survey(two, "Your")
    assert str(info.value) == (
        f"{two}: --text-column 'Your' matches 2 columns ('Your grade', 'Your team'); "
        "give more of the heading"
    )


def test_windows_1252_csv_and_a_staff_list_with_a_header(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_bytes(f"ID,{QUESTION}\n1,Caf\xe9 culture \u2013 and respect\n".encode("cp1252"))
    assert read_survey(path, "If", "ID").rows[0].text == "Café culture – and respect"
    staff = tmp_path / "staff.csv"
    staff.write_text('Name,Team\n"Bloggs, Jo",HR\n# a comment\nPriya Shah,SCE\n')
    assert read_staff_list(staff) == ["Bloggs, Jo", "Priya Shah"]


def test_free_text_in_a_demographic_answer_is_redacted_too(tmp_path: Path) -> None:
    from maturity.files.survey import consultation_from

    path = google_csv(
        tmp_path / "g.csv", [["t", "jo@x.org", "Fair pay for Jo Bloggs", "Other: ask Jo Bloggs"]]
    )
    survey = read_survey(path, "If the", group_columns=["Your grade"])
    consultation = consultation_from(survey, "c", "q", "g.csv", ["Jo Bloggs"])
    [response] = consultation.responses
    assert response.text == "Fair pay for [name]"
    assert response.groups == {"Your grade": "Other: ask [name]"}
    assert response.redactions == 2
    assert "jo@x.org" not in consultation.model_dump_json()
