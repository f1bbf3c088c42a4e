"""The path to a band: exact against brute force on small frameworks, fast on large ones."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from maturity.core.assessment import Assessment, Response
from maturity.core.band_path import path_to_band, path_to_score, path_to_targets
from maturity.core.errors import MaturityError
from maturity.core.framework import NOT_APPLICABLE, Framework
from maturity.core.scoring import Score, score
from tests.strategies import assessments, frameworks

EPS = 1e-9


def _with_efforts(draw: st.DrawFn, fw: Framework) -> Framework:
    data = fw.model_dump(mode="json")
    for domain in data["domains"]:
        for criterion in domain["criteria"]:
            if draw(st.booleans()):
                criterion["effort"] = {
                    lv: draw(st.sampled_from([0.5, 1.0, 2.0, 3.0])) for lv in fw.level_ids[:-1]
                }
    data["scoring"].pop("evidence_required_from", None)  # projections count levels as given
    return Framework.model_validate(data)


def _configurations(fw: Framework, result: Score) -> list[tuple[float, Score]]:
    """Every way of raising the criteria, each with its effort and its score (by `score`)."""
    counted = {c.id: c.level for c in result.criteria}
    movable = [ref for ref, level in counted.items() if level not in (None, NOT_APPLICABLE)]
    choices = [range(fw.rank[counted[ref] or ""], len(fw.levels)) for ref in movable]
    found = []
    for ranks in itertools.product(*choices):
        effort = 0.0
        responses = {ref: Response(level=lv) for ref, lv in counted.items() if lv is not None}
        for ref, rank in zip(movable, ranks, strict=True):
            criterion = fw.criteria[ref][1]
            start = fw.rank[counted[ref] or ""]
            effort += sum(criterion.effort.get(fw.level_ids[k], 1.0) for k in range(start, rank))
            responses[ref] = Response(level=fw.level_ids[rank])
        assessment = Assessment(
            framework=fw.id, unit="City Council/Housing", period="2025/26", responses=responses
        )
        found.append((effort, score(fw, assessment)))
    return found


@st.composite
def small_cases(draw: st.DrawFn) -> tuple[Framework, Score]:
    fw = draw(frameworks(max_domains=2, max_criteria=2))
    assume(len(fw.levels) <= 4)
    fw = _with_efforts(draw, fw)
    assessment = draw(assessments(fw))
    plain = {
        ref: r.model_copy(update={"value": None, "moderated": None})
        for ref, r in assessment.responses.items()
    }
    return fw, score(fw, assessment.model_copy(update={"responses": plain}))


def _best(found: list[tuple[float, Score]], ok: Callable[[Score], bool]) -> float | None:
    costs = [effort for effort, result in found if ok(result)]
    return min(costs) if costs else None


@settings(max_examples=60, deadline=None)
@given(small_cases(), st.sampled_from([0.0, 0.2, 0.4, 0.6, 0.8, 1.0]))
def test_the_path_reaches_the_score_and_no_cheaper_set_does(
    case: tuple[Framework, Score], share: float
) -> None:
    fw, result = case
    lo, hi = fw.score_range()
    minimum = lo + (hi - lo) * share
    found = _configurations(fw, result)

    def reaches(s: Score) -> bool:
        return s.overall.score is not None and s.overall.score + EPS >= minimum

    best = _best(found, reaches)
    if best is None:
        with pytest.raises(MaturityError, match="cannot be reached"):
            path_to_score(fw, result, minimum)
        return
    path = path_to_score(fw, result, minimum)
    assert path.projected_score is not None and path.projected_score + EPS >= minimum
    assert abs(path.effort - best) < EPS
    assert path.exact
    # The projection is the real scoring of the moved levels.
    moved = {c.id: c.level for c in result.criteria}
    moved.update({m.ref: m.to for m in path.moves})
    again = score(
        fw,
        Assessment(
            framework=fw.id,
            unit=result.unit,
            period=result.period,
            responses={ref: Response(level=lv) for ref, lv in moved.items() if lv is not None},
        ),
    )
    assert again.overall.score == path.projected_score


@settings(max_examples=60, deadline=None)
@given(small_cases(), st.data())
def test_the_path_reaches_the_targets_and_no_cheaper_set_does(
    case: tuple[Framework, Score], data: st.DataObject
) -> None:
    fw, result = case
    targets = {
        d.id: data.draw(st.sampled_from(fw.level_ids))
        for d in fw.domains
        if data.draw(st.booleans())
    }
    found = _configurations(fw, result)

    def meets(s: Score) -> bool:
        return all(
            d.level is None or fw.rank[d.level] >= fw.rank[targets[d.id]]
            for d in s.domains
            if d.id in targets
        )

    best = _best(found, meets)
    if best is None:
        with pytest.raises(MaturityError):
            path_to_targets(fw, result, targets)
        return
    path = path_to_targets(fw, result, targets)
    assert abs(path.effort - best) < EPS
    assert path.exact


def _framework(n_domains: int, n_criteria: int, **scoring: Any) -> Framework:
    ids = ["emerging", "developing", "established", "embedded", "leading"]
    return Framework.model_validate(
        {
            "id": "big",
            "name": "Big",
            "version": "1",
            "description": "x",
            "levels": [
                {"id": i, "name": i.title(), "description": "x", "points": n + 1}
                for n, i in enumerate(ids)
            ],
            "scoring": scoring,
            "domains": [
                {
                    "id": f"d{d}",
                    "name": "x",
                    "description": "x",
                    "weight": 1 + d % 3,
                    "criteria": [
                        {
                            "id": f"c{d}-{c}",
                            "title": "x",
                            "description": "x",
                            "weight": 1 + c % 4,
                            "descriptors": dict.fromkeys(ids, "x"),
                            "evidence": dict.fromkeys(ids[1:], "x"),
                            "actions": {i: ["x"] for i in ids[:-1]},
                            "effort": {i: float(1 + (c * 7 + d) % 5) for i in ids[:-1]},
                        }
                        for c in range(n_criteria)
                    ],
                }
                for d in range(n_domains)
            ],
        }
    )


def test_a_large_framework_is_planned_fast() -> None:
    fw = _framework(10, 30)
    responses: Mapping[str, Response] = {
        ref: Response(level=fw.level_ids[i % 2]) for i, ref in enumerate(fw.criteria)
    }
    result = score(
        fw, Assessment(framework="big", unit="A", period="2025/26", responses=dict(responses))
    )
    started = time.perf_counter()
    path = path_to_score(fw, result, 3.5)
    assert time.perf_counter() - started < 10  # about 1.5 s alone; the machine is shared
    assert path.projected_score is not None and path.projected_score >= 3.5 - EPS
    assert not path.exact  # thinned: so large a search with uneven efforts is not exhaustive


def test_next_and_named_bands(tiny_framework: Callable[..., Framework]) -> None:
    fw = tiny_framework(
        points=(1, 2, 3),
        domains=((1, 1),),
        bands=[("Low", 1, 1.99), ("Mid", 2, 2.49), ("High", 2.5, 3)],
    )
    result = score(
        fw,
        Assessment(
            framework="tiny",
            unit="City Council/Housing",
            period="2025/26",
            responses={"d1.c1": Response(level="l1"), "d1.c2": Response(level="l2")},
        ),
    )
    step = path_to_band(fw, result, "next")
    assert (step.goal, step.steps, step.projected_score, step.projected_rating) == (
        "the Mid band",
        1,
        2.0,
        "Mid",
    )
    high = path_to_band(fw, result, "high")
    assert (high.steps, high.projected_rating) == (2, "High")
    assert path_to_band(fw, result, "Low").moves == []
    with pytest.raises(MaturityError) as caught:
        path_to_band(fw, result, "Gold")
    assert (
        str(caught.value)
        == "'Gold' is not a rating band of tiny; use one of Low, Mid, High or next"
    )


def test_plan_shows_the_path_in_its_summary(cli: Callable[..., Any], tmp_path: Any) -> None:
    out = tmp_path / "hr.html"
    result = cli(
        "plan", "assessments/2025-26/hr-od.yaml", "--to-band", "next", "--format", "html",
        "-o", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<h3>Path to the Strong band</h3>" in html
    assert "rated <strong>Strong</strong>" in html
    both = cli("plan", "assessments/2025-26/hr-od.yaml", "--to-band", "next", "--to-target")
    assert both.exit_code == 2
    bad = cli("plan", "assessments/2025-26/hr-od.yaml", "--to-band", "Gold", "-o", out, "--force")
    assert bad.exit_code == 1
    assert bad.output.startswith("Error: 'Gold' is not a rating band of edi-maturity; use one of")
