"""The lens view: lens x domain levels, suppression, and what a lens rating does to a score."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from maturity.core.assessment import Assessment, Response
from maturity.core.framework import NOT_APPLICABLE, Framework, LensRule
from maturity.core.lens import lens_results
from maturity.core.scoring import score
from tests.conftest import framework_data
from tests.strategies import assessments, frameworks

LENSES = [
    {"id": "race", "name": "Race"},
    {"id": "disability", "name": "Disability"},
    {"id": "care-experience", "name": "Care experience", "kind": "local"},
]


def _with_lenses(fw: Framework, rule: LensRule = LensRule.REPORT) -> Framework:
    data: dict[str, Any] = fw.model_dump(mode="json")
    data["lenses"] = LENSES
    data["scoring"]["lens_rule"] = rule.value
    return Framework.model_validate(data)


def _lens_framework(rule: str = "report", **kwargs: Any) -> Framework:
    data = framework_data(points=(1, 2, 3, 4), domains=((1, 1), (1, 1)), **kwargs)
    data["lenses"] = LENSES
    data["scoring"]["lens_rule"] = rule
    return Framework.model_validate(data)


@st.composite
def rated(draw: st.DrawFn, rule: LensRule) -> tuple[Framework, Assessment, Assessment]:
    """A framework with lenses, an assessment without lens ratings and the same with some."""
    fw = _with_lenses(draw(frameworks()), rule)
    plain = draw(assessments(fw))
    levels = st.sampled_from([*fw.level_ids, NOT_APPLICABLE])
    lens_ids = st.sampled_from([lens["id"] for lens in LENSES])
    responses = {
        ref: r.model_copy(update={"lenses": draw(st.dictionaries(lens_ids, levels, max_size=3))})
        for ref, r in plain.responses.items()
    }
    return fw, plain, plain.model_copy(update={"responses": responses})


@given(rated(LensRule.REPORT))
def test_under_report_a_lens_rating_never_changes_the_score(
    drawn: tuple[Framework, Assessment, Assessment],
) -> None:
    fw, plain, with_lenses = drawn
    assert score(fw, with_lenses) == score(fw, plain)


@given(rated(LensRule.LOWEST))
def test_under_lowest_a_lens_rating_only_lowers(
    drawn: tuple[Framework, Assessment, Assessment],
) -> None:
    fw, plain, with_lenses = drawn
    before, after = score(fw, plain), score(fw, with_lenses)
    for b, a in zip(before.criteria, after.criteria, strict=True):
        if b.level not in (None, NOT_APPLICABLE):
            assert a.level is not None and fw.rank[a.level] <= fw.rank[b.level]
    if before.overall.score is not None:
        assert after.overall.score is not None
        assert after.overall.score <= before.overall.score + 1e-9


def test_the_lowest_rule_counts_a_criterion_at_its_lowest_lens_rating() -> None:
    fw = _lens_framework("lowest")
    assessment = Assessment(
        framework="tiny",
        unit="City Council/Housing",
        period="2025/26",
        responses={
            "d1.c1": Response(level="l4", lenses={"race": "l3", "disability": "l2"}),
            "d1.c2": Response(level="l2", lenses={"race": "l4"}),  # a higher lens never lifts
            "d2.c3": Response(level="l3", lenses={"race": NOT_APPLICABLE}),
            "d2.c4": Response(level="l3"),
        },
    )
    result = score(fw, assessment)
    assert [c.level for c in result.criteria] == ["l2", "l2", "l3", "l3"]
    reported = score(_lens_framework("report"), assessment)
    assert [c.level for c in reported.criteria] == ["l4", "l2", "l3", "l3"]


def test_lens_by_domain_rolls_up_the_rated_criteria_and_suppresses_small_numbers() -> None:
    fw = _lens_framework()
    assessment = Assessment(
        framework="tiny",
        unit="City Council/Housing",
        period="2025/26",
        responses={
            "d1.c1": Response(level="l3", lenses={"race": "l4", "disability": "l1"}),
            "d1.c2": Response(level="l3", lenses={"race": "l4", "care-experience": "l2"}),
            "d2.c3": Response(level="l2", lenses={"race": "l2", "disability": "l2"}),
            "d2.c4": Response(level="l2"),
        },
        lens_people={"race": 120, "disability": 40, "care-experience": 3},
    )
    found = lens_results(fw, assessment)
    table = {r.lens: (r.level, [c.level for c in r.cells], r.suppressed) for r in found.rows}
    assert table == {
        # Race: l4 and l4 in d1, l2 in d2 (d2.c4 was not rated for race: left out).
        "race": ("l3", ["l4", "l2"], False),
        # Disability: l1 in d1 (only c1 rated), l2 in d2; the mean 1.5 is in l1's band.
        "disability": ("l1", ["l1", "l2"], False),
        # Care experience: about 3 people, under the threshold of 5: nothing shown.
        "care-experience": (None, [None, None], True),
    }
    assert found.summary == (
        "L3 for race, L1 for disability; Care experience not shown "
        "([c]: about fewer than the threshold of people)"
    )
    # A lower threshold publishes it.
    shown = lens_results(fw, assessment, threshold=3)
    assert [r.level for r in shown.rows] == ["l3", "l1", "l2"]


def test_a_lens_nobody_rated_is_left_out() -> None:
    fw = _lens_framework()
    assessment = Assessment(
        framework="tiny",
        unit="City Council/Housing",
        period="2025/26",
        responses={"d1.c1": Response(level="l3")},
    )
    found = lens_results(fw, assessment)
    assert (found.rows, found.summary) == ([], "No lens ratings.")


def _unit(name: str, responses: dict[str, Response], people: dict[str, int]) -> Assessment:
    return Assessment(
        framework="tiny",
        unit=f"City Council/{name}",
        period="2025/26",
        responses=responses,
        lens_people=people,
    )


def test_the_board_pack_shows_confidence_and_the_lens_heatmap() -> None:
    from maturity.core.board import build_board
    from maturity.reports.board import TEMPLATE, context
    from maturity.reports.board_charts import trend_pages
    from maturity.reports.render import render_html

    fw = _lens_framework(evidence_required_from="l3")
    housing = _unit(
        "Housing",
        {
            "d1.c1": Response(level="l4", evidence=["minutes"], lenses={"race": "l4"}),
            "d1.c2": Response(level="l3", evidence=["survey"], lenses={"disability": "l2"}),
            "d2.c3": Response(level="l3", evidence=["plan"], lenses={"race": "l3"}),  # race: 3.5
            "d2.c4": Response(level="l2", lenses={"care-experience": "l1"}),
        },
        {"race": 60, "disability": 12, "care-experience": 2},
    )
    libraries = _unit(
        "Libraries",
        {  # No evidence: both l4 claims count at l2.
            "d1.c1": Response(level="l4", lenses={"race": "l2", "disability": "l3"}),
            "d2.c3": Response(level="l4", lenses={"disability": "l3"}),
        },
        {"race": 30, "disability": 9},
    )
    pack = build_board(
        [score(fw, a) for a in (housing, libraries)],
        [fw],
        "2025/26",
        assessments=[housing, libraries],
    )
    by_unit = {i.label: i for i in pack.insight}
    assert [(i.confidence.value, i.lens_summary) for i in by_unit.values()] == [
        (
            "high",
            "L3 for race, L2 for disability; Care experience not shown "
            "([c]: about fewer than the threshold of people)",
        ),
        # Its l3 ratings for disability need evidence too: they count at l2.
        ("low", "L2 for race, L2 for disability"),
    ]
    assert by_unit["Libraries"].explanation.startswith(
        "2 of 2 claims counted at a lower level (2 for want of evidence)"
    )
    charts = {"distribution": "x.svg"} | {
        f"trend-{i}": "x.svg" for i in range(1, len(trend_pages(pack.trends)) + 1)
    }
    html = render_html(TEMPLATE, context(pack, charts, dt.date(2026, 3, 1)))
    assert "Maturity for each group of people, 2025/26" in html
    assert "Libraries: L2 for race, L2 for disability" in html
    assert "[c] Not published: about fewer than 5 people" in html
    assert "Low confidence" in html and "High confidence" in html


def test_a_board_pack_without_lenses_has_no_lens_section() -> None:
    from maturity.core.board import build_board

    fw = Framework.model_validate(framework_data(points=(1, 2, 3, 4), domains=((1, 1),)))
    plain = Assessment(
        framework="tiny",
        unit="City Council/Housing",
        period="2025/26",
        responses={"d1.c1": Response(level="l3")},
    )
    pack = build_board([score(fw, plain)], [fw], "2025/26", assessments=[plain])
    assert [(i.confidence.value, i.lenses, i.lens_summary) for i in pack.insight] == [
        ("high", [], None)
    ]
