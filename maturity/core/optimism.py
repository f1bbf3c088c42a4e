"""Optimism: how far a unit's claims sit above what counted.

Pure functions over scored results; no I/O. Every scored criterion keeps the level
the team claimed and the level that counted after the evidence rule, moderation,
a measured value and (under `lens_rule: lowest`) its lens ratings. Optimism puts the
two side by side for a unit and period:

- `gap`: the overall score had every claim counted as made, minus the overall score.
  It is 0 when nothing was capped, moderated or measured lower, and never negative
  when claims were only lowered (every scoring rule rises with its parts).
- `levels_above`: the claims' average distance above what counted, in levels.
- `lowered`, and why: for want of evidence, by moderation, by the measure, by a lens.

A moderator's queue takes the most optimistic submissions first (`moderation_order`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from maturity.core.framework import NOT_APPLICABLE, Framework
from maturity.core.scoring import CriterionScore, Score, roll_up

MEDIUM_FROM = 0.1
"""Claims this many levels above what counted, on average, or more: `medium` confidence."""
LOW_FROM = 0.3
"""... and this many or more: `low` confidence."""


class Confidence(StrEnum):
    """How far the claims can be taken at their word, from how far they sat above what counted."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Cause(StrEnum):
    """Why a claim counted at another level."""

    EVIDENCE = "evidence"
    MODERATION = "moderation"
    MEASURE = "measure"
    LENS = "lens"


CAUSE_WORDS = {
    Cause.EVIDENCE: "for want of evidence",
    Cause.MODERATION: "by moderation",
    Cause.MEASURE: "by the measured value",
    Cause.LENS: "by a lens rating",
}


class Optimism(BaseModel):
    """One unit's claims against what counted, for one period."""

    model_config = ConfigDict(frozen=True)

    unit: str
    period: str
    claimed_score: float | None = Field(
        description="The overall score had every claim counted as made."
    )
    score: float | None = Field(description="The overall score that counted.")
    gap: float | None = Field(
        description="`claimed_score - score`: 0 when every claim counted as made."
    )
    claims: int = Field(description="Criteria claimed at a level of the scale.")
    lowered: int = Field(description="Claims that counted at a lower level.")
    raised: int = Field(description="Claims that counted at a higher level (moderated up, say).")
    levels_above: float = Field(
        description="How many levels the claims sat above what counted, on average (0 without)."
    )
    causes: dict[Cause, int] = Field(description="Lowered claims by cause.")
    confidence: Confidence = Field(description="`high`, `medium` or `low`, from `levels_above`.")


def cause(fw: Framework, criterion: CriterionScore) -> Cause:
    """Why a criterion counted at another level than claimed (in the order scoring applies them)."""
    if criterion.moderated is not None:
        return Cause.MODERATION
    if criterion.metric_level is not None:
        return Cause.MEASURE
    if criterion.capped:
        return Cause.EVIDENCE
    return Cause.LENS


def _claim(criterion: CriterionScore) -> str | None:
    """The level the team claimed, or what counted when it claimed nothing (nothing to weigh)."""
    if not criterion.answered:
        return None
    return criterion.claimed if criterion.claimed is not None else criterion.level


def claimed_score(fw: Framework, result: Score) -> float | None:
    """The overall score had every claim counted as made, by the framework's own rules.

    Each criterion counts at the level the team claimed; one it did not answer counts as
    it did (at the lowest level), and one out of scope stays out.
    """
    claimed = [_as_claimed(fw, c) for c in result.criteria]
    if all(a is b for a, b in zip(claimed, result.criteria, strict=True)):
        return result.overall.score  # every claim counted as made: nothing to roll up again
    return roll_up(fw, result.unit, result.period, result.respondents, claimed).overall.score


def _as_claimed(fw: Framework, criterion: CriterionScore) -> CriterionScore:
    claim = _claim(criterion)
    if claim is None or claim == criterion.level:
        return criterion
    points = None if claim == NOT_APPLICABLE else fw.level(claim).points
    return criterion._replace(level=claim, score=points)


