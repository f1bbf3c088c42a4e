"""The board pack: units by domains, trend, movement, distribution, targets and measures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pikepdf
import pytest
from board_fixtures import COUNT_METRIC, board_scores, fill_store, framework, scored
from click.testing import CliRunner
from pdf_structure import structure

from maturity.cli import main
from maturity.core.board import BoardPack, Movement, build_board
from maturity.core.errors import MaturityError


def pack() -> BoardPack:
    fw = framework()
    return build_board(board_scores(fw), [fw], "2025/26")


def test_rows_come_in_organisation_order_with_departments_combined() -> None:
    rows = pack().units
    assert [(r.unit, r.combined, r.depth) for r in rows] == [
        ("Council", True, 0),
        ("Council/Adults", True, 1),
        ("Council/Adults/Care", False, 2),
        ("Council/Adults/Health", False, 2),
        ("Council/Place", True, 1),
        ("Council/Place/Housing", False, 2),
    ]
    place = rows[4]
    assert place.heading_only  # made from one unit: it would only repeat Housing
    assert not rows[1].heading_only
    assert rows[2].label == "Adults / Care"


def test_heatmap_cells_give_each_domain_level_and_whether_it_meets_its_target() -> None:
    care = next(r for r in pack().units if r.unit == "Council/Adults/Care")
    # d1: c1 at l3, c2 (metric 12 >= 10) at l4 -> 3.5, l3; d2: c3 at l3.
    assert [(c.domain, c.level, c.score, c.target_met) for c in care.cells] == [
        ("d1", "l3", 3.5, True),
        ("d2", "l3", 3.0, True),
    ]
    assert care.target_met is True


def test_movement_says_who_improved_held_steady_or_declined_and_by_how_much() -> None:
    rows = {r.unit: r for r in pack().units}
    care, health, housing = (
        rows["Council/Adults/Care"],
        rows["Council/Adults/Health"],
        rows["Council/Place/Housing"],
    )
    # Care: 2024/25 d1 (1 + 4)/2 = 2.5, d2 2 -> 2.25; 2025/26 d1 3.5, d2 3 -> 3.25.
    assert (care.movement, care.change, care.levels_moved, care.since) == (
        Movement.IMPROVED,
        pytest.approx(1.0),
        1,
        "2024/25",
    )
    # Health: the count fell from 7 to 3, so c2 fell from l3 to l2.
    assert health.movement is Movement.DECLINED
    assert health.change == pytest.approx(-0.25)
    assert housing.movement is Movement.DECLINED
    assert housing.levels_moved == -1


def test_a_change_under_a_tenth_of_a_level_is_steady_and_a_first_assessment_is_new() -> None:
    fw = framework()
    scores = [
        scored(fw, "Council/A", "2024/25", {"d1.c1": "l2", "d2.c3": "l2"}, 6.0)[1],
        scored(fw, "Council/A", "2025/26", {"d1.c1": "l2", "d2.c3": "l2"}, 6.0)[1],
        scored(fw, "Council/B", "2025/26", {"d1.c1": "l2", "d2.c3": "l2"}, 6.0)[1],
    ]
    rows = {r.unit: r for r in build_board(scores, [fw], "2025/26").units}
    assert rows["Council/A"].movement is Movement.STEADY
    assert rows["Council/B"].movement is Movement.NEW
    assert rows["Council/B"].change is None


def test_trend_covers_every_period_up_to_the_one_reported() -> None:
    fw = framework()
    early = build_board(board_scores(fw), [fw], "2024/25")
    assert early.periods == ["2024/25"]
    lines = {t.unit: t for t in pack().trends}
    assert "Council/Place" not in lines  # a heading-only row has no line of its own
    assert [(p.period, p.score) for p in lines["Council/Adults/Care"].points] == [
        ("2024/25", 2.25),
        ("2025/26", 3.25),
    ]
    assert lines["Council/Adults/Care"].direction == "up"


def test_distribution_counts_assessed_units_per_level_and_at_target() -> None:
    d1, d2 = pack().distribution
    # 2025/26 d1: Care l3 (3.5), Health (2 + 2)/2 = 2 -> l2, Housing (2 + 4)/2 = 3 -> l3.
    assert d1.counts == {"l1": 0, "l2": 1, "l3": 2, "l4": 0}
    assert (d1.at_target, d1.assessed) == (2, 3)
    assert d2.counts == {"l1": 0, "l2": 1, "l3": 2, "l4": 0}


def test_headlines_summarise_movement_and_the_target_profile() -> None:
    assert pack().headlines == [
        "3 units assessed for 2025/26.",
        "Council overall: L2 (2.75).",  # (2.625 x 2 respondents + 3.0) / 3
        "Since their previous assessment, 1 improved, 0 held steady and 2 declined.",
        "2 of 3 units meet the target profile in every domain.",
        # A tie: both domains have one unit a level below target; both are named.
        "Furthest from target: Domain 1 (2 of 3 units at target) and Domain 2 (2 of 3 units "
        "at target), where units are on average 0.3 levels below it.",
    ]


def test_furthest_from_target_is_the_largest_average_distance_not_the_fewest_at_target() -> None:
    fw = framework()
    scores = [
        # d1: one unit three levels short (l1 against l3), two at target: 1 of 3 short by 1.0.
        scored(fw, "Council/A", "2025/26", {"d1.c1": "l1", "d2.c3": "l2"}, 0.0)[1],
        scored(fw, "Council/B", "2025/26", {"d1.c1": "l4", "d2.c3": "l2"}, 12.0)[1],
        scored(fw, "Council/C", "2025/26", {"d1.c1": "l4", "d2.c3": "l3"}, 12.0)[1],
    ]
    # d1 levels: A (1 + 1)/2 = l1 (2 short), B l4, C l4: 2 of 3 at target, on average 0.67 short.
    # d2 levels: A l2, B l2, C l3: 1 of 3 at target (fewest), on average 0.67 short: a tie ...
    pack = build_board(scores, [fw], "2025/26")
    assert [(d.at_target, round(d.shortfall or 0, 2)) for d in pack.distribution] == [
        (2, 0.67),
        (1, 0.67),
    ]
    # ... so one more unit two levels short in d1 makes d1 the furthest, though more of its
    # units (2 of 4) are at target than d2's (1 of 4).
    scores.append(scored(fw, "Council/D", "2025/26", {"d1.c1": "l1", "d2.c3": "l2"}, 0.0)[1])
    pack = build_board(scores, [fw], "2025/26")
    assert pack.headlines[-1] == (
        "Furthest from target: Domain 1 (2 of 4 units at target), where units are on average "
        "1.0 level below it."
    )


def test_measures_carry_a_rag_status() -> None:
    from maturity.core.board import Rag, rag
    from maturity.core.framework import Metric

    higher = Metric.model_validate(COUNT_METRIC)  # at least 10
    assert [rag(higher, v) for v in (10, 12, 9, 8.9, 0)] == [
        Rag.GREEN, Rag.GREEN, Rag.AMBER, Rag.RED, Rag.RED
    ]  # fmt: skip
    lower = Metric.model_validate({**COUNT_METRIC, "direction": "lower", "target": 2,
                                   "thresholds": {"l2": 8, "l3": 4, "l4": 2}})  # fmt: skip
    assert [rag(lower, v) for v in (2, 0, 2.2, 2.3)] == [Rag.GREEN, Rag.GREEN, Rag.AMBER, Rag.RED]
    rows = {r.unit: r for r in pack().metric_rows}
    # Care 12 (met), Health 3 (suppressed under 5 and so short of 10: red is not told), Housing 15.
    assert [rows[u].cells[0].rag for u in rows] == [Rag.GREEN, None, Rag.GREEN]


def test_a_period_without_scores_is_refused_naming_the_ones_there_are() -> None:
    fw = framework()
    with pytest.raises(MaturityError) as caught:
        build_board(board_scores(fw), [fw], "2023/24")
    assert str(caught.value) == "no scores for 2023/24; periods with scores: 2024/25, 2025/26"


def test_the_html_escapes_unit_names_and_gives_every_image_alt_text() -> None:
    from maturity.reports.board import context
    from maturity.reports.render import render_html

    fw = framework()
    scores = [
        *board_scores(fw),
        scored(fw, "Council/<em>Bold & Co", "2025/26", {"d1.c1": "l2"}, 9.0)[1],
    ]
    html = render_html(
        "board-pack.html.j2",
        context(
            build_board(scores, [fw], "2025/26"),
            {"trend-1": "t", "distribution": "d"},
            on=date(2026, 11, 23),
        ),
    )
    assert "&lt;em&gt;Bold &amp; Co" in html
    assert "<em>" not in html
    assert html.count("<img ") == 2
    assert 'alt="Line charts of each unit' in html and 'alt="Stacked bar chart' in html
    assert '<th scope="col">Domain 1</th>' in html
    assert "[c]: suppressed. Counts of fewer than 5 people are not published" in html


def test_report_board_writes_a_tagged_landscape_pdf_from_the_store(tmp_path: Path) -> None:
    fw = framework()
    db = tmp_path / "m.db"
    fill_store(db, fw)
    out = tmp_path / "board.pdf"
    args = ["report", "board", "--period", "2025/26", "--store", str(db), "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"{out}: board pack for 2025/26, 3 units assessed, ")
    with pikepdf.open(out) as pdf:
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert str(pdf.Root.Lang) == "en-GB"
        assert str(pdf.docinfo["/Title"]) == "Equality maturity board pack 2025/26"
        width, height = (float(v) for v in pdf.pages[0].MediaBox[2:])
        assert width > height
        tags = structure(pdf)
        kinds = {str(t.S) for t in tags}
        assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure"} <= kinds
        alts = sorted(str(t.get("/Alt", ""))[:20] for t in tags if t.S == "/Figure")
        assert alts == ["Line charts of each ", "Stacked bar chart of"]
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 1
    assert again.output == f"Error: {out} already exists; use --force to replace it\n"


def test_report_board_names_a_missing_period(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    fill_store(db, framework())
    result = CliRunner().invoke(
        main, ["report", "board", "--period", "2022/23", "--store", str(db), "-o", "x.pdf"]
    )
    assert result.exit_code == 1
    assert result.output == "Error: no scores for 2022/23; periods with scores: 2024/25, 2025/26\n"


def council_pack(units: int, reviewed: bool = False) -> BoardPack:
    """`units` services in departments of ten, one period, plus one department of one unit;
    with `reviewed`, each with a review (in draft)."""
    fw = framework()
    scores = [
        scored(fw, f"Council/Dept {i // 10 + 1}/Service {i + 1}", "2025/26",
               {"d1.c1": "l2", "d2.c3": "l3"}, 9.0)[1]
        for i in range(units)
    ]  # fmt: skip
    scores.append(scored(fw, "Council/Solo/Only", "2025/26", {"d1.c1": "l1"}, 1.0)[1])
    reviews = {s.unit: ([], []) for s in scores} if reviewed else None
    return build_board(scores, [fw], "2025/26", reviews=reviews)


def test_a_council_sized_pack_leads_with_departments_and_puts_units_in_an_appendix() -> None:
    from maturity.reports.board import UNITS_IN_BODY, body_trends, context, department_rows
    from maturity.reports.board_charts import PANELS_PER_PAGE, trend_pages
    from maturity.reports.render import render_html

    small = council_pack(UNITS_IN_BODY - 1)  # 40 assessed with the solo unit: not large
    assert body_trends(small) == small.trends
    large = council_pack(100)
    rows = department_rows(large)
    # The council, ten departments, and the unit standing for the one-unit department.
    assert [r.unit for r in rows] == [
        "Council",
        *sorted(f"Council/Dept {i}" for i in range(1, 11)),  # in the organisation's order
        "Council/Solo/Only",
    ]
    assert [line.unit for line in body_trends(large)] == [r.unit for r in rows]
    charts = {"distribution": "d", "trend-1": "t1"}
    html = render_html("board-pack.html.j2", context(large, charts, on=date(2026, 11, 23)))
    body, appendix = html.split("Appendix: every unit")
    assert "Service 57" not in body and "Service 57" in appendix
    assert "Maturity by department and domain" in body
    # Small multiples come 20 to a chart, in order.
    pages = trend_pages(large.trends)
    assert [len(p) for p in pages] == [PANELS_PER_PAGE] * 5 + [len(large.trends) - 100]
    assert [line for page in pages for line in page] == large.trends


def test_a_council_sized_pack_counts_review_statuses_in_a_sentence() -> None:
    from maturity.reports.board import review_rows

    pack = council_pack(60, reviewed=True)
    # The words once ran together ("61 draft.No unit ...").
    assert review_rows(pack) == (
        [],
        "61 draft. No unit has review steps, moderation or answers carried over yet.",
    )
