"""The plan report's layout: priorities capped with an annex, aim refs, dates, level and rating."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from plan_fixtures import assessment, framework

from maturity.cli import main
from maturity.core.gaps import Targets
from maturity.core.plan import PlanConfig
from maturity.core.scoring import score
from maturity.reports.plan import build_report, html_document, level_and_rating

FW = framework(
    bands=[{"name": "Fair", "min": 1, "max": 2.49}, {"name": "Good", "min": 2.5, "max": 4}]
)
CONFIG = PlanConfig(drafted_on=date(2026, 3, 1), organisation="City Council")
REPO = Path(__file__).resolve().parent.parent


def rows(html: str, table: str) -> list[str]:
    """The body rows of the first table with class `table`, as text."""
    found = re.search(rf'<table class="{table}">.*?<tbody>(.*?)</tbody>', html, re.S)
    return [] if found is None else re.findall(r"<tr>(.*?)</tr>", found.group(1), re.S)


def tables(html: str, table: str) -> list[str]:
    return [
        r for body in re.findall(rf'<table class="{table}">.*?</table>', html, re.S)
        for r in re.findall(r"<tr>\s*<td", body)
    ]  # fmt: skip


def report(max_items: int) -> str:
    a = assessment({})  # every criterion at the lowest level: four items
    return html_document(build_report(FW, a, score(FW, a), Targets(), CONFIG, max_items))


def test_the_main_table_holds_the_top_items_and_the_annex_the_rest() -> None:
    html = report(max_items=2)
    assert len(tables(html, "actions")) == 2
    annex = rows(html, "annex-items")
    assert len(annex) == 2
    # The annex is in priority order, after the two in the main table.
    priorities = [int(re.findall(r'<td class="num">(\d+)</td>', r)[0]) for r in annex]
    assert priorities == [3, 4]
    assert "Annex: the other 2 items" in html


def test_no_cap_puts_every_item_in_the_main_table_and_no_annex() -> None:
    html = report(max_items=0)
    assert len(tables(html, "actions")) == 4
    assert rows(html, "annex-items") == [] and "Annex:" not in html


def test_items_sit_under_numbered_aims_with_lettered_refs_and_dated_timeframes() -> None:
    html = report(max_items=0)
    assert "Aim 1: Domain one" in html and "Aim 2: Domain two" in html
    refs = re.findall(r'<td class="ref">([^<]+)</td>', html)
    assert sorted(refs) == ["1a", "1b", "2a", "2b"]
    # From start to firm is two steps (March 2027); start to lead three (March 2028).
    assert "by March 2027" in html and "by March 2028" in html


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (
            "grow",
            "It has an overall score of 2.00 out of 4, which reaches the Grow level (2 points) "
            "but not yet Firm (3). The framework rates a score from 1 to 2.49 as Fair: the "
            "rating describes the score, the level what the unit has reached.",
        ),
        (
            "lead",
            "It has an overall score of 4.00 out of 4, which reaches the Lead level (4 points). "
            "The framework rates a score from 2.5 to 4 as Good: the rating describes the score, "
            "the level what the unit has reached.",
        ),
    ],
)
def test_level_and_rating_are_explained_together(level: str, expected: str) -> None:
    a = assessment({ref: {"level": level, "evidence": ["Minutes"]} for ref in FW.criteria})
    assert level_and_rating(FW, score(FW, a)) == expected


def test_the_chart_plots_scores_against_target_points() -> None:
    a = assessment({"one.x": {"level": "grow"}, "one.y": {"level": "grow"}})
    spec = build_report(FW, a, score(FW, a), Targets(), CONFIG).chart_spec()
    assert spec.points == [1, 2, 3, 4]
    one, two = spec.domains
    assert (one.score, one.target, two.score, two.target) == (2.0, 2, 1.0, 3)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_the_sample_housing_plan_carries_every_priority_in_at_most_six_pages(
    tmp_path: Path,
) -> None:
    out = tmp_path / "housing.pdf"
    sample = REPO / "assessments" / "2025-26" / "housing-services.yaml"
    result = CliRunner().invoke(main, ["plan", str(sample), "-o", str(out), "--date", "2026-03-01"])
    assert result.exit_code == 0, result.output
    pages = int(re.search(r", (\d+) pages", result.output).group(1))  # type: ignore[union-attr]
    assert pages <= 6
    text = subprocess.run(
        ["pdftotext", "-raw", str(out), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    count = int(re.search(r"plan sets out (\d+) actions", re.sub(r"\s+", " ", text)).group(1))  # type: ignore[union-attr]
    assert count > 10  # the sample has more items than the main table holds
    for priority in range(1, count + 1):
        assert re.search(rf"\d+[a-z]+{priority}(?!\d)", flat), f"priority {priority} missing"


@pytest.mark.parametrize("unit", ["housing-services", "neighbourhood-services"])
def test_the_scorecard_is_one_page(unit: str, tmp_path: Path) -> None:
    out = tmp_path / "card.pdf"
    sample = REPO / "assessments" / "2025-26" / f"{unit}.yaml"
    args = ["report", "scorecard", str(sample), "-o", str(out), "--date", "2026-03-01"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.endswith(" 2025/26, 1 pages\n")


def test_the_scorecard_is_for_one_unit(tmp_path: Path) -> None:
    samples = [
        REPO / "assessments" / "2025-26" / f"{u}.yaml" for u in ("hr-od", "housing-services")
    ]
    result = CliRunner().invoke(main, ["report", "scorecard", *map(str, samples)])
    assert result.exit_code == 1
    assert result.output == (
        "Error: a scorecard is for one unit and period; these files hold "
        "City Council/Corporate Resources/HR and Organisational Development 2025/26, "
        "City Council/Housing/Housing Services 2025/26\n"
    )
