"""Fidelity: published schemes written in the format score as their publishers specify.

The three frameworks in tests/data/frameworks/published/ use only the publishers' own words
(no invented evidence or actions). Each test below works an example by the publisher's rule,
written out by hand, and checks that `score` gives the same numbers and ratings:

- NHS EDS 2022, a banded sum: each outcome 0 to 3, added up per domain and overall; an overall
  total under 8 is Undeveloped, 8 to 21 Developing, 22 to 32 Achieving, 33 Excelling.
- OWASP SAMM v2, three tiers averaged: streams into practices, practices into business
  functions, business functions into the overall score.
- The LGA Equality Framework, staged: a module is at a level when every criterion in it is,
  and the council when every module is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from maturity.core.assessment import Assessment
from maturity.core.framework import Framework, guidance_warnings
from maturity.core.gaps import Targets, find_gaps
from maturity.core.plan import PlanConfig, draft_plan
from maturity.core.scoring import Score, score
from maturity.files.loading import load

PUBLISHED = Path(__file__).parent / "data" / "frameworks" / "published"


def framework(name: str) -> Framework:
    return load(PUBLISHED / f"{name}.yaml", Framework)[0]


def scored(fw: Framework, levels: list[str]) -> Score:
    """`levels` in framework order, one per criterion."""
    responses = {ref: {"level": level} for ref, level in zip(fw.criteria, levels, strict=True)}
    assessment = Assessment.model_validate(
        {"framework": fw.id, "unit": "Trust", "period": "2025/26", "responses": responses}
    )
    return score(fw, assessment)


EDS_LEVELS = ["undeveloped", "developing", "achieving", "excelling"]


def eds(points: list[int]) -> Score:
    """An EDS 2022 rating: the 11 outcome scores (0 to 3) in order 1A..1D, 2A..2D, 3A..3C."""
    return scored(framework("eds-2022"), [EDS_LEVELS[p] for p in points])


@pytest.mark.parametrize(
    ("points", "total", "rating"),
    [
        ([0] * 11, 0, "Undeveloped"),
        ([1] * 7 + [0] * 4, 7, "Undeveloped"),
        ([1] * 8 + [0] * 3, 8, "Developing"),
        ([1] * 11, 11, "Developing"),
        ([2] * 10 + [1], 21, "Developing"),
        ([2] * 11, 22, "Achieving"),
        ([3] * 10 + [2], 32, "Achieving"),
        ([3] * 11, 33, "Excelling"),
    ],
)
def test_eds_2022_rates_the_total_of_outcome_scores(
    points: list[int], total: int, rating: str
) -> None:
    result = eds(points)
    assert result.overall.score == total
    assert result.overall.rating == rating


def test_eds_2022_adds_up_each_domain() -> None:
    # Domain 1: 2+2+1+1 = 6; domain 2: 1+0+2+1 = 4; domain 3: 1+1+0 = 2; overall 12.
    result = eds([2, 2, 1, 1, 1, 0, 2, 1, 1, 1, 0])
    assert [d.score for d in result.domains] == [6, 4, 2]
    assert (result.overall.score, result.overall.rating) == (12, "Developing")


def test_owasp_samm_averages_streams_practices_and_business_functions() -> None:
    fw = framework("owasp-samm")
    # Stream levels A, B per practice, in the model's order.
    streams = [
        (1, 2), (1, 1), (0, 1),  # Governance: practices 1.5, 1, 0.5 -> 1.0
        (2, 2), (1, 0), (1, 1),  # Design: 2, 0.5, 1 -> 3.5 / 3
        (3, 2), (2, 1), (1, 1),  # Implementation: 2.5, 1.5, 1 -> 5 / 3
        (0, 0), (0, 0), (0, 0),  # Verification: 0
        (1, 1), (2, 1), (0, 0),  # Operations: 1, 1.5, 0 -> 2.5 / 3
    ]  # fmt: skip
    result = scored(fw, [f"level-{n}" for pair in streams for n in pair])
    practices = {d.id: d.score for d in result.domains}
    assert practices["strategy-and-metrics"] == 1.5
    assert practices["secure-build"] == 2.5
    assert practices["security-requirements"] == 0.5
    functions = {g.id: g.score for g in result.groups}
    assert functions == pytest.approx(
        {"governance": 1.0, "design": 3.5 / 3, "implementation": 5 / 3, "verification": 0,
         "operations": 2.5 / 3}
    )  # fmt: skip
    # SAMM's overall score is the average of the five business functions.
    assert result.overall.score == pytest.approx((1.0 + 3.5 / 3 + 5 / 3 + 0 + 2.5 / 3) / 5)
    assert [g.level for g in result.groups] == ["level-1", "level-1", "level-1", "level-0",
                                                "level-0"]  # fmt: skip


def lga(levels: dict[str, list[str]]) -> Score:
    fw = framework("lga-eflg")
    return scored(fw, [level for module in fw.domains for level in levels[module.id]])


def test_lga_equality_framework_is_staged() -> None:
    achieving = {"communities": 5, "leadership": 4, "services": 3, "workforce": 5}
    levels = {m: ["achieving"] * n for m, n in achieving.items()}
    levels["services"] = ["excellent"] * 3
    levels["workforce"] = ["achieving"] * 4 + ["developing"]
    result = lga(levels)
    assert {d.id: d.level for d in result.domains} == {
        "communities": "achieving",
        "leadership": "achieving",
        "services": "excellent",
        "workforce": "developing",  # one criterion still Developing holds the module back
    }
    assert result.overall.level == "developing"
    levels["workforce"] = ["excellent"] * 4 + ["achieving"]
    assert lga(levels).overall.level == "achieving"


@pytest.mark.parametrize("name", ["eds-2022", "owasp-samm", "lga-eflg"])
def test_published_schemes_carry_no_invented_guidance(
    name: str, cli: Callable[..., Result]
) -> None:
    fw = framework(name)
    assert all(not c.evidence and not c.actions for _, c in fw.criteria.values())
    warnings = guidance_warnings(fw)
    assert len(warnings) == 2 * len(fw.criteria)
    path = PUBLISHED / f"{name}.yaml"
    result = cli("framework", "validate", path)
    assert result.exit_code == 0
    assert result.stderr.count("Warning: ") == len(warnings)
    strict = cli("framework", "validate", "--strict", path)
    assert strict.exit_code == 1
    assert strict.stderr.count("Error: ") == len(warnings)


def test_the_guidance_warning_names_the_line_and_what_is_missing(
    cli: Callable[..., Result],
) -> None:
    path = PUBLISHED / "eds-2022.yaml"
    first = cli("framework", "validate", path).stderr.splitlines()[0]
    line = path.read_text().splitlines().index("      - id: outcome-1a") + 1
    assert first == (
        f"Warning: {path}:{line}: domain 'commissioned-services' > criterion 'outcome-1a' > "
        "evidence: no evidence guidance for developing, achieving, excelling; say what evidence "
        "shows each level above the lowest"
    )


def test_a_plan_says_when_the_framework_suggests_no_action() -> None:
    fw = framework("eds-2022")
    result = eds([1] * 11)
    gaps = find_gaps(fw, result, Targets(level="achieving"))
    assessment = Assessment.model_validate(
        {"framework": fw.id, "unit": "Trust", "period": "2025/26"}
    )
    plan = draft_plan(
        fw, assessment, result, gaps, PlanConfig(drafted_on=dt.date(2026, 4, 1), organisation="T")
    )
    assert len(plan.items) == 11
    assert {tuple(i.actions) for i in plan.items} == {
        ("The framework suggests no action here; agree actions to reach Achieving",)
    }


def test_a_band_given_by_its_start_runs_to_the_next_one() -> None:
    fw = framework("eds-2022")
    assert [fw.band_text(b) for b in fw.scoring.bands] == [
        "0 to under 8",
        "8 to under 22",
        "22 to under 33",
        "33 upwards",
    ]
    assert fw.band_for(7.5) == "Undeveloped"
    assert fw.band_for(21.99) == "Developing"
