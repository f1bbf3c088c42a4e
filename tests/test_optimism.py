"""Optimism: claims against what counted; its laws, a worked example and the moderation order."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maturity.core.assessment import Assessment, Moderation, Response
from maturity.core.framework import NOT_APPLICABLE, Framework
from maturity.core.optimism import (
    Cause,
    Confidence,
    Optimism,
    explain,
    moderation_order,
    optimism,
    trend,
)
from maturity.core.scoring import score
from tests.strategies import assessments, frameworks


def _downward_only(fw: Framework, assessment: Assessment) -> Assessment:
    """The assessment with every moderation or measured value that would raise a claim removed."""
    rank = fw.rank
    responses = {}
    for ref, r in assessment.responses.items():
        update: dict[str, object] = {}
        claim = r.level
        if claim is None:
            update["moderated"] = None
        elif claim == NOT_APPLICABLE:
            update["moderated"] = None
            update["value"] = None
        else:
            m = r.moderated
            if m is not None and (m.level == NOT_APPLICABLE or rank[m.level] > rank[claim]):
                update["moderated"] = None
            metric = fw.criteria[ref][1].metric
            if metric is not None and r.value is not None:
                reached = metric.level_for(r.value, fw.level_ids)
                if rank[reached] > rank[claim]:
                    update["value"] = None
        responses[ref] = r.model_copy(update=update)
    return assessment.model_copy(update={"responses": responses})


@given(st.data())
def test_optimism_is_never_negative_when_claims_are_only_lowered(data: st.DataObject) -> None:
    fw = data.draw(frameworks())
    assessment = _downward_only(fw, data.draw(assessments(fw)))
    found = optimism(fw, score(fw, assessment))
    assert found.raised == 0
    assert found.levels_above >= 0
    assert found.gap is None or found.gap >= 0


@given(st.data())
def test_criteria_out_of_scope_never_make_optimism_negative(data: st.DataObject) -> None:
    fw = data.draw(frameworks())
    assessment = _downward_only(fw, data.draw(assessments(fw)))
    scope = data.draw(st.sets(st.sampled_from(sorted(fw.criteria))))
    assessment = assessment.model_copy(update={"out_of_scope": dict.fromkeys(scope, "Not ours.")})
    found = optimism(fw, score(fw, assessment))
    assert found.gap is None or found.gap >= 0


@given(st.data())
def test_optimism_is_zero_when_nothing_was_capped_moderated_or_measured_lower(
    data: st.DataObject,
) -> None:
    fw = data.draw(frameworks())
    drawn = data.draw(assessments(fw))
    as_claimed = {
        ref: r.model_copy(update={"moderated": None, "value": None, "evidence": ["report"]})
        for ref, r in drawn.responses.items()
    }
    found = optimism(fw, score(fw, drawn.model_copy(update={"responses": as_claimed})))
    assert (found.gap in (None, 0.0), found.lowered, found.levels_above) == (True, 0, 0.0)
    assert found.confidence is Confidence.HIGH


def test_a_worked_example_names_each_cause(tiny_framework: Callable[..., Framework]) -> None:
    fw = tiny_framework(
        points=(1, 2, 3, 4),
        domains=((1, 1, 1, 1),),
        evidence_required_from="l3",
        metrics={
            "d1.c3": {
                "name": "Panels",
                "unit": "percent",
                "direction": "higher",
                "target": 80,
                "thresholds": {"l2": 20, "l3": 50, "l4": 80},
            }
        },
    )
    moderation = Moderation(level="l2", by="Kal Sandhu", rationale="No minutes.")
    assessment = Assessment(
        framework="tiny",
        unit="City Council/Housing",
        period="2025/26",
        responses={
            "d1.c1": Response(level="l4"),  # capped at l2 for want of evidence: 2 levels
            "d1.c2": Response(level="l3", evidence=["minutes"], moderated=moderation),  # 1 level
            "d1.c3": Response(level="l4", value=55, evidence=["survey"]),  # measured l3: 1 level
            "d1.c4": Response(level="l2"),  # counted as made
        },
    )
    found = optimism(fw, score(fw, assessment))
    assert (found.claims, found.lowered, found.raised) == (4, 3, 0)
    assert found.causes == {Cause.EVIDENCE: 1, Cause.MODERATION: 1, Cause.MEASURE: 1}
    assert found.levels_above == 1.0
    # Claimed (4 + 3 + 4 + 2) / 4 = 3.25 against counted (2 + 2 + 3 + 2) / 4 = 2.25.
    assert (found.claimed_score, found.score, found.gap) == (3.25, 2.25, 1.0)
    assert found.confidence is Confidence.LOW
    assert explain(found) == (
        "3 of 4 claims counted at a lower level (1 for want of evidence, 1 by moderation, "
        "1 by the measured value); on average claims sat 1.00 levels above what counted. "
        "Had every claim counted, the overall score would be 1.00 higher."
    )


def test_a_criterion_out_of_scope_stays_out_of_the_claimed_score(
    tiny_framework: Callable[..., Framework],
) -> None:
    # Counted as claimed and out of scope: nothing sat above what counted, so no gap. (The
    # claimed score once counted the out-of-scope criterion at the lowest level instead.)
    fw = tiny_framework(points=(1, 2, 3, 4), domains=((1, 1, 1),))
    assessment = Assessment(
        framework="tiny",
        unit="City Council/Housing",
        period="2025/26",
        responses={"d1.c1": Response(level="l3"), "d1.c2": Response(level="l4")},
        out_of_scope={"d1.c3": "The service has no panels."},
    )
    found = optimism(fw, score(fw, assessment))
    assert (found.claimed_score, found.score, found.gap) == (3.5, 3.5, 0.0)
    assert (found.claims, found.lowered, found.levels_above) == (2, 0, 0.0)


def _found(unit: str, gap: float | None, above: float = 0.0, lowered: int = 0) -> Optimism:
    return Optimism(
        unit=unit,
        period="2025/26",
        claimed_score=None,
        score=None,
        gap=gap,
        claims=10,
        lowered=lowered,
        raised=0,
        levels_above=above,
        causes={},
        confidence=Confidence.HIGH,
    )


def test_moderation_order_puts_the_most_optimistic_first() -> None:
    found = [
        _found("A", 0.0),
        _found("B", None),
        _found("C", 0.5, 0.2, 3),
        _found("D", 0.5, 0.4, 2),
        _found("E", 0.1, 0.1, 1),
    ]
    assert [o.unit for o in moderation_order(found)] == ["D", "C", "E", "A", "B"]
    assert moderation_order(reversed(found)) == moderation_order(found)


def test_the_trend_is_the_gap_per_year() -> None:
    history = [
        _found("A", 0.6).model_copy(update={"period": "2023/24"}),
        _found("A", 0.4).model_copy(update={"period": "2024/25"}),
        _found("A", 0.2),
    ]
    slope = trend(history)
    assert slope is not None and abs(slope + 0.2) < 1e-9
    assert trend(history[:1]) is None


def test_benchmark_json_and_csv_carry_optimism(cli: Callable[..., Any], tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'store.db'}"
    assert (
        cli("import", "assessments/2024-25", "assessments/2025-26", "--store", store).exit_code == 0
    )
    records = json.loads(cli("benchmark", "--store", store, "--format", "json").output)
    hr = next(r for r in records if r["unit"].endswith("HR and Organisational Development"))
    found = hr["optimism"]
    assert (found["lowered"], found["claims"], found["confidence"]) == (11, 39, "low")
    assert found["causes"] == {"evidence": 10, "measure": 1}
    assert found["trend"] is not None
    assert next(r for r in records if r["unit"] == "City Council")["optimism"] is None
    rows = list(
        csv.DictReader(io.StringIO(cli("benchmark", "--store", store, "--format", "csv").output))
    )
    row = next(r for r in rows if r["unit"] == hr["unit"])
    assert (row["claims_lowered"], row["confidence"]) == ("11", "low")
    assert float(row["optimism_gap"]) == pytest.approx(found["gap"], abs=1e-3)