def confidence(levels_above: float) -> Confidence:
    """The confidence a reader can place in the claims (see MEDIUM_FROM and LOW_FROM)."""
    if levels_above >= LOW_FROM - 1e-9:
        return Confidence.LOW
    if levels_above >= MEDIUM_FROM - 1e-9:
        return Confidence.MEDIUM
    return Confidence.HIGH


def optimism(fw: Framework, result: Score) -> Optimism:
    """How far one scored assessment's claims sit above what counted.

    The score must carry its criteria (`Store.scores(with_criteria=True)`).
    """
    rank = fw.rank
    claims = lowered = raised = 0
    distance = 0
    causes = dict.fromkeys(Cause, 0)
    for criterion in result.criteria:
        claim, level = _claim(criterion), criterion.level
        if claim in (None, NOT_APPLICABLE) or level in (None, NOT_APPLICABLE):
            continue
        claims += 1
        step = rank[claim or ""] - rank[level or ""]
        distance += step
        if step > 0:
            lowered += 1
            causes[cause(fw, criterion)] += 1
        elif step < 0:
            raised += 1
    claimed = claimed_score(fw, result)
    counted = result.overall.score
    gap = None if claimed is None or counted is None else claimed - counted
    if gap is not None and abs(gap) < 1e-9:
        gap = 0.0
    above = distance / claims if claims else 0.0
    return Optimism(
        unit=result.unit,
        period=result.period,
        claimed_score=claimed,
        score=counted,
        gap=gap,
        claims=claims,
        lowered=lowered,
        raised=raised,
        levels_above=above,
        causes={c: n for c, n in causes.items() if n},
        confidence=confidence(above),
    )


def moderation_order(findings: Iterable[Optimism]) -> list[Optimism]:
    """Submissions for a moderator, the most optimistic first.

    By the score gap (a claim that would move the overall score most first), then the
    distance in levels, then how many claims counted lower; unit and period break ties.
    A submission with no score to compare comes last.
    """
    return sorted(
        findings,
        key=lambda o: (
            o.gap is None,
            -(o.gap or 0.0),
            -o.levels_above,
            -o.lowered,
            o.unit,
            o.period,
        ),
    )


def trend(history: Sequence[Optimism]) -> float | None:
    """The change in the score gap per year (least squares), over a unit's periods.

    None with fewer than two periods with a gap. Negative means claims are coming closer
    to what counts.
    """
    from maturity.core.benchmark import slope

    return slope([(int(o.period[:4]), o.gap) for o in history if o.gap is not None])


def explain(found: Optimism) -> str:
    """The finding in plain words, as a board reads it."""
    if not found.claims:
        return "No level was claimed, so there is nothing to weigh."
    if not found.lowered:
        text = f"All {found.claims} claims counted as made."
        if found.raised:
            text += f" {found.raised} counted higher after moderation."
        return text
    why = ", ".join(
        f"{n} {CAUSE_WORDS[c]}" for c in Cause if (n := found.causes.get(c, 0)) and n > 0
    )
    text = (
        f"{found.lowered} of {found.claims} claims counted at a lower level ({why}); "
        f"on average claims sat {found.levels_above:.2f} levels above what counted."
    )
    if found.gap:
        text += f" Had every claim counted, the overall score would be {found.gap:.2f} higher."
    return text


def for_scores(
    scores: Iterable[Score], frameworks: Sequence[Framework]
) -> dict[tuple[str, str], Optimism]:
    """Optimism for each scored assessment, by (unit, period), each by its own framework version.

    The scores must carry their criteria.
    """
    by_version = {fw.version: fw for fw in frameworks}
    return {(s.unit, s.period): optimism(by_version[s.framework.version], s) for s in scores}


def trends(found: dict[tuple[str, str], Optimism]) -> dict[tuple[str, str], float | None]:
    """For each (unit, period), the trend of the unit's gap over its periods up to that one."""
    history: dict[str, list[Optimism]] = {}
    for key in sorted(found, key=lambda k: k[1]):
        history.setdefault(key[0], []).append(found[key])
    return {
        (unit, o.period): trend(past[: i + 1])
        for unit, past in history.items()
        for i, o in enumerate(past)
    }
