"""Word output: headings in order, header rows, alt text, literal text; LibreOffice opens it."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import docx
import pytest
from board_fixtures import board_scores, framework
from docx.oxml.ns import qn
from plan_fixtures import assessment
from plan_fixtures import framework as plan_framework

from maturity.core.board import build_board
from maturity.core.gaps import Targets
from maturity.core.plan import PlanConfig
from maturity.core.scoring import score
from maturity.reports.plan import build_report
from maturity.reports.scorecard import write_docx
from maturity.reports.word import board_docx, plan_docx

HOSTILE = "<script>alert('x')</script> & =SUM(A1)"


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    folder = tmp_path_factory.mktemp("word")
    fw = plan_framework()
    a = assessment({"one.x": {"level": "grow", "owner": HOSTILE}, "one.y": {"level": "firm"}})
    config = PlanConfig(drafted_on=date(2026, 3, 1), organisation="City Council")
    plan_path = folder / "plan.docx"
    report = build_report(fw, a, score(fw, a), Targets(), config, max_items=2)
    plan_docx(report, plan_path)
    board_fw = framework()
    board_path = folder / "board.docx"
    board_docx(build_board(board_scores(board_fw), [board_fw], "2025/26"), board_path)
    card_path = folder / "card.docx"
    write_docx(report, card_path)
    return plan_path, board_path, card_path


def headings(path: Path) -> list[tuple[int, str]]:
    document = docx.Document(str(path))
    found = []
    for paragraph in document.paragraphs:
        name = paragraph.style.name if paragraph.style is not None else ""
        if name.startswith("Heading "):
            found.append((int(name.split()[1]), paragraph.text))
    return found


def test_headings_are_real_and_never_skip_a_level(documents: tuple[Path, Path, Path]) -> None:
    for path in documents:
        found = headings(path)
        assert found[0][0] == 1
        for (before, _), (after, text) in itertools.pairwise(found):
            assert after <= before + 1, f"{path.name}: '{text}' skips a level"
    plan = [text for _, text in headings(documents[0])]
    assert plan[:3] == [
        "Housing: equality action plan 2025/26",
        "Summary",
        "Action plan: the 2 highest priorities",
    ]
    assert "Aim 2: Domain two" in plan and "Annex: the other 2 items" in plan


def test_tables_have_header_rows_and_charts_have_alt_text(
    documents: tuple[Path, Path, Path],
) -> None:
    for path in documents:
        document = docx.Document(str(path))
        assert document.tables
        for grid in document.tables:
            first = grid.rows[0]._tr
            assert first.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        pictures = document.inline_shapes
        assert len(pictures) >= 1
        for shape in pictures:
            assert len(shape._inline.docPr.get("descr", "")) > 40
        assert document.core_properties.language == "en-GB"
    plan_alt = docx.Document(str(documents[0])).inline_shapes[0]._inline.docPr.get("descr")
    assert plan_alt.startswith("Bar chart of each domain's score against its target.")


def test_user_text_is_literal(documents: tuple[Path, Path, Path]) -> None:
    document = docx.Document(str(documents[0]))
    cells = [c.text for grid in document.tables for row in grid.rows for c in row.cells]
    assert HOSTILE in cells


def test_libreoffice_opens_and_converts_the_documents(
    documents: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip(
            "LIBREOFFICE NOT INSTALLED: the Word files were NOT checked in a real office suite; "
            "install libreoffice-writer-nogui (scripts/setup-system.sh)"
        )
    out = tmp_path / "pdf"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            *("--headless", "--convert-to", "pdf", "--outdir", str(out)),
            *(str(p) for p in documents),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    expected = [
        ("plan", "Aim 2: Domain two"),
        ("board", "Key messages"),
        ("card", "First to close"),
    ]
    for name, words in expected:
        pdf = out / f"{name}.pdf"
        assert pdf.is_file() and pdf.stat().st_size > 10_000
        if shutil.which("pdftotext"):
            text = subprocess.run(
                ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
            ).stdout
            assert words in text


def test_cli_writes_word_for_the_board_pack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from board_fixtures import fill_store
    from click.testing import CliRunner

    from maturity.cli import main

    db = tmp_path / "m.db"
    fill_store(db, framework())
    monkeypatch.chdir(tmp_path)
    args = ["report", "board", "--period", "2025/26", "--store", str(db), "--format", "docx"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output == "board-pack-2025-26.docx: board pack for 2025/26, 3 units assessed\n"
    assert docx.Document(str(tmp_path / "board-pack-2025-26.docx")).tables
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 1
    assert "already exists; use --force" in again.output


def test_a_council_sized_board_pack_in_word_puts_every_unit_in_an_appendix(tmp_path: Path) -> None:
    from board_fixtures import scored

    fw = framework()
    scores = [
        scored(fw, f"Council/Dept {i // 10 + 1}/Service {i + 1}", "2025/26",
               {"d1.c1": "l2", "d2.c3": "l3"}, 9.0)[1]
        for i in range(60)
    ]  # fmt: skip
    path = tmp_path / "board.docx"
    board_docx(build_board(scores, [fw], "2025/26"), path)
    found = [text for _, text in headings(path)]
    assert "Maturity by department and domain, 2025/26" in found
    # As in the PDF: the appendix after the pages, then confidence and the notes.
    assert found[-3:] == [
        "Appendix: every unit",
        "How far to trust each result, 2025/26",
        "About this pack",
    ]
    document = docx.Document(str(path))
    cells = [c.text for grid in document.tables for c in grid.columns[0].cells]
    assert "Dept 6 / Service 60" in cells
    # A council-sized pack counts each confidence and lists only the low ones.
    text = [p.text for p in document.paragraphs]
    assert "Of the 60 units assessed, 60 have high confidence, 0 medium and 0 low." in text


def test_the_word_board_pack_has_the_review_and_the_notes_the_pdf_has(tmp_path: Path) -> None:
    from board_fixtures import fill_store
    from click.testing import CliRunner

    from maturity.cli import main

    db = tmp_path / "m.db"
    fw = framework()
    fill_store(db, fw)
    unit = next(s.unit for s in board_scores(fw) if s.period == "2025/26")
    step = ["review", unit, "--period", "2025/26", "--store", str(db), "--by", "Kal Sandhu"]
    for args in (["--status", "submitted"], ["--status", "returned", "--comment", HOSTILE]):
        assert CliRunner().invoke(main, [*step, *args]).exit_code == 0
    path = tmp_path / "board.docx"
    args = ["report", "board", "--period", "2025/26", "--store", str(db), "-o", str(path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    found = [text for _, text in headings(path)]
    assert found[-3:] == [
        "How far to trust each result, 2025/26",
        "Review and moderation, 2025/26",
        "About this pack",
    ]
    document = docx.Document(str(path))
    header = ["Unit", "Status", "Steps and moderation", "Carried over, not yet reviewed"]
    review = next(t for t in document.tables if [c.text for c in t.rows[0].cells] == header)
    returned = next(r for r in review.rows if "returned by Kal Sandhu" in r.cells[2].text)
    assert returned.cells[1].text == "returned (not yet validated)"
    assert returned.cells[2].text.endswith(f"returned by Kal Sandhu: {HOSTILE}")
    notes = [p.text for p in document.paragraphs if p.style is not None and
             p.style.name == "List Bullet"]  # fmt: skip
    assert (
        "Counts of fewer than 5 people are never published, and nor is anything worked out "
        "from them." in notes
    )
