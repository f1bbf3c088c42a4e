"""The batch: every document rendered, in parallel; one failing unit never stops the others."""

from __future__ import annotations

from pathlib import Path

import pytest
from board_fixtures import fill_store, framework
from click.testing import CliRunner

from maturity.cli import main
from maturity.cli.progress import Reporter
from maturity.core.errors import MaturityError
from maturity.reports import batch
from maturity.reports.batch import Job, run


def fake_render(job: Job) -> int:
    """Writes a stand-in file; fails for any unit named Health, as a broken unit would."""
    if "Health" in job.name:
        raise MaturityError(f"{job.name}: cannot draft a plan (no framework)")
    if "Crash" in job.name:
        raise ZeroDivisionError("division by zero")
    job.output.write_text(job.name, encoding="utf-8")
    return 1


def jobs(tmp_path: Path, names: list[str]) -> list[Job]:
    return [Job(name, tmp_path / f"{i}.pdf") for i, name in enumerate(names)]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_unit_is_reported_and_the_others_are_written(
    tmp_path: Path, workers: int
) -> None:
    work = jobs(tmp_path, ["Council/Care", "Council/Health", "Council/Housing", "Council/Place"])
    outcome = run(work, fake_render, workers=workers, reporter=Reporter(len(work), tty=False))
    assert sorted(d.job.name for d in outcome.done if d.ok) == [
        "Council/Care",
        "Council/Housing",
        "Council/Place",
    ]
    assert [(d.job.name, d.error) for d in outcome.failed] == [
        ("Council/Health", "Council/Health: cannot draft a plan (no framework)")
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.pdf", "2.pdf", "3.pdf"]


def test_a_bug_in_one_unit_is_one_line_with_a_crash_log(tmp_path: Path) -> None:
    outcome = run(
        jobs(tmp_path, ["Council/Crash", "Council/Care"]),
        fake_render,
        workers=2,
        reporter=Reporter(2, tty=False),
    )
    (failed,) = outcome.failed
    assert failed.error is not None
    assert failed.error.startswith("unexpected failure (ZeroDivisionError: division by zero); ")
    log = Path(failed.error.rsplit("details in ", 1)[1])
    assert "ZeroDivisionError" in log.read_text(encoding="utf-8")
    log.unlink()
    assert len(outcome.done) == 2


def test_without_a_terminal_progress_is_one_plain_line_per_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = jobs(tmp_path, ["Council/Care", "Council/Health"])
    run(work, fake_render, workers=1, reporter=Reporter(len(work), tty=False))
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith("[1/2] done Council/Care (1 pages, ")
    assert ", CPU " in lines[0]
    assert lines[1] == (
        "[2/2] FAILED Council/Health: Council/Health: cannot draft a plan (no framework)"
    )


def test_report_all_exits_1_listing_the_failed_unit_and_writes_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "render_job", fake_render)
    monkeypatch.setattr(batch, "warm_up", lambda: None)
    db = tmp_path / "m.db"
    fill_store(db, framework())
    out = tmp_path / "out"
    args = ["report", "all", "--period", "2025/26", "--store", str(db), "-o", str(out)]
    result = CliRunner().invoke(main, [*args, "--jobs", "2"])
    assert result.exit_code == 1, result.output
    assert result.stdout.startswith(f"{out}: 3 of 4 documents written in ")
    assert result.stdout.rstrip().endswith("(board pack and 3 action plans)")
    assert result.stderr.splitlines()[-2:] == [
        "Failed (1):",
        "  Council/Adults/Health: Council/Adults/Health: cannot draft a plan (no framework)",
    ]
    assert sorted(p.name for p in (out / "plans").iterdir()) == [
        "council-adults-care-2025-26-plan.pdf",
        "council-place-housing-2025-26-plan.pdf",
    ]
    assert (out / "board-pack-2025-26.pdf").is_file()
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 1
    assert again.output == (
        f"Error: {out / 'board-pack-2025-26.pdf'} already exists; use --force to replace it\n"
    )


def fake_render_ok(job: Job) -> int:
    job.output.write_text(job.name, encoding="utf-8")
    return 2


def test_report_all_exits_0_when_every_document_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "render_job", fake_render_ok)
    monkeypatch.setattr(batch, "warm_up", lambda: None)
    db = tmp_path / "m.db"
    fill_store(db, framework())
    out = tmp_path / "out"
    args = ["report", "all", "--period", "2024/25", "--store", str(db), "-o", str(out)]
    result = CliRunner().invoke(main, [*args, "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{out}: 4 of 4 documents written in ")
    assert [line.split(" (")[0] for line in result.stderr.splitlines()] == [
        "[1/4] done board pack 2024/25",
        "[2/4] done Council/Adults/Care",
        "[3/4] done Council/Adults/Health",
        "[4/4] done Council/Place/Housing",
    ]
