"""What the board pack adds to each unit's scores: how far to trust them, and who they serve.

Pure functions; no I/O. For each assessed unit in the period:

- a confidence indicator from optimism (`maturity.core.optimism`): how far the team's
  claims sat above what counted, in plain words;
- its lens x domain levels (`maturity.core.lens`), when the framework declares lenses and
  the period's assessments are given, with lenses about too few people suppressed.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from maturity.core import suppression
from maturity.core.assessment import Assessment
from maturity.core.framework import Framework
from maturity.core.lens import LensRow, lenses_by_unit
from maturity.core.optimism import Confidence, explain, optimism
from maturity.core.scoring import Score

CONFIDENCE_WORDS = {
    Confidence.HIGH: "High confidence",
    Confidence.MEDIUM: "Medium confidence",
    Confidence.LOW: "Low confidence",
}


class UnitInsight(BaseModel):
    """One assessed unit's confidence indicator and lens results."""

    model_config = ConfigDict(frozen=True)

    unit: str
    label: str = Field(description="The path below the organisation, as the board shows it.")
    confidence: Confidence
    confidence_words: str = Field(description="`High confidence`, say.")
    explanation: str = Field(description="Why, in plain words.")
    gap: float | None = Field(description="How much higher the score would be as claimed.")
    lenses: list[LensRow] = Field(description="Lens x domain levels; empty without ratings.")
    lens_summary: str | None = Field(description="`Embedded for race, ...`; None without.")


def insights(
    now: Sequence[Score],
    frameworks: Sequence[Framework],
    labels: dict[str, str],
    assessments: Sequence[Assessment] | None = None,
    threshold: int = suppression.DEFAULT_THRESHOLD,
) -> list[UnitInsight]:
    """Each scored unit's insight, in the order of `now`.

    The scores must carry their criteria; `assessments` are the period's (respondents of
    one unit are merged by the framework's rule), for the lens results.
    """
    by_version = {fw.version: fw for fw in frameworks}
    framework_of = {(s.unit, s.period): by_version[s.framework.version] for s in now}
    lensed = lenses_by_unit(
        (
            (framework_of[key], a)
            for a in assessments or []
            if (key := (a.unit, a.period)) in framework_of
        ),
        threshold,
    )
    out = []
    for result in now:
        found = optimism(by_version[result.framework.version], result)
        mine = lensed.get((result.unit, result.period))
        rows: list[LensRow] = mine.rows if mine else []
        summary = mine.summary if mine and mine.rows else None
        out.append(
            UnitInsight(
                unit=result.unit,
                label=labels.get(result.unit, result.unit),
                confidence=found.confidence,
                confidence_words=CONFIDENCE_WORDS[found.confidence],
                explanation=explain(found),
                gap=found.gap,
                lenses=rows,
                lens_summary=summary,
            )
        )
    return out
