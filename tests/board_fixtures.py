"""Scored units across periods, built in code, for the board pack, batch and progress tests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from conftest import make_framework

from maturity.core.assessment import Assessment, Response
from maturity.core.framework import Framework
from maturity.core.plan import ActionPlan, PlanItem
from maturity.core.scoring import Score, score

# Levels l1 (1 point) to l4 (4 points); d1 has c1 and a metric criterion c2 counting people;
# d2 has c3. Every domain's target is l3.
COUNT_METRIC: dict[str, Any] = {
    "name": "Disabled staff in the leadership programme",
    "unit": "count",
    "direction": "higher",
    "target": 10,
    "thresholds": {"l2": 2, "l3": 6, "l4": 10},
}


def framework() -> Framework:
    return make_framework(
        points=(1, 2, 3, 4),
        domains=((1, 1), (1,)),
        default_target="l3",
        metrics={"d1.c2": COUNT_METRIC},
    )


def scored(
    fw: Framework,
    unit: str,
    period: str,
    levels: Mapping[str, str],
    value: float | None = None,
    respondents: int = 1,
) -> tuple[Assessment, Score]:
    responses = {ref: Response(level=level, evidence=["Shown"]) for ref, level in levels.items()}
    if value is not None:
        responses["d1.c2"] = Response(value=value, evidence=["Counted"])
    assessment = Assessment(
        framework=fw.id, unit=unit, period=period, respondents=respondents, responses=responses
    )
    return assessment, score(fw, assessment)


def board_scores(fw: Framework) -> list[Score]:
    """Two services under one department, and a third under another, over two periods."""
    rows = [
        ("Council/Adults/Care", "2024/25", {"d1.c1": "l1", "d2.c3": "l2"}, 12.0),
        ("Council/Adults/Care", "2025/26", {"d1.c1": "l3", "d2.c3": "l3"}, 12.0),
        ("Council/Adults/Health", "2024/25", {"d1.c1": "l2", "d2.c3": "l2"}, 7.0),
        ("Council/Adults/Health", "2025/26", {"d1.c1": "l2", "d2.c3": "l2"}, 3.0),
        ("Council/Place/Housing", "2024/25", {"d1.c1": "l4", "d2.c3": "l4"}, 20.0),
        ("Council/Place/Housing", "2025/26", {"d1.c1": "l2", "d2.c3": "l3"}, 15.0),
    ]
    return [scored(fw, u, p, lv, v)[1] for u, p, lv, v in rows]


def fill_store(path: Path, fw: Framework, extra: list[tuple[str, str]] | None = None) -> None:
    """A SQLite store holding `board_scores`' assessments (and any extra units at l2)."""
    from maturity.store import open_store

    rows: list[tuple[Assessment, Score]] = []
    for s in board_scores(fw):
        levels = {c.id: c.claimed for c in s.criteria if c.claimed and c.id != "d1.c2"}
        value = next(c.value for c in s.criteria if c.id == "d1.c2")
        rows.append(scored(fw, s.unit, s.period, levels, value))  # type: ignore[arg-type]
    for unit, period in extra or []:
        rows.append(scored(fw, unit, period, {"d1.c1": "l2", "d2.c3": "l2"}, 9.0))
    with open_store(str(path), create=True) as store:
        for assessment, result in rows:
            store.add(assessment, fw, result, source="test")


def plan(refs: tuple[str, ...] = ("d1.c1", "d2.c3")) -> ActionPlan:
    items = [
        PlanItem(
            ref=ref,
            desired_outcome=f"{ref} at l3.",
            actions=[f"Move {ref} up."],
            lead_service_area="HR",
            lead_officer="Jane Smith",
            timeframe="0-6 months",
            measures=[f"Evidence for {ref}."],
            domain=ref.split(".")[0],
            title=f"Criterion {ref}",
            priority=i,
            current="l1",
            target="l3",
        )
        for i, ref in enumerate(refs, start=1)
    ]
    return ActionPlan(
        organisation="Council",
        unit="Council/Place/Housing",
        period="2025/26",
        framework="tiny@1.0",
        framework_name="Tiny framework",
        drafted_on=date(2026, 4, 1),
        items=items,
    )
