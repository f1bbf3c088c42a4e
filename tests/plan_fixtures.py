"""A small framework and assessments for the gap, plan and render tests."""

from __future__ import annotations

from typing import Any

from maturity.core.assessment import Assessment
from maturity.core.framework import Framework

LEVELS = ["start", "grow", "firm", "lead"]


def criterion(cid: str, weight: float = 1, metric: dict[str, Any] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": cid,
        "title": f"Title {cid}",
        "description": f"About {cid}.",
        "weight": weight,
        "descriptors": {lv: f"{cid} at {lv}." for lv in LEVELS},
        "evidence": {lv: f"Evidence of {cid} at {lv}." for lv in LEVELS[1:]},
        "actions": {
            lv: [f"{cid}: act from {lv} 1", f"{cid}: act from {lv} 2"] for lv in LEVELS[:-1]
        },
    }
    if metric:
        data["metric"] = metric
    return data


def framework(**scoring: Any) -> Framework:
    return Framework.model_validate(
        {
            "id": "tiny",
            "name": "Tiny framework",
            "version": "1.0",
            "description": "For tests.",
            "levels": [
                {"id": lv, "name": lv.title(), "description": lv, "points": i + 1}
                for i, lv in enumerate(LEVELS)
            ],
            "scoring": {
                "domain_rule": "weighted_mean",
                "overall_rule": "weighted_mean",
                "evidence_required_from": "firm",
                "default_target": "firm",
                **scoring,
            },
            "domains": [
                {
                    "id": "one",
                    "name": "Domain one",
                    "description": "One.",
                    "criteria": [criterion("x", weight=2), criterion("y")],
                },
                {
                    "id": "two",
                    "name": "Domain two",
                    "description": "Two.",
                    "target": "lead",
                    "criteria": [
                        criterion(
                            "z",
                            metric={
                                "name": "Staff declared",
                                "unit": "percent",
                                "direction": "higher",
                                "target": 80,
                                "thresholds": {"grow": 40, "firm": 60, "lead": 70},
                            },
                        ),
                        criterion("w"),
                    ],
                },
            ],
        }
    )


def assessment(responses: dict[str, Any], unit: str = "City Council/Housing") -> Assessment:
    return Assessment.model_validate(
        {"framework": "tiny@1.0", "unit": unit, "period": "2025/26", "responses": responses}
    )
